/* graft-line-plot.c: a vector as a bar or line plot, its exact values on hover
 *
 * A bias of 3 values drawn as a heatmap strip is three tiles beside a grey
 * block, and one of 96 a 5 px strip. As a plot every value has a height
 * against a labelled axis, and the pointer reads the exact value of the
 * nearest one. Up to a few hundred values are bars; more are a line
 * through each pixel column's extremes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-line-plot"

#include "config.h"

#include "graft-line-plot.h"

#include <glib/gi18n.h>
#include <math.h>

#include "graft-numbers.h"

#define PLOT_LEFT   64  /* at least; more when the limits' labels are wider */
#define PLOT_RIGHT  12
#define PLOT_TOP    12
#define PLOT_BOTTOM 24
#define PLOT_MAX_BARS 256
/* More values than this are not read into a plot. */
#define PLOT_MAX_VALUES (16u * 1024 * 1024)

struct _GraftLinePlot
{
  GtkWidget  parent_instance;

  double    *values;
  guint      n_values;
  double     lo;
  double     hi;
  gint       hover;  /* index under the pointer, -1 for none */
  int        label_width;  /* of the widest limit label */
  char      *hover_text;
};

enum {
  PROP_0,
  PROP_HOVER_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (GraftLinePlot, graft_line_plot, GTK_TYPE_WIDGET)

static void
graft_line_plot_area (GraftLinePlot   *self,
                      graphene_rect_t *area)
{
  int w = gtk_widget_get_width (GTK_WIDGET (self));
  int h = gtk_widget_get_height (GTK_WIDGET (self));
  int left = MAX (PLOT_LEFT, self->label_width + 12);

  graphene_rect_init (area, left, PLOT_TOP, MAX (1, w - left - PLOT_RIGHT),
                      MAX (1, h - PLOT_TOP - PLOT_BOTTOM));
}

static double
graft_line_plot_y (GraftLinePlot         *self,
                   const graphene_rect_t *area,
                   double                 v)
{
  double t = self->hi > self->lo ? (v - self->lo) / (self->hi - self->lo) : 0.5;

  return area->origin.y + (1 - t) * area->size.height;
}

/**
 * graft_line_plot_get_point:
 * @x: (out): where value @index is drawn, in the widget's coordinates
 * @y: (out): the same
 *
 * Returns: %FALSE when @index is out of range
 */
gboolean
graft_line_plot_get_point (GraftLinePlot *self,
                           guint          index,
                           double        *x,
                           double        *y)
{
  graphene_rect_t area;

  g_return_val_if_fail (GRAFT_IS_LINE_PLOT (self), FALSE);

  if (index >= self->n_values)
    return FALSE;
  graft_line_plot_area (self, &area);
  *x = area.origin.x + (index + 0.5) * area.size.width / self->n_values;
  *y = graft_line_plot_y (self, &area, isfinite (self->values[index]) ? self->values[index] : 0);
  return TRUE;
}

static void
graft_line_plot_set_hover (GraftLinePlot *self,
                           gint           hover)
{
  g_autofree char *text = NULL;

  if (hover == self->hover)
    return;
  self->hover = hover;
  if (hover >= 0)
    {
      g_autofree char *value = graft_numbers_value (self->values[hover]);

      text = g_strdup_printf ("[%d] = %s", hover, value);
    }
  g_free (self->hover_text);
  self->hover_text = g_steal_pointer (&text);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HOVER_TEXT]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * graft_line_plot_hover:
 * @x: a position in the widget, or a negative one for none
 *
 * Reads the value nearest @x, as the pointer does.
 */
void
graft_line_plot_hover (GraftLinePlot *self,
                       double         x)
{
  graphene_rect_t area;
  double i;

  g_return_if_fail (GRAFT_IS_LINE_PLOT (self));

  graft_line_plot_area (self, &area);
  if (self->n_values == 0 || x < area.origin.x || x >= area.origin.x + area.size.width)
    {
      graft_line_plot_set_hover (self, -1);
      return;
    }
  i = floor ((x - area.origin.x) * self->n_values / area.size.width);
  graft_line_plot_set_hover (self, (gint) CLAMP (i, 0, self->n_values - 1));
}

static void
graft_line_plot_motion_cb (GraftLinePlot *self,
                           double         x,
                           double         y)
{
  graft_line_plot_hover (self, x);
}

static void
graft_line_plot_leave_cb (GraftLinePlot *self)
{
  graft_line_plot_set_hover (self, -1);
}

static void
graft_line_plot_text (GtkWidget     *widget,
                      GtkSnapshot   *snapshot,
                      const char    *text,
                      double         x,
                      double         y,
                      double         xalign,
                      const GdkRGBA *color)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, text);
  int w, h;

  pango_layout_get_pixel_size (layout, &w, &h);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (round (x - xalign * w), round (y - h / 2.0)));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

