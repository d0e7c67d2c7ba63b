/* graft-heatmap-view.c: a tensor as a heatmap, drawn at 1:1 device pixels
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-heatmap-view"

#include "config.h"

#include "graft-heatmap-view.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "graft-numbers.h"

/* Room at the right for the colour bar and its labels, in logical pixels. */
#define BAR_SPACE   84
#define BAR_WIDTH   14
#define BAR_MARGIN  12
#define IMAGE_PAD   8

/* The core heatmap is not safe to use from two threads at once, and a
 * render may still run when the tensor changes; the view and the render
 * task both hold this box, and the last one frees the heatmap. */
typedef struct
{
  GraftHeatmap *heatmap;
} GraftHeatmapViewEngine;

struct _GraftHeatmapView
{
  GtkWidget               parent_instance;

  /* Owned */
  GraftHeatmapViewEngine *engine;
  GraftHeatmapFrame      *frame;
  GdkTexture             *texture;
  GdkTexture             *bar_texture;
  GCancellable           *cancellable;
  char                   *status;
  GraftHeatmapStyle       style;

  /* What to show: the slice and the zoom window, in elements. */
  guint                   row_axis;
  guint                   col_axis;
  gsize                   index[GRAFT_MAX_RANK];
  GraftViewport           viewport;

  /* Where the frame lands, in logical pixels. */
  double                  image_x;
  double                  image_y;
  double                  drag_center_row;
  double                  drag_center_col;
  double                  zoom_gesture_last;
  double                  pointer_x;
  double                  pointer_y;
  int                     last_width;
  int                     last_height;

  guint                   pointer_inside : 1;
  guint                   in_flight : 1;
  guint                   dirty : 1;
  guint                   grid : 1;
  guint                   slice_changed : 1;
};

G_DEFINE_FINAL_TYPE (GraftHeatmapView, graft_heatmap_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STATUS,
  PROP_BUSY,
  N_PROPS
};

