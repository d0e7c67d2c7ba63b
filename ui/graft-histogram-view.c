/* graft-histogram-view.c: a histogram with value and count axes
 *
 * Bars rise on a square-root scale, so that small bins stay visible beside
 * a spike at zero; the count axis is labelled in counts all the same. A
 * bar under the pointer is lit, and its tooltip gives its range and count.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-histogram-view"

#include "config.h"

#include "graft-histogram-view.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "graft-numbers.h"

/* Room between a tick label and the plot, and the tick marks' length. */
#define GRAFT_HISTOGRAM_VIEW_GAP 3
#define GRAFT_HISTOGRAM_VIEW_TICK 3

struct _GraftHistogramView
{
  GtkWidget       parent_instance;

  /* Owned */
  GraftHistogram *histogram;

  int             hover_bin;  /* -1: none */
  guint           per_integer : 1;
};

G_DEFINE_FINAL_TYPE (GraftHistogramView, graft_histogram_view, GTK_TYPE_WIDGET)

/* Where things go at one size. */
typedef struct
{
  double plot_x, plot_y, plot_w, plot_h;
  guint64 peak;
  guint n_x, n_y;
  double x_ticks[GRAFT_HISTOGRAM_VIEW_MAX_TICKS];
  double y_ticks[GRAFT_HISTOGRAM_VIEW_MAX_TICKS];
  double x_step, y_step;
  int text_h;
} GraftHistogramViewLayout;

/**
 * graft_histogram_view_nice_ticks:
 * @max_ticks: at most this many, up to %GRAFT_HISTOGRAM_VIEW_MAX_TICKS
 * @ticks: (out caller-allocates): room for @max_ticks values
 * @step: (out) (optional): the distance between two ticks
 *
 * Round values in [@lo, @hi]: multiples of 1, 2 or 5 times a power of ten.
 *
 * Returns: how many ticks were written
 */
guint
graft_histogram_view_nice_ticks (double  lo,
                                 double  hi,
                                 guint   max_ticks,
                                 double *ticks,
                                 double *step_out)
{
  double span = hi - lo, raw, mag, norm, step;
  guint n = 0;

  max_ticks = CLAMP (max_ticks, 1, GRAFT_HISTOGRAM_VIEW_MAX_TICKS);
  if (!(span > 0) || !isfinite (span) || max_ticks < 2)
    {
      ticks[0] = lo;
      if (step_out != NULL)
        *step_out = span > 0 ? span : 1;
      return 1;
    }
  raw = span / (max_ticks - 1);
  mag = pow (10, floor (log10 (raw)));
  norm = raw / mag;
  step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag;
  for (double k = ceil (lo / step - 1e-9); n < max_ticks; k++)
    {
      double v = k * step;

      if (v > hi + step * 1e-9)
        break;
      ticks[n++] = fabs (v) < step * 1e-9 ? 0 : v;
    }
  if (step_out != NULL)
    *step_out = step;
  return n;
}

/**
 * graft_histogram_view_format_tick:
 * @step: the distance between ticks, which sets the decimals shown
 *
 * Returns: (transfer full): "0.25", "−1", "1e+06"
 */
char *
graft_histogram_view_format_tick (double value,
                                  double step)
{
  g_autofree char *text = NULL;

  if (value == 0)
    return g_strdup ("0");
  if (fabs (value) >= 1e6 || step < 1e-4)
    text = g_strdup_printf ("%.3g", fabs (value));
  else
    text = g_strdup_printf ("%.*f", step >= 1 ? 0 : (int) ceil (-log10 (step) - 1e-9),
                            fabs (value));
  return value < 0 ? g_strconcat ("\u2212", text, NULL) : g_steal_pointer (&text);
}

static PangoLayout *
graft_histogram_view_create_layout (GraftHistogramView *self,
                                    const char         *text)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
  PangoAttrList *attrs = pango_attr_list_new ();

  pango_attr_list_insert (attrs, pango_attr_scale_new (PANGO_SCALE_SMALL));
  pango_attr_list_insert (attrs, pango_attr_font_features_new ("tnum=1"));
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);
  return layout;
}

