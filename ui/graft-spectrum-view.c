/* graft-spectrum-view.c: the Spectrum tab: one weight's ESD and the model's α per layer
 *
 * The figures of the selected weight matrix (σmax, norms, ranks, the
 * power-law fit), its empirical spectral density on log–log axes with the
 * fitted line from xmin, and below, every weight matrix of the model as a
 * bar of its α, coloured when it falls outside 2 … 6. Clicking a bar emits
 * ::weight-activated with that weight's path. Spectra are computed in
 * worker threads, only while the tab is shown, and cancelled when the
 * selection moves on.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-spectrum-view"

#include "config.h"

#include "graft-spectrum-view.h"

#include <glib/gi18n.h>
#include <math.h>

#include "graft-background.h"
#include "graft-numbers.h"

#define GRAFT_SPECTRUM_BAR_H 18.0
#define GRAFT_SPECTRUM_BAR_TOP 4.0

typedef struct
{
  char   *path;
  double  alpha;      /* NaN without a fit */
  double  sigma_max;
} GraftSpectrumBar;

struct _GraftSpectrumView
{
  GtkWidget       parent_instance;

  GtkLabel       *status;
  GtkGrid        *grid;
  GtkDrawingArea *esd_area;
  GtkLabel       *overview_label;
  GtkDrawingArea *overview_area;
  GHashTable     *values;        /* figure → GtkLabel */

  GraftModel     *model;
  GraftWeight    *weight;        /* borrowed from model */
  GraftSpectrum  *spectrum;
  GArray         *bars;          /* GraftSpectrumBar */
  GraftModel     *bars_model;    /* the model the bars are for */
  GCancellable   *weight_job;
  GCancellable   *model_job;
  gboolean        dirty;
};

G_DEFINE_FINAL_TYPE (GraftSpectrumView, graft_spectrum_view, GTK_TYPE_WIDGET)

enum { SIGNAL_WEIGHT_ACTIVATED, SIGNAL_COMPUTED, N_SIGNALS };
static guint signals[N_SIGNALS];

static const char *const graft_spectrum_figures[][2] = {
  { "matrix", N_("Matrix") },
  { "sigma_max", N_("σmax") },
  { "frobenius", N_("Frobenius norm") },
  { "stable_rank", N_("Stable rank") },
  { "effective_rank", N_("Effective rank") },
  { "alpha", N_("Power-law α") },
  { "xmin", N_("xmin") },
  { "ks", N_("KS distance") },
  { "n_tail", N_("Tail size") },
};

static GraftFramework
graft_spectrum_view_framework (GraftModel *model)
{
  return graft_format_get_framework (graft_model_get_format (model));
}

static void
graft_spectrum_view_set_figure (GraftSpectrumView *self,
                                const char        *name,
                                const char        *text)
{
  gtk_label_set_text (g_hash_table_lookup (self->values, name), text ? text : "—");
}

static void
graft_spectrum_view_show_figures (GraftSpectrumView *self)
{
  const GraftPowerLaw *fit = self->spectrum ? graft_spectrum_get_fit (self->spectrum) : NULL;
  gsize rows = 0, cols = 0;
  g_autofree char *matrix = NULL;
  g_autofree char *sigma = NULL, *fro = NULL, *stable = NULL, *erank = NULL;
  g_autofree char *alpha = NULL, *xmin = NULL, *ks = NULL, *tail = NULL;

  if (self->spectrum != NULL)
    {
      graft_spectrum_get_matrix_shape (self->spectrum, &rows, &cols);
      matrix = g_strdup_printf ("%" G_GSIZE_FORMAT " × %" G_GSIZE_FORMAT, rows, cols);
      sigma = graft_numbers_value (graft_spectrum_get_sigma_max (self->spectrum));
      fro = graft_numbers_value (graft_spectrum_get_frobenius (self->spectrum));
      stable = g_strdup_printf ("%.2f", graft_spectrum_get_stable_rank (self->spectrum));
      erank = g_strdup_printf ("%.2f", graft_spectrum_get_effective_rank (self->spectrum));
    }
  if (fit != NULL)
    {
      alpha = g_strdup_printf ("%.3f%s", fit->alpha,
                               fit->alpha < 2 ? _(" (below 2)") : fit->alpha > 6 ? _(" (above 6)") : "");
      xmin = graft_numbers_value (fit->xmin);
      ks = g_strdup_printf ("%.3f", fit->ks);
      tail = g_strdup_printf ("%u", fit->n_tail);
    }
  graft_spectrum_view_set_figure (self, "matrix", matrix);
  graft_spectrum_view_set_figure (self, "sigma_max", sigma);
  graft_spectrum_view_set_figure (self, "frobenius", fro);
  graft_spectrum_view_set_figure (self, "stable_rank", stable);
  graft_spectrum_view_set_figure (self, "effective_rank", erank);
  graft_spectrum_view_set_figure (self, "alpha", alpha ? alpha : (self->spectrum ? _("too few values") : NULL));
  graft_spectrum_view_set_figure (self, "xmin", xmin);
  graft_spectrum_view_set_figure (self, "ks", ks);
  graft_spectrum_view_set_figure (self, "n_tail", tail);
  gtk_widget_queue_draw (GTK_WIDGET (self->esd_area));
}

