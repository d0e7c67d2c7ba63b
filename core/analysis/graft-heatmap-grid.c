/* graft-heatmap-grid.c
 *
 * Layouts where every value gets its own pixels: convolution kernels as a
 * grid of kh × kw tiles (rows = output filters, columns = input channels,
 * or the filters of one chosen channel wrapped into a square), and vectors
 * (biases, batch-norm statistics) as a strip of readable cells. Tiles are
 * drawn at an integer zoom and separated by one-pixel lines.
 *
 * Kernel axes follow Keras: (kw, cin, cout) for 1-D, (kh, kw, cin, cout)
 * for 2-D and (kd, kh, kw, cin, cout) for 3-D, whose depth is the
 * heatmap's index on axis 0.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-heatmap"

#include "config.h"

#include "graft-heatmap.h"

#include <math.h>
#include <string.h>

#include "graft-dtype.h"
#include "graft-error.h"
#include "graft-heatmap-private.h"
#include "graft-tensor.h"

/* Largest zoom of a tile element, and the smallest readable strip cell. */
#define GRAFT_HEATMAP_GRID_MAX_ZOOM 64
#define GRAFT_HEATMAP_STRIP_MIN_CELL 4

/**
 * graft_heatmap_set_channels_first:
 * @channels_first: whether the tensor is a PyTorch kernel, (out, in,
 *   spatial…), rather than a Keras one, (spatial…, in, out)
 *
 * Says how the grid layout finds a kernel's filters, channels and taps.
 */
void
graft_heatmap_set_channels_first (GraftHeatmap *self,
                                  gboolean      channels_first)
{
  g_return_if_fail (self != NULL);
  self->channels_first = channels_first;
}

/**
 * graft_heatmap_can_grid:
 *
 * Returns: whether the tensor has a grid layout: a 1-D, 2-D or 3-D
 *   convolution kernel, or a strip: a vector or scalar
 */
gboolean
graft_heatmap_can_grid (const GraftHeatmap *self)
{
  guint rank = graft_tensor_get_rank (self->tensor);

  return rank <= 1 || (rank >= 3 && rank <= 5);
}

typedef struct
{
  GraftHeatmapLayout layout;
  guint kh, kw;             /* tile size in elements */
  guint n_filters;          /* in the window */
  guint n_channels;
  guint first_filter;
  guint first_channel;
  guint grid_rows;
  guint grid_cols;
  guint n_tiles;
  guint channel;            /* the one channel shown, or GRAFT_HEATMAP_ALL_CHANNELS */
} GraftHeatmapGrid;

static void
graft_heatmap_grid_arrange (const GraftHeatmap       *self,
                            const GraftHeatmapWindow *window,
                            const GraftHeatmapStyle  *style,
                            GraftHeatmapGrid         *g)
{
  guint rank = graft_tensor_get_rank (self->tensor);
  const gsize *shape = graft_tensor_get_shape (self->tensor);
  GraftKernelAxes axes;

  memset (g, 0, sizeof *g);
  if (rank <= 1)
    {
      gsize n = rank == 1 ? shape[0] : 1;

      g->layout = GRAFT_HEATMAP_STRIP;
      g->kh = g->kw = 1;
      g->first_filter = window != NULL ? window->col_start : 0;
      g->n_tiles = (window != NULL ? window->col_end : n) - g->first_filter;
      g->grid_rows = 1;
      g->grid_cols = g->n_tiles;
      return;
    }

  graft_kernel_axes (rank, self->channels_first, &axes);
  g->layout = GRAFT_HEATMAP_GRID;
  g->kh = axes.ky >= 0 ? shape[axes.ky] : 1;
  g->kw = shape[axes.kx];
  g->first_filter = window != NULL ? window->row_start : 0;
  g->n_filters = (window != NULL ? window->row_end : shape[axes.filter]) - g->first_filter;
  g->first_channel = window != NULL ? window->col_start : 0;
  g->n_channels = (window != NULL ? window->col_end : shape[axes.channel]) - g->first_channel;
  /* A single input channel wraps its filters into a square, as if chosen. */
  g->channel = style->channel;
  if (g->channel == GRAFT_HEATMAP_ALL_CHANNELS && g->n_channels == 1)
    g->channel = g->first_channel;
  if (g->channel == GRAFT_HEATMAP_ALL_CHANNELS)
    {
      g->grid_rows = g->n_filters;
      g->grid_cols = g->n_channels;
      g->n_tiles = g->grid_rows * g->grid_cols;
    }
  else
    {
      g->n_tiles = g->n_filters;
      g->grid_cols = MAX (1, (guint) ceil (sqrt (g->n_tiles)));
      g->grid_rows = (g->n_tiles + g->grid_cols - 1) / g->grid_cols;
    }
}

