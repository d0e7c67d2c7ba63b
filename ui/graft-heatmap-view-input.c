/* graft-heatmap-view-input.c: zoom and pan by pointer, wheel, keys and gestures; the value under the pointer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-heatmap-view"

#include "config.h"

#include "graft-heatmap-view-private.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "graft-numbers.h"

static gboolean
graft_heatmap_view_frame_pixel (GraftHeatmapView *self,
                                double            x,
                                double            y,
                                guint            *px,
                                guint            *py)
{
  int scale = gtk_widget_get_scale_factor (GTK_WIDGET (self));
  double fx, fy;

  if (self->frame == NULL)
    return FALSE;
  fx = floor ((x - self->image_x) * scale);
  fy = floor ((y - self->image_y) * scale);
  if (fx < 0 || fy < 0 || fx >= graft_heatmap_frame_get_width (self->frame) ||
      fy >= graft_heatmap_frame_get_height (self->frame))
    return FALSE;
  *px = (guint) fx;
  *py = (guint) fy;
  return TRUE;
}

static void
graft_heatmap_view_motion_cb (GraftHeatmapView         *self,
                              double                    x,
                              double                    y,
                              GtkEventControllerMotion *motion)
{
  GraftHeatmapPixel pixel;
  g_autoptr(GError) error = NULL;
  g_autofree char *index = NULL;
  g_autofree char *value = NULL;
  g_autofree char *status = NULL;
  GraftTensor *tensor;
  guint px, py, rank;

  self->pointer_x = x;
  self->pointer_y = y;
  self->pointer_inside = TRUE;
  if (!graft_heatmap_view_frame_pixel (self, x, y, &px, &py))
    return;
  if (!graft_heatmap_frame_lookup (self->frame, px, py, &pixel, &error))
    {
      graft_heatmap_view_set_status (self, error->message);
      return;
    }
  if (!pixel.valid)
    {
      graft_heatmap_view_set_status (self, NULL);
      return;
    }

  tensor = self->tensor;
  rank = graft_tensor_get_rank (tensor);
  if (self->mosaic_active)
    {
      gsize kernel_index[GRAFT_MAX_RANK];
      g_autofree char *n = graft_numbers_count (pixel.n_values);
      guint f, c, ky, kx;

      /* The mosaic's own indices mean nothing: say the kernel's, and its
       * value (a per-filter mosaic holds scaled copies). */
      if (!graft_heatmap_mosaic_locate (&self->mosaic, pixel.value_index[0],
                                        pixel.value_index[1], &f, &c, &ky, &kx))
        {
          graft_heatmap_view_set_status (self, NULL);
          return;
        }
      graft_heatmap_mosaic_index (&self->mosaic, self->index, f, c, ky, kx, kernel_index);
      index = graft_numbers_index (rank, kernel_index);
      value = graft_numbers_value (graft_heatmap_view_value_at (self, kernel_index));
      status = pixel.n_values <= 1 ?
        g_strdup_printf (_("filter %u, channel %u: %s = %s"), f, c, index, value) :
        g_strdup_printf (_("filter %u, channel %u: %s = %s   (largest of %s values in this pixel)"),
                         f, c, index, value, n);
      graft_heatmap_view_set_status (self, status);
      return;
    }
  index = graft_numbers_index (rank, pixel.value_index);
  value = graft_numbers_value (pixel.value);
  if (pixel.n_values <= 1)
    status = g_strdup_printf ("%s = %s", index, value);
  else
    {
      g_autofree char *n = graft_numbers_count (pixel.n_values);
      g_autofree char *lo = graft_numbers_value (pixel.min);
      g_autofree char *hi = graft_numbers_value (pixel.max);

      status = g_strdup_printf (_("%s = %s   (largest of %s values in this pixel, %s … %s)"),
                                index, value, n, lo, hi);
    }
  graft_heatmap_view_set_status (self, status);
}

/* A click (not a drag) on a filter of a kernel's mosaic opens that filter. */
static void
graft_heatmap_view_released_cb (GraftHeatmapView *self,
                                int               n_press,
                                double            x,
                                double            y,
                                GtkGestureClick  *click)
{
  GraftHeatmapWindow w;
  double row, col;
  guint px, py, f, c, ky, kx;

  if (!self->mosaic_active || graft_heatmap_view_get_rgb (self) ||
      !graft_heatmap_view_frame_pixel (self, x, y, &px, &py))
    return;
  graft_heatmap_frame_get_window (self->frame, &w);
  graft_viewport_pixel_element (&w, graft_heatmap_frame_get_width (self->frame),
                                graft_heatmap_frame_get_height (self->frame), px, py, &row, &col);
  if (graft_heatmap_mosaic_locate (&self->mosaic, (gsize) row, (gsize) col, &f, &c, &ky, &kx))
    graft_heatmap_view_emit_filter_activated (self, f);
}

