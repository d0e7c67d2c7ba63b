/* graft-heatmap.c: heatmaps of a tensor's 2-D slices, rendered through a cache of reduced levels
 *
 * A heatmap is a tensor, a 2-D slice of it (two axes shown, an index on
 * every other) and a cache of reduced levels of that slice. Rendering a
 * window of the slice at W × H picks, per axis, the largest power-of-two
 * cell size that still gives every pixel at least one cell, takes the
 * cached level with those cells (merging one from a finer level, or
 * building the first from the data in one pass), and folds cells into
 * pixels. Pixel edges therefore fall on cell edges: the window shown can be
 * a little larger than the one asked for (by less than one pixel), and
 * graft_heatmap_frame_get_window() and graft_heatmap_frame_lookup() say
 * exactly which elements each pixel covers. Small windows are reduced
 * straight from the data with exact edges. The rendered frames are
 * graft-heatmap-frame.c's; conv grids are graft-heatmap-grid.c's.
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
#include "graft-limits.h"
#include "graft-stats.h"
#include "graft-stats-private.h"
#include "graft-tensor.h"
#include "graft-tensor-stream.h"


static const char * const graft_reduce_names[] = {
  [GRAFT_REDUCE_EXTREME] = "extreme",
  [GRAFT_REDUCE_MEAN]    = "mean",
};
G_STATIC_ASSERT (G_N_ELEMENTS (graft_reduce_names) == GRAFT_N_REDUCES);

/**
 * graft_heatmap_style_init:
 *
 * The defaults: diverging map, linear scale, symmetric limits (robust
 * percentile 99.5 when chosen), extremes kept, all channels in a grid.
 */
void
graft_heatmap_style_init (GraftHeatmapStyle *style)
{
  memset (style, 0, sizeof *style);
  style->colormap = GRAFT_COLORMAP_DIVERGING;
  style->scale = GRAFT_SCALE_LINEAR;
  style->limits = GRAFT_LIMITS_SYMMETRIC;
  style->robust_percentile = 99.5;
  style->reduce = GRAFT_REDUCE_EXTREME;
  style->channel = GRAFT_HEATMAP_ALL_CHANNELS;
}

static void
graft_heatmap_clear_cache (GraftHeatmap *self)
{
  g_ptr_array_set_size (self->levels, 0);
  g_clear_pointer (&self->abs_hist, g_free);
  self->framed = FALSE;
}

/**
 * graft_heatmap_new:
 *
 * Creates a heatmap of @tensor showing its last two axes (rows, columns),
 * index 0 on the others; a vector is one row, a scalar one cell.
 *
 * Returns: (transfer full): a new heatmap holding a reference on @tensor
 */
GraftHeatmap *
graft_heatmap_new (GraftTensor *tensor)
{
  GraftHeatmap *self;
  guint rank;
  gsize index[GRAFT_MAX_RANK] = { 0 };

  g_return_val_if_fail (tensor != NULL, NULL);

  self = g_new0 (GraftHeatmap, 1);
  self->tensor = graft_tensor_ref (tensor);
  self->direct_max = GRAFT_HEATMAP_DIRECT_MAX;
  self->levels = g_ptr_array_new_with_free_func ((GDestroyNotify) graft_heatmap_level_free);
  rank = graft_tensor_get_rank (tensor);
  if (rank >= 2)
    graft_heatmap_set_slice (self, rank - 2, rank - 1, index, NULL);
  else
    {
      /* No row axis: its index is out of range, and there is one row. */
      self->row_axis = GRAFT_MAX_RANK;
      self->col_axis = rank == 1 ? 0 : GRAFT_MAX_RANK;
      self->n_rows = 1;
      self->n_cols = rank == 1 ? graft_tensor_get_dim (tensor, 0) : 1;
    }
  return self;
}

void
graft_heatmap_free (GraftHeatmap *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->levels);
  g_free (self->abs_hist);
  graft_tensor_unref (self->tensor);
  g_free (self);
}

GraftTensor *
graft_heatmap_get_tensor (GraftHeatmap       *self)
{
  return self->tensor;
}