static int
graft_histogram_view_text_width (GraftHistogramView *self,
                                 const char         *text,
                                 int                *height)
{
  g_autoptr(PangoLayout) layout = graft_histogram_view_create_layout (self, text);
  int w, h;

  pango_layout_get_pixel_size (layout, &w, &h);
  if (height != NULL)
    *height = h;
  return w;
}

static char *
graft_histogram_view_y_label (double count)
{
  return graft_numbers_count ((guint64) llround (count));
}

static gboolean
graft_histogram_view_compute_layout (GraftHistogramView       *self,
                                     int                       width,
                                     int                       height,
                                     GraftHistogramViewLayout *l)
{
  GraftHistogram *h = self->histogram;
  int label_w = 0, last_w = 0;
  guint max_x;

  memset (l, 0, sizeof *l);
  if (h == NULL || h->n_bins == 0)
    return FALSE;
  for (guint i = 0; i < h->n_bins; i++)
    l->peak = MAX (l->peak, h->counts[i]);
  if (l->peak == 0)
    return FALSE;

  /* Counts: as many ticks as fit one above the other, at least the peak. */
  graft_histogram_view_text_width (self, "0", &l->text_h);
  l->n_y = graft_histogram_view_nice_ticks (0, (double) l->peak,
                                            CLAMP (height / (3 * MAX (l->text_h, 1)), 2, 5),
                                            l->y_ticks, &l->y_step);
  if (l->y_step < 1)
    l->n_y = graft_histogram_view_nice_ticks (0, (double) l->peak, (guint) l->peak + 1,
                                              l->y_ticks, &l->y_step);
  for (guint i = 0; i < l->n_y; i++)
    {
      g_autofree char *text = graft_histogram_view_y_label (l->y_ticks[i]);

      label_w = MAX (label_w, graft_histogram_view_text_width (self, text, NULL));
    }
  l->plot_x = label_w + GRAFT_HISTOGRAM_VIEW_GAP + GRAFT_HISTOGRAM_VIEW_TICK;
  l->plot_y = ceil (l->text_h / 2.0);
  l->plot_h = height - l->plot_y - l->text_h - GRAFT_HISTOGRAM_VIEW_GAP -
              GRAFT_HISTOGRAM_VIEW_TICK;

  /* Values: first guess six labels' worth, then as many as their width
   * allows. Integer bins get integer ticks. */
  l->plot_w = width - l->plot_x - 4;
  max_x = 6;
  for (int pass = 0; pass < 2; pass++)
    {
      label_w = 0;
      l->n_x = graft_histogram_view_nice_ticks (h->lo, h->hi, max_x, l->x_ticks, &l->x_step);
      if (self->per_integer && l->x_step < 1)
        l->n_x = graft_histogram_view_nice_ticks (h->lo, h->hi, (guint) (h->hi - h->lo) + 1,
                                                  l->x_ticks, &l->x_step);
      for (guint i = 0; i < l->n_x; i++)
        {
          g_autofree char *text = graft_histogram_view_format_tick (l->x_ticks[i], l->x_step);

          last_w = graft_histogram_view_text_width (self, text, NULL);
          label_w = MAX (label_w, last_w);
        }
      max_x = CLAMP ((guint) (l->plot_w / (label_w + 12)), 2, GRAFT_HISTOGRAM_VIEW_MAX_TICKS);
    }
  /* The last label may reach past the plot's right edge by half its width. */
  l->plot_w = width - l->plot_x - MAX (4, last_w / 2 + 1);
  return l->plot_w >= 8 && l->plot_h >= 8;
}

static double
graft_histogram_view_x_of (const GraftHistogram           *h,
                           const GraftHistogramViewLayout *l,
                           double                          value)
{
  return l->plot_x + (value - h->lo) / (h->hi - h->lo) * l->plot_w;
}

