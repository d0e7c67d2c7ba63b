/* graft-stats-view.c: the figures and histogram of one tensor
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-stats-view"

#include "config.h"

#include "graft-stats-view.h"

#include <glib/gi18n.h>
#include <math.h>

#include "graft-numbers.h"

/* The rows of the table, in order; percentiles follow. */
static const char * const graft_stats_view_rows[] = {
  "elements", "min", "max", "mean", "std", "l2", "zeros", "nan", "inf",
};

struct _GraftStatsView
{
  GtkWidget       parent_instance;

  /* Template widgets */
  GtkSpinner     *spinner;
  GtkGrid        *grid;
  GtkDrawingArea *histogram_area;
  GtkLabel       *range_label;

  /* Owned */
  GraftTensor    *tensor;
  GCancellable   *cancellable;
  GraftHistogram *histogram;
  GHashTable     *values;  /* row name → GtkLabel (borrowed from the grid) */
  GraftStats      stats;

  guint           have_stats : 1;
  guint           busy : 1;
};

G_DEFINE_FINAL_TYPE (GraftStatsView, graft_stats_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_BUSY,
  N_PROPS
};

enum {
  SIGNAL_COMPUTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

typedef struct
{
  GraftTensor    *tensor;
  GraftStats      stats;
  double          percentiles[GRAFT_STATS_N_PERCENTILES];
  GraftHistogram *histogram;
} GraftStatsViewJob;

static void
graft_stats_view_job_free (gpointer data)
{
  GraftStatsViewJob *job = data;

  g_clear_pointer (&job->tensor, graft_tensor_unref);
  g_clear_pointer (&job->histogram, graft_histogram_free);
  g_free (job);
}

static void
graft_stats_view_thread (GTask        *task,
                         gpointer      source_object,
                         gpointer      task_data,
                         GCancellable *cancellable)
{
  GraftStatsViewJob *job = task_data;
  GError *error = NULL;

  if (!graft_stats_compute (job->tensor, &job->stats, cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (!graft_stats_compute_percentiles (job->tensor, GRAFT_STATS_FLAGS_NONE,
                                        graft_stats_percentile_levels,
                                        GRAFT_STATS_N_PERCENTILES, job->percentiles,
                                        cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (job->stats.n_finite > 0)
    {
      job->histogram = graft_stats_compute_histogram (job->tensor, &job->stats,
                                                      GRAFT_STATS_DEFAULT_BINS, cancellable,
                                                      &error);
      if (job->histogram == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
    }
  g_task_return_boolean (task, TRUE);
}

static void
graft_stats_view_set_figure (GraftStatsView *self,
                             const char     *name,
                             const char     *text)
{
  GtkLabel *label = g_hash_table_lookup (self->values, name);

  if (label != NULL)
    gtk_label_set_text (label, text ? text : "—");
}

static void
graft_stats_view_set_value (GraftStatsView *self,
                            const char     *name,
                            double          value)
{
  g_autofree char *text = graft_numbers_value (value);

  graft_stats_view_set_figure (self, name, text);
}

static void
graft_stats_view_set_count (GraftStatsView *self,
                            const char     *name,
                            guint64         count,
                            guint64         total)
{
  g_autofree char *n = graft_numbers_count (count);
  g_autofree char *text = NULL;

  if (total > 0 && count > 0)
    text = g_strdup_printf ("%s (%.3g %%)", n, 100.0 * count / total);
  graft_stats_view_set_figure (self, name, text ? text : n);
}

static void
graft_stats_view_clear (GraftStatsView *self)
{
  GHashTableIter iter;
  gpointer label;

  g_hash_table_iter_init (&iter, self->values);
  while (g_hash_table_iter_next (&iter, NULL, &label))
    gtk_label_set_text (label, "—");
  gtk_label_set_text (self->range_label, "");
  g_clear_pointer (&self->histogram, graft_histogram_free);
  self->have_stats = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self->histogram_area));
}

static void
graft_stats_view_set_busy (GraftStatsView *self,
                           gboolean        busy)
{
  self->busy = !!busy;
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
graft_stats_view_done_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  GraftStatsView *self = GRAFT_STATS_VIEW (object);
  GraftStatsViewJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  const GraftStats *s = &job->stats;

  if (job->tensor != self->tensor)
    return;
  graft_stats_view_set_busy (self, FALSE);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, GRAFT_ERROR, GRAFT_ERROR_CANCELLED) &&
          !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        gtk_label_set_text (self->range_label, error->message);
      return;
    }

  self->stats = *s;
  self->have_stats = TRUE;
  graft_stats_view_set_count (self, "elements", s->count, 0);
  graft_stats_view_set_value (self, "min", s->min);
  graft_stats_view_set_value (self, "max", s->max);
  graft_stats_view_set_value (self, "mean", s->mean);
  graft_stats_view_set_value (self, "std", s->std);
  graft_stats_view_set_value (self, "l2", s->l2);
  graft_stats_view_set_count (self, "zeros", s->zeros, s->count);
  graft_stats_view_set_count (self, "nan", s->nan, s->count);
  graft_stats_view_set_count (self, "inf", s->pos_inf + s->neg_inf, s->count);
  for (guint i = 0; i < GRAFT_STATS_N_PERCENTILES; i++)
    {
      g_autofree char *name = g_strdup_printf ("p%g", graft_stats_percentile_levels[i]);

      graft_stats_view_set_value (self, name, job->percentiles[i]);
    }

  self->histogram = g_steal_pointer (&job->histogram);
  if (self->histogram != NULL)
    {
      g_autofree char *lo = graft_numbers_value (self->histogram->lo);
      g_autofree char *hi = graft_numbers_value (self->histogram->hi);
      g_autofree char *text = g_strdup_printf (_("%u bins from %s to %s"),
                                               self->histogram->n_bins, lo, hi);

      gtk_label_set_text (self->range_label, text);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self->histogram_area));
  g_signal_emit (self, signals[SIGNAL_COMPUTED], 0,
                 s->nan + s->pos_inf + s->neg_inf > 0);
}

static void
graft_stats_view_draw_histogram (GtkDrawingArea *area,
                                 cairo_t        *cr,
                                 int             width,
                                 int             height,
                                 gpointer        user_data)
{
  GraftStatsView *self = user_data;
  GraftHistogram *h = self->histogram;
  GdkRGBA fg;
  guint64 peak = 0;
  double bar_w;

  if (h == NULL || h->n_bins == 0 || width < 4 || height < 4)
    return;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (area)), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS

