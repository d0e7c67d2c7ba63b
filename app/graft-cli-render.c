/* graft-cli-render.c: `graft-cli render FILE WEIGHT -o OUT.png …`
 *
 * Core renders the heatmap to RGBA8; this file only parses options, adds
 * the colour bar and writes the PNG with cairo.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-cli"

#include "config.h"

#include <cairo.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graft-cli-private.h"

/* Longest side of the default picture. */
#define GRAFT_CLI_RENDER_SIDE 1024

static gboolean
graft_cli_render_parse_size (const char *text,
                             guint      *width,
                             guint      *height)
{
  g_auto(GStrv) parts = g_strsplit (text, "x", 2);
  guint64 w, h;

  if (g_strv_length (parts) != 2 ||
      !g_ascii_string_to_unsigned (parts[0], 10, 1, GRAFT_HEATMAP_MAX_SIDE, &w, NULL) ||
      !g_ascii_string_to_unsigned (parts[1], 10, 1, GRAFT_HEATMAP_MAX_SIDE, &h, NULL))
    return FALSE;
  *width = w;
  *height = h;
  return TRUE;
}

static gboolean
graft_cli_render_parse_limits (const char        *text,
                               GraftHeatmapStyle *style)
{
  g_auto(GStrv) parts = NULL;
  char *end;

  if (g_str_equal (text, "sym"))
    {
      style->limits = GRAFT_LIMITS_SYMMETRIC;
      return TRUE;
    }
  if (g_str_has_prefix (text, "robust"))
    {
      style->limits = GRAFT_LIMITS_ROBUST;
      if (text[6] == '\0')
        return TRUE;
      if (text[6] != ':')
        return FALSE;
      style->robust_percentile = g_ascii_strtod (text + 7, &end);
      return *end == '\0' && style->robust_percentile > 0 && style->robust_percentile <= 100;
    }
  /* MIN:MAX; a leading '-' is a sign, so split at the last ':' only. */
  end = strrchr (text, ':');
  if (end == NULL || end == text)
    return FALSE;
  {
    g_autofree char *lo = g_strndup (text, end - text);
    char *e1, *e2;

    style->user_min = g_ascii_strtod (lo, &e1);
    style->user_max = g_ascii_strtod (end + 1, &e2);
    if (*e1 != '\0' || *e2 != '\0' || e2 == end + 1 || !(style->user_min < style->user_max))
      return FALSE;
  }
  style->limits = GRAFT_LIMITS_USER;
  return TRUE;
}

/* "3,1,0" into at most max numbers. */
static gboolean
graft_cli_render_parse_list (const char *text,
                             gsize      *values,
                             guint       max,
                             guint      *n)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);

  *n = g_strv_length (parts);
  if (*n == 0 || *n > max)
    return FALSE;
  for (guint i = 0; i < *n; i++)
    {
      guint64 v;

      if (!g_ascii_string_to_unsigned (g_strstrip (parts[i]), 10, 0, G_MAXSIZE, &v, NULL))
        return FALSE;
      values[i] = v;
    }
  return TRUE;
}

/* "r0:r1,c0:c1" */
static gboolean
graft_cli_render_parse_window (const char         *text,
                               GraftHeatmapWindow *window)
{
  g_auto(GStrv) axes = g_strsplit (text, ",", -1);
  gsize v[4];

  if (g_strv_length (axes) != 2)
    return FALSE;
  for (guint a = 0; a < 2; a++)
    {
      g_auto(GStrv) ends = g_strsplit (axes[a], ":", -1);

      if (g_strv_length (ends) != 2)
        return FALSE;
      for (guint e = 0; e < 2; e++)
        {
          guint64 x;

          if (!g_ascii_string_to_unsigned (g_strstrip (ends[e]), 10, 0, G_MAXSIZE, &x, NULL))
            return FALSE;
          v[2 * a + e] = x;
        }
    }
  window->row_start = v[0];
  window->row_end = v[1];
  window->col_start = v[2];
  window->col_end = v[3];
  return TRUE;
}