static double
graft_histogram_view_y_of (const GraftHistogramViewLayout *l,
                           double                          count)
{
  return l->plot_y + l->plot_h - sqrt (count / (double) l->peak) * l->plot_h;
}

static void
graft_histogram_view_draw_text (GraftHistogramView *self,
                                cairo_t            *cr,
                                const char         *text,
                                double              x,
                                double              y,
                                double              xalign,
                                double              yalign)
{
  g_autoptr(PangoLayout) layout = graft_histogram_view_create_layout (self, text);
  int w, h;

  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_move_to (cr, round (x - xalign * w), round (y - yalign * h));
  pango_cairo_show_layout (cr, layout);
}

static void
graft_histogram_view_snapshot (GtkWidget   *widget,
                               GtkSnapshot *snapshot)
{
  GraftHistogramView *self = GRAFT_HISTOGRAM_VIEW (widget);
  GraftHistogram *h = self->histogram;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GraftHistogramViewLayout l;
  GdkRGBA fg, bar = { 0.21, 0.52, 0.89, 1.0 };
  double bottom;
  cairo_t *cr;

  if (!graft_histogram_view_compute_layout (self, width, height, &l))
    return;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  gtk_style_context_lookup_color (gtk_widget_get_style_context (widget), "accent_color", &bar);
  G_GNUC_END_IGNORE_DEPRECATIONS

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  bottom = l.plot_y + l.plot_h;

  /* Count grid lines and labels. */
  for (guint i = 0; i < l.n_y; i++)
    {
      g_autofree char *text = graft_histogram_view_y_label (l.y_ticks[i]);
      double y = round (graft_histogram_view_y_of (&l, l.y_ticks[i]));

      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.10);
      cairo_rectangle (cr, l.plot_x, y, l.plot_w, 1);
      cairo_fill (cr);
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.7);
      graft_histogram_view_draw_text (self, cr, text,
                                      l.plot_x - GRAFT_HISTOGRAM_VIEW_GAP -
                                      GRAFT_HISTOGRAM_VIEW_TICK, y + 0.5, 1, 0.5);
    }

  /* Bars. */
  for (guint i = 0; i < h->n_bins; i++)
    {
      double x0 = floor (l.plot_x + (double) i / h->n_bins * l.plot_w);
      double x1 = floor (l.plot_x + (double) (i + 1) / h->n_bins * l.plot_w);
      double y = floor (graft_histogram_view_y_of (&l, (double) h->counts[i]));
      double gap = x1 - x0 > 3 ? 1 : 0;

      if (h->counts[i] == 0)
        continue;
      if (bottom - y < 1)
        y = bottom - 1;
      cairo_set_source_rgba (cr, bar.red, bar.green, bar.blue,
                             (int) i == self->hover_bin ? 1.0 : 0.75);
      cairo_rectangle (cr, x0, y, MAX (1, x1 - x0 - gap), bottom - y);
      cairo_fill (cr);
    }

  /* Where zero falls, when it is inside the range. */
  if (h->lo < 0 && h->hi > 0 && !self->per_integer)
    {
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.5);
      cairo_rectangle (cr, round (graft_histogram_view_x_of (h, &l, 0)), l.plot_y, 1, l.plot_h);
      cairo_fill (cr);
    }

  /* Axes, value ticks and their labels. */
  cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.45);
  cairo_rectangle (cr, l.plot_x, bottom, l.plot_w, 1);
  cairo_rectangle (cr, l.plot_x - 1, l.plot_y, 1, l.plot_h + 1);
  for (guint i = 0; i < l.n_x; i++)
    cairo_rectangle (cr, round (graft_histogram_view_x_of (h, &l, l.x_ticks[i])), bottom + 1, 1,
                     GRAFT_HISTOGRAM_VIEW_TICK);
  for (guint i = 0; i < l.n_y; i++)
    cairo_rectangle (cr, l.plot_x - 1 - GRAFT_HISTOGRAM_VIEW_TICK,
                     round (graft_histogram_view_y_of (&l, l.y_ticks[i])),
                     GRAFT_HISTOGRAM_VIEW_TICK, 1);
  cairo_fill (cr);
  cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.7);
  for (guint i = 0; i < l.n_x; i++)
    {
      g_autofree char *text = graft_histogram_view_format_tick (l.x_ticks[i], l.x_step);

      graft_histogram_view_draw_text (self, cr, text,
                                      graft_histogram_view_x_of (h, &l, l.x_ticks[i]),
                                      bottom + 1 + GRAFT_HISTOGRAM_VIEW_TICK, 0.5, 0);
    }
  cairo_destroy (cr);
}