/**
 * graft_heatmap_set_slice:
 * @row_axis: the axis shown down the picture
 * @col_axis: the axis shown across
 * @index: (nullable): [rank] the index on every other axis (entries for the
 *   shown axes are ignored); %NULL for all zeros
 *
 * Chooses the slice shown; a different slice drops the cache.
 *
 * Returns: %FALSE with %GRAFT_ERROR_INVALID for a bad axis or index
 */
gboolean
graft_heatmap_set_slice (GraftHeatmap  *self,
                         guint          row_axis,
                         guint          col_axis,
                         const gsize   *index,
                         GError       **error)
{
  guint rank = graft_tensor_get_rank (self->tensor);
  gsize idx[GRAFT_MAX_RANK] = { 0 };

  g_return_val_if_fail (self != NULL, FALSE);

  if (rank < 2)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_INVALID,
                   "a tensor of rank %u has no two axes to choose", rank);
      return FALSE;
    }
  if (row_axis >= rank || col_axis >= rank || row_axis == col_axis)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_INVALID,
                   "axes %u and %u are not two different axes of a rank-%u tensor",
                   row_axis, col_axis, rank);
      return FALSE;
    }
  for (guint i = 0; i < rank; i++)
    {
      if (i == row_axis || i == col_axis || index == NULL)
        continue;
      if (index[i] >= graft_tensor_get_dim (self->tensor, i))
        {
          g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_INVALID,
                       "index %" G_GSIZE_FORMAT " is outside axis %u of length %" G_GSIZE_FORMAT,
                       index[i], i, graft_tensor_get_dim (self->tensor, i));
          return FALSE;
        }
      idx[i] = index[i];
    }

  if (self->levels->len > 0 &&
      (self->row_axis != row_axis || self->col_axis != col_axis ||
       memcmp (self->index, idx, sizeof idx) != 0))
    graft_heatmap_clear_cache (self);
  self->row_axis = row_axis;
  self->col_axis = col_axis;
  memcpy (self->index, idx, sizeof idx);
  self->n_rows = graft_tensor_get_dim (self->tensor, row_axis);
  self->n_cols = graft_tensor_get_dim (self->tensor, col_axis);
  return TRUE;
}

void
graft_heatmap_get_slice (const GraftHeatmap *self,
                         guint              *row_axis,
                         guint              *col_axis,
                         gsize              *index)
{
  if (row_axis != NULL)
    *row_axis = self->row_axis;
  if (col_axis != NULL)
    *col_axis = self->col_axis;
  if (index != NULL)
    memcpy (index, self->index, sizeof (gsize) * graft_tensor_get_rank (self->tensor));
}

gsize
graft_heatmap_get_n_rows (const GraftHeatmap *self)
{
  return self->n_rows;
}

gsize
graft_heatmap_get_n_cols (const GraftHeatmap *self)
{
  return self->n_cols;
}

/**
 * graft_heatmap_get_n_levels:
 *
 * Returns: how many reduced levels are cached (for tests and diagnostics)
 */
guint
graft_heatmap_get_n_levels (const GraftHeatmap *self)
{
  return self->levels->len;
}

gsize
graft_heatmap_get_cache_bytes (const GraftHeatmap *self)
{
  gsize n = 0;

  for (guint i = 0; i < self->levels->len; i++)
    {
      const GraftHeatmapLevel *l = g_ptr_array_index (self->levels, i);

      n += l->n_rows * l->n_cols * sizeof (GraftHeatmapCell);
    }
  return n;
}

static gsize
graft_heatmap_pow2_floor (double x)
{
  gsize p = 1;

  while ((double) (p * 2) <= x)
    p *= 2;
  return p;
}

/* The cached level with the coarsest cells no larger than sr × sc. */
static GraftHeatmapLevel *
graft_heatmap_find_level (GraftHeatmap *self,
                          gsize         sr,
                          gsize         sc)
{
  GraftHeatmapLevel *best = NULL;

  for (guint i = 0; i < self->levels->len; i++)
    {
      GraftHeatmapLevel *l = g_ptr_array_index (self->levels, i);

      if (l->sr <= sr && l->sc <= sc && (best == NULL || l->sr * l->sc > best->sr * best->sc))
        best = l;
    }
  return best;
}

