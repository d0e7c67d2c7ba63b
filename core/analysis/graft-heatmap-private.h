/* graft-heatmap-private.h: what the heatmap files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "graft-heatmap.h"
#include "graft-stats-private.h"

G_BEGIN_DECLS

/* Most cells one cached level may hold (16 bytes each). */
#define GRAFT_HEATMAP_MAX_CELLS (4u * 1024 * 1024)
/* Most levels kept; the finest one built from data is never dropped. */
#define GRAFT_HEATMAP_MAX_LEVELS 8
/* A window up to this many elements is reduced straight from the data. */
#define GRAFT_HEATMAP_DIRECT_MAX (2u * 1024 * 1024)

#define GRAFT_HEATMAP_CELL_NAN 1u

/* The reduction of a block of values. */
typedef struct
{
  float   min;    /* NaN ignored, ±Inf kept; +Inf when all are NaN */
  float   max;
  float   sum;    /* NaN and ±Inf propagate */
  guint32 flags;  /* GRAFT_HEATMAP_CELL_NAN */
} GraftHeatmapCell;

/* A 2-D slice of a tensor, addressed in elements of the mapped data, or
 * streamed from the tensor's source when @data is NULL. */
typedef struct
{
  GraftTensor  *tensor;     /* borrowed */
  const guint8 *data;
  GraftDType    dtype;
  gsize         elem_size;
  gsize         n_rows;
  gsize         n_cols;
  gsize         offset;     /* of element (0, 0) */
  gsize         row_stride;
  gsize         col_stride;
  guint         rank;
  guint         row_axis;   /* >= rank: a vector, one row */
  guint         col_axis;
  gsize         index[GRAFT_MAX_RANK];
  gboolean      populate;   /* a pass over all of a big mapped tensor: each
                             * thread maps its rows' pages ahead of it */
} GraftHeatmapSlice;

/* The rows of a streamed slice last read, one per thread: a block of
 * rows r0 … r1 and columns c0 … c0 + n_cols, refilled as the reduction
 * moves down, a bounded piece at a time. */
typedef struct
{
  gsize   row_limit;        /* no row at or past this is read ahead */
  gsize   r0;
  gsize   r1;
  gsize   c0;
  gsize   n_cols;
  guint8 *raw;
  gsize   raw_size;
  GError *error;
} GraftHeatmapRows;

/* The whole slice reduced to cells of sr × sc elements (powers of two). */
typedef struct
{
  gsize             sr;
  gsize             sc;
  gsize             n_rows;  /* ceil (slice rows / sr) */
  gsize             n_cols;
  GraftHeatmapCell *cells;   /* [n_rows, n_cols] */
} GraftHeatmapLevel;

struct GraftHeatmap
{
  GraftTensor       *tensor;
  gboolean           channels_first;  /* a PyTorch kernel: (O, I, spatial…) */
  guint              row_axis;
  guint              col_axis;
  gsize              index[GRAFT_MAX_RANK];
  gsize              n_rows;
  gsize              n_cols;

  /* Windows up to this many elements are reduced from the data
   * (GRAFT_HEATMAP_DIRECT_MAX; tests lower it to exercise the levels). */
  gsize              direct_max;

  /* Owned: reduced levels of the current slice, finest first. */
  GPtrArray         *levels;
  /* A frame of the slice was rendered: the next one builds a level (the
   * first goes straight from the data to its pixels). */
  gboolean           framed;

  /* Owned: |x| over the slice counted by graft_stats_abs_hist_f32(), for
   * robust limits at any percentile; NULL until a pass made it. */
  guint64           *abs_hist;

  /* The finite range of the whole tensor, for symmetric limits. */
  double             range_min;
  double             range_max;
  gboolean           have_range;
};

struct GraftHeatmapFrame
{
  GraftHeatmapLayout layout;
  guint              width;
  guint              height;
  guint8            *rgba;     /* [height, width, 4] */
  guint8            *clip;     /* [height, width] GraftClip */
  float             *shown;    /* [height, width] the value each pixel shows */
  guint64            n_clipped;
  GraftColorbar      colorbar;
  GraftReduce        reduce;
  GraftHeatmapWindow window;   /* what is shown, in slice coordinates */

  /* Owned: the tensor and slice, to read exact values behind pixels. */
  GraftTensor       *tensor;
  gboolean           channels_first;
  guint              row_axis;
  guint              col_axis;
  gsize              index[GRAFT_MAX_RANK];

  /* Matrix layout: element ranges behind each pixel row and column. */
  gsize             *row_lo;   /* [height] */
  gsize             *row_hi;
  gsize             *col_lo;   /* [width] */
  gsize             *col_hi;

