/* graft-heatmap-mosaic.c: a convolution kernel laid out as one 2-D picture of its filters
 *
 * A kernel of 64 filters of 3 input channels shown as rows of filters and
 * columns of channels is a strip 3 tiles wide and 64 tall. The mosaic
 * tiles the filters in a near-square arrangement instead, and each
 * filter's channels in a near-square block, so the picture fills a view
 * and can be zoomed and panned like any matrix. Unused places (a channel
 * block not filled, the last row of filters) hold 0, which the view
 * paints as background; graft_heatmap_mosaic_locate() tells them apart.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-heatmap"

#include "config.h"

#include "graft-heatmap-mosaic.h"

#include <math.h>
#include <string.h>

#include "graft-error.h"
#include "graft-heatmap-private.h"
#include "graft-tensor.h"

/* The columns that make @n tiles of @tr × @tc elements closest to square. */
static guint
graft_heatmap_mosaic_columns (guint n,
                              guint tr,
                              guint tc)
{
  double c = ceil (sqrt ((double) n * tr / MAX (tc, 1)));

  return (guint) CLAMP (c, 1, MAX (n, 1));
}

/**
 * graft_heatmap_mosaic_init:
 * @kernel: a 1-D, 2-D or 3-D convolution kernel (rank 3 to 5)
 *
 * Returns: %FALSE when @kernel is not of a kernel's rank
 */
gboolean
graft_heatmap_mosaic_init (GraftHeatmapMosaic *self,
                           GraftTensor        *kernel,
                           gboolean            channels_first)
{
  guint rank = graft_tensor_get_rank (kernel);
  GraftKernelAxes axes;

  memset (self, 0, sizeof *self);
  if (rank < 3 || rank > 5)
    return FALSE;
  graft_kernel_axes (rank, channels_first, &axes);
  self->filter_axis = axes.filter;
  self->channel_axis = axes.channel;
  self->ky_axis = axes.ky;
  self->kx_axis = axes.kx;
  self->n_filters = graft_tensor_get_dim (kernel, axes.filter);
  self->n_channels = graft_tensor_get_dim (kernel, axes.channel);
  self->kh = axes.ky >= 0 ? graft_tensor_get_dim (kernel, axes.ky) : 1;
  self->kw = graft_tensor_get_dim (kernel, axes.kx);
  if (self->n_filters == 0 || self->n_channels == 0 || self->kh == 0 || self->kw == 0)
    return FALSE;
  self->sub_cols = graft_heatmap_mosaic_columns (self->n_channels, self->kh, self->kw);
  self->sub_rows = (self->n_channels + self->sub_cols - 1) / self->sub_cols;
  self->tile_rows = self->kh * self->sub_rows;
  self->tile_cols = self->kw * self->sub_cols;
  self->grid_cols = graft_heatmap_mosaic_columns (self->n_filters, self->tile_rows,
                                                  self->tile_cols);
  self->grid_rows = (self->n_filters + self->grid_cols - 1) / self->grid_cols;
  return TRUE;
}

/**
 * graft_heatmap_mosaic_locate:
 * @row: a row of the mosaic
 * @col: a column of the mosaic
 *
 * Returns: %FALSE when (@row, @col) is an unused place
 */
gboolean
graft_heatmap_mosaic_locate (const GraftHeatmapMosaic *self,
                             gsize                     row,
                             gsize                     col,
                             guint                    *filter,
                             guint                    *channel,
                             guint                    *ky,
                             guint                    *kx)
{
  gsize gy = row / self->tile_rows, gx = col / self->tile_cols;
  gsize ry = row % self->tile_rows, rx = col % self->tile_cols;
  gsize f = gy * self->grid_cols + gx;
  gsize c = (ry / self->kh) * self->sub_cols + rx / self->kw;

  if (gx >= self->grid_cols || f >= self->n_filters || c >= self->n_channels)
    return FALSE;
  *filter = (guint) f;
  *channel = (guint) c;
  *ky = (guint) (ry % self->kh);
  *kx = (guint) (rx % self->kw);
  return TRUE;
}

/**
 * graft_heatmap_mosaic_index:
 * @base: the index on the axes the mosaic does not show (a 3-D kernel's
 *   depth), or %NULL for 0
 * @index: (out caller-allocates): the kernel's index of the value
 */
void
graft_heatmap_mosaic_index (const GraftHeatmapMosaic *self,
                            const gsize              *base,
                            guint                     filter,
                            guint                     channel,
                            guint                     ky,
                            guint                     kx,
                            gsize                    *index)
{
  for (guint i = 0; i < GRAFT_MAX_RANK; i++)
    index[i] = base ? base[i] : 0;
  index[self->filter_axis] = filter;
  index[self->channel_axis] = channel;
  index[self->kx_axis] = kx;
  if (self->ky_axis >= 0)
    index[self->ky_axis] = ky;
}

