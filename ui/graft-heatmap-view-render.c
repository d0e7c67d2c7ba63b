/* graft-heatmap-view-render.c: frames rendered off the main loop, and drawing them at 1:1 device pixels
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-heatmap-view"

#include "config.h"

#include "graft-heatmap-view-private.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "graft-background.h"
#include "graft-numbers.h"

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

/* A 3-channel kernel's filters as colour pictures: small enough to draw
 * at once, at the largest whole zoom that fits. */
static void
graft_heatmap_view_render_rgb (GraftHeatmapView *self,
                               int               width,
                               int               height)
{
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *rgba = NULL;
  guint w = 0, h = 0, zoom;

  g_clear_object (&self->rgb_texture);
  for (zoom = 64; zoom > 1; zoom--)
    if (graft_heatmap_mosaic_rgb_size (&self->mosaic, zoom, &w, &h) &&
        w <= (guint) width && h <= (guint) height)
      break;
  rgba = graft_heatmap_mosaic_rgb (&self->mosaic, self->tensor, self->index, zoom, &w, &h, &error);
  if (rgba == NULL)
    {
      graft_heatmap_view_set_status (self, error->message);
      return;
    }
  self->rgb_texture = graft_heatmap_view_make_texture (w, h, rgba);
  graft_heatmap_view_set_status (self, _("Each filter stretched from its minimum to its maximum"));
  gtk_widget_queue_draw (GTK_WIDGET (self));
  graft_heatmap_view_emit_rendered (self);
}

GdkTexture *
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
      if (self->mosaic_active)
        self->texture = graft_heatmap_view_mosaic_texture (self, frame);
      else
        self->texture = graft_heatmap_view_make_texture (graft_heatmap_frame_get_width (frame),
                                                         graft_heatmap_frame_get_height (frame),
                                                         graft_heatmap_frame_get_rgba (frame));
      if (!((job->grid || self->mosaic_active) && self->style.per_filter))
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
      graft_heatmap_view_emit_rendered (self);
    }

  if (self->dirty)
    graft_heatmap_view_render (self);
  else
    graft_heatmap_view_notify_busy (self);
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
  if (graft_heatmap_view_get_rgb (self))
    {
      graft_heatmap_view_render_rgb (self, width, height);
      return;
    }

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
  graft_background_run (task, graft_heatmap_view_render_thread);
  graft_heatmap_view_notify_busy (self);
}

void
graft_heatmap_view_invalidate (GraftHeatmapView *self)
{
  graft_heatmap_view_render (self);
}

void
graft_heatmap_view_snapshot (GtkWidget   *widget,
                             GtkSnapshot *snapshot)
{
  GraftHeatmapView *self = GRAFT_HEATMAP_VIEW (widget);
  int scale = gtk_widget_get_scale_factor (widget);
  int area_w = MAX (0, gtk_widget_get_width (widget) - BAR_SPACE - AXIS_LEFT - 2 * IMAGE_PAD);
  int area_h = MAX (0, gtk_widget_get_height (widget) - AXIS_TOP - 2 * IMAGE_PAD);
  GdkTexture *texture = graft_heatmap_view_get_rgb (self) ? self->rgb_texture : self->texture;
  double tw, th;

  g_array_set_size (self->bar_labels, 0);
  if (texture == NULL)
    return;

  tw = gdk_texture_get_width (texture) / (double) scale;
  th = gdk_texture_get_height (texture) / (double) scale;
  /* Whole logical pixels, so that texels land on device pixels. */
  self->image_x = AXIS_LEFT + IMAGE_PAD + floor ((area_w - tw) / 2);
  self->image_y = AXIS_TOP + IMAGE_PAD + floor ((area_h - th) / 2);
  gtk_snapshot_append_texture (snapshot, texture,
                               &GRAPHENE_RECT_INIT (self->image_x, self->image_y, tw, th));
  if (texture != self->texture)
    return;
  graft_heatmap_view_snapshot_axes (self, snapshot);
  if (self->bar_texture != NULL)
    graft_heatmap_view_snapshot_bar (self, snapshot);
}

void
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

void
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