/* ---- the selected weight ------------------------------------------------ */

typedef struct
{
  GraftTensor        *tensor;
  GraftMatrixReading  reading;
} GraftSpectrumJob;

static void
graft_spectrum_job_free (gpointer data)
{
  GraftSpectrumJob *job = data;

  graft_tensor_unref (job->tensor);
  g_free (job);
}

static void
graft_spectrum_view_weight_thread (GTask        *task,
                                   gpointer      source_object,
                                   gpointer      task_data,
                                   GCancellable *cancellable)
{
  GraftSpectrumJob *job = task_data;
  GError *error = NULL;
  GraftSpectrum *s = graft_spectrum_compute (job->tensor, job->reading, cancellable, &error);

  if (s == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, s, (GDestroyNotify) graft_spectrum_free);
}

static void
graft_spectrum_view_weight_done (GObject      *object,
                                 GAsyncResult *result,
                                 gpointer      user_data)
{
  GraftSpectrumView *self = GRAFT_SPECTRUM_VIEW (object);
  g_autoptr(GError) error = NULL;
  GraftSpectrum *s = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_task_get_cancellable (G_TASK (result)) != self->weight_job)
    {
      g_clear_pointer (&s, graft_spectrum_free);
      return;
    }
  g_clear_object (&self->weight_job);
  g_clear_pointer (&self->spectrum, graft_spectrum_free);
  self->spectrum = s;
  gtk_label_set_text (self->status, s ? graft_weight_get_path (self->weight) : error->message);
  graft_spectrum_view_show_figures (self);
  g_signal_emit (self, signals[SIGNAL_COMPUTED], 0);
}

/* ---- every weight of the model ------------------------------------------ */

typedef struct
{
  GPtrArray *tensors;   /* GraftTensor */
  GPtrArray *paths;     /* char * */
  GArray    *readings;  /* GraftMatrixReading */
  GArray    *bars;      /* result */
} GraftSpectrumModelJob;

static void
graft_spectrum_model_job_free (gpointer data)
{
  GraftSpectrumModelJob *job = data;

  g_ptr_array_unref (job->tensors);
  g_ptr_array_unref (job->paths);
  g_array_unref (job->readings);
  if (job->bars != NULL)
    g_array_unref (job->bars);
  g_free (job);
}

static void
graft_spectrum_bar_clear (gpointer data)
{
  g_free (((GraftSpectrumBar *) data)->path);
}

static void
graft_spectrum_view_model_thread (GTask        *task,
                                  gpointer      source_object,
                                  gpointer      task_data,
                                  GCancellable *cancellable)
{
  GraftSpectrumModelJob *job = task_data;

  for (guint i = 0; i < job->tensors->len; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GraftSpectrum) s = graft_spectrum_compute (g_ptr_array_index (job->tensors, i),
                                                          g_array_index (job->readings, GraftMatrixReading, i),
                                                          cancellable, &error);
      GraftSpectrumBar bar = { g_strdup (g_ptr_array_index (job->paths, i)), NAN, NAN };

      if (g_cancellable_is_cancelled (cancellable))
        {
          g_free (bar.path);
          g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "cancelled");
          return;
        }
      if (s != NULL)
        {
          const GraftPowerLaw *fit = graft_spectrum_get_fit (s);

          bar.alpha = fit ? fit->alpha : NAN;
          bar.sigma_max = graft_spectrum_get_sigma_max (s);
        }
      g_array_append_val (job->bars, bar);
    }
  g_task_return_boolean (task, TRUE);
}