enum {
  SIGNAL_RENDERED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
graft_heatmap_view_engine_clear (gpointer data)
{
  GraftHeatmapViewEngine *engine = data;

  g_clear_pointer (&engine->heatmap, graft_heatmap_free);
}

static void
graft_heatmap_view_engine_unref (GraftHeatmapViewEngine *engine)
{
  g_atomic_rc_box_release_full (engine, graft_heatmap_view_engine_clear);
}

static void
graft_heatmap_view_set_status (GraftHeatmapView *self,
                               const char       *status)
{
  if (g_strcmp0 (self->status, status) == 0)
    return;
  g_free (self->status);
  self->status = g_strdup (status);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
}

static gboolean
graft_heatmap_view_uses_grid (GraftHeatmapView *self)
{
  GraftTensor *tensor;

  if (self->engine == NULL || !graft_heatmap_can_grid (self->engine->heatmap))
    return FALSE;
  tensor = graft_heatmap_get_tensor (self->engine->heatmap);
  /* A vector always reads best as a strip of cells. */
  return graft_tensor_get_rank (tensor) <= 1 || self->grid;
}

/* ---- geometry ------------------------------------------------------------ */

/* The zoom window in whole elements, inside the slice. */
static void
graft_heatmap_view_get_window (GraftHeatmapView   *self,
                               GraftHeatmapWindow *window)
{
  graft_viewport_get_window (&self->viewport, window);
}

static void
graft_heatmap_view_area (GraftHeatmapView *self,
                         int              *width,
                         int              *height)
{
  int scale = gtk_widget_get_scale_factor (GTK_WIDGET (self));

  *width = MAX (0, gtk_widget_get_width (GTK_WIDGET (self)) - BAR_SPACE - 2 * IMAGE_PAD) * scale;
  *height = MAX (0, gtk_widget_get_height (GTK_WIDGET (self)) - 2 * IMAGE_PAD) * scale;
}

/* ---- rendering ----------------------------------------------------------- */

typedef struct
{
  GraftHeatmapViewEngine *engine;
  GraftHeatmapStyle       style;
  GraftHeatmapWindow      window;
  guint                   width;
  guint                   height;
  guint                   row_axis;
  guint                   col_axis;
  gsize                   index[GRAFT_MAX_RANK];
  gboolean                set_slice;
  gboolean                grid;
} GraftHeatmapViewJob;

static void
graft_heatmap_view_job_free (gpointer data)
{
  GraftHeatmapViewJob *job = data;

  g_clear_pointer (&job->engine, graft_heatmap_view_engine_unref);
  g_free (job);
}

static void
graft_heatmap_view_render_thread (GTask        *task,
                                  gpointer      source_object,
                                  gpointer      task_data,
                                  GCancellable *cancellable)
{
  GraftHeatmapViewJob *job = task_data;
  GraftHeatmap *heatmap = job->engine->heatmap;
  GraftHeatmapFrame *frame;
  GError *error = NULL;

  if (job->set_slice &&
      !graft_heatmap_set_slice (heatmap, job->row_axis, job->col_axis, job->index, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (job->grid)
    {
      guint w = job->width, h = job->height;

      /* The grid at the largest whole zoom that fits, and no bigger, so
       * that no empty background fills the rest of the area. */
      for (guint zoom = MIN (job->height, 256); zoom > 0; zoom--)
        if (graft_heatmap_get_grid_size (heatmap, &job->style, zoom, &w, &h) &&
            w <= job->width && h <= job->height)
          break;
      if (w > job->width || h > job->height)
        {
          w = job->width;
          h = job->height;
        }
      frame = graft_heatmap_render_grid (heatmap, NULL, w, h, &job->style, cancellable, &error);
    }
  else
    frame = graft_heatmap_render (heatmap, &job->window, job->width, job->height, &job->style,
                                  cancellable, &error);
  if (frame == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, frame, (GDestroyNotify) graft_heatmap_frame_free);
}

static void graft_heatmap_view_render (GraftHeatmapView *self);

static GdkTexture *
graft_heatmap_view_make_texture (guint         width,
                                 guint         height,
                                 const guint8 *rgba)
{
  g_autoptr(GBytes) bytes = g_bytes_new (rgba, (gsize) width * height * 4);

  return gdk_memory_texture_new (width, height, GDK_MEMORY_R8G8B8A8, bytes, (gsize) width * 4);
}

/* The colour bar as a texture of its own size in device pixels, sampled
 * from the same colormap as the frame, so nothing is scaled on the GPU. */
static GdkTexture *
graft_heatmap_view_make_bar (GraftHeatmapView   *self,
                             const GraftColorbar *bar,
                             guint                width,
                             guint                height)
{
  g_autoptr(GraftColormap) cmap = graft_colormap_new (self->style.colormap, self->style.reversed);
  g_autofree guint8 *rgba = NULL;

  if (height < 2 || width < 1 ||
      !graft_colormap_set_scale (cmap, bar->scale, bar->vmin, bar->vmax, bar->linthresh, NULL))
    return NULL;
  rgba = g_malloc ((gsize) width * height * 4);
  for (guint y = 0; y < height; y++)
    {
      guint8 color[4];

      graft_colormap_sample (cmap, 1.0 - (double) y / (height - 1), color);
      for (guint x = 0; x < width; x++)
        memcpy (rgba + ((gsize) y * width + x) * 4, color, 4);
    }
  return graft_heatmap_view_make_texture (width, height, rgba);
}

static void
graft_heatmap_view_render_done_cb (GObject      *object,
                                   GAsyncResult *result,
                                   gpointer      user_data)
{
  GraftHeatmapView *self = GRAFT_HEATMAP_VIEW (object);
  GraftHeatmapViewJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  GraftHeatmapFrame *frame;
  int scale;

  frame = g_task_propagate_pointer (G_TASK (result), &error);
  self->in_flight = FALSE;

  if (frame == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
          !g_error_matches (error, GRAFT_ERROR, GRAFT_ERROR_CANCELLED) &&
          job->engine == self->engine)
        {
          g_autofree char *msg = g_strdup_printf (_("Cannot draw this tensor: %s"),
                                                  error->message);

          g_clear_pointer (&self->frame, graft_heatmap_frame_free);
          g_clear_object (&self->texture);
          g_clear_object (&self->bar_texture);
          graft_heatmap_view_set_status (self, msg);
          gtk_widget_queue_draw (GTK_WIDGET (self));
        }
    }
  else if (job->engine != self->engine || self->dirty)
    graft_heatmap_frame_free (frame);
  else
    {
      scale = gtk_widget_get_scale_factor (GTK_WIDGET (self));
      g_clear_pointer (&self->frame, graft_heatmap_frame_free);
      g_clear_object (&self->texture);
      g_clear_object (&self->bar_texture);
      self->frame = frame;
      self->texture = graft_heatmap_view_make_texture (graft_heatmap_frame_get_width (frame),
                                                       graft_heatmap_frame_get_height (frame),
                                                       graft_heatmap_frame_get_rgba (frame));
      if (!(job->grid && self->style.per_filter))
        self->bar_texture =
          graft_heatmap_view_make_bar (self, graft_heatmap_frame_get_colorbar (frame),
                                       BAR_WIDTH * scale,
                                       MAX (0, gtk_widget_get_height (GTK_WIDGET (self)) -
                                               2 * BAR_MARGIN) * scale);
      if (graft_heatmap_frame_get_n_clipped (frame) > 0)
        {
          g_autofree char *n = graft_numbers_count (graft_heatmap_frame_get_n_clipped (frame));
          g_autofree char *msg = g_strdup_printf (_("%s pixels are beyond the colour limits"), n);

          graft_heatmap_view_set_status (self, msg);
        }
      else
        graft_heatmap_view_set_status (self, NULL);
      gtk_widget_queue_draw (GTK_WIDGET (self));
      g_signal_emit (self, signals[SIGNAL_RENDERED], 0);
    }

  if (self->dirty)
    graft_heatmap_view_render (self);
  else
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/* Starts a render of what the view should show now, or, when one runs,
 * cancels it and starts again once it has returned. */
static void
graft_heatmap_view_render (GraftHeatmapView *self)
{
  g_autoptr(GTask) task = NULL;
  GraftHeatmapViewJob *job;
  int width, height;
  guint w, h;

  if (self->in_flight)
    {
      self->dirty = TRUE;
      g_cancellable_cancel (self->cancellable);
      return;
    }
  self->dirty = FALSE;
  if (self->engine == NULL)
    return;
  graft_heatmap_view_area (self, &width, &height);
  if (width < 1 || height < 1)
    return;

  job = g_new0 (GraftHeatmapViewJob, 1);
  job->engine = g_atomic_rc_box_acquire (self->engine);
  job->style = self->style;
  job->grid = graft_heatmap_view_uses_grid (self);
  job->set_slice = self->slice_changed;
  job->row_axis = self->row_axis;
  job->col_axis = self->col_axis;
  memcpy (job->index, self->index, sizeof job->index);
  self->slice_changed = FALSE;
  graft_heatmap_view_get_window (self, &job->window);
  if (job->grid)
    {
      w = width;
      h = height;
    }
  else
    graft_viewport_image_size (job->window.row_end - job->window.row_start,
                                   job->window.col_end - job->window.col_start,
                                   width, height, &w, &h);
  job->width = MAX (w, 1);
  job->height = MAX (h, 1);

  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  task = g_task_new (self, self->cancellable, graft_heatmap_view_render_done_cb, NULL);
  g_task_set_source_tag (task, graft_heatmap_view_render);
  g_task_set_task_data (task, job, graft_heatmap_view_job_free);
  self->in_flight = TRUE;
  g_task_run_in_thread (task, graft_heatmap_view_render_thread);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
graft_heatmap_view_invalidate (GraftHeatmapView *self)
{
  graft_heatmap_view_render (self);
}

/* ---- drawing ------------------------------------------------------------- */

static void
graft_heatmap_view_snapshot_bar (GraftHeatmapView *self,
                                 GtkSnapshot      *snapshot)
{
  const GraftColorbar *bar = graft_heatmap_frame_get_colorbar (self->frame);
  int scale = gtk_widget_get_scale_factor (GTK_WIDGET (self));
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  double bar_x = width - BAR_SPACE + BAR_MARGIN;
  double bar_h = gdk_texture_get_height (self->bar_texture) / (double) scale;
  GdkRGBA fg;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (self)), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  gtk_snapshot_append_texture (snapshot, self->bar_texture,
                               &GRAPHENE_RECT_INIT (bar_x, BAR_MARGIN, BAR_WIDTH, bar_h));

  for (guint i = 0; i < bar->n_ticks; i++)
    {
      const GraftColorbarTick *tick = &bar->ticks[i];
      double y = BAR_MARGIN + (1.0 - tick->position) * bar_h;
      g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self),
                                                                      tick->label);
      int lw, lh;

      gtk_snapshot_append_color (snapshot, &fg,
                                 &GRAPHENE_RECT_INIT (bar_x + BAR_WIDTH, round (y), 4, 1));
      pango_layout_get_pixel_size (layout, &lw, &lh);
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot,
                              &GRAPHENE_POINT_INIT (bar_x + BAR_WIDTH + 6,
                                                    CLAMP (round (y - lh / 2.0), 0,
                                                           BAR_MARGIN * 2 + bar_h - lh)));
      gtk_snapshot_append_layout (snapshot, layout, &fg);
      gtk_snapshot_restore (snapshot);
    }
}