  /* Grid and strip layouts. */
  guint              tile_rows;     /* kh (1 for 1-D kernels and strips) */
  guint              tile_cols;     /* kw */
  guint              zoom;          /* pixels per element */
  guint              grid_rows;     /* tiles down */
  guint              grid_cols;     /* tiles across */
  guint              channel;       /* GRAFT_HEATMAP_ALL_CHANNELS or the one shown */
  guint              first_filter;  /* window start in filters */
  guint              first_channel;
  guint              n_tiles;       /* tiles holding data (wrapped layouts) */
};

gboolean  graft_heatmap_slice_init    (GraftHeatmapSlice        *slice,
                                       const GraftHeatmap       *heatmap,
                                       GError                  **error);
const float *graft_heatmap_slice_row  (const GraftHeatmapSlice  *s,
                                       GraftHeatmapRows         *rows,
                                       gsize                     r,
                                       gsize                     c0,
                                       gsize                     n,
                                       float                    *buf,
                                       guint8                   *raw);
void      graft_heatmap_rows_clear    (GraftHeatmapRows         *rows);
/* Where graft_heatmap_reduce() puts what it finds: the cells, or only the
 * value each pixel shows (a first frame makes no cell array at all). */
typedef struct
{
  GraftHeatmapCell *cells;   /* [n_out_rows, n_out_cols], or NULL */
  float            *shown;   /* [n_out_rows, n_out_cols], when cells is NULL */
  GraftReduce       reduce;  /* what shown shows */
  guint64          *abs_hist; /* [GRAFT_STATS_ABS_BINS] |x| counted, or NULL */
} GraftHeatmapReduceOut;

gboolean  graft_heatmap_reduce        (const GraftHeatmapSlice  *slice,
                                       const gsize              *row_lo,
                                       const gsize              *row_hi,
                                       gsize                     n_out_rows,
                                       const gsize              *col_lo,
                                       const gsize              *col_hi,
                                       gsize                     n_out_cols,
                                       const GraftHeatmapReduceOut *out,
                                       GraftStatsAcc            *acc,
                                       GCancellable             *cancellable,
                                       GError                  **error);
void      graft_heatmap_cell_merge    (GraftHeatmapCell         *cell,
                                       const GraftHeatmapCell   *other);
void      graft_heatmap_cell_init     (GraftHeatmapCell         *cell);
float     graft_heatmap_cell_value    (const GraftHeatmapCell   *cell,
                                       GraftReduce               reduce,
                                       double                    n_values);
GraftHeatmapLevel *graft_heatmap_level_from_data (const GraftHeatmapSlice *slice,
                                       gsize                     sr,
                                       gsize                     sc,
                                       GraftStatsAcc            *acc,
                                       GCancellable             *cancellable,
                                       GError                  **error);
GraftHeatmapLevel *graft_heatmap_level_merge (const GraftHeatmapLevel *finer,
                                       gsize                     sr,
                                       gsize                     sc,
                                       gsize                     slice_rows,
                                       gsize                     slice_cols);
void      graft_heatmap_level_free    (GraftHeatmapLevel        *level);

GraftHeatmapFrame *graft_heatmap_frame_new (const GraftHeatmap  *heatmap,
                                       GraftHeatmapLayout        layout,
                                       guint                     width,
                                       guint                     height);
gboolean  graft_heatmap_make_colormap (GraftHeatmap             *heatmap,
                                       const GraftHeatmapStyle  *style,
                                       const float              *shown,
                                       gsize                     n_shown,
                                       GraftColormap           **colormap,
                                       GCancellable             *cancellable,
                                       GError                  **error);
void      graft_heatmap_frame_paint   (GraftHeatmapFrame        *frame,
                                       const GraftColormap      *colormap);

/* The axes of a convolution kernel: Keras's (…, kh, kw, in, out) or
 * PyTorch's (out, in, …, kh, kw); ky is -1 for a 1-D kernel. */
typedef struct
{
  guint filter;
  guint channel;
  gint  ky;
  guint kx;
} GraftKernelAxes;

static inline void
graft_kernel_axes (guint            rank,
                   gboolean         channels_first,
                   GraftKernelAxes *a)
{
  if (channels_first)
    {
      a->filter = 0, a->channel = 1, a->kx = rank - 1;
      a->ky = rank >= 4 ? (gint) rank - 2 : -1;
    }
  else
    {
      a->filter = rank - 1, a->channel = rank - 2, a->kx = rank - 3;
      a->ky = rank >= 4 ? (gint) rank - 4 : -1;
    }
}

G_END_DECLS