static void
graft_spectrum_view_model_done (GObject      *object,
                                GAsyncResult *result,
                                gpointer      user_data)
{
  GraftSpectrumView *self = GRAFT_SPECTRUM_VIEW (object);
  GraftSpectrumModelJob *job = g_task_get_task_data (G_TASK (result));
  guint n_flagged = 0;
  g_autofree char *text = NULL;

  if (g_task_get_cancellable (G_TASK (result)) != self->model_job ||
      !g_task_propagate_boolean (G_TASK (result), NULL))
    return;
  g_clear_object (&self->model_job);
  g_clear_pointer (&self->bars, g_array_unref);
  self->bars = g_steal_pointer (&job->bars);
  for (guint i = 0; i < self->bars->len; i++)
    {
      double a = g_array_index (self->bars, GraftSpectrumBar, i).alpha;

      if (!isnan (a) && (a < 2 || a > 6))
        n_flagged++;
    }
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "α of %u weight matrix (%u outside 2 … 6); click a bar to show it",
                                       "α of %u weight matrices (%u outside 2 … 6); click a bar to show it",
                                       self->bars->len), self->bars->len, n_flagged);
  gtk_label_set_text (self->overview_label, text);
  gtk_widget_set_size_request (GTK_WIDGET (self->overview_area), -1,
                               (int) (GRAFT_SPECTRUM_BAR_TOP * 2 + self->bars->len * GRAFT_SPECTRUM_BAR_H));
  gtk_widget_queue_draw (GTK_WIDGET (self->overview_area));
  g_signal_emit (self, signals[SIGNAL_COMPUTED], 0);
}

static void
graft_spectrum_view_start_model (GraftSpectrumView *self)
{
  g_autoptr(GTask) task = NULL;
  GraftSpectrumModelJob *job;

  if (self->model == NULL || self->bars_model == self->model)
    return;
  g_clear_pointer (&self->bars_model, graft_model_unref);
  self->bars_model = graft_model_ref (self->model);
  if (self->model_job != NULL)
    g_cancellable_cancel (self->model_job);
  g_clear_object (&self->model_job);
  self->model_job = g_cancellable_new ();
  job = g_new0 (GraftSpectrumModelJob, 1);
  job->tensors = g_ptr_array_new_with_free_func ((GDestroyNotify) graft_tensor_unref);
  job->paths = g_ptr_array_new_with_free_func (g_free);
  job->readings = g_array_new (FALSE, FALSE, sizeof (GraftMatrixReading));
  job->bars = g_array_new (FALSE, TRUE, sizeof (GraftSpectrumBar));
  g_array_set_clear_func (job->bars, graft_spectrum_bar_clear);
  for (guint i = 0; i < graft_model_get_n_weights (self->model); i++)
    {
      GraftWeight *w = graft_model_get_weight (self->model, i);
      GraftMatrixReading r;

      if (!graft_spectrum_wants (w))
        continue;
      r = graft_spectrum_reading_for (w, graft_spectrum_view_framework (self->model));
      g_ptr_array_add (job->tensors, graft_tensor_ref (graft_weight_get_tensor (w)));
      g_ptr_array_add (job->paths, g_strdup (graft_weight_get_path (w)));
      g_array_append_val (job->readings, r);
    }
  gtk_label_set_text (self->overview_label, _("Computing the spectra of every layer…"));
  task = g_task_new (self, self->model_job, graft_spectrum_view_model_done, NULL);
  g_task_set_task_data (task, job, graft_spectrum_model_job_free);
  graft_background_run (task, graft_spectrum_view_model_thread);
}