static void
graft_heatmap_view_snapshot (GtkWidget   *widget,
                             GtkSnapshot *snapshot)
{
  GraftHeatmapView *self = GRAFT_HEATMAP_VIEW (widget);
  int scale = gtk_widget_get_scale_factor (widget);
  int area_w = MAX (0, gtk_widget_get_width (widget) - BAR_SPACE - 2 * IMAGE_PAD);
  int area_h = MAX (0, gtk_widget_get_height (widget) - 2 * IMAGE_PAD);
  double tw, th;

  if (self->texture == NULL)
    return;

  tw = gdk_texture_get_width (self->texture) / (double) scale;
  th = gdk_texture_get_height (self->texture) / (double) scale;
  /* Whole logical pixels, so that texels land on device pixels. */
  self->image_x = IMAGE_PAD + floor ((area_w - tw) / 2);
  self->image_y = IMAGE_PAD + floor ((area_h - th) / 2);
  gtk_snapshot_append_texture (snapshot, self->texture,
                               &GRAPHENE_RECT_INIT (self->image_x, self->image_y, tw, th));
  if (self->bar_texture != NULL)
    graft_heatmap_view_snapshot_bar (self, snapshot);
}

static void
graft_heatmap_view_size_allocate (GtkWidget *widget,
                                  int        width,
                                  int        height,
                                  int        baseline)
{
  GraftHeatmapView *self = GRAFT_HEATMAP_VIEW (widget);

  if (width == self->last_width && height == self->last_height)
    return;
  self->last_width = width;
  self->last_height = height;
  /* The old frame stays on screen until the new one is ready. */
  graft_heatmap_view_invalidate (self);
}

