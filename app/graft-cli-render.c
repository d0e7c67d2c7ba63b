/* graft-cli-render.c: `graft-cli render FILE WEIGHT -o OUT.png …`
 *
 * Core renders the heatmap to RGBA8; this file only parses options and
 * writes the PNG. The colour bar needs text, hence cairo, whose libraries
 * would slow the start of every command: `--colorbar` is drawn by
 * graft-cli-render, a program of its own (graft-cli-render-colorbar.c),
 * which graft-cli hands the command to.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-cli"

#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "graft-cli-png.h"
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

/* `render --colorbar` in graft-cli: the same arguments to graft-cli-render,
 * installed beside it, which takes over the process. */
static int
graft_cli_render_exec (char **argv)
{
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *dir = exe != NULL ? g_path_get_dirname (exe) : NULL;
  g_autofree char *helper = dir != NULL ? g_build_filename (dir, "graft-cli-render", NULL) : NULL;
  g_autoptr(GPtrArray) args = g_ptr_array_new ();

  if (helper == NULL || !g_file_test (helper, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_free (helper);
      helper = g_find_program_in_path ("graft-cli-render");
    }
  if (helper == NULL)
    {
      fprintf (stderr, "graft-cli: render --colorbar needs graft-cli-render, installed beside graft-cli\n");
      return 1;
    }
  g_ptr_array_add (args, helper);
  for (guint i = 0; argv[i] != NULL; i++)
    g_ptr_array_add (args, argv[i]);
  g_ptr_array_add (args, NULL);
  execv (helper, (char **) args->pdata);
  fprintf (stderr, "graft-cli: cannot run %s: %s\n", helper, g_strerror (errno));
  return 1;
}

/**
 * graft_cli_render_run:
 * @colorbar_png: (nullable): writes a frame with its colour bar; %NULL in a
 *   program without it, which then hands `--colorbar` to graft-cli-render
 */
int
graft_cli_render_run (int                  argc,
                      char               **argv,
                      GraftCliColorbarPng  colorbar_png)
{
  /* The arguments as given, before the option parser takes its own out. */
  g_auto(GStrv) given = g_strdupv (argv);
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
  if (colorbar && colorbar_png == NULL)
    return graft_cli_render_exec (given);

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

  if (colorbar ? !colorbar_png (frame, &style, output, &error)
               : !graft_cli_png_write (output, graft_heatmap_frame_get_rgba (frame),
                                       graft_heatmap_frame_get_width (frame),
                                       graft_heatmap_frame_get_height (frame), &error))
    return graft_cli_fail (error);
  return 0;
}

int
graft_cli_render (int    argc,
                  char **argv)
{
  return graft_cli_render_run (argc, argv, NULL);
}