static void
graft_heatmap_add_level (GraftHeatmap      *self,
                         GraftHeatmapLevel *level)
{
  /* Drop the coarsest merged level when full; level 0 came from the data. */
  if (self->levels->len >= GRAFT_HEATMAP_MAX_LEVELS)
    g_ptr_array_remove_index (self->levels, self->levels->len - 1);
  g_ptr_array_add (self->levels, level);
}

/* Gets (or makes) a level to render sr × sc-element pixels from, or NULL
 * when reducing the window straight from the data is the better choice. */
/* Whether a pass over the whole slice should find the tensor's statistics
 * on the way, and with them the range symmetric limits need: one pass, not
 * two. */
static gboolean
graft_heatmap_wants_stats (GraftHeatmap *self)
{
  GraftStats stats;

  return self->n_rows * self->n_cols == graft_tensor_get_n_elements (self->tensor) &&
         !graft_stats_dtype_is_wide (graft_tensor_get_dtype (self->tensor)) &&
         !graft_tensor_get_derived (self->tensor, graft_stats_quark (), &stats, sizeof stats);
}

/* Whether frames of sr × sc elements a pixel over a window this big go
 * through a level: big windows, when the level is not too big itself. */
static gboolean
graft_heatmap_wants_level (GraftHeatmap *self,
                           gsize         sr,
                           gsize         sc,
                           gsize         window_elements)
{
  gsize n_cells = ((self->n_rows + sr - 1) / sr) * ((self->n_cols + sc - 1) / sc);

  return (sr > 1 || sc > 1) && n_cells <= GRAFT_HEATMAP_MAX_CELLS &&
         window_elements > self->direct_max;
}

static GraftHeatmapLevel *
graft_heatmap_get_level (GraftHeatmap             *self,
                         const GraftHeatmapSlice  *slice,
                         gsize                     sr,
                         gsize                     sc,
                         gsize                     window_elements,
                         GCancellable             *cancellable,
                         GError                  **error)
{
  GraftHeatmapLevel *level = graft_heatmap_find_level (self, sr, sc);
  GraftHeatmapSlice pass;
  GraftStatsAcc acc;
  GraftStats stats;
  gboolean whole;

  if (level != NULL)
    {
      /* More than 16 cells a pixel: a coarser level pays for itself. */
      if ((sr * sc) / (level->sr * level->sc) > 16 && self->levels->len < GRAFT_HEATMAP_MAX_LEVELS)
        {
          GraftHeatmapLevel *merged = graft_heatmap_level_merge (level, sr, sc, self->n_rows,
                                                                 self->n_cols);

          graft_heatmap_add_level (self, merged);
          return merged;
        }
      return level;
    }
  /* The first frame goes from the data straight to its pixels, with no
   * cells to allocate: a level pays for itself once the view moves. */
  if (!graft_heatmap_wants_level (self, sr, sc, window_elements) || !self->framed)
    return NULL;

  whole = graft_heatmap_wants_stats (self);
  pass = *slice;
  pass.populate = slice->data != NULL &&
                  graft_tensor_get_n_bytes (self->tensor) >= GRAFT_TENSOR_POPULATE_MIN_BYTES;
  level = graft_heatmap_level_from_data (&pass, sr, sc, whole ? &acc : NULL, cancellable, error);
  if (level == NULL)
    return NULL;
  if (whole)
    {
      graft_stats_finish (&acc, &stats);
      graft_tensor_put_derived (self->tensor, graft_stats_quark (), &stats, sizeof stats);
    }
  /* Levels built from data stay first, so the finest survives eviction. */
  g_ptr_array_insert (self->levels, 0, level);
  if (self->levels->len > GRAFT_HEATMAP_MAX_LEVELS)
    g_ptr_array_remove_index (self->levels, self->levels->len - 1);
  return level;
}

