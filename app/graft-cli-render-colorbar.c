/* graft-cli-render-colorbar.c: `graft-cli render --colorbar`, drawn with cairo
 *
 * Only graft-cli-render links this file (and cairo, for the labels' text):
 * the frame is composed beside its colour bar on a cairo surface, then
 * written by the same PNG writer as a frame alone.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-cli"

#include "config.h"

#include <cairo.h>
#include <math.h>

#include "graft-cli-png.h"
#include "graft-cli-private.h"

static void
graft_cli_render_copy_pixels (const GraftHeatmapFrame *frame,
                              cairo_surface_t         *surface)
{
  guint w = graft_heatmap_frame_get_width (frame), h = graft_heatmap_frame_get_height (frame);
  const guint8 *rgba = graft_heatmap_frame_get_rgba (frame);
  guint8 *dst;
  int stride;

  cairo_surface_flush (surface);
  dst = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  for (guint y = 0; y < h; y++)
    {
      guint32 *row = (guint32 *) (dst + (gsize) y * stride);

      /* Opaque pixels, so premultiplied equals straight alpha. */
      for (guint x = 0; x < w; x++)
        {
          const guint8 *p = rgba + 4 * ((gsize) y * w + x);

          row[x] = 0xff000000u | ((guint32) p[0] << 16) | ((guint32) p[1] << 8) | p[2];
        }
    }
  cairo_surface_mark_dirty (surface);
}

static void
graft_cli_render_draw_colorbar (cairo_t                 *cr,
                                const GraftHeatmapFrame *frame,
                                const GraftHeatmapStyle *style,
                                double                   x0,
                                double                   bar_height)
{
  const GraftColorbar *bar = graft_heatmap_frame_get_colorbar (frame);
  g_autoptr(GraftColormap) cmap = graft_colormap_new (style->colormap, style->reversed);
  /* Room below the bar for the scale's name, clear of the lowest tick. */
  double top = 8, height = bar_height - 24;

  for (int y = 0; y < (int) height; y++)
    {
      guint8 rgba[4];

      graft_colormap_sample (cmap, 1.0 - (y + 0.5) / height, rgba);
      cairo_set_source_rgb (cr, rgba[0] / 255.0, rgba[1] / 255.0, rgba[2] / 255.0);
      cairo_rectangle (cr, x0, top + y, 16, 1);
      cairo_fill (cr);
    }
  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_set_line_width (cr, 1);
  cairo_rectangle (cr, x0 + 0.5, top + 0.5, 15, height - 1);
  cairo_stroke (cr);

  cairo_select_font_face (cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, 11);
  for (guint i = 0; i < bar->n_ticks; i++)
    {
      double y = top + (1.0 - bar->ticks[i].position) * (height - 1);

      cairo_move_to (cr, x0 + 16, floor (y) + 0.5);
      cairo_line_to (cr, x0 + 20, floor (y) + 0.5);
      cairo_stroke (cr);
      cairo_move_to (cr, x0 + 23, y + 4);
      cairo_show_text (cr, bar->ticks[i].label);
    }
  cairo_move_to (cr, x0, bar_height - 3);
  cairo_set_font_size (cr, 9);
  cairo_show_text (cr, graft_scale_get_name (bar->scale));
}

/* The surface's pixels (cairo's native-endian ARGB32, opaque here, so
 * premultiplied equals straight) as RGBA8. */
static guint8 *
graft_cli_render_surface_rgba (cairo_surface_t *surface)
{
  guint w = cairo_image_surface_get_width (surface), h = cairo_image_surface_get_height (surface);
  const guint8 *src = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  guint8 *rgba = g_malloc ((gsize) w * h * 4);

  cairo_surface_flush (surface);
  for (guint y = 0; y < h; y++)
    {
      const guint32 *row = (const guint32 *) (src + (gsize) y * stride);

      for (guint x = 0; x < w; x++)
        {
          guint8 *p = rgba + 4 * ((gsize) y * w + x);

          p[0] = row[x] >> 16;
          p[1] = row[x] >> 8;
          p[2] = row[x];
          p[3] = row[x] >> 24;
        }
    }
  return rgba;
}

/**
 * graft_cli_render_colorbar_png:
 *
 * Writes @frame with a colour bar and its tick labels on its right to
 * @path.
 */
gboolean
graft_cli_render_colorbar_png (const GraftHeatmapFrame  *frame,
                               const GraftHeatmapStyle  *style,
                               const char               *path,
                               GError                  **error)
{
  guint w = graft_heatmap_frame_get_width (frame), h = graft_heatmap_frame_get_height (frame);
  guint total_w = w + 96, total_h = MAX (h, 120u);
  g_autofree guint8 *rgba = NULL;
  cairo_surface_t *image, *out;
  cairo_t *cr;

  image = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
  out = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, total_w, total_h);
  if (cairo_surface_status (image) != CAIRO_STATUS_SUCCESS ||
      cairo_surface_status (out) != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_LIMIT, "%s: cannot make a %u×%u image: %s",
                   path, total_w, total_h,
                   cairo_status_to_string (cairo_surface_status (cairo_surface_status (image) ? image : out)));
      cairo_surface_destroy (image);
      cairo_surface_destroy (out);
      return FALSE;
    }
  graft_cli_render_copy_pixels (frame, image);
  cr = cairo_create (out);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_set_source_surface (cr, image, 0, 0);
  cairo_paint (cr);
  graft_cli_render_draw_colorbar (cr, frame, style, w + 8, total_h);
  cairo_destroy (cr);
  cairo_surface_destroy (image);
  rgba = graft_cli_render_surface_rgba (out);
  cairo_surface_destroy (out);
  return graft_cli_png_write (path, rgba, total_w, total_h, error);
}