static void
graft_line_plot_snapshot (GtkWidget   *widget,
                          GtkSnapshot *snapshot)
{
  GraftLinePlot *self = GRAFT_LINE_PLOT (widget);
  GdkRGBA fg, dim, accent = { 0.21, 0.52, 0.89, 1 }, hover = { 0.90, 0.38, 0.0, 1 };
  graphene_rect_t area;
  double zero_y, step;

  g_autofree char *lo = NULL;
  g_autofree char *hi = NULL;

  if (self->n_values == 0)
    return;
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  dim = fg;
  dim.alpha *= 0.3;
  graft_line_plot_area (self, &area);
  zero_y = graft_line_plot_y (self, &area, CLAMP (0, self->lo, self->hi));

  /* The axis: the two limits and zero. */
  lo = graft_numbers_value (self->lo);
  hi = graft_numbers_value (self->hi);
  graft_line_plot_text (widget, snapshot, hi, area.origin.x - 6, area.origin.y, 1, &fg);
  graft_line_plot_text (widget, snapshot, lo, area.origin.x - 6,
                        area.origin.y + area.size.height, 1, &fg);
  gtk_snapshot_append_color (snapshot, &dim, &GRAPHENE_RECT_INIT (area.origin.x, area.origin.y,
                                                                   area.size.width, 1));
  gtk_snapshot_append_color (snapshot, &dim,
                             &GRAPHENE_RECT_INIT (area.origin.x, area.origin.y + area.size.height,
                                                  area.size.width, 1));
  gtk_snapshot_append_color (snapshot, &fg, &GRAPHENE_RECT_INIT (area.origin.x, round (zero_y),
                                                                  area.size.width, 1));
  if (fabs (zero_y - area.origin.y) > 14 && fabs (zero_y - area.origin.y - area.size.height) > 14)
    graft_line_plot_text (widget, snapshot, "0", area.origin.x - 6, zero_y, 1, &fg);

  /* Index ticks along the bottom, far enough apart to read. */
  /* Steps of 1, 2, 5 × 10^k. */
  for (step = 1; step * area.size.width / self->n_values < 48;)
    step = (fmod (log10 (step), 1.0) == 0 || step / pow (10, floor (log10 (step))) == 5) ?
           step * 2 : step * 2.5;
  for (double t = 0; t < self->n_values; t += step)
    {
      g_autofree char *label = g_strdup_printf ("%.0f", t);
      double x = area.origin.x + (t + 0.5) * area.size.width / self->n_values;

      graft_line_plot_text (widget, snapshot, label, x, area.origin.y + area.size.height + 12,
                            0.5, &fg);
    }

  if (self->n_values <= PLOT_MAX_BARS)
    {
      double bw = area.size.width / self->n_values;

      for (guint i = 0; i < self->n_values; i++)
        {
          double v = isfinite (self->values[i]) ? self->values[i] : 0;
          double y = graft_line_plot_y (self, &area, v);
          double x0 = area.origin.x + i * bw + (bw > 4 ? 1 : 0);

          gtk_snapshot_append_color (snapshot, (gint) i == self->hover ? &hover : &accent,
                                     &GRAPHENE_RECT_INIT (x0, MIN (y, zero_y),
                                                          MAX (1, bw - (bw > 4 ? 2 : 0)),
                                                          MAX (1, fabs (y - zero_y))));
        }
    }
  else
    {
      /* Each pixel column spans the extremes of its values. */
      guint cols = (guint) area.size.width;

      for (guint c = 0; c < cols; c++)
        {
          guint i0 = (guint) ((guint64) c * self->n_values / cols);
          guint i1 = MAX (i0 + 1, (guint) ((guint64) (c + 1) * self->n_values / cols));
          double mn = INFINITY, mx = -INFINITY, y0, y1;

          for (guint i = i0; i < i1 && i < self->n_values; i++)
            if (isfinite (self->values[i]))
              {
                mn = MIN (mn, self->values[i]);
                mx = MAX (mx, self->values[i]);
              }
          if (!isfinite (mn))
            continue;
          y0 = graft_line_plot_y (self, &area, mx);
          y1 = graft_line_plot_y (self, &area, mn);
          gtk_snapshot_append_color (snapshot, &accent,
                                     &GRAPHENE_RECT_INIT (area.origin.x + c, y0, 1, MAX (1, y1 - y0)));
        }
      if (self->hover >= 0)
        {
          double x, y;

          graft_line_plot_get_point (self, self->hover, &x, &y);
          gtk_snapshot_append_color (snapshot, &hover,
                                     &GRAPHENE_RECT_INIT (round (x), area.origin.y, 1, area.size.height));
        }
    }

  if (self->hover >= 0)
    {
      double x, y;

      graft_line_plot_get_point (self, self->hover, &x, &y);
      graft_line_plot_text (widget, snapshot, self->hover_text,
                            CLAMP (x, area.origin.x + 60, area.origin.x + area.size.width - 60),
                            area.origin.y + 8, 0.5, &fg);
    }
}