/* Every value of one filter of @data (the kernel as float32), channel by
 * channel, tap by tap. */
static void
graft_heatmap_mosaic_read_filter (const GraftHeatmapMosaic *self,
                                  GraftTensor              *kernel,
                                  const float              *data,
                                  const gsize              *base,
                                  guint                     filter,
                                  double                   *out)
{
  guint rank = graft_tensor_get_rank (kernel);
  gsize index[GRAFT_MAX_RANK];
  gsize n = 0;

  for (guint c = 0; c < self->n_channels; c++)
    for (guint y = 0; y < self->kh; y++)
      for (guint x = 0; x < self->kw; x++)
        {
          gsize off = 0;

          graft_heatmap_mosaic_index (self, base, filter, c, y, x, index);
          for (guint i = 0; i < rank; i++)
            off = off * graft_tensor_get_dim (kernel, i) + index[i];
          out[n++] = data[off];
        }
}

/**
 * graft_heatmap_mosaic_rgb_size:
 * @zoom: pixels per tap
 *
 * The size of graft_heatmap_mosaic_rgb()'s picture at @zoom, without
 * reading anything.
 *
 * Returns: %FALSE when the kernel has not 3 input channels or the picture
 *   would be too large
 */
gboolean
graft_heatmap_mosaic_rgb_size (const GraftHeatmapMosaic *self,
                               guint                     zoom,
                               guint                    *width,
                               guint                    *height)
{
  guint cols = graft_heatmap_mosaic_columns (self->n_filters, self->kh, self->kw);
  guint rows = (self->n_filters + cols - 1) / cols;
  guint64 w = (guint64) cols * (self->kw * (guint64) zoom + 1) - 1;
  guint64 h = (guint64) rows * (self->kh * (guint64) zoom + 1) - 1;

  if (self->n_channels != 3 || zoom == 0 ||
      w > GRAFT_HEATMAP_MAX_SIDE || h > GRAFT_HEATMAP_MAX_SIDE)
    return FALSE;
  *width = (guint) w;
  *height = (guint) h;
  return TRUE;
}

/**
 * graft_heatmap_mosaic_rgb:
 * @zoom: pixels per tap
 * @width: (out): width of the picture
 * @height: (out): height
 *
 * A kernel of three input channels as colour pictures, one kh × kw image
 * per filter (channels 0, 1, 2 as red, green, blue), each stretched from
 * its own minimum to its maximum, tiled like the mosaic with a one-pixel
 * gap.
 *
 * Returns: (transfer full): RGBA8 pixels, or %NULL with @error set
 */
guint8 *
graft_heatmap_mosaic_rgb (const GraftHeatmapMosaic *self,
                          GraftTensor              *kernel,
                          const gsize              *index,
                          guint                     zoom,
                          guint                    *width,
                          guint                    *height,
                          GError                  **error)
{
  guint cols = graft_heatmap_mosaic_columns (self->n_filters, self->kh, self->kw);
  gsize per = (gsize) 3 * self->kh * self->kw;
  g_autofree float *data = NULL;
  g_autofree double *values = NULL;
  guint8 *rgba;
  guint w, h;

  if (self->n_channels != 3 || zoom == 0)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_INVALID,
                   "colour pictures need a kernel of 3 input channels");
      return NULL;
    }
  if (!graft_heatmap_mosaic_rgb_size (self, zoom, &w, &h))
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_LIMIT, "the picture would be too large");
      return NULL;
    }
  data = graft_heatmap_mosaic_read_kernel (kernel, error);
  if (data == NULL)
    return NULL;
  rgba = g_malloc0 ((gsize) w * h * 4);
  values = g_new (double, per);
  for (guint f = 0; f < self->n_filters; f++)
    {
      guint x0 = (f % cols) * (self->kw * zoom + 1), y0 = (f / cols) * (self->kh * zoom + 1);
      double lo = INFINITY, hi = -INFINITY;

      graft_heatmap_mosaic_read_filter (self, kernel, data, index, f, values);
      for (gsize i = 0; i < per; i++)
        if (isfinite (values[i]))
          {
            lo = MIN (lo, values[i]);
            hi = MAX (hi, values[i]);
          }
      for (guint y = 0; y < self->kh * zoom; y++)
        for (guint x = 0; x < self->kw * zoom; x++)
          {
            guint8 *p = rgba + ((gsize) (y0 + y) * w + x0 + x) * 4;

            for (guint c = 0; c < 3; c++)
              {
                double v = values[(gsize) c * self->kh * self->kw + (y / zoom) * self->kw + x / zoom];
                double t = hi > lo && isfinite (v) ? (v - lo) / (hi - lo) : 0.5;

                p[c] = (guint8) lround (CLAMP (t, 0, 1) * 255);
              }
            p[3] = 255;
          }
    }
  *width = w;
  *height = h;
  return rgba;
}
