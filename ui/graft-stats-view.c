/* graft-stats-view.c: the figures and histogram of one tensor
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-stats-view"

#include "config.h"

#include "graft-stats-view.h"

#include <glib/gi18n.h>
#include <math.h>

#include "graft-background.h"
#include "graft-bins.h"
#include "graft-histogram-view.h"
#include "graft-numbers.h"

/* The rows of the table, in order; percentiles follow. */
static const char * const graft_stats_view_rows[] = {
  "elements", "min", "max", "mean", "std", "l2", "zeros", "nan", "inf",
};

struct _GraftStatsView
{
  GtkWidget       parent_instance;

  /* Template widgets */
  GtkSpinner         *spinner;
  GtkLabel           *caption_label;
  GtkGrid            *grid;
  GtkStack           *histogram_stack;
  GraftHistogramView *histogram_view;
  GtkLabel           *range_label;

  /* Owned */
  GraftTensor        *tensor;
  GCancellable       *cancellable;
  GHashTable         *values;  /* row name → GtkLabel (borrowed from the grid) */
  GraftStats          stats;

  guint               have_stats : 1;
  guint               busy : 1;
  guint               difference : 1;
  guint               identical : 1;
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
  GraftBins       bins;
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

/* The quartiles come with the percentiles the table shows. */
static double
graft_stats_view_percentile (GraftStatsViewJob *job,
                             double             level)
{
  for (guint i = 0; i < GRAFT_STATS_N_PERCENTILES; i++)
    if (graft_stats_percentile_levels[i] == level)
      return job->percentiles[i];
  g_return_val_if_reached (NAN);
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
      gboolean integral = graft_bins_is_integral (job->tensor, cancellable, &error);
      GraftStats range;

      if (error != NULL)
        {
          g_task_return_error (task, error);
          return;
        }
      graft_bins_choose (&job->stats, graft_stats_view_percentile (job, 25),
                         graft_stats_view_percentile (job, 75), integral, &job->bins);
      graft_bins_apply (&job->bins, &job->stats, &range);
      job->histogram = graft_stats_compute_histogram (job->tensor, &range, job->bins.n_bins,
                                                      cancellable, &error);
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
  graft_histogram_view_set_histogram (self->histogram_view, NULL, FALSE);
  gtk_stack_set_visible_child_name (self->histogram_stack, "plot");
  self->have_stats = FALSE;
  self->identical = FALSE;
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

  if (job->histogram != NULL)
    {
      g_autofree char *lo = graft_numbers_value (job->histogram->lo);
      g_autofree char *hi = graft_numbers_value (job->histogram->hi);
      g_autofree char *text = NULL;

      if (job->bins.per_integer)
        {
          g_autofree char *first = graft_numbers_value (s->min);
          g_autofree char *last = graft_numbers_value (s->max);

          text = g_strdup_printf (_("One bin per integer from %s to %s; bar heights on a "
                                    "square-root scale"), first, last);
        }
      else
        text = g_strdup_printf (_("%u bins from %s to %s; bar heights on a square-root scale"),
                                job->histogram->n_bins, lo, hi);
      gtk_label_set_text (self->range_label, text);
    }
  graft_histogram_view_set_histogram (self->histogram_view, g_steal_pointer (&job->histogram),
                                      job->bins.per_integer);
  /* A difference of zeros is the answer, not a histogram of one spike. */
  self->identical = self->difference && s->count > 0 && s->zeros == s->count;
  gtk_stack_set_visible_child_name (self->histogram_stack, self->identical ? "identical" : "plot");
  gtk_widget_set_visible (GTK_WIDGET (self->range_label), !self->identical);
  g_signal_emit (self, signals[SIGNAL_COMPUTED], 0,
                 s->nan + s->pos_inf + s->neg_inf > 0);
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

  g_type_ensure (GRAFT_TYPE_HISTOGRAM_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/gnome/Graft/ui/graft-stats-view.ui");
  gtk_widget_class_bind_template_child (widget_class, GraftStatsView, spinner);
  gtk_widget_class_bind_template_child (widget_class, GraftStatsView, caption_label);
  gtk_widget_class_bind_template_child (widget_class, GraftStatsView, grid);
  gtk_widget_class_bind_template_child (widget_class, GraftStatsView, histogram_stack);
  gtk_widget_class_bind_template_child (widget_class, GraftStatsView, histogram_view);
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

  graft_stats_view_set_busy (self, FALSE);
}

GtkWidget *
graft_stats_view_new (void)
{
  return g_object_new (GRAFT_TYPE_STATS_VIEW, NULL);
}

static void
graft_stats_view_show (GraftStatsView *self,
                       GraftTensor    *tensor,
                       gboolean        difference)
{
  g_autoptr(GTask) task = NULL;
  GraftStatsViewJob *job;

  if (tensor == self->tensor && !!difference == self->difference)
    return;
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->tensor, graft_tensor_unref);
  graft_stats_view_clear (self);
  graft_stats_view_set_busy (self, FALSE);
  self->difference = tensor != NULL && difference;
  /* Say what the figures are of, when they are not the weight's own. */
  gtk_label_set_text (self->caption_label, self->difference ? _("Δ target − source") : "");
  gtk_widget_set_visible (GTK_WIDGET (self->caption_label), self->difference);
  gtk_widget_set_visible (GTK_WIDGET (self->range_label), TRUE);
  if (tensor == NULL)
    return;

  self->tensor = graft_tensor_ref (tensor);
  self->cancellable = g_cancellable_new ();
  job = g_new0 (GraftStatsViewJob, 1);
  job->tensor = graft_tensor_ref (tensor);
  task = g_task_new (self, self->cancellable, graft_stats_view_done_cb, NULL);
  g_task_set_source_tag (task, graft_stats_view_show);
  g_task_set_task_data (task, job, graft_stats_view_job_free);
  graft_stats_view_set_busy (self, TRUE);
  graft_background_run (task, graft_stats_view_thread);
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
  g_return_if_fail (GRAFT_IS_STATS_VIEW (self));

  graft_stats_view_show (self, tensor, FALSE);
}

/**
 * graft_stats_view_set_difference:
 * @difference: (nullable): target − source, element by element
 *
 * As graft_stats_view_set_tensor(), for the difference the window shows
 * in its Δ view: the view says so, and says "Identical" instead of a
 * histogram when every element is zero.
 */
void
graft_stats_view_set_difference (GraftStatsView *self,
                                 GraftTensor    *difference)
{
  g_return_if_fail (GRAFT_IS_STATS_VIEW (self));

  graft_stats_view_show (self, difference, TRUE);
}

/**
 * graft_stats_view_get_identical:
 *
 * Returns: %TRUE when the view shows a difference that is zero everywhere
 */
gboolean
graft_stats_view_get_identical (GraftStatsView *self)
{
  g_return_val_if_fail (GRAFT_IS_STATS_VIEW (self), FALSE);

  return self->identical;
}

/**
 * graft_stats_view_get_caption:
 *
 * Returns: what the figures are of when not of the tensor itself
 *   ("Δ target − source"), else ""
 */
const char *
graft_stats_view_get_caption (GraftStatsView *self)
{
  g_return_val_if_fail (GRAFT_IS_STATS_VIEW (self), NULL);

  return gtk_label_get_text (self->caption_label);
}

/**
 * graft_stats_view_get_histogram_view:
 *
 * Returns: (transfer none): the histogram drawn
 */
GraftHistogramView *
graft_stats_view_get_histogram_view (GraftStatsView *self)
{
  g_return_val_if_fail (GRAFT_IS_STATS_VIEW (self), NULL);

  return self->histogram_view;
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