static void
graft_spectrum_view_start (GraftSpectrumView *self)
{
  g_autoptr(GTask) task = NULL;
  GraftSpectrumJob *job;

  self->dirty = FALSE;
  graft_spectrum_view_start_model (self);
  if (self->weight_job != NULL)
    g_cancellable_cancel (self->weight_job);
  g_clear_object (&self->weight_job);
  g_clear_pointer (&self->spectrum, graft_spectrum_free);
  if (self->weight == NULL || !graft_spectrum_wants (self->weight))
    {
      gtk_label_set_text (self->status, self->weight
                          ? _("A vector or a bias has no spectrum: select a weight matrix")
                          : _("Select a weight matrix to see its spectrum"));
      graft_spectrum_view_show_figures (self);
      return;
    }
  gtk_label_set_text (self->status, _("Computing the singular values…"));
  graft_spectrum_view_show_figures (self);
  self->weight_job = g_cancellable_new ();
  job = g_new0 (GraftSpectrumJob, 1);
  job->tensor = graft_tensor_ref (graft_weight_get_tensor (self->weight));
  job->reading = graft_spectrum_reading_for (self->weight, graft_spectrum_view_framework (self->model));
  task = g_task_new (self, self->weight_job, graft_spectrum_view_weight_done, NULL);
  g_task_set_task_data (task, job, graft_spectrum_job_free);
  graft_background_run (task, graft_spectrum_view_weight_thread);
}

/**
 * graft_spectrum_view_set_weight:
 * @model: (nullable): the model @weight belongs to
 * @weight: (nullable): the weight to show
 *
 * Computed at once when the view is shown, else when it next is.
 */
void
graft_spectrum_view_set_weight (GraftSpectrumView *self,
                                GraftModel        *model,
                                GraftWeight       *weight)
{
  g_return_if_fail (GRAFT_IS_SPECTRUM_VIEW (self));

  if (model != self->model)
    {
      g_clear_pointer (&self->model, graft_model_unref);
      self->model = model ? graft_model_ref (model) : NULL;
    }
  self->weight = weight;
  self->dirty = TRUE;
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    graft_spectrum_view_start (self);
}

static void
graft_spectrum_view_map (GtkWidget *widget)
{
  GraftSpectrumView *self = GRAFT_SPECTRUM_VIEW (widget);

  GTK_WIDGET_CLASS (graft_spectrum_view_parent_class)->map (widget);
  if (self->dirty)
    graft_spectrum_view_start (self);
}

/* ---- drawing ------------------------------------------------------------- */

static void
graft_spectrum_view_draw_esd (GtkDrawingArea *area,
                              cairo_t        *cr,
                              int             width,
                              int             height,
                              gpointer        user_data)
{
  GraftSpectrumView *self = user_data;
  const GraftPowerLaw *fit;
  const double *lam;
  gsize n;
  guint n_bins;
  double lo, hi, dmin = INFINITY, dmax = -INFINITY, pad = 24;
  g_autofree double *density = NULL;
  GdkRGBA fg;
  double plot_w = width - 2 * pad, plot_h = height - 2 * pad;

  if (self->spectrum == NULL || plot_w < 20 || plot_h < 20)
    return;
  lam = graft_spectrum_get_eigenvalues (self->spectrum, &n);
  if (n < 2)
    return;
  fit = graft_spectrum_get_fit (self->spectrum);
  lo = log10 (lam[0]);
  hi = log10 (lam[n - 1]);
  if (hi - lo < 1e-6)
    hi = lo + 1;
  n_bins = CLAMP ((guint) (n / 3), 5, 40);
  density = g_new0 (double, n_bins);
  for (gsize i = 0; i < n; i++)
    {
      guint b = MIN (n_bins - 1, (guint) ((log10 (lam[i]) - lo) / (hi - lo) * n_bins));

      density[b] += 1;
    }
  for (guint b = 0; b < n_bins; b++)
    {
      double e0 = pow (10, lo + (hi - lo) * b / n_bins), e1 = pow (10, lo + (hi - lo) * (b + 1) / n_bins);

      density[b] = density[b] > 0 ? log10 (density[b] / (n * (e1 - e0))) : NAN;
      if (!isnan (density[b]))
        dmin = MIN (dmin, density[b]), dmax = MAX (dmax, density[b]);
    }
  if (fit != NULL)
    {
      double top = log10 ((fit->alpha - 1) / fit->xmin * fit->n_tail / n);

      dmax = MAX (dmax, top);
      dmin = MIN (dmin, top - fit->alpha * (hi - log10 (fit->xmin)));
    }
  if (!(dmax > dmin))
    dmax = dmin + 1;

  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (area)), &fg);