  for (guint i = 0; i < h->n_bins; i++)
    peak = MAX (peak, h->counts[i]);
  if (peak == 0)
    return;

  /* Axis line, then one bar per bin; square-root heights keep small bins
   * visible next to a spike at zero. */
  cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.35);
  cairo_rectangle (cr, 0, height - 1, width, 1);
  cairo_fill (cr);

  bar_w = (double) width / h->n_bins;
  cairo_set_source_rgba (cr, 0.21, 0.52, 0.89, 1.0);
  for (guint i = 0; i < h->n_bins; i++)
    {
      double frac = sqrt ((double) h->counts[i] / peak);
      double bh = floor (frac * (height - 2));

      if (h->counts[i] > 0 && bh < 1)
        bh = 1;
      cairo_rectangle (cr, floor (i * bar_w), height - 1 - bh,
                       MAX (1, floor ((i + 1) * bar_w) - floor (i * bar_w) - (bar_w > 3 ? 1 : 0)),
                       bh);
    }
  cairo_fill (cr);

  /* Where zero falls, when it is inside the range. */
  if (h->lo < 0 && h->hi > 0)
    {
      double x = round ((0 - h->lo) / (h->hi - h->lo) * width);

      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.6);
      cairo_rectangle (cr, x, 0, 1, height);
      cairo_fill (cr);
    }
}

static void
graft_stats_view_add_row (GraftStatsView *self,
                          const char     *name,
                          const char     *title,
                          int             row)
{
  GtkWidget *key = gtk_label_new (title);
  GtkWidget *value = gtk_label_new ("—");

  gtk_label_set_xalign (GTK_LABEL (key), 0);
  gtk_widget_add_css_class (key, "dim-label");
  gtk_label_set_xalign (GTK_LABEL (value), 1);
  gtk_label_set_selectable (GTK_LABEL (value), TRUE);
  gtk_widget_set_hexpand (value, TRUE);
  gtk_widget_add_css_class (value, "numeric");
  gtk_grid_attach (self->grid, key, 0, row, 1, 1);
  gtk_grid_attach (self->grid, value, 1, row, 1, 1);
  g_hash_table_insert (self->values, g_strdup (name), value);
}

static void
graft_stats_view_dispose (GObject *object)
{
  GraftStatsView *self = (GraftStatsView *) object;
  GtkWidget *child;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), GRAFT_TYPE_STATS_VIEW);
  /* Children the template did not name are ours to unparent. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->tensor, graft_tensor_unref);
  g_clear_pointer (&self->histogram, graft_histogram_free);
  g_clear_pointer (&self->values, g_hash_table_unref);

  G_OBJECT_CLASS (graft_stats_view_parent_class)->dispose (object);
}

static void
graft_stats_view_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  GraftStatsView *self = GRAFT_STATS_VIEW (object);

  switch (prop_id)
    {
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
graft_stats_view_class_init (GraftStatsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = graft_stats_view_dispose;
  object_class->get_property = graft_stats_view_get_property;

  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * GraftStatsView::computed:
   * @nonfinite: the tensor holds NaN or ±Inf
   *
   * The figures of the current tensor are shown.
   */
  signals[SIGNAL_COMPUTED] =
    g_signal_new ("computed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/gnome/Graft/ui/graft-stats-view.ui");
  gtk_widget_class_bind_template_child (widget_class, GraftStatsView, spinner);
  gtk_widget_class_bind_template_child (widget_class, GraftStatsView, grid);
  gtk_widget_class_bind_template_child (widget_class, GraftStatsView, histogram_area);
  gtk_widget_class_bind_template_child (widget_class, GraftStatsView, range_label);

  gtk_widget_class_set_css_name (widget_class, "graftstats");
}