static gboolean
graft_heatmap_check_size (guint    width,
                          guint    height,
                          GError **error)
{
  if (width == 0 || height == 0 || width > GRAFT_HEATMAP_MAX_SIDE || height > GRAFT_HEATMAP_MAX_SIDE)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_INVALID,
                   "a heatmap is 1 to %u pixels a side, not %u×%u",
                   GRAFT_HEATMAP_MAX_SIDE, width, height);
      return FALSE;
    }
  return TRUE;
}

/* The percentile of |x| over the slice, from the counts of |x| the first
 * frame's pass made, or one pass of their own (two threads, a strip of one
 * column per thread: the cells are thrown away). */
static gboolean
graft_heatmap_robust_limit (GraftHeatmap  *self,
                            double         percentile,
                            double        *value,
                            GCancellable  *cancellable,
                            GError       **error)
{
  if (self->abs_hist == NULL)
    {
      GraftHeatmapSlice slice;
      gsize n_out = MIN (self->n_rows, 8), row_lo[8], row_hi[8], col_lo[1] = { 0 };
      gsize col_hi[1] = { self->n_cols };
      float shown[8];
      GraftHeatmapReduceOut out = { NULL, shown, GRAFT_REDUCE_EXTREME, NULL };

      if (!graft_heatmap_slice_init (&slice, self, error))
        return FALSE;
      for (gsize p = 0; p < n_out; p++)
        {
          row_lo[p] = self->n_rows * p / n_out;
          row_hi[p] = self->n_rows * (p + 1) / n_out;
        }
      out.abs_hist = g_new0 (guint64, GRAFT_STATS_ABS_BINS);
      if (!graft_heatmap_reduce (&slice, row_lo, row_hi, n_out, col_lo, col_hi, 1, &out, NULL,
                                 cancellable, error))
        {
          g_free (out.abs_hist);
          return FALSE;
        }
      self->abs_hist = out.abs_hist;
    }
  *value = graft_stats_abs_percentile (self->abs_hist, percentile);
  return TRUE;
}

/**
 * graft_heatmap_get_range:
 * @min: (out): the smallest finite value of the whole tensor (0 when none)
 * @max: (out): the largest
 *
 * The finite range of the whole tensor, not only the slice, read once and
 * cached: what symmetric limits and a custom range start from.
 *
 * Returns: %FALSE with @error set when the data cannot be read
 */
gboolean
graft_heatmap_get_range (GraftHeatmap  *self,
                         double        *min,
                         double        *max,
                         GCancellable  *cancellable,
                         GError       **error)
{
  GraftStats stats;

  g_return_val_if_fail (self != NULL, FALSE);

  if (!self->have_range)
    {
      /* Streamed, in parallel; the figures besides min and max are cheap
       * next to reading the values. */
      if (!graft_stats_compute (self->tensor, &stats, cancellable, error))
        return FALSE;
      self->range_min = isfinite (stats.min) ? stats.min : 0;
      self->range_max = isfinite (stats.max) ? stats.max : 0;
      self->have_range = TRUE;
    }
  *min = self->range_min;
  *max = self->range_max;
  return TRUE;
}

/**
 * graft_heatmap_make_colormap:
 * @shown: [n_shown] the values the pixels show
 *
 * Resolves the style's limits: symmetric takes ±max |x| of the whole
 * tensor (or, with @style->visible_limits, ±max |shown|: with extremes
 * kept, ±max |x| of the window), robust a percentile of |x| over the
 * slice, user the style's own. A sequential map over data that
 * never goes below zero starts at 0 instead of -max.
 */