static void
graft_heatmap_view_leave_cb (GraftHeatmapView         *self,
                             GtkEventControllerMotion *motion)
{
  self->pointer_inside = FALSE;
}

void
graft_heatmap_view_zoom_at (GraftHeatmapView *self,
                            double            factor,
                            double            x,
                            double            y)
{
  double row = NAN, col = NAN;
  guint px, py;

  if (self->engine == NULL || graft_heatmap_view_uses_grid (self))
    return;

  if (!isnan (x) && graft_heatmap_view_frame_pixel (self, x, y, &px, &py))
    {
      GraftHeatmapWindow w;

      graft_heatmap_view_get_window (self, &w);
      graft_viewport_pixel_element (&w, graft_heatmap_frame_get_width (self->frame),
                                    graft_heatmap_frame_get_height (self->frame), px, py,
                                    &row, &col);
    }
  graft_viewport_zoom_at (&self->viewport, factor, row, col);
  graft_heatmap_view_invalidate (self);
}

void
graft_heatmap_view_pan (GraftHeatmapView *self,
                        double            drow,
                        double            dcol)
{
  graft_viewport_pan (&self->viewport, drow, dcol);
  graft_heatmap_view_invalidate (self);
}

/* Elements per logical pixel along each axis, at the current zoom. */
static void
graft_heatmap_view_density (GraftHeatmapView *self,
                            double           *per_row_px,
                            double           *per_col_px)
{
  int scale = gtk_widget_get_scale_factor (GTK_WIDGET (self));
  int width, height;
  guint w, h;

  graft_heatmap_view_area (self, &width, &height);
  graft_viewport_image_size ((gsize) MAX (1, self->viewport.extent_rows),
                                 (gsize) MAX (1, self->viewport.extent_cols),
                                 MAX (width, 1), MAX (height, 1), &w, &h);
  *per_row_px = self->viewport.extent_rows * scale / MAX (h, 1);
  *per_col_px = self->viewport.extent_cols * scale / MAX (w, 1);
}

static gboolean
graft_heatmap_view_scroll_cb (GraftHeatmapView         *self,
                              double                    dx,
                              double                    dy,
                              GtkEventControllerScroll *scroll)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (scroll));
  double x = NAN, y = NAN, pr, pc;

  if (self->engine == NULL)
    return FALSE;
  /* The keys (+, −, 0, arrows) act on what was last scrolled. */
  gtk_widget_grab_focus (GTK_WIDGET (self));
  if (state & GDK_CONTROL_MASK)
    {
      if (self->pointer_inside)
        {
          x = self->pointer_x;
          y = self->pointer_y;
        }
      graft_heatmap_view_zoom_at (self, dy < 0 ? 1.25 : 0.8, x, y);
      return TRUE;
    }
  if (graft_heatmap_view_uses_grid (self))
    return FALSE;
  graft_heatmap_view_density (self, &pr, &pc);
  if (state & GDK_SHIFT_MASK)
    graft_heatmap_view_pan (self, 0, dy * 24 * pc);
  else
    graft_heatmap_view_pan (self, dy * 24 * pr, dx * 24 * pc);
  return TRUE;
}

static void
graft_heatmap_view_drag_begin_cb (GraftHeatmapView *self,
                                  double            x,
                                  double            y,
                                  GtkGestureDrag   *drag)
{
  self->drag_center_row = self->viewport.center_row;
  self->drag_center_col = self->viewport.center_col;
}

static void
graft_heatmap_view_drag_update_cb (GraftHeatmapView *self,
                                   double            dx,
                                   double            dy,
                                   GtkGestureDrag   *drag)
{
  double pr, pc;

  if (self->engine == NULL || graft_heatmap_view_uses_grid (self))
    return;
  graft_heatmap_view_density (self, &pr, &pc);
  self->viewport.center_row = self->drag_center_row;
  self->viewport.center_col = self->drag_center_col;
  graft_heatmap_view_pan (self, -dy * pr, -dx * pc);
}