/**
 * graft_heatmap_get_grid_size:
 * @zoom: pixels per element
 *
 * Gives the natural size of the grid or strip layout at @zoom.
 *
 * Returns: %FALSE when the tensor has no grid layout
 */
gboolean
graft_heatmap_get_grid_size (const GraftHeatmap      *self,
                             const GraftHeatmapStyle *style,
                             guint                    zoom,
                             guint                   *width,
                             guint                   *height)
{
  GraftHeatmapGrid g;

  if (!graft_heatmap_can_grid (self) || zoom == 0)
    return FALSE;
  graft_heatmap_grid_arrange (self, NULL, style, &g);
  *width = (guint) MIN ((gsize) g.grid_cols * (g.kw * zoom + 1) - 1, G_MAXUINT);
  *height = (guint) MIN ((gsize) g.grid_rows * (g.kh * zoom + 1) - 1, G_MAXUINT);
  return TRUE;
}

/* Offset in elements of kernel[ky, kx, channel, filter] (or vector[t]). */
static gsize
graft_heatmap_grid_offset (const GraftHeatmap *self,
                           guint               ky,
                           guint               kx,
                           guint               channel,
                           guint               filter)
{
  guint rank = graft_tensor_get_rank (self->tensor);
  const gsize *shape = graft_tensor_get_shape (self->tensor);
  gsize index[GRAFT_MAX_RANK];
  gsize off = 0;
  GraftKernelAxes axes;

  if (rank <= 1)
    return rank == 1 ? filter : 0;
  graft_kernel_axes (rank, self->channels_first, &axes);
  memcpy (index, self->index, sizeof index);
  index[axes.filter] = filter;
  index[axes.channel] = channel;
  index[axes.kx] = kx;
  if (axes.ky >= 0)
    index[axes.ky] = ky;
  for (guint i = 0; i < rank; i++)
    off = off * shape[i] + index[i];
  return off;
}

/**
 * graft_heatmap_render_grid:
 * @window: (nullable): filters (rows) and channels (columns) to show; for a
 *   vector, the columns are its elements
 *
 * Renders a convolution kernel as a grid of tiles, or a vector as a strip,
 * at the largest integer zoom that fits @width × @height. When even zoom 1
 * does not fit, the grid is cut to the tiles that fit, and
 * graft_heatmap_frame_get_window() says which. With @style->per_filter,
 * each output filter gets its own symmetric limits.
 *
 * Returns: (transfer full): the frame, or %NULL with @error set
 *   (%GRAFT_ERROR_INVALID when the tensor has no grid layout,
 *   %GRAFT_ERROR_LIMIT when a strip cannot be made readable in the size)
 */