gboolean
graft_heatmap_make_colormap (GraftHeatmap             *self,
                             const GraftHeatmapStyle  *style,
                             const float              *shown,
                             gsize                     n_shown,
                             GraftColormap           **colormap,
                             GCancellable             *cancellable,
                             GError                  **error)
{
  g_autoptr(GraftColormap) cmap = graft_colormap_new (style->colormap, style->reversed);
  double m = 0, vmin, vmax;
  gboolean negative = FALSE;

  if (style->visible_limits || style->limits != GRAFT_LIMITS_SYMMETRIC)
    {
      for (gsize i = 0; i < n_shown; i++)
        if (isfinite (shown[i]))
          {
            m = MAX (m, fabs (shown[i]));
            negative |= shown[i] < 0;
          }
    }
  else
    {
      double lo, hi;

      if (!graft_heatmap_get_range (self, &lo, &hi, cancellable, error))
        return FALSE;
      m = MAX (fabs (lo), fabs (hi));
      negative = lo < 0;
    }

  switch (style->limits)
    {
    case GRAFT_LIMITS_USER:
      vmin = style->user_min;
      vmax = style->user_max;
      break;
    case GRAFT_LIMITS_ROBUST:
      if (!(style->robust_percentile > 0 && style->robust_percentile <= 100))
        {
          g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_INVALID,
                       "a robust limit needs a percentile in (0, 100], not %g",
                       style->robust_percentile);
          return FALSE;
        }
      if (!graft_heatmap_robust_limit (self, style->robust_percentile, &m, cancellable, error))
        return FALSE;
      if (!isfinite (m))
        m = 0;
      G_GNUC_FALLTHROUGH;
    case GRAFT_LIMITS_SYMMETRIC:
    case GRAFT_N_LIMITS:
    default:
      vmax = m;
      vmin = (style->colormap != GRAFT_COLORMAP_DIVERGING && !negative) ? 0 : -m;
      break;
    }
  if (style->scale == GRAFT_SCALE_LOG && vmax <= 0)
    vmax = 1;
  if (!graft_colormap_set_scale (cmap, style->scale, vmin, vmax, style->linthresh, error))
    return FALSE;
  *colormap = g_steal_pointer (&cmap);
  return TRUE;
}

/**
 * graft_heatmap_frame_paint:
 *
 * Colours every pixel from its shown value and counts the clipped ones.
 * Pixels without data (NaN shown and no layout cell) are painted by the
 * caller afterwards.
 */
typedef struct
{
  GraftHeatmapFrame   *frame;
  const GraftColormap *colormap;
  gsize                i0;  /* pixels i0 … i1 */
  gsize                i1;
  guint64              n_clipped;
} GraftHeatmapPaintJob;

static void
graft_heatmap_paint_job (gpointer data)
{
  GraftHeatmapPaintJob *job = data;
  GraftHeatmapFrame *frame = job->frame;

  graft_colormap_map_floats (job->colormap, frame->shown + job->i0, job->i1 - job->i0,
                             frame->rgba + 4 * job->i0, frame->clip + job->i0);
  for (gsize i = job->i0; i < job->i1; i++)
    job->n_clipped += frame->clip[i] != GRAFT_CLIP_NONE;
}

void
graft_heatmap_frame_paint (GraftHeatmapFrame   *frame,
                           const GraftColormap *colormap)
{
  gsize n = (gsize) frame->width * frame->height;
  /* A 1024² frame is worth two threads; a thumbnail is not. */
  guint n_jobs = n >= 256 * 1024 ? MIN (g_get_num_processors (), 4) : 1;
  GraftHeatmapPaintJob jobs[4];

  for (guint j = 0; j < n_jobs; j++)
    jobs[j] = (GraftHeatmapPaintJob) { frame, colormap, n * j / n_jobs, n * (j + 1) / n_jobs, 0 };
  graft_stats_run_jobs (jobs, sizeof jobs[0], n_jobs, graft_heatmap_paint_job);
  frame->n_clipped = 0;
  for (guint j = 0; j < n_jobs; j++)
    frame->n_clipped += jobs[j].n_clipped;
  graft_colormap_get_colorbar (colormap, &frame->colorbar);
}

/* Pixel edges over n elements starting at first, in units of cells of
 * `cell` elements: pixel p covers cells c0 + p·nc/W … c0 + (p+1)·nc/W,
 * where the window is widened to whole cells. Magnified pixels (fewer
 * elements than pixels) each cover one element. */