static void
graft_stats_view_init (GraftStatsView *self)
{
  const char *titles[] = {
    N_("Elements"), N_("Minimum"), N_("Maximum"), N_("Mean"), N_("Std. deviation"),
    N_("L2 norm"), N_("Zeros"), N_("NaN"), N_("±Inf"),
  };
  int row = 0;

  G_STATIC_ASSERT (G_N_ELEMENTS (titles) == G_N_ELEMENTS (graft_stats_view_rows));

  gtk_widget_init_template (GTK_WIDGET (self));
  self->values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (graft_stats_view_rows); i++)
    graft_stats_view_add_row (self, graft_stats_view_rows[i], _(titles[i]), row++);
  for (guint i = 0; i < GRAFT_STATS_N_PERCENTILES; i++)
    {
      g_autofree char *name = g_strdup_printf ("p%g", graft_stats_percentile_levels[i]);
      g_autofree char *title = g_strdup_printf (_("Percentile %g"),
                                                graft_stats_percentile_levels[i]);

      graft_stats_view_add_row (self, name, title, row++);
    }

  gtk_drawing_area_set_draw_func (self->histogram_area, graft_stats_view_draw_histogram,
                                  self, NULL);
  graft_stats_view_set_busy (self, FALSE);
}

GtkWidget *
graft_stats_view_new (void)
{
  return g_object_new (GRAFT_TYPE_STATS_VIEW, NULL);
}

/**
 * graft_stats_view_set_tensor:
 * @tensor: (nullable): the tensor to describe
 *
 * Clears the figures and computes those of @tensor in a worker thread.
 */
void
graft_stats_view_set_tensor (GraftStatsView *self,
                             GraftTensor    *tensor)
{
  g_autoptr(GTask) task = NULL;
  GraftStatsViewJob *job;

  g_return_if_fail (GRAFT_IS_STATS_VIEW (self));

  if (tensor == self->tensor)
    return;
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->tensor, graft_tensor_unref);
  graft_stats_view_clear (self);
  graft_stats_view_set_busy (self, FALSE);
  if (tensor == NULL)
    return;

  self->tensor = graft_tensor_ref (tensor);
  self->cancellable = g_cancellable_new ();
  job = g_new0 (GraftStatsViewJob, 1);
  job->tensor = graft_tensor_ref (tensor);
  task = g_task_new (self, self->cancellable, graft_stats_view_done_cb, NULL);
  g_task_set_source_tag (task, graft_stats_view_set_tensor);
  g_task_set_task_data (task, job, graft_stats_view_job_free);
  graft_stats_view_set_busy (self, TRUE);
  g_task_run_in_thread (task, graft_stats_view_thread);
}

/**
 * graft_stats_view_get_tensor:
 *
 * Returns: (transfer none) (nullable): the tensor described
 */
GraftTensor *
graft_stats_view_get_tensor (GraftStatsView *self)
{
  g_return_val_if_fail (GRAFT_IS_STATS_VIEW (self), NULL);

  return self->tensor;
}

/**
 * graft_stats_view_get_stats:
 *
 * Returns: (nullable): the figures shown, %NULL while they are computed
 */
const GraftStats *
graft_stats_view_get_stats (GraftStatsView *self)
{
  g_return_val_if_fail (GRAFT_IS_STATS_VIEW (self), NULL);

  return self->have_stats ? &self->stats : NULL;
}

gboolean
graft_stats_view_get_busy (GraftStatsView *self)
{
  g_return_val_if_fail (GRAFT_IS_STATS_VIEW (self), FALSE);

  return self->busy;
}

/**
 * graft_stats_view_get_figure:
 * @name: "min", "mean", "p50", …
 *
 * Returns: (nullable): the text shown for a figure
 */
const char *
graft_stats_view_get_figure (GraftStatsView *self,
                             const char     *name)
{
  GtkLabel *label;

  g_return_val_if_fail (GRAFT_IS_STATS_VIEW (self), NULL);

  label = g_hash_table_lookup (self->values, name);
  return label ? gtk_label_get_text (label) : NULL;
}