#define X(v) (pad + ((v) - lo) / (hi - lo) * plot_w)
#define Y(v) (pad + plot_h - ((v) - dmin) / (dmax - dmin) * plot_h)
  /* Axes and their ends. */
  cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.5);
  cairo_set_line_width (cr, 1);
  cairo_move_to (cr, pad, pad);
  cairo_line_to (cr, pad, pad + plot_h);
  cairo_line_to (cr, pad + plot_w, pad + plot_h);
  cairo_stroke (cr);
  {
    g_autofree char *l0 = g_strdup_printf ("λ = %.3g", lam[0]);
    g_autofree char *l1 = g_strdup_printf ("%.3g", lam[n - 1]);
    cairo_text_extents_t ext;

    cairo_set_font_size (cr, 10);
    cairo_move_to (cr, pad, height - 6);
    cairo_show_text (cr, l0);
    cairo_text_extents (cr, l1, &ext);
    cairo_move_to (cr, pad + plot_w - ext.width, height - 6);
    cairo_show_text (cr, l1);
    cairo_move_to (cr, pad + 4, pad - 8);
    cairo_show_text (cr, _("density (log–log)"));
  }
  /* The histogram as points joined by steps. */
  cairo_set_source_rgba (cr, 0.21, 0.52, 0.89, 0.85);
  for (guint b = 0; b < n_bins; b++)
    {
      double x0 = X (lo + (hi - lo) * b / n_bins), x1 = X (lo + (hi - lo) * (b + 1) / n_bins);

      if (isnan (density[b]))
        continue;
      cairo_rectangle (cr, x0 + 0.5, Y (density[b]), MAX (1, x1 - x0 - 1), pad + plot_h - Y (density[b]));
    }
  cairo_fill (cr);
  if (fit != NULL)
    {
      double x0 = log10 (fit->xmin), c = log10 ((fit->alpha - 1) / fit->xmin * fit->n_tail / n);
      static const double dash[] = { 4, 3 };

      /* The fitted density from xmin: log p = c − α (log x − log xmin). */
      cairo_set_source_rgba (cr, 0.88, 0.11, 0.14, 1);
      cairo_set_line_width (cr, 2);
      cairo_move_to (cr, X (x0), Y (c));
      cairo_line_to (cr, X (hi), Y (c - fit->alpha * (hi - x0)));
      cairo_stroke (cr);
      cairo_set_line_width (cr, 1);
      cairo_set_dash (cr, dash, 2, 0);
      cairo_move_to (cr, X (x0), pad);
      cairo_line_to (cr, X (x0), pad + plot_h);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
      cairo_move_to (cr, X (x0) + 3, pad + 10);
      cairo_show_text (cr, "xmin");
    }
#undef X
#undef Y
}

static void
graft_spectrum_view_draw_overview (GtkDrawingArea *area,
                                   cairo_t        *cr,
                                   int             width,
                                   int             height,
                                   gpointer        user_data)
{
  GraftSpectrumView *self = user_data;
  double label_w = MIN (width * 0.4, 160), scale = 8;
  GdkRGBA fg;

  if (self->bars == NULL)
    return;
  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (area)), &fg);
  for (guint i = 0; i < self->bars->len; i++)
    scale = MAX (scale, g_array_index (self->bars, GraftSpectrumBar, i).alpha);
  cairo_set_font_size (cr, 10);
  for (guint i = 0; i < self->bars->len; i++)
    {
      GraftSpectrumBar *bar = &g_array_index (self->bars, GraftSpectrumBar, i);
      double y = GRAFT_SPECTRUM_BAR_TOP + i * GRAFT_SPECTRUM_BAR_H;
      double bw = isnan (bar->alpha) ? 0 : (width - label_w - 80) * bar->alpha / scale;
      g_autofree char *value = isnan (bar->alpha)
                               ? g_strdup_printf ("— · σ %.3g", bar->sigma_max)
                               : g_strdup_printf ("%.2f · σ %.3g", bar->alpha, bar->sigma_max);
      gboolean selected = self->weight && g_strcmp0 (graft_weight_get_path (self->weight), bar->path) == 0;

      cairo_save (cr);
      cairo_rectangle (cr, 0, y, label_w - 4, GRAFT_SPECTRUM_BAR_H);
      cairo_clip (cr);
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, selected ? 1.0 : 0.75);
      cairo_move_to (cr, 0, y + 13);
      cairo_show_text (cr, bar->path);
      cairo_restore (cr);
      if (isnan (bar->alpha))
        cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.3);
      else if (bar->alpha < 2)
        cairo_set_source_rgb (cr, 0.88, 0.11, 0.14);
      else if (bar->alpha > 6)
        cairo_set_source_rgb (cr, 0.90, 0.57, 0.04);
      else
        cairo_set_source_rgb (cr, 0.21, 0.52, 0.89);
      cairo_rectangle (cr, label_w, y + 3, MAX (bw, 1), GRAFT_SPECTRUM_BAR_H - 6);
      cairo_fill (cr);
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.8);
      cairo_move_to (cr, label_w + MAX (bw, 1) + 4, y + 13);
      cairo_show_text (cr, value);
    }
  /* The healthy band, 2 … 6. */
  {
    static const double dash[] = { 2, 3 };
    double bar_area = width - label_w - 80;

    cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.35);
    cairo_set_dash (cr, dash, 2, 0);
    for (guint k = 0; k < 2; k++)
      {
        double x = label_w + bar_area * (k == 0 ? 2 : 6) / scale;

        cairo_move_to (cr, x, 0);
        cairo_line_to (cr, x, height);
      }
    cairo_stroke (cr);
  }
}