/* A size that shows small tensors with readable cells, big ones at most
 * GRAFT_CLI_RENDER_SIDE a side. */
static void
graft_cli_render_default_size (GraftHeatmap             *hm,
                               const GraftHeatmapWindow *window,
                               guint                    *width,
                               guint                    *height)
{
  gsize rows = window != NULL ? window->row_end - window->row_start : graft_heatmap_get_n_rows (hm);
  gsize cols = window != NULL ? window->col_end - window->col_start : graft_heatmap_get_n_cols (hm);
  gsize zoom = MAX (1, GRAFT_CLI_RENDER_SIDE / MAX (rows, cols));

  zoom = MIN (zoom, 32);
  *width = (guint) MIN (cols * zoom, GRAFT_CLI_RENDER_SIDE);
  *height = (guint) MIN (rows * zoom, GRAFT_CLI_RENDER_SIDE);
  /* A single row as a thin line is hard to see. */
  if (*height < 16)
    *height = 16;
}

/* Natural size of a grid or strip at the largest zoom up to 32 that keeps
 * it within GRAFT_CLI_RENDER_SIDE, at least zoom 1 (cut to 4096 a side). */
static void
graft_cli_render_grid_size (GraftHeatmap            *hm,
                            const GraftHeatmapStyle *style,
                            guint                   *width,
                            guint                   *height)
{
  guint w = 0, h = 0;

  for (guint zoom = 32; zoom >= 1; zoom--)
    {
      graft_heatmap_get_grid_size (hm, style, zoom, &w, &h);
      if ((w <= GRAFT_CLI_RENDER_SIDE && h <= GRAFT_CLI_RENDER_SIDE) || zoom == 1)
        break;
    }
  if (graft_tensor_get_rank (graft_heatmap_get_tensor (hm)) <= 1 && w > GRAFT_CLI_RENDER_SIDE)
    {
      /* A long vector wraps into rows of readable cells. */
      w = GRAFT_CLI_RENDER_SIDE;
      h = GRAFT_CLI_RENDER_SIDE;
    }
  *width = MIN (MAX (w, 1u), 4096u);
  *height = MIN (MAX (h, 1u), 4096u);
}

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

static gboolean
graft_cli_render_write_png (const GraftHeatmapFrame  *frame,
                            const GraftHeatmapStyle  *style,
                            gboolean                  colorbar,
                            const char               *path,
                            GError                  **error)
{
  guint w = graft_heatmap_frame_get_width (frame), h = graft_heatmap_frame_get_height (frame);
  guint extra = colorbar ? 96 : 0;
  guint total_h = colorbar ? MAX (h, 120u) : h;
  cairo_surface_t *image, *out;
  cairo_status_t status;
  cairo_t *cr;

  image = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
  if (cairo_surface_status (image) != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_LIMIT, "%s: cannot make a %u×%u image: %s",
                   path, w, h, cairo_status_to_string (cairo_surface_status (image)));
      cairo_surface_destroy (image);
      return FALSE;
    }
  graft_cli_render_copy_pixels (frame, image);

  out = image;
  if (colorbar)
    {
      out = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w + extra, total_h);
      cr = cairo_create (out);
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_paint (cr);
      cairo_set_source_surface (cr, image, 0, 0);
      cairo_paint (cr);
      graft_cli_render_draw_colorbar (cr, frame, style, w + 8, total_h);
      cairo_destroy (cr);
      cairo_surface_destroy (image);
    }
  status = cairo_surface_write_to_png (out, path);
  cairo_surface_destroy (out);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_IO, "%s: cannot write the PNG: %s", path,
                   cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}