static void
graft_heatmap_pixel_edges (gsize  first,
                           gsize  n,
                           gsize  total,
                           gsize  cell,
                           guint  n_px,
                           gsize *lo,
                           gsize *hi)
{
  gsize c0 = first / cell;
  gsize c1 = (first + n + cell - 1) / cell;
  gsize nc = c1 - c0;

  for (guint p = 0; p < n_px; p++)
    {
      gsize a = c0 + (gsize) p * nc / n_px;
      gsize b = c0 + (gsize) (p + 1) * nc / n_px;

      if (b <= a)
        b = a + 1;
      lo[p] = a * cell;
      hi[p] = MIN (b * cell, total);
    }
}

/**
 * graft_heatmap_render:
 * @window: (nullable): the part of the slice to show, %NULL for all of it
 * @width: frame width in pixels
 * @height: frame height in pixels
 * @style: colours, limits and reduction
 * @cancellable: (nullable): stops a pass over the data early
 *
 * Renders a window of the slice to @width × @height pixels. Where several
 * values fall into one pixel, it shows the value of largest magnitude with
 * its sign (or the mean); a NaN anywhere in a pixel makes the pixel NaN.
 * The first render of a large slice reads it once (in parallel, from the
 * mapped file); later zooms and pans reuse the cached levels.
 *
 * Returns: (transfer full): the frame, or %NULL with @error set
 */