static void
graft_line_plot_measure (GtkWidget      *widget,
                         GtkOrientation  orientation,
                         int             for_size,
                         int            *minimum,
                         int            *natural,
                         int            *minimum_baseline,
                         int            *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? PLOT_LEFT + 64 : 80;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? PLOT_LEFT + 400 : 240;
}

static void
graft_line_plot_finalize (GObject *object)
{
  GraftLinePlot *self = GRAFT_LINE_PLOT (object);

  g_free (self->values);
  g_free (self->hover_text);
  G_OBJECT_CLASS (graft_line_plot_parent_class)->finalize (object);
}

static void
graft_line_plot_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  GraftLinePlot *self = GRAFT_LINE_PLOT (object);

  switch (prop_id)
    {
    case PROP_HOVER_TEXT:
      g_value_set_string (value, self->hover_text);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
graft_line_plot_class_init (GraftLinePlotClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = graft_line_plot_finalize;
  object_class->get_property = graft_line_plot_get_property;
  widget_class->snapshot = graft_line_plot_snapshot;
  widget_class->measure = graft_line_plot_measure;

  properties[PROP_HOVER_TEXT] =
    g_param_spec_string ("hover-text", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  gtk_widget_class_set_css_name (widget_class, "graftlineplot");
}

static void
graft_line_plot_init (GraftLinePlot *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();

  self->hover = -1;
  g_signal_connect_object (motion, "motion", G_CALLBACK (graft_line_plot_motion_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (motion, "leave", G_CALLBACK (graft_line_plot_leave_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
}

GtkWidget *
graft_line_plot_new (void)
{
  return g_object_new (GRAFT_TYPE_LINE_PLOT, NULL);
}

/**
 * graft_line_plot_set_tensor:
 * @tensor: (nullable): the values, in order (any shape is read flat)
 *
 * Returns: %FALSE with @error set when the values cannot be read
 */
gboolean
graft_line_plot_set_tensor (GraftLinePlot *self,
                            GraftTensor   *tensor,
                            GError       **error)
{
  g_autofree double *values = NULL;
  g_autofree guint8 *owned = NULL;
  gsize n = tensor ? graft_tensor_get_n_elements (tensor) : 0;
  const guint8 *data;

  g_return_val_if_fail (GRAFT_IS_LINE_PLOT (self), FALSE);

  g_clear_pointer (&self->values, g_free);
  self->n_values = 0;
  graft_line_plot_set_hover (self, -1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (n == 0)
    return TRUE;
  if (n > PLOT_MAX_VALUES)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_LIMIT, _("Too many values to plot"));
      return FALSE;
    }
  /* In place when it is, else read into a copy the tensor does not keep. */
  values = g_new (double, n);
  data = graft_tensor_get_data_in_place (tensor);
  if (data == NULL)
    {
      owned = g_malloc (n * graft_dtype_get_size (graft_tensor_get_dtype (tensor)));
      if (!graft_tensor_read_flat (tensor, 0, n, owned, error))
        return FALSE;
      data = owned;
    }
  graft_dtype_to_double (graft_tensor_get_dtype (tensor), data, values, n);
  self->lo = 0;
  self->hi = 0;
  for (gsize i = 0; i < n; i++)
    if (isfinite (values[i]))
      {
        self->lo = MIN (self->lo, values[i]);
        self->hi = MAX (self->hi, values[i]);
      }
  if (self->hi <= self->lo)
    self->hi = self->lo + 1;
  self->values = g_steal_pointer (&values);
  self->n_values = (guint) n;
  self->label_width = 0;
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *text = graft_numbers_value (i == 0 ? self->lo : self->hi);
      g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
      int lw, lh;

      pango_layout_get_pixel_size (layout, &lw, &lh);
      self->label_width = MAX (self->label_width, lw);
    }
  return TRUE;
}

guint
graft_line_plot_get_n_values (GraftLinePlot *self)
{
  g_return_val_if_fail (GRAFT_IS_LINE_PLOT (self), 0);

  return self->n_values;
}

const double *
graft_line_plot_get_values (GraftLinePlot *self)
{
  g_return_val_if_fail (GRAFT_IS_LINE_PLOT (self), NULL);

  return self->values;
}

const char *
graft_line_plot_get_hover_text (GraftLinePlot *self)
{
  g_return_val_if_fail (GRAFT_IS_LINE_PLOT (self), NULL);

  return self->hover_text;
}