static void
graft_heatmap_view_measure (GtkWidget      *widget,
                            GtkOrientation  orientation,
                            int             for_size,
                            int            *minimum,
                            int            *natural,
                            int            *minimum_baseline,
                            int            *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? BAR_SPACE + 64 : 96;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? BAR_SPACE + 400 : 360;
}

/* ---- pointer ------------------------------------------------------------- */

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

  tensor = graft_heatmap_get_tensor (self->engine->heatmap);
  rank = graft_tensor_get_rank (tensor);
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

static void
graft_heatmap_view_leave_cb (GraftHeatmapView         *self,
                             GtkEventControllerMotion *motion)
{
  self->pointer_inside = FALSE;
}

static void
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

static void
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

/* ---- GObject ------------------------------------------------------------- */

static void
graft_heatmap_view_dispose (GObject *object)
{
  GraftHeatmapView *self = (GraftHeatmapView *) object;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->frame, graft_heatmap_frame_free);
  g_clear_object (&self->texture);
  g_clear_object (&self->bar_texture);
  g_clear_pointer (&self->engine, graft_heatmap_view_engine_unref);
  g_clear_pointer (&self->status, g_free);

  G_OBJECT_CLASS (graft_heatmap_view_parent_class)->dispose (object);
}

static void
graft_heatmap_view_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  GraftHeatmapView *self = GRAFT_HEATMAP_VIEW (object);

  switch (prop_id)
    {
    case PROP_STATUS:
      g_value_set_string (value, self->status);
      break;

    case PROP_BUSY:
      g_value_set_boolean (value, self->in_flight);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
graft_heatmap_view_class_init (GraftHeatmapViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = graft_heatmap_view_dispose;
  object_class->get_property = graft_heatmap_view_get_property;

  widget_class->snapshot = graft_heatmap_view_snapshot;
  widget_class->size_allocate = graft_heatmap_view_size_allocate;
  widget_class->measure = graft_heatmap_view_measure;

  properties[PROP_STATUS] =
    g_param_spec_string ("status", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * GraftHeatmapView::rendered:
   *
   * A new frame is on screen.
   */
  signals[SIGNAL_RENDERED] =
    g_signal_new ("rendered", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 0);

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

  gtk_widget_class_set_css_name (widget_class, "graftheatmap");
}

static void
graft_heatmap_view_init (GraftHeatmapView *self)
{
  GtkEventController *controller;
  GtkGesture *gesture;

  graft_heatmap_style_init (&self->style);
  self->grid = TRUE;
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);

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
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));
}