static void
graft_heatmap_view_zoom_begin_cb (GraftHeatmapView *self,
                                  GdkEventSequence *sequence,
                                  GtkGestureZoom   *zoom)
{
  self->zoom_gesture_last = 1.0;
}

static void
graft_heatmap_view_zoom_changed_cb (GraftHeatmapView *self,
                                    double            scale,
                                    GtkGestureZoom   *zoom)
{
  double x, y;

  if (scale <= 0 || fabs (scale / self->zoom_gesture_last - 1) < 0.05)
    return;
  if (!gtk_gesture_get_bounding_box_center (GTK_GESTURE (zoom), &x, &y))
    x = y = NAN;
  graft_heatmap_view_zoom_at (self, scale / self->zoom_gesture_last, x, y);
  self->zoom_gesture_last = scale;
}

static void
graft_heatmap_view_zoom_action (GtkWidget  *widget,
                                const char *action_name,
                                GVariant   *parameter)
{
  GraftHeatmapView *self = GRAFT_HEATMAP_VIEW (widget);

  if (g_str_equal (action_name, "heatmap.zoom-in"))
    graft_heatmap_view_zoom (self, 2.0);
  else if (g_str_equal (action_name, "heatmap.zoom-out"))
    graft_heatmap_view_zoom (self, 0.5);
  else
    graft_heatmap_view_zoom_fit (self);
}

static void
graft_heatmap_view_pan_action (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  GraftHeatmapView *self = GRAFT_HEATMAP_VIEW (widget);
  int drow, dcol;

  if (self->engine == NULL)
    return;
  g_variant_get (parameter, "(ii)", &drow, &dcol);
  graft_heatmap_view_pan (self, drow * MAX (1, self->viewport.extent_rows / 8),
                          dcol * MAX (1, self->viewport.extent_cols / 8));
}

/* The actions and key bindings of the view. */
void
graft_heatmap_view_input_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "heatmap.zoom-in", NULL,
                                   graft_heatmap_view_zoom_action);
  gtk_widget_class_install_action (widget_class, "heatmap.zoom-out", NULL,
                                   graft_heatmap_view_zoom_action);
  gtk_widget_class_install_action (widget_class, "heatmap.zoom-fit", NULL,
                                   graft_heatmap_view_zoom_action);
  gtk_widget_class_install_action (widget_class, "heatmap.pan", "(ii)",
                                   graft_heatmap_view_pan_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, 0, "heatmap.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Add, 0, "heatmap.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, 0, "heatmap.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, 0, "heatmap.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Subtract, 0,
                                       "heatmap.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, 0, "heatmap.zoom-fit", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Up, 0, "heatmap.pan", "(ii)", -1, 0);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Down, 0, "heatmap.pan", "(ii)", 1, 0);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, 0, "heatmap.pan", "(ii)", 0, -1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, 0, "heatmap.pan", "(ii)", 0, 1);
}

/* The pointer, scroll, drag, pinch and click controllers. */
void
graft_heatmap_view_input_init (GraftHeatmapView *self)
{
  GtkEventController *controller;
  GtkGesture *gesture;

  controller = gtk_event_controller_motion_new ();
  g_signal_connect_object (controller, "motion", G_CALLBACK (graft_heatmap_view_motion_cb),
                           self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  g_signal_connect_object (controller, "leave", G_CALLBACK (graft_heatmap_view_leave_cb),
                           self, G_CONNECT_SWAPPED);
  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  g_signal_connect_object (controller, "scroll", G_CALLBACK (graft_heatmap_view_scroll_cb),
                           self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  gesture = gtk_gesture_drag_new ();
  g_signal_connect_object (gesture, "drag-begin", G_CALLBACK (graft_heatmap_view_drag_begin_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gesture, "drag-update",
                           G_CALLBACK (graft_heatmap_view_drag_update_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

  gesture = gtk_gesture_zoom_new ();
  g_signal_connect_object (gesture, "begin", G_CALLBACK (graft_heatmap_view_zoom_begin_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gesture, "scale-changed",
                           G_CALLBACK (graft_heatmap_view_zoom_changed_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

  gesture = gtk_gesture_click_new ();
  g_signal_connect_object (gesture, "pressed", G_CALLBACK (gtk_widget_grab_focus), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (gesture, "released", G_CALLBACK (graft_heatmap_view_released_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));
}