GraftHeatmapFrame *
graft_heatmap_render (GraftHeatmap              *self,
                      const GraftHeatmapWindow  *window,
                      guint                      width,
                      guint                      height,
                      const GraftHeatmapStyle   *style,
                      GCancellable              *cancellable,
                      GError                   **error)
{
  GraftHeatmapWindow w = { 0, self->n_rows, 0, self->n_cols };
  g_autoptr(GraftHeatmapFrame) frame = NULL;
  g_autoptr(GraftColormap) cmap = NULL;
  g_autofree GraftHeatmapCell *cells = NULL;
  GraftHeatmapSlice slice;
  GraftHeatmapLevel *level = NULL;
  gsize nr, nc, sr, sc;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (style != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!graft_heatmap_check_size (width, height, error))
    return NULL;
  if (window != NULL)
    w = *window;
  if (w.row_start >= w.row_end || w.row_end > self->n_rows ||
      w.col_start >= w.col_end || w.col_end > self->n_cols)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_INVALID,
                   "window [%" G_GSIZE_FORMAT ":%" G_GSIZE_FORMAT ", %" G_GSIZE_FORMAT ":%"
                   G_GSIZE_FORMAT "] is empty or outside the %" G_GSIZE_FORMAT "×%"
                   G_GSIZE_FORMAT " slice", w.row_start, w.row_end, w.col_start, w.col_end,
                   self->n_rows, self->n_cols);
      return NULL;
    }
  if (!graft_heatmap_slice_init (&slice, self, error))
    return NULL;

  nr = w.row_end - w.row_start;
  nc = w.col_end - w.col_start;
  sr = graft_heatmap_pow2_floor ((double) nr / height);
  sc = graft_heatmap_pow2_floor ((double) nc / width);

  frame = graft_heatmap_frame_new (self, GRAFT_HEATMAP_MATRIX, width, height);
  frame->reduce = style->reduce;
  frame->row_lo = g_new (gsize, height);
  frame->row_hi = g_new (gsize, height);
  frame->col_lo = g_new (gsize, width);
  frame->col_hi = g_new (gsize, width);

  if (sr > 1 || sc > 1)
    {
      level = graft_heatmap_get_level (self, &slice, sr, sc, nr * nc, cancellable, error);
      if (level == NULL && error != NULL && *error != NULL)
        return NULL;
    }

  if (level == NULL)
    {
      GraftHeatmapReduceOut out = { NULL, frame->shown, style->reduce, NULL };
      gboolean all = nr == self->n_rows && nc == self->n_cols;
      /* A whole slice, not magnified, is read once: its statistics too,
       * and the counts of |x| robust limits are read from. */
      gboolean once = all && nr >= height && nc >= width;
      gboolean with_stats = once && graft_heatmap_wants_stats (self);
      /* A first frame has the pixels a level would give it (the same
       * picture when the view comes back to it), read from the data. */
      gboolean as_level = graft_heatmap_wants_level (self, sr, sc, nr * nc);
      GraftStatsAcc acc;

      graft_heatmap_pixel_edges (w.row_start, nr, self->n_rows, as_level ? sr : 1, height,
                                 frame->row_lo, frame->row_hi);
      graft_heatmap_pixel_edges (w.col_start, nc, self->n_cols, as_level ? sc : 1, width,
                                 frame->col_lo, frame->col_hi);
      slice.populate = all && slice.data != NULL &&
                       graft_tensor_get_n_bytes (self->tensor) >= GRAFT_TENSOR_POPULATE_MIN_BYTES;
      if (once && style->limits == GRAFT_LIMITS_ROBUST && self->abs_hist == NULL)
        out.abs_hist = g_new0 (guint64, GRAFT_STATS_ABS_BINS);
      if (!graft_heatmap_reduce (&slice, frame->row_lo, frame->row_hi, height, frame->col_lo,
                                 frame->col_hi, width, &out, with_stats ? &acc : NULL,
                                 cancellable, error))
        {
          g_free (out.abs_hist);
          return NULL;
        }
      if (out.abs_hist != NULL)
        self->abs_hist = out.abs_hist;
      if (with_stats)
        {
          GraftStats stats;

          graft_stats_finish (&acc, &stats);
          graft_tensor_put_derived (self->tensor, graft_stats_quark (), &stats, sizeof stats);
        }
    }
  else
    {
      cells = g_new (GraftHeatmapCell, (gsize) width * height);
      /* Blocks of sr × sc whatever level serves them (its cells divide
       * them), so a view looks the same whichever levels are cached. */
      graft_heatmap_pixel_edges (w.row_start, nr, self->n_rows, sr, height,
                                 frame->row_lo, frame->row_hi);
      graft_heatmap_pixel_edges (w.col_start, nc, self->n_cols, sc, width,
                                 frame->col_lo, frame->col_hi);
      for (guint y = 0; y < height; y++)
        {
          gsize a0 = frame->row_lo[y] / level->sr, a1 = (frame->row_hi[y] + level->sr - 1) / level->sr;

          for (guint x = 0; x < width; x++)
            {
              GraftHeatmapCell *cell = &cells[(gsize) y * width + x];
              gsize b0 = frame->col_lo[x] / level->sc;
              gsize b1 = (frame->col_hi[x] + level->sc - 1) / level->sc;

              graft_heatmap_cell_init (cell);
              for (gsize a = a0; a < a1; a++)
                for (gsize b = b0; b < b1; b++)
                  graft_heatmap_cell_merge (cell, &level->cells[a * level->n_cols + b]);
            }
        }
      for (guint y = 0; y < height; y++)
        for (guint x = 0; x < width; x++)
          {
            double n = (double) (frame->row_hi[y] - frame->row_lo[y]) *
                       (frame->col_hi[x] - frame->col_lo[x]);

            frame->shown[(gsize) y * width + x] =
              graft_heatmap_cell_value (&cells[(gsize) y * width + x], style->reduce, n);
          }
    }
  self->framed = TRUE;

  frame->window.row_start = frame->row_lo[0];
  frame->window.row_end = frame->row_hi[height - 1];
  frame->window.col_start = frame->col_lo[0];
  frame->window.col_end = frame->col_hi[width - 1];

  if (!graft_heatmap_make_colormap (self, style, frame->shown, (gsize) width * height, &cmap,
                                    cancellable, error))
    return NULL;
  graft_heatmap_frame_paint (frame, cmap);
  return g_steal_pointer (&frame);
}

const char *
graft_reduce_get_name (GraftReduce reduce)
{
  g_return_val_if_fail (reduce < GRAFT_N_REDUCES, NULL);
  return graft_reduce_names[reduce];
}

gboolean
graft_reduce_from_name (const char  *name,
                        GraftReduce *reduce)
{
  for (guint i = 0; i < GRAFT_N_REDUCES; i++)
    if (g_ascii_strcasecmp (name, graft_reduce_names[i]) == 0)
      {
        *reduce = i;
        return TRUE;
      }
  return FALSE;
}