/* ---- bars ---------------------------------------------------------------- */

guint
graft_spectrum_view_get_n_bars (GraftSpectrumView *self)
{
  return self->bars ? self->bars->len : 0;
}

/**
 * graft_spectrum_view_get_bar:
 *
 * Returns: the weight path of bar @i, with its α (NaN without a fit) and σmax
 */
const char *
graft_spectrum_view_get_bar (GraftSpectrumView *self,
                             guint              i,
                             double            *alpha,
                             double            *sigma_max)
{
  GraftSpectrumBar *bar;

  g_return_val_if_fail (i < graft_spectrum_view_get_n_bars (self), NULL);
  bar = &g_array_index (self->bars, GraftSpectrumBar, i);
  if (alpha)
    *alpha = bar->alpha;
  if (sigma_max)
    *sigma_max = bar->sigma_max;
  return bar->path;
}

/* The bar under a point of the overview, in its coordinates. */
gboolean
graft_spectrum_view_bar_at (GraftSpectrumView *self,
                            double             y,
                            guint             *i)
{
  double k = (y - GRAFT_SPECTRUM_BAR_TOP) / GRAFT_SPECTRUM_BAR_H;

  if (self->bars == NULL || k < 0 || k >= self->bars->len)
    return FALSE;
  *i = (guint) k;
  return TRUE;
}

/* The middle of bar @i, in the view's own coordinates. */
double
graft_spectrum_view_bar_y (GraftSpectrumView *self,
                           guint              i)
{
  graphene_point_t p = GRAPHENE_POINT_INIT (0, GRAFT_SPECTRUM_BAR_TOP + (i + 0.5) * GRAFT_SPECTRUM_BAR_H);
  graphene_point_t out;

  if (!gtk_widget_compute_point (GTK_WIDGET (self->overview_area), GTK_WIDGET (self), &p, &out))
    return -1;
  return out.y;
}

void
graft_spectrum_view_activate_bar (GraftSpectrumView *self,
                                  guint              i)
{
  g_return_if_fail (i < graft_spectrum_view_get_n_bars (self));
  g_signal_emit (self, signals[SIGNAL_WEIGHT_ACTIVATED], 0,
                 g_array_index (self->bars, GraftSpectrumBar, i).path);
}

static void
graft_spectrum_view_click_cb (GtkGestureClick   *gesture,
                              int                n_press,
                              double             x,
                              double             y,
                              GraftSpectrumView *self)
{
  guint i;

  if (graft_spectrum_view_bar_at (self, y, &i))
    graft_spectrum_view_activate_bar (self, i);
}

gboolean
graft_spectrum_view_is_busy (GraftSpectrumView *self)
{
  return self->weight_job != NULL || self->model_job != NULL;
}

/**
 * graft_spectrum_view_get_spectrum:
 *
 * Returns: (nullable): the selected weight's spectrum, once computed
 */
const GraftSpectrum *
graft_spectrum_view_get_spectrum (GraftSpectrumView *self)
{
  return self->spectrum;
}

/* ---- the widget ---------------------------------------------------------- */