/**
 * graft_histogram_view_bin_at:
 * @x: widget coordinates
 * @y: widget coordinates
 *
 * Returns: the bin drawn at @x, or -1 when there is none
 */
int
graft_histogram_view_bin_at (GraftHistogramView *self,
                             double              x,
                             double              y)
{
  GraftHistogramViewLayout l;
  int bin;

  g_return_val_if_fail (GRAFT_IS_HISTOGRAM_VIEW (self), -1);

  if (!graft_histogram_view_compute_layout (self, gtk_widget_get_width (GTK_WIDGET (self)),
                                            gtk_widget_get_height (GTK_WIDGET (self)), &l))
    return -1;
  if (x < l.plot_x || x >= l.plot_x + l.plot_w || y < 0 || y > l.plot_y + l.plot_h)
    return -1;
  bin = (int) floor ((x - l.plot_x) / l.plot_w * self->histogram->n_bins);
  return CLAMP (bin, 0, (int) self->histogram->n_bins - 1);
}

/**
 * graft_histogram_view_dup_bin_text:
 *
 * Returns: (transfer full): what the tooltip of a bin says: its range,
 *   or its integer, and how many values it holds
 */
char *
graft_histogram_view_dup_bin_text (GraftHistogramView *self,
                                   guint               bin)
{
  GraftHistogram *h;
  guint64 total = 0;
  g_autofree char *count = NULL;
  g_autofree char *range = NULL;
  double width;

  g_return_val_if_fail (GRAFT_IS_HISTOGRAM_VIEW (self), NULL);
  h = self->histogram;
  g_return_val_if_fail (h != NULL && bin < h->n_bins, NULL);

  for (guint i = 0; i < h->n_bins; i++)
    total += h->counts[i];
  width = graft_histogram_get_bin_width (h);
  count = graft_numbers_count (h->counts[bin]);
  if (self->per_integer)
    {
      g_autofree char *value = graft_numbers_value (round (h->lo + (bin + 0.5) * width));

      range = g_strdup_printf (_("Value %s"), value);
    }
  else
    {
      gboolean last = bin + 1 == h->n_bins;
      g_autofree char *lo = graft_numbers_value (h->lo + bin * width);
      g_autofree char *hi = graft_numbers_value (last ? h->hi : h->lo + (bin + 1) * width);

      /* Bins hold [lo, hi); the last one holds its right edge too. */
      range = g_strdup_printf (last ? "[%s, %s]" : "[%s, %s)", lo, hi);
    }
  return g_strdup_printf (g_dngettext (NULL, "%s\n%s value (%.3g %%)", "%s\n%s values (%.3g %%)",
                                       h->counts[bin]),
                          range, count, total > 0 ? 100.0 * h->counts[bin] / total : 0.0);
}

