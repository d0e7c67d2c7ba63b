/* graft-heatmap-frame.c: a rendered heatmap: pixels, and the elements behind each
 *
 * A frame keeps, beside its RGBA pixels, the value each pixel shows, which
 * cells were clipped by the limits, and the element ranges each row and
 * column of pixels covers, so that the exact value and index under the
 * pointer come from the tensor at full resolution.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-heatmap-frame"

#include "config.h"

#include "graft-heatmap.h"

#include <math.h>
#include <string.h>

#include "graft-dtype.h"
#include "graft-alloc.h"
#include "graft-error.h"
#include "graft-heatmap-private.h"
#include "graft-limits.h"
#include "graft-tensor.h"

GraftHeatmapFrame *
graft_heatmap_frame_new (const GraftHeatmap  *heatmap,
                         GraftHeatmapLayout   layout,
                         guint                width,
                         guint                height)
{
  GraftHeatmapFrame *frame = g_new0 (GraftHeatmapFrame, 1);

  frame->layout = layout;
  frame->width = width;
  frame->height = height;
  frame->rgba = graft_alloc_big0 ((gsize) width * height * 4);
  frame->clip = graft_alloc_big0 ((gsize) width * height);
  frame->shown = graft_alloc_big0 ((gsize) width * height * sizeof (float));
  for (gsize i = 0; i < (gsize) width * height; i++)
    frame->shown[i] = NAN;
  frame->tensor = graft_tensor_ref (heatmap->tensor);
  frame->channels_first = heatmap->channels_first;
  frame->row_axis = heatmap->row_axis;
  frame->col_axis = heatmap->col_axis;
  memcpy (frame->index, heatmap->index, sizeof frame->index);
  frame->channel = GRAFT_HEATMAP_ALL_CHANNELS;
  return frame;
}

void
graft_heatmap_frame_free (GraftHeatmapFrame *frame)
{
  if (frame == NULL)
    return;
  g_free (frame->rgba);
  g_free (frame->clip);
  g_free (frame->shown);
  g_free (frame->row_lo);
  g_free (frame->row_hi);
  g_free (frame->col_lo);
  g_free (frame->col_hi);
  graft_tensor_unref (frame->tensor);
  g_free (frame);
}

GraftHeatmapLayout
graft_heatmap_frame_get_layout (const GraftHeatmapFrame *frame)
{
  return frame->layout;
}

guint
graft_heatmap_frame_get_width (const GraftHeatmapFrame *frame)
{
  return frame->width;
}

guint
graft_heatmap_frame_get_height (const GraftHeatmapFrame *frame)
{
  return frame->height;
}

/**
 * graft_heatmap_frame_get_rgba:
 *
 * Returns: (transfer none): [height, width, 4] straight-alpha RGBA8 pixels,
 *   rows packed (stride = 4 · width)
 */
const guint8 *
graft_heatmap_frame_get_rgba (const GraftHeatmapFrame *frame)
{
  return frame->rgba;
}

/**
 * graft_heatmap_frame_get_clip:
 *
 * Returns: (transfer none): [height, width] #GraftClip of every pixel:
 *   pixels whose value lies beyond the colour limits
 */
const guint8 *
graft_heatmap_frame_get_clip (const GraftHeatmapFrame *frame)
{
  return frame->clip;
}

guint64
graft_heatmap_frame_get_n_clipped (const GraftHeatmapFrame *frame)
{
  return frame->n_clipped;
}

/**
 * graft_heatmap_frame_get_shown:
 *
 * Returns: the value pixel (x, y) shows (the reduced value); NaN for
 *   separators. For the exact values behind it use
 *   graft_heatmap_frame_lookup().
 */
float
graft_heatmap_frame_get_shown (const GraftHeatmapFrame *frame,
                               guint                    x,
                               guint                    y)
{
  g_return_val_if_fail (x < frame->width && y < frame->height, NAN);
  return frame->shown[(gsize) y * frame->width + x];
}