static void
graft_spectrum_view_dispose (GObject *object)
{
  GraftSpectrumView *self = GRAFT_SPECTRUM_VIEW (object);
  GtkWidget *child;

  if (self->weight_job)
    g_cancellable_cancel (self->weight_job);
  if (self->model_job)
    g_cancellable_cancel (self->model_job);
  g_clear_object (&self->weight_job);
  g_clear_object (&self->model_job);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_pointer (&self->spectrum, graft_spectrum_free);
  g_clear_pointer (&self->bars, g_array_unref);
  g_clear_pointer (&self->values, g_hash_table_unref);
  g_clear_pointer (&self->model, graft_model_unref);
  g_clear_pointer (&self->bars_model, graft_model_unref);
  G_OBJECT_CLASS (graft_spectrum_view_parent_class)->dispose (object);
}

static void
graft_spectrum_view_class_init (GraftSpectrumViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = graft_spectrum_view_dispose;
  widget_class->map = graft_spectrum_view_map;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);

  /**
   * GraftSpectrumView::weight-activated:
   * @path: the weight path of the bar clicked
   */
  signals[SIGNAL_WEIGHT_ACTIVATED] =
    g_signal_new ("weight-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * GraftSpectrumView::computed:
   *
   * A spectrum or the overview finished.
   */
  signals[SIGNAL_COMPUTED] =
    g_signal_new ("computed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
graft_spectrum_view_init (GraftSpectrumView *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GtkGesture *click;

  gtk_orientable_set_orientation (GTK_ORIENTABLE (gtk_widget_get_layout_manager (widget)),
                                  GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (gtk_widget_get_layout_manager (widget)), 8);
  self->values = g_hash_table_new (g_str_hash, g_str_equal);

  self->status = GTK_LABEL (gtk_label_new (_("Select a weight matrix to see its spectrum")));
  gtk_label_set_xalign (self->status, 0);
  gtk_label_set_wrap (self->status, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->status), "heading");
  gtk_widget_set_parent (GTK_WIDGET (self->status), widget);

  self->grid = GTK_GRID (gtk_grid_new ());
  gtk_grid_set_column_spacing (self->grid, 12);
  for (guint i = 0; i < G_N_ELEMENTS (graft_spectrum_figures); i++)
    {
      GtkWidget *name = gtk_label_new (_(graft_spectrum_figures[i][1]));
      GtkWidget *value = gtk_label_new ("—");

      gtk_label_set_xalign (GTK_LABEL (name), 0);
      gtk_widget_add_css_class (name, "dim-label");
      gtk_label_set_xalign (GTK_LABEL (value), 1);
      gtk_widget_set_hexpand (value, TRUE);
      gtk_label_set_selectable (GTK_LABEL (value), TRUE);
      gtk_grid_attach (self->grid, name, 0, i, 1, 1);
      gtk_grid_attach (self->grid, value, 1, i, 1, 1);
      g_hash_table_insert (self->values, (gpointer) graft_spectrum_figures[i][0], value);
    }
  gtk_widget_set_parent (GTK_WIDGET (self->grid), widget);

  self->esd_area = GTK_DRAWING_AREA (gtk_drawing_area_new ());
  gtk_widget_set_size_request (GTK_WIDGET (self->esd_area), 180, 170);
  gtk_drawing_area_set_draw_func (self->esd_area, graft_spectrum_view_draw_esd, self, NULL);
  gtk_widget_set_parent (GTK_WIDGET (self->esd_area), widget);

  self->overview_label = GTK_LABEL (gtk_label_new (""));
  gtk_label_set_xalign (self->overview_label, 0);
  gtk_label_set_wrap (self->overview_label, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->overview_label), "caption");
  gtk_widget_set_parent (GTK_WIDGET (self->overview_label), widget);

  self->overview_area = GTK_DRAWING_AREA (gtk_drawing_area_new ());
  gtk_drawing_area_set_draw_func (self->overview_area, graft_spectrum_view_draw_overview, self, NULL);
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self->overview_area), "pointer");
  click = gtk_gesture_click_new ();
  g_signal_connect (click, "pressed", G_CALLBACK (graft_spectrum_view_click_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->overview_area), GTK_EVENT_CONTROLLER (click));
  gtk_widget_set_parent (GTK_WIDGET (self->overview_area), widget);
}

GtkWidget *
graft_spectrum_view_new (void)
{
  return g_object_new (GRAFT_TYPE_SPECTRUM_VIEW, NULL);
}