GraftHeatmapFrame *
graft_heatmap_render_grid (GraftHeatmap              *self,
                           const GraftHeatmapWindow  *window,
                           guint                      width,
                           guint                      height,
                           const GraftHeatmapStyle   *style,
                           GCancellable              *cancellable,
                           GError                   **error)
{
  GraftKernelAxes axes;
  g_autoptr(GraftHeatmapFrame) frame = NULL;
  g_autoptr(GraftColormap) cmap = NULL;
  g_autofree gint32 *owner = NULL;  /* [height, width] filter of each pixel, -1 for none */
  g_autofree double *values = NULL;
  GraftHeatmapGrid g;
  GraftTensor *t = self->tensor;
  guint rank = graft_tensor_get_rank (t);
  const void *data;
  guint zoom;
  guint8 background[4];

  g_return_val_if_fail (self != NULL && style != NULL, NULL);

  if (!graft_heatmap_can_grid (self))
    {
      g_autofree char *shape = graft_tensor_format_shape (t);

      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_INVALID,
                   "a tensor of shape %s is neither a convolution kernel nor a vector", shape);
      return NULL;
    }
  if (width == 0 || height == 0 || width > GRAFT_HEATMAP_MAX_SIDE || height > GRAFT_HEATMAP_MAX_SIDE)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_INVALID,
                   "a heatmap is 1 to %u pixels a side, not %u×%u",
                   GRAFT_HEATMAP_MAX_SIDE, width, height);
      return NULL;
    }
  graft_kernel_axes (MAX (rank, 3), self->channels_first, &axes);
  if (rank >= 3 && style->channel != GRAFT_HEATMAP_ALL_CHANNELS &&
      style->channel >= graft_tensor_get_dim (t, axes.channel))
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_INVALID,
                   "input channel %u is outside the kernel's %" G_GSIZE_FORMAT " channels",
                   style->channel, graft_tensor_get_dim (t, axes.channel));
      return NULL;
    }
  if (window != NULL &&
      ((rank <= 1 && (window->col_start >= window->col_end ||
                      window->col_end > graft_heatmap_get_n_cols (self))) ||
       (rank >= 3 && (window->row_start >= window->row_end ||
                      window->row_end > graft_tensor_get_dim (t, axes.filter) ||
                      window->col_start >= window->col_end ||
                      window->col_end > graft_tensor_get_dim (t, axes.channel)))))
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_INVALID,
                   "window is empty or outside the kernel's filters and channels");
      return NULL;
    }

  graft_heatmap_grid_arrange (self, window, style, &g);

  if (g.layout == GRAFT_HEATMAP_STRIP)
    {
      /* One row while cells stay readable, else wrap into rows. */
      zoom = MIN (GRAFT_HEATMAP_GRID_MAX_ZOOM, (width + 1) / g.n_tiles);
      zoom = zoom > 0 ? zoom - 1 : 0;
      zoom = MIN (zoom, height);
      if (zoom < GRAFT_HEATMAP_STRIP_MIN_CELL)
        {
          for (zoom = GRAFT_HEATMAP_GRID_MAX_ZOOM; zoom >= 1; zoom--)
            {
              guint cols = (width + 1) / (zoom + 1);
              guint rows = cols > 0 ? (g.n_tiles + cols - 1) / cols : G_MAXUINT;

              if (cols > 0 && (gsize) rows * (zoom + 1) - 1 <= height)
                {
                  g.grid_cols = MIN (cols, g.n_tiles);
                  g.grid_rows = rows;
                  break;
                }
            }
          if (zoom == 0)
            {
              g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_LIMIT,
                           "%u values do not fit %u×%u as readable cells", g.n_tiles, width, height);
              return NULL;
            }
        }
    }
  else
    {
      guint zx = ((width + 1) / g.grid_cols) > 1 ? ((width + 1) / g.grid_cols - 1) / g.kw : 0;
      guint zy = ((height + 1) / g.grid_rows) > 1 ? ((height + 1) / g.grid_rows - 1) / g.kh : 0;

      zoom = MIN (MIN (zx, zy), GRAFT_HEATMAP_GRID_MAX_ZOOM);
      if (zoom == 0)
        {
          /* Cut the grid to what fits at zoom 1. */
          zoom = 1;
          if (g.channel == GRAFT_HEATMAP_ALL_CHANNELS)
            {
              g.grid_cols = MIN (g.grid_cols, MAX (1u, (width + 1) / (g.kw + 1)));
              g.grid_rows = MIN (g.grid_rows, MAX (1u, (height + 1) / (g.kh + 1)));
              g.n_channels = g.grid_cols;
              g.n_filters = g.grid_rows;
              g.n_tiles = g.grid_rows * g.grid_cols;
            }
          else
            {
              g.grid_cols = MIN (g.grid_cols, MAX (1u, (width + 1) / (g.kw + 1)));
              g.grid_rows = MIN (g.grid_rows, MAX (1u, (height + 1) / (g.kh + 1)));
              g.n_tiles = MIN (g.n_tiles, g.grid_rows * g.grid_cols);
              g.n_filters = g.n_tiles;
            }
        }
    }

  data = graft_tensor_get_data (t, error);
  if (data == NULL)
    return NULL;

  frame = graft_heatmap_frame_new (self, g.layout, width, height);
  frame->reduce = style->reduce;
  frame->tile_rows = g.kh;
  frame->tile_cols = g.kw;
  frame->zoom = zoom;
  frame->grid_rows = g.grid_rows;
  frame->grid_cols = g.grid_cols;
  frame->channel = g.layout == GRAFT_HEATMAP_GRID ? g.channel : GRAFT_HEATMAP_ALL_CHANNELS;
  frame->first_filter = g.first_filter;
  frame->first_channel = g.first_channel;
  frame->n_tiles = g.n_tiles;
  if (g.layout == GRAFT_HEATMAP_STRIP)
    {
      frame->window.col_start = g.first_filter;
      frame->window.col_end = g.first_filter + g.n_tiles;
      frame->window.row_end = 1;
    }
  else
    {
      frame->window.row_start = g.first_filter;
      frame->window.row_end = g.first_filter + g.n_filters;
      frame->window.col_start = g.channel == GRAFT_HEATMAP_ALL_CHANNELS ? g.first_channel : g.channel;
      frame->window.col_end = g.channel == GRAFT_HEATMAP_ALL_CHANNELS ?
        g.first_channel + g.n_channels : g.channel + 1;
    }

  owner = g_new (gint32, (gsize) width * height);
  for (gsize i = 0; i < (gsize) width * height; i++)
    owner[i] = -1;
  values = g_new (double, 1);

  for (guint tile = 0; tile < g.n_tiles; tile++)
    {
      guint gy, gx, filter, channel;

      if (cancellable != NULL && g_cancellable_is_cancelled (cancellable))
        {
          g_set_error_literal (error, GRAFT_ERROR, GRAFT_ERROR_CANCELLED, "cancelled");
          return NULL;
        }
      if (g.layout == GRAFT_HEATMAP_STRIP)
        {
          gy = tile / g.grid_cols;
          gx = tile % g.grid_cols;
          filter = g.first_filter + tile;
          channel = 0;
        }
      else if (g.channel == GRAFT_HEATMAP_ALL_CHANNELS)
        {
          gy = tile / g.grid_cols;
          gx = tile % g.grid_cols;
          filter = g.first_filter + gy;
          channel = g.first_channel + gx;
        }
      else
        {
          gy = tile / g.grid_cols;
          gx = tile % g.grid_cols;
          filter = g.first_filter + tile;
          channel = g.channel;
        }

      for (guint ky = 0; ky < g.kh; ky++)
        for (guint kx = 0; kx < g.kw; kx++)
          {
            gsize off = graft_heatmap_grid_offset (self, ky, kx, channel, filter);
            float v;
            guint x0 = gx * (g.kw * zoom + 1) + kx * zoom;
            guint y0 = gy * (g.kh * zoom + 1) + ky * zoom;

            graft_dtype_to_double (graft_tensor_get_dtype (t),
                                   (const guint8 *) data + off * graft_dtype_get_size (graft_tensor_get_dtype (t)),
                                   values, 1);
            v = (float) values[0];
            for (guint dy = 0; dy < zoom && y0 + dy < height; dy++)
              for (guint dx = 0; dx < zoom && x0 + dx < width; dx++)
                {
                  gsize p = (gsize) (y0 + dy) * width + x0 + dx;

                  frame->shown[p] = v;
                  owner[p] = g.layout == GRAFT_HEATMAP_STRIP ? 0 : (gint32) (filter - g.first_filter);
                }
          }
    }

  if (!graft_heatmap_make_colormap (self, style, frame->shown, (gsize) width * height, &cmap,
                                    cancellable, error))
    return NULL;
  graft_heatmap_frame_paint (frame, cmap);

  if (style->per_filter && g.layout == GRAFT_HEATMAP_GRID)
    {
      GraftHeatmapStyle own = *style;
      g_autofree float *filter_values = g_new (float, (gsize) width * height);

      own.limits = GRAFT_LIMITS_SYMMETRIC;
      own.visible_limits = TRUE;
      for (guint f = 0; f < g.n_filters; f++)
        {
          g_autoptr(GraftColormap) fmap = NULL;
          gsize n = 0;

          for (gsize p = 0; p < (gsize) width * height; p++)
            if (owner[p] == (gint32) f)
              filter_values[n++] = frame->shown[p];
          if (n == 0)
            continue;
          if (!graft_heatmap_make_colormap (self, &own, filter_values, n, &fmap, cancellable, error))
            return NULL;
          for (gsize p = 0; p < (gsize) width * height; p++)
            if (owner[p] == (gint32) f)
              frame->clip[p] = graft_colormap_map (fmap, frame->shown[p], frame->rgba + 4 * p);
        }
    }

  graft_colormap_get_special (cmap, GRAFT_COLOR_BACKGROUND, background);
  frame->n_clipped = 0;
  for (gsize p = 0; p < (gsize) width * height; p++)
    if (owner[p] < 0)
      {
        memcpy (frame->rgba + 4 * p, background, 4);
        frame->clip[p] = GRAFT_CLIP_NONE;
      }
    else
      frame->n_clipped += frame->clip[p] != GRAFT_CLIP_NONE;
  return g_steal_pointer (&frame);
}