int
graft_cli_render (int    argc,
                  char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("FILE WEIGHT");
  g_autoptr(GraftModel) model = NULL;
  g_autoptr(GraftHeatmap) hm = NULL;
  g_autoptr(GraftHeatmapFrame) frame = NULL;
  g_autofree char *output = NULL, *size = NULL, *cmap = NULL, *scale = NULL, *limits = NULL;
  g_autofree char *reduce = NULL, *axes = NULL, *index = NULL, *window_text = NULL;
  gboolean reverse = FALSE, grid = FALSE, colorbar = FALSE, per_filter = FALSE;
  gboolean raw = FALSE;
  int channel = -1;
  GraftHeatmapStyle style;
  GraftHeatmapWindow window;
  GraftWeight *weight;
  GraftTensor *tensor;
  guint width = 0, height = 0, rank;
  GError *error = NULL;
  const GOptionEntry entries[] = {
    { "raw", 0, 0, G_OPTION_ARG_NONE, &raw,
      "Of a quantized weight, the stored integers rather than the real values", NULL },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "The PNG to write", "OUT.png" },
    { "size", 0, 0, G_OPTION_ARG_STRING, &size, "Image size (default: up to 1024 a side)", "WxH" },
    { "cmap", 0, 0, G_OPTION_ARG_STRING, &cmap,
      "diverging (default), viridis, magma, cividis, grayscale", "NAME" },
    { "reverse", 0, 0, G_OPTION_ARG_NONE, &reverse, "Reverse the colormap", NULL },
    { "scale", 0, 0, G_OPTION_ARG_STRING, &scale, "lin (default), symlog or log", "SCALE" },
    { "limits", 0, 0, G_OPTION_ARG_STRING, &limits,
      "sym (±max|x|, default), robust[:PCT] (percentile of |x|, 99.5) or MIN:MAX", "LIMITS" },
    { "reduce", 0, 0, G_OPTION_ARG_STRING, &reduce,
      "extreme (largest |x| per pixel, default) or mean", "MODE" },
    { "axes", 0, 0, G_OPTION_ARG_STRING, &axes, "Axes shown as rows and columns", "R,C" },
    { "index", 0, 0, G_OPTION_ARG_STRING, &index,
      "Index on every axis, or on every axis not shown", "I,J,…" },
    { "window", 0, 0, G_OPTION_ARG_STRING, &window_text,
      "Zoom window (rows r0:r1, columns c0:c1; in --grid, filters and channels)", "R0:R1,C0:C1" },
    { "grid", 0, 0, G_OPTION_ARG_NONE, &grid,
      "Convolution kernel as a grid of tiles (rows filters, columns channels)", NULL },
    { "channel", 0, 0, G_OPTION_ARG_INT, &channel, "With --grid, only this input channel", "N" },
    { "per-filter", 0, 0, G_OPTION_ARG_NONE, &per_filter,
      "With --grid, colour limits per output filter", NULL },
    { "colorbar", 0, 0, G_OPTION_ARG_NONE, &colorbar, "Add a colour bar with its values", NULL },
    { NULL }
  };

  g_option_context_set_summary (context,
                                "Renders one tensor as a heatmap PNG. Where several values share a\n"
                                "pixel, it shows the one of largest magnitude (or the mean); NaN is\n"
                                "magenta, +Inf lime and -Inf cyan. Vectors are drawn as a strip.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!graft_cli_parse (context, &argc, &argv, "render"))
    return 2;
  if (argc != 3)
    return graft_cli_usage_error ("render", "expected FILE and WEIGHT");
  if (output == NULL)
    return graft_cli_usage_error ("render", "missing -o OUT.png");

  graft_heatmap_style_init (&style);
  style.reversed = reverse;
  style.per_filter = per_filter;
  if (channel >= 0)
    style.channel = channel;
  if (size != NULL && !graft_cli_render_parse_size (size, &width, &height))
    return graft_cli_usage_error ("render", "--size wants WxH (1 to %u each), not '%s'",
                                  GRAFT_HEATMAP_MAX_SIDE, size);
  if (cmap != NULL && !graft_colormap_kind_from_name (cmap, &style.colormap))
    return graft_cli_usage_error ("render", "unknown colormap '%s'", cmap);
  if (scale != NULL && !graft_scale_from_name (scale, &style.scale))
    return graft_cli_usage_error ("render", "--scale wants lin, symlog or log, not '%s'", scale);
  if (limits != NULL && !graft_cli_render_parse_limits (limits, &style))
    return graft_cli_usage_error ("render", "--limits wants sym, robust[:PCT] or MIN:MAX, not '%s'",
                                  limits);
  if (reduce != NULL && !graft_reduce_from_name (reduce, &style.reduce))
    return graft_cli_usage_error ("render", "--reduce wants extreme or mean, not '%s'", reduce);
  if (window_text != NULL && !graft_cli_render_parse_window (window_text, &window))
    return graft_cli_usage_error ("render", "--window wants R0:R1,C0:C1, not '%s'", window_text);

  /* Reading and reducing the values move the progress counter. */
  graft_cli_watch_begin (argv[1]);
  model = graft_cli_load_weight (argv[1], argv[2], &weight, &error);
  if (model == NULL)
    return graft_cli_fail (error);
  /* A quantized weight's real values, unless --raw. */
  tensor = raw ? graft_weight_get_tensor (weight) : graft_weight_get_values (weight);
  rank = graft_tensor_get_rank (tensor);
  hm = graft_heatmap_new (tensor);
  graft_heatmap_set_channels_first (hm, graft_format_get_framework (graft_model_get_format (model)) ==
                                          GRAFT_FRAMEWORK_TORCH);

  if (axes != NULL || index != NULL)
    {
      gsize ax[2] = { rank >= 2 ? rank - 2 : 0, rank >= 2 ? rank - 1 : 0 };
      gsize list[GRAFT_MAX_RANK] = { 0 }, idx[GRAFT_MAX_RANK] = { 0 };
      guint n = 0;

      if (axes != NULL && (!graft_cli_render_parse_list (axes, ax, 2, &n) || n != 2))
        return graft_cli_usage_error ("render", "--axes wants two axes R,C, not '%s'", axes);
      if (index != NULL && !graft_cli_render_parse_list (index, list, GRAFT_MAX_RANK, &n))
        return graft_cli_usage_error ("render", "--index wants numbers I,J,…, not '%s'", index);
      if (index != NULL)
        {
          if (n == rank)
            memcpy (idx, list, sizeof (gsize) * rank);
          else if (rank >= 2 && n == rank - 2)
            {
              for (guint i = 0, k = 0; i < rank; i++)
                if (i != ax[0] && i != ax[1])
                  idx[i] = list[k++];
            }
          else
            return graft_cli_usage_error ("render", "--index wants %u or %u numbers for a rank-%u tensor",
                                          rank, rank >= 2 ? rank - 2 : 0, rank);
        }
      if (!graft_heatmap_set_slice (hm, ax[0], ax[1], idx, &error))
        {
          graft_error_add_context (&error, argv[1], "weight '%s'", graft_weight_get_path (weight));
          return graft_cli_fail (error);
        }
    }

  /* Vectors are strips unless a matrix picture was asked for by a window. */
  if (grid || (rank <= 1 && window_text == NULL))
    {
      if (width == 0)
        graft_cli_render_grid_size (hm, &style, &width, &height);
      frame = graft_heatmap_render_grid (hm, window_text != NULL ? &window : NULL, width, height,
                                         &style, NULL, &error);
      if (frame == NULL && !grid && g_error_matches (error, GRAFT_ERROR, GRAFT_ERROR_LIMIT))
        {
          g_clear_error (&error);
          graft_cli_render_default_size (hm, NULL, &width, &height);
        }
    }
  if (frame == NULL && error == NULL)
    {
      if (width == 0)
        graft_cli_render_default_size (hm, window_text != NULL ? &window : NULL, &width, &height);
      frame = graft_heatmap_render (hm, window_text != NULL ? &window : NULL, width, height,
                                    &style, NULL, &error);
    }
  if (frame == NULL)
    {
      graft_error_add_context (&error, argv[1], "weight '%s'", graft_weight_get_path (weight));
      return graft_cli_fail (error);
    }

  if (!graft_cli_render_write_png (frame, &style, colorbar, output, &error))
    return graft_cli_fail (error);
  return 0;
}
