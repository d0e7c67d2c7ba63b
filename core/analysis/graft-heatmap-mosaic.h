/* graft-heatmap-mosaic.h: a convolution kernel laid out as one 2-D picture of its filters
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "graft-types.h"

G_BEGIN_DECLS

/**
 * GraftHeatmapMosaic:
 * @filter_axis: the kernel's axes: output filters, input channels, and
 *   the taps (@ky_axis is -1 for a 1-D kernel)
 * @n_filters: output filters
 * @n_channels: input channels
 * @kh: taps down (1 for a 1-D kernel)
 * @kw: taps across
 * @sub_rows: input channels down one filter's tile
 * @sub_cols: input channels across it
 * @tile_rows: elements down one filter's tile (@kh × @sub_rows)
 * @tile_cols: elements across it
 * @grid_rows: tiles down the mosaic
 * @grid_cols: tiles across it
 *
 * Where every value of a kernel sits in its mosaic: the filters tiled in
 * a near-square arrangement, each filter's channels in a near-square
 * block of kh × kw taps.
 */
typedef struct
{
  guint filter_axis;
  guint channel_axis;
  gint  ky_axis;
  guint kx_axis;
  guint n_filters;
  guint n_channels;
  guint kh;
  guint kw;
  guint sub_rows;
  guint sub_cols;
  guint tile_rows;
  guint tile_cols;
  guint grid_rows;
  guint grid_cols;
} GraftHeatmapMosaic;

gboolean     graft_heatmap_mosaic_init   (GraftHeatmapMosaic       *self,
                                          GraftTensor              *kernel,
                                          gboolean                  channels_first);
GraftTensor *graft_heatmap_mosaic_new_tensor (const GraftHeatmapMosaic *self,
                                              GraftTensor              *kernel,
                                              const gsize              *index,
                                              gboolean                  per_filter,
                                              GError                  **error) G_GNUC_WARN_UNUSED_RESULT;
float       *graft_heatmap_mosaic_read_kernel (GraftTensor             *kernel,
                                              GError                  **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean     graft_heatmap_mosaic_locate (const GraftHeatmapMosaic *self,
                                          gsize                     row,
                                          gsize                     col,
                                          guint                    *filter,
                                          guint                    *channel,
                                          guint                    *ky,
                                          guint                    *kx);
void         graft_heatmap_mosaic_index  (const GraftHeatmapMosaic *self,
                                          const gsize              *base,
                                          guint                     filter,
                                          guint                     channel,
                                          guint                     ky,
                                          guint                     kx,
                                          gsize                    *index);
gboolean     graft_heatmap_mosaic_rgb_size (const GraftHeatmapMosaic *self,
                                            guint                     zoom,
                                            guint                    *width,
                                            guint                    *height);
guint8      *graft_heatmap_mosaic_rgb    (const GraftHeatmapMosaic *self,
                                          GraftTensor              *kernel,
                                          const gsize              *index,
                                          guint                     zoom,
                                          guint                    *width,
                                          guint                    *height,
                                          GError                  **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
