/* graft-heatmap.h: truthful RGBA8 pictures of tensors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "graft-colormap.h"
#include "graft-types.h"

G_BEGIN_DECLS

/* Largest frame side in pixels; a 16384² RGBA frame is already 1 GiB. */
#define GRAFT_HEATMAP_MAX_SIDE 16384

typedef struct GraftHeatmap      GraftHeatmap;
typedef struct GraftHeatmapFrame GraftHeatmapFrame;

typedef enum
{
  GRAFT_REDUCE_EXTREME,  /* the value of largest magnitude, with its sign */
  GRAFT_REDUCE_MEAN,
  GRAFT_N_REDUCES
} GraftReduce;

typedef enum
{
  GRAFT_HEATMAP_MATRIX,  /* two axes of the tensor as rows and columns */
  GRAFT_HEATMAP_GRID,    /* conv kernel: one kh × kw tile per (filter, channel) */
  GRAFT_HEATMAP_STRIP,   /* a vector: one readable cell per value */
} GraftHeatmapLayout;

/* Every channel in the grid, rather than one chosen input channel. */
#define GRAFT_HEATMAP_ALL_CHANNELS G_MAXUINT

/**
 * GraftHeatmapWindow:
 *
 * A zoom window in the slice's coordinates, ends exclusive. In grid layout
 * rows are output filters and columns input channels.
 */
typedef struct
{
  gsize row_start;
  gsize row_end;
  gsize col_start;
  gsize col_end;
} GraftHeatmapWindow;

/**
 * GraftHeatmapStyle:
 * @colormap: the map; %GRAFT_COLORMAP_DIVERGING puts zero at its neutral middle
 * @reversed: run the map backwards
 * @scale: linear, symmetric log or log
 * @linthresh: linear range of the symlog scale, 0 for automatic
 * @limits: how the colour limits are chosen
 * @visible_limits: symmetric limits from the values in view (the window
 *   rendered) rather than from the whole tensor
 * @robust_percentile: the percentile of |x| over the slice used by
 *   %GRAFT_LIMITS_ROBUST (counted in 1/128-wide bins in the first pass)
 * @user_min: low limit for %GRAFT_LIMITS_USER
 * @user_max: high limit for %GRAFT_LIMITS_USER
 * @reduce: how several values become one pixel
 * @channel: in grid layout, the one input channel shown, or
 *   %GRAFT_HEATMAP_ALL_CHANNELS
 * @per_filter: in grid layout, colour limits per output filter
 *
 * Initialise with graft_heatmap_style_init().
 */
typedef struct
{
  GraftColormapKind colormap;
  gboolean          reversed;
  GraftScale        scale;
  double            linthresh;
  GraftLimitsMode   limits;
  gboolean          visible_limits;
  double            robust_percentile;
  double            user_min;
  double            user_max;
  GraftReduce       reduce;
  guint             channel;
  gboolean          per_filter;
} GraftHeatmapStyle;

/**
 * GraftHeatmapPixel:
 * @valid: %FALSE for separators and unused space
 * @start: first index, on every axis of the tensor, of the block behind
 *   the pixel
 * @count: extent of that block on every axis
 * @row_start: the block's rows in slice coordinates (ends exclusive)
 * @col_start: the block's columns in slice coordinates
 * @n_values: number of values behind the pixel
 * @value: the exact value the pixel stands for: the one element, or the
 *   element of largest magnitude (NaN if any) for a reduced pixel
 * @value_index: index of @value in the tensor
 * @min: smallest finite value behind the pixel (NaN when none)
 * @max: largest finite value behind the pixel
 * @mean: mean of the values (NaN or ±Inf when those are present)
 * @n_nan: NaN values behind the pixel
 * @n_inf: ±Inf values behind the pixel
 *
 * What lies behind one pixel, read at full resolution from the tensor.
 */
typedef struct
{
  gboolean valid;
  gsize    start[GRAFT_MAX_RANK];
  gsize    count[GRAFT_MAX_RANK];
  gsize    row_start;
  gsize    row_end;
  gsize    col_start;
  gsize    col_end;
  guint64  n_values;
  double   value;
  gsize    value_index[GRAFT_MAX_RANK];
  double   min;
  double   max;
  double   mean;
  guint64  n_nan;
  guint64  n_inf;
} GraftHeatmapPixel;