const GraftColorbar *
graft_heatmap_frame_get_colorbar (const GraftHeatmapFrame *frame)
{
  return &frame->colorbar;
}

void
graft_heatmap_frame_get_window (const GraftHeatmapFrame *frame,
                                GraftHeatmapWindow      *window)
{
  *window = frame->window;
}

/**
 * graft_heatmap_frame_get_reduction:
 *
 * Gives the reduction factor: slice rows and columns per pixel, on
 * average (below 1 when magnified; 1 in grid and strip layouts).
 */
void
graft_heatmap_frame_get_reduction (const GraftHeatmapFrame *frame,
                                   double                  *rows_per_pixel,
                                   double                  *cols_per_pixel)
{
  double r = 1, c = 1;

  if (frame->layout == GRAFT_HEATMAP_MATRIX)
    {
      r = (double) (frame->window.row_end - frame->window.row_start) / frame->height;
      c = (double) (frame->window.col_end - frame->window.col_start) / frame->width;
    }
  if (rows_per_pixel != NULL)
    *rows_per_pixel = r;
  if (cols_per_pixel != NULL)
    *cols_per_pixel = c;
}

/* Grid and strip: the element behind a pixel, or FALSE for a separator. */
static gboolean
graft_heatmap_frame_grid_element (const GraftHeatmapFrame *frame,
                                  guint                    x,
                                  guint                    y,
                                  gsize                   *index)
{
  guint rank = graft_tensor_get_rank (frame->tensor);
  guint tw = frame->tile_cols * frame->zoom + 1, th = frame->tile_rows * frame->zoom + 1;
  guint gx = x / tw, gy = y / th, ix = x % tw, iy = y % th;
  guint ky, kx, filter, channel;
  GraftKernelAxes axes;

  if (gx >= frame->grid_cols || gy >= frame->grid_rows ||
      ix >= frame->tile_cols * frame->zoom || iy >= frame->tile_rows * frame->zoom)
    return FALSE;
  ky = iy / frame->zoom;
  kx = ix / frame->zoom;

  memcpy (index, frame->index, sizeof (gsize) * GRAFT_MAX_RANK);
  if (frame->layout == GRAFT_HEATMAP_STRIP)
    {
      gsize t = (gsize) gy * frame->grid_cols + gx;

      if (t >= frame->n_tiles)
        return FALSE;
      if (rank == 1)
        index[0] = frame->first_filter + t;
      return TRUE;
    }
  if (frame->channel == GRAFT_HEATMAP_ALL_CHANNELS)
    {
      filter = frame->first_filter + gy;
      channel = frame->first_channel + gx;
    }
  else
    {
      gsize t = (gsize) gy * frame->grid_cols + gx;

      if (t >= frame->n_tiles)
        return FALSE;
      filter = frame->first_filter + t;
      channel = frame->channel;
    }
  graft_kernel_axes (rank, frame->channels_first, &axes);
  index[axes.filter] = filter;
  index[axes.channel] = channel;
  index[axes.kx] = kx;
  if (axes.ky >= 0)
    index[axes.ky] = ky;
  return TRUE;
}

/**
 * graft_heatmap_frame_lookup:
 * @pixel: (out caller-allocates): what lies behind pixel (x, y)
 *
 * Reads, at full resolution, the values behind a pixel: their index
 * ranges, the exact value the pixel stands for and where it is, and their
 * extremes and mean. Separators give @pixel->valid = %FALSE.
 *
 * Returns: %FALSE with @error set when the values cannot be read
 */