GtkWidget *
graft_heatmap_view_new (void)
{
  return g_object_new (GRAFT_TYPE_HEATMAP_VIEW, NULL);
}

static void
graft_heatmap_view_reset_window (GraftHeatmapView *self)
{
  graft_viewport_reset (&self->viewport,
                        self->engine ? graft_heatmap_get_n_rows (self->engine->heatmap) : 1,
                        self->engine ? graft_heatmap_get_n_cols (self->engine->heatmap) : 1);
}

/**
 * graft_heatmap_view_set_tensor:
 * @tensor: (nullable): what to show
 *
 * Shows @tensor whole, its last two axes as rows and columns; conv kernels
 * start as a grid of filters.
 */
void
graft_heatmap_view_set_tensor (GraftHeatmapView *self,
                               GraftTensor      *tensor)
{
  g_return_if_fail (GRAFT_IS_HEATMAP_VIEW (self));

  if (self->engine != NULL && tensor == graft_heatmap_get_tensor (self->engine->heatmap))
    return;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_pointer (&self->engine, graft_heatmap_view_engine_unref);
  g_clear_pointer (&self->frame, graft_heatmap_frame_free);
  g_clear_object (&self->texture);
  g_clear_object (&self->bar_texture);
  graft_heatmap_view_set_status (self, NULL);
  self->slice_changed = FALSE;

  if (tensor != NULL)
    {
      guint rank = graft_tensor_get_rank (tensor);

      self->engine = g_atomic_rc_box_new0 (GraftHeatmapViewEngine);
      self->engine->heatmap = graft_heatmap_new (tensor);
      memset (self->index, 0, sizeof self->index);
      self->row_axis = rank >= 2 ? rank - 2 : 0;
      self->col_axis = rank >= 1 ? rank - 1 : 0;
    }
  graft_heatmap_view_reset_window (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  graft_heatmap_view_invalidate (self);
}

/**
 * graft_heatmap_view_get_tensor:
 *
 * Returns: (transfer none) (nullable): the tensor shown
 */
GraftTensor *
graft_heatmap_view_get_tensor (GraftHeatmapView *self)
{
  g_return_val_if_fail (GRAFT_IS_HEATMAP_VIEW (self), NULL);

  return self->engine ? graft_heatmap_get_tensor (self->engine->heatmap) : NULL;
}

void
graft_heatmap_view_set_style (GraftHeatmapView        *self,
                              const GraftHeatmapStyle *style)
{
  g_return_if_fail (GRAFT_IS_HEATMAP_VIEW (self));
  g_return_if_fail (style != NULL);

  if (memcmp (&self->style, style, sizeof *style) == 0)
    return;
  self->style = *style;
  graft_heatmap_view_invalidate (self);
}

const GraftHeatmapStyle *
graft_heatmap_view_get_style (GraftHeatmapView *self)
{
  g_return_val_if_fail (GRAFT_IS_HEATMAP_VIEW (self), NULL);

  return &self->style;
}

/**
 * graft_heatmap_view_can_grid:
 *
 * Returns: %TRUE when the tensor is a conv kernel that can be shown as a
 *   grid of filters
 */
gboolean
graft_heatmap_view_can_grid (GraftHeatmapView *self)
{
  g_return_val_if_fail (GRAFT_IS_HEATMAP_VIEW (self), FALSE);

  return self->engine != NULL && graft_heatmap_can_grid (self->engine->heatmap) &&
         graft_tensor_get_rank (graft_heatmap_get_tensor (self->engine->heatmap)) >= 3;
}

void
graft_heatmap_view_set_grid (GraftHeatmapView *self,
                             gboolean          grid)
{
  g_return_if_fail (GRAFT_IS_HEATMAP_VIEW (self));

  grid = !!grid;
  if (self->grid == grid)
    return;
  self->grid = grid;
  graft_heatmap_view_invalidate (self);
}

gboolean
graft_heatmap_view_get_grid (GraftHeatmapView *self)
{
  g_return_val_if_fail (GRAFT_IS_HEATMAP_VIEW (self), FALSE);

  return graft_heatmap_view_uses_grid (self);
}

/**
 * graft_heatmap_view_set_slice:
 * @index: (array): the index on every axis; those of the two shown axes
 *   are ignored
 *
 * Chooses the two axes shown as rows and columns, and where the others are
 * cut, for tensors of rank 3 and more shown as a matrix.
 */
void
graft_heatmap_view_set_slice (GraftHeatmapView *self,
                              guint             row_axis,
                              guint             col_axis,
                              const gsize      *index)
{
  GraftTensor *tensor;
  guint rank;

  g_return_if_fail (GRAFT_IS_HEATMAP_VIEW (self));

  if (self->engine == NULL)
    return;
  tensor = graft_heatmap_get_tensor (self->engine->heatmap);
  rank = graft_tensor_get_rank (tensor);
  g_return_if_fail (rank < 2 || (row_axis < rank && col_axis < rank && row_axis != col_axis));

  if (rank >= 2 && (row_axis != self->row_axis || col_axis != self->col_axis))
    {
      graft_viewport_reset (&self->viewport, graft_tensor_get_dim (tensor, row_axis),
                            graft_tensor_get_dim (tensor, col_axis));
    }
  self->row_axis = row_axis;
  self->col_axis = col_axis;
  for (guint i = 0; i < rank; i++)
    self->index[i] = MIN (index[i], graft_tensor_get_dim (tensor, i) - 1);
  self->slice_changed = TRUE;
  graft_heatmap_view_invalidate (self);
}

/**
 * graft_heatmap_view_zoom:
 * @factor: > 1 to zoom in, < 1 to zoom out
 *
 * Zooms around the centre of the view.
 */
void
graft_heatmap_view_zoom (GraftHeatmapView *self,
                         double            factor)
{
  g_return_if_fail (GRAFT_IS_HEATMAP_VIEW (self));
  g_return_if_fail (factor > 0);

  graft_heatmap_view_zoom_at (self, factor, NAN, NAN);
}

void
graft_heatmap_view_zoom_fit (GraftHeatmapView *self)
{
  g_return_if_fail (GRAFT_IS_HEATMAP_VIEW (self));

  if (self->engine == NULL)
    return;
  graft_viewport_reset (&self->viewport, self->viewport.n_rows, self->viewport.n_cols);
  graft_heatmap_view_invalidate (self);
}

/**
 * graft_heatmap_view_get_frame:
 *
 * Returns: (transfer none) (nullable): the frame on screen
 */
const GraftHeatmapFrame *
graft_heatmap_view_get_frame (GraftHeatmapView *self)
{
  g_return_val_if_fail (GRAFT_IS_HEATMAP_VIEW (self), NULL);

  return self->frame;
}

/**
 * graft_heatmap_view_get_texture:
 *
 * Returns: (transfer none) (nullable): the texture drawn at 1:1 device
 *   pixels
 */
GdkTexture *
graft_heatmap_view_get_texture (GraftHeatmapView *self)
{
  g_return_val_if_fail (GRAFT_IS_HEATMAP_VIEW (self), NULL);

  return self->texture;
}

/**
 * graft_heatmap_view_get_image_origin:
 *
 * Where the texture's top-left corner was last drawn, in the widget's
 * coordinates.
 *
 * Returns: %FALSE when nothing is drawn
 */
gboolean
graft_heatmap_view_get_image_origin (GraftHeatmapView *self,
                                     double           *x,
                                     double           *y)
{
  g_return_val_if_fail (GRAFT_IS_HEATMAP_VIEW (self), FALSE);

  *x = self->image_x;
  *y = self->image_y;
  return self->texture != NULL;
}

const char *
graft_heatmap_view_get_status (GraftHeatmapView *self)
{
  g_return_val_if_fail (GRAFT_IS_HEATMAP_VIEW (self), NULL);

  return self->status;
}

gboolean
graft_heatmap_view_get_busy (GraftHeatmapView *self)
{
  g_return_val_if_fail (GRAFT_IS_HEATMAP_VIEW (self), FALSE);

  return self->in_flight;
}

/**
 * graft_heatmap_view_save_png:
 *
 * Writes the frame on screen, pixel for pixel, as a PNG file.
 */
gboolean
graft_heatmap_view_save_png (GraftHeatmapView  *self,
                             const char        *path,
                             GError           **error)
{
  g_return_val_if_fail (GRAFT_IS_HEATMAP_VIEW (self), FALSE);

  if (self->texture == NULL)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_INVALID, _("There is no picture to export"));
      return FALSE;
    }
  if (!gdk_texture_save_to_png (self->texture, path))
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_IO, _("Could not write “%s”"), path);
      return FALSE;
    }
  return TRUE;
}