void                graft_heatmap_style_init       (GraftHeatmapStyle        *style);

GraftHeatmap       *graft_heatmap_new              (GraftTensor              *tensor) G_GNUC_WARN_UNUSED_RESULT;
void                graft_heatmap_free             (GraftHeatmap             *self);
GraftTensor        *graft_heatmap_get_tensor       (GraftHeatmap             *self);
gboolean            graft_heatmap_set_slice        (GraftHeatmap             *self,
                                                    guint                     row_axis,
                                                    guint                     col_axis,
                                                    const gsize              *index,
                                                    GError                  **error);
void                graft_heatmap_get_slice        (const GraftHeatmap       *self,
                                                    guint                    *row_axis,
                                                    guint                    *col_axis,
                                                    gsize                    *index);
gsize               graft_heatmap_get_n_rows       (const GraftHeatmap       *self);
gsize               graft_heatmap_get_n_cols       (const GraftHeatmap       *self);
void                graft_heatmap_set_channels_first (GraftHeatmap     *self,
                                                    gboolean          channels_first);
gboolean            graft_heatmap_can_grid         (const GraftHeatmap       *self);
guint               graft_heatmap_get_n_levels     (const GraftHeatmap       *self);
gsize               graft_heatmap_get_cache_bytes  (const GraftHeatmap       *self);
gboolean            graft_heatmap_get_range        (GraftHeatmap             *self,
                                                    double                   *min,
                                                    double                   *max,
                                                    GCancellable             *cancellable,
                                                    GError                  **error);

GraftHeatmapFrame  *graft_heatmap_render           (GraftHeatmap             *self,
                                                    const GraftHeatmapWindow *window,
                                                    guint                     width,
                                                    guint                     height,
                                                    const GraftHeatmapStyle  *style,
                                                    GCancellable             *cancellable,
                                                    GError                  **error) G_GNUC_WARN_UNUSED_RESULT;
GraftHeatmapFrame  *graft_heatmap_render_grid      (GraftHeatmap             *self,
                                                    const GraftHeatmapWindow *window,
                                                    guint                     width,
                                                    guint                     height,
                                                    const GraftHeatmapStyle  *style,
                                                    GCancellable             *cancellable,
                                                    GError                  **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean            graft_heatmap_get_grid_size    (const GraftHeatmap       *self,
                                                    const GraftHeatmapStyle  *style,
                                                    guint                     zoom,
                                                    guint                    *width,
                                                    guint                    *height);

void                graft_heatmap_frame_free       (GraftHeatmapFrame        *frame);
GraftHeatmapLayout  graft_heatmap_frame_get_layout (const GraftHeatmapFrame  *frame);
guint               graft_heatmap_frame_get_width  (const GraftHeatmapFrame  *frame);
guint               graft_heatmap_frame_get_height (const GraftHeatmapFrame  *frame);
const guint8       *graft_heatmap_frame_get_rgba   (const GraftHeatmapFrame  *frame);
const guint8       *graft_heatmap_frame_get_clip   (const GraftHeatmapFrame  *frame);
guint64             graft_heatmap_frame_get_n_clipped (const GraftHeatmapFrame *frame);
float               graft_heatmap_frame_get_shown  (const GraftHeatmapFrame  *frame,
                                                    guint                     x,
                                                    guint                     y);
const GraftColorbar *graft_heatmap_frame_get_colorbar (const GraftHeatmapFrame *frame);
void                graft_heatmap_frame_get_window (const GraftHeatmapFrame  *frame,
                                                    GraftHeatmapWindow       *window);
void                graft_heatmap_frame_get_reduction (const GraftHeatmapFrame *frame,
                                                    double                   *rows_per_pixel,
                                                    double                   *cols_per_pixel);
gboolean            graft_heatmap_frame_lookup     (const GraftHeatmapFrame  *frame,
                                                    guint                     x,
                                                    guint                     y,
                                                    GraftHeatmapPixel        *pixel,
                                                    GError                  **error);

const char         *graft_reduce_get_name          (GraftReduce               reduce);
gboolean            graft_reduce_from_name         (const char               *name,
                                                    GraftReduce              *reduce);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GraftHeatmap, graft_heatmap_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GraftHeatmapFrame, graft_heatmap_frame_free)

G_END_DECLS