gboolean
graft_heatmap_frame_lookup (const GraftHeatmapFrame  *frame,
                            guint                     x,
                            guint                     y,
                            GraftHeatmapPixel        *pixel,
                            GError                  **error)
{
  guint rank = graft_tensor_get_rank (frame->tensor);
  GraftDType dtype = graft_tensor_get_dtype (frame->tensor);
  gsize n = 1;
  g_autofree guint8 *raw = NULL;
  g_autofree double *values = NULL;
  gssize i_max = -1, i_min = -1, i_nan = -1, i_pick;
  double sum = 0;

  g_return_val_if_fail (frame != NULL && pixel != NULL, FALSE);
  g_return_val_if_fail (x < frame->width && y < frame->height, FALSE);

  memset (pixel, 0, sizeof *pixel);
  for (guint i = 0; i < rank; i++)
    {
      pixel->start[i] = frame->index[i];
      pixel->count[i] = 1;
    }

  if (frame->layout != GRAFT_HEATMAP_MATRIX)
    {
      gsize index[GRAFT_MAX_RANK];

      if (!graft_heatmap_frame_grid_element (frame, x, y, index))
        return TRUE;
      for (guint i = 0; i < rank; i++)
        pixel->start[i] = index[i];
      GraftKernelAxes axes;

      graft_kernel_axes (MAX (rank, 3), frame->channels_first, &axes);
      pixel->row_start = rank >= 2 ? index[axes.filter] : 0;
      pixel->row_end = pixel->row_start + 1;
      pixel->col_start = rank >= 2 ? index[axes.channel] : (rank == 1 ? index[0] : 0);
      pixel->col_end = pixel->col_start + 1;
    }
  else
    {
      pixel->row_start = frame->row_lo[y];
      pixel->row_end = frame->row_hi[y];
      pixel->col_start = frame->col_lo[x];
      pixel->col_end = frame->col_hi[x];
      if (frame->row_axis < rank)
        {
          pixel->start[frame->row_axis] = pixel->row_start;
          pixel->count[frame->row_axis] = pixel->row_end - pixel->row_start;
        }
      if (frame->col_axis < rank)
        {
          pixel->start[frame->col_axis] = pixel->col_start;
          pixel->count[frame->col_axis] = pixel->col_end - pixel->col_start;
        }
    }
  pixel->valid = TRUE;

  for (guint i = 0; i < rank; i++)
    n *= pixel->count[i];
  if (!graft_limits_check_alloc (n * (graft_dtype_get_size (dtype) + sizeof (double)), error))
    return FALSE;
  raw = g_malloc (MAX (n, 1) * graft_dtype_get_size (dtype));
  values = g_new (double, MAX (n, 1));
  if (!graft_tensor_read_block (frame->tensor, pixel->start, pixel->count, raw, error))
    return FALSE;
  graft_dtype_to_double (dtype, raw, values, n);

  pixel->n_values = n;
  pixel->min = INFINITY;
  pixel->max = -INFINITY;
  for (gsize i = 0; i < n; i++)
    {
      double v = values[i];

      sum += v;
      if (isnan (v))
        {
          pixel->n_nan++;
          if (i_nan < 0)
            i_nan = i;
          continue;
        }
      if (isinf (v))
        pixel->n_inf++;
      else
        {
          pixel->min = MIN (pixel->min, v);
          pixel->max = MAX (pixel->max, v);
        }
      if (i_max < 0 || v > values[i_max])
        i_max = i;
      if (i_min < 0 || v < values[i_min])
        i_min = i;
    }
  pixel->mean = sum / n;
  if (pixel->min > pixel->max)
    pixel->min = pixel->max = NAN;

  /* The same choice as graft_heatmap_cell_value(). */
  if (i_nan >= 0)
    i_pick = i_nan;
  else
    i_pick = values[i_max] >= -values[i_min] ? i_max : i_min;
  pixel->value = values[i_pick];

  /* Block order is the tensor's row-major order over the counted axes. */
  memcpy (pixel->value_index, pixel->start, sizeof pixel->value_index);
  {
    gsize rem = i_pick;

    for (guint i = rank; i > 0; i--)
      {
        pixel->value_index[i - 1] = pixel->start[i - 1] + rem % pixel->count[i - 1];
        rem /= pixel->count[i - 1];
      }
  }
  return TRUE;
}