static gboolean
graft_histogram_view_query_tooltip (GtkWidget  *widget,
                                    int         x,
                                    int         y,
                                    gboolean    keyboard,
                                    GtkTooltip *tooltip)
{
  GraftHistogramView *self = GRAFT_HISTOGRAM_VIEW (widget);
  int bin = keyboard ? -1 : graft_histogram_view_bin_at (self, x, y);
  g_autofree char *text = NULL;

  if (bin < 0)
    return FALSE;
  text = graft_histogram_view_dup_bin_text (self, bin);
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
graft_histogram_view_set_hover (GraftHistogramView *self,
                                int                 bin)
{
  if (bin == self->hover_bin)
    return;
  self->hover_bin = bin;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
graft_histogram_view_motion_cb (GraftHistogramView       *self,
                                double                    x,
                                double                    y,
                                GtkEventControllerMotion *motion)
{
  graft_histogram_view_set_hover (self, graft_histogram_view_bin_at (self, x, y));
}

static void
graft_histogram_view_leave_cb (GraftHistogramView       *self,
                               GtkEventControllerMotion *motion)
{
  graft_histogram_view_set_hover (self, -1);
}

static void
graft_histogram_view_finalize (GObject *object)
{
  GraftHistogramView *self = (GraftHistogramView *) object;

  g_clear_pointer (&self->histogram, graft_histogram_free);

  G_OBJECT_CLASS (graft_histogram_view_parent_class)->finalize (object);
}

static void
graft_histogram_view_class_init (GraftHistogramViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = graft_histogram_view_finalize;
  widget_class->snapshot = graft_histogram_view_snapshot;
  widget_class->query_tooltip = graft_histogram_view_query_tooltip;

  gtk_widget_class_set_css_name (widget_class, "grafthistogram");
}

static void
graft_histogram_view_init (GraftHistogramView *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();

  self->hover_bin = -1;
  g_signal_connect_object (motion, "motion", G_CALLBACK (graft_histogram_view_motion_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (motion, "leave", G_CALLBACK (graft_histogram_view_leave_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
}

GtkWidget *
graft_histogram_view_new (void)
{
  return g_object_new (GRAFT_TYPE_HISTOGRAM_VIEW, NULL);
}

/**
 * graft_histogram_view_set_histogram:
 * @histogram: (transfer full) (nullable): what to draw
 * @per_integer: each bin holds one integer
 */
void
graft_histogram_view_set_histogram (GraftHistogramView *self,
                                    GraftHistogram     *histogram,
                                    gboolean            per_integer)
{
  g_return_if_fail (GRAFT_IS_HISTOGRAM_VIEW (self));

  g_clear_pointer (&self->histogram, graft_histogram_free);
  self->histogram = histogram;
  self->per_integer = !!per_integer;
  self->hover_bin = -1;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * graft_histogram_view_get_histogram:
 *
 * Returns: (nullable) (transfer none): the histogram drawn
 */
const GraftHistogram *
graft_histogram_view_get_histogram (GraftHistogramView *self)
{
  g_return_val_if_fail (GRAFT_IS_HISTOGRAM_VIEW (self), NULL);

  return self->histogram;
}

/**
 * graft_histogram_view_get_ticks:
 * @orientation: horizontal for the value axis, vertical for the counts
 * @ticks: (out caller-allocates): room for %GRAFT_HISTOGRAM_VIEW_MAX_TICKS
 *
 * Returns: how many ticks the axis shows at the current size
 */
guint
graft_histogram_view_get_ticks (GraftHistogramView *self,
                                GtkOrientation      orientation,
                                double             *ticks)
{
  GraftHistogramViewLayout l;
  guint n;

  g_return_val_if_fail (GRAFT_IS_HISTOGRAM_VIEW (self), 0);

  if (!graft_histogram_view_compute_layout (self, gtk_widget_get_width (GTK_WIDGET (self)),
                                            gtk_widget_get_height (GTK_WIDGET (self)), &l))
    return 0;
  n = orientation == GTK_ORIENTATION_HORIZONTAL ? l.n_x : l.n_y;
  memcpy (ticks, orientation == GTK_ORIENTATION_HORIZONTAL ? l.x_ticks : l.y_ticks,
          n * sizeof *ticks);
  return n;
}
