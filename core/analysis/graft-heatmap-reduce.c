/* graft-heatmap-reduce.c
 *
 * Reducing a 2-D slice of a tensor to cells that keep extremes: every cell
 * records the min, max and sum of its block, and whether it holds a NaN, so
 * a pixel can show the value of largest magnitude (or the mean) without
 * losing a single outlier.
 *
 * A band of rows is folded into column accumulators one row at a time
 * (pure streaming over mapped memory, vectorised), then the accumulators
 * are folded into cells. Column spans are walked in chunks so the
 * accumulators stay in L2 whatever the width. Output rows are shared out
 * between threads.
 *
 * Levels are whole-slice reductions at power-of-two cell sizes. The first
 * comes from the data in one pass; coarser ones are merged from it, so
 * zooming and panning never rescan the tensor.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-heatmap"

#include "config.h"

#include "graft-heatmap-private.h"

#include <math.h>
#include <string.h>

#include "graft-dtype.h"
#include "graft-error.h"
#include "graft-progress.h"
#include "graft-stats-private.h"
#include "graft-tensor.h"
#include "graft-tensor-stream.h"

/* Columns folded per accumulator chunk: 4 arrays of 64 KiB. */
#define GRAFT_HEATMAP_COL_CHUNK 16384

/**
 * graft_heatmap_slice_init:
 *
 * Locates the heatmap's slice in the tensor's mapped values; a large
 * tensor in compressed storage is left to be streamed (@slice->data is
 * %NULL), a piece of rows at a time through graft_heatmap_slice_row().
 */
gboolean
graft_heatmap_slice_init (GraftHeatmapSlice   *slice,
                          const GraftHeatmap  *heatmap,
                          GError             **error)
{
  GraftTensor *t = heatmap->tensor;
  guint rank = graft_tensor_get_rank (t);
  const gsize *shape = graft_tensor_get_shape (t);
  gsize strides[GRAFT_MAX_RANK];
  g_autoptr(GError) local_error = NULL;

  memset (slice, 0, sizeof *slice);
  slice->tensor = t;
  slice->data = graft_tensor_peek_data (t, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  slice->dtype = graft_tensor_get_dtype (t);
  slice->elem_size = graft_dtype_get_size (slice->dtype);
  slice->n_rows = heatmap->n_rows;
  slice->n_cols = heatmap->n_cols;
  slice->rank = rank;
  slice->row_axis = heatmap->row_axis;
  slice->col_axis = heatmap->col_axis;
  memcpy (slice->index, heatmap->index, sizeof slice->index);

  if (rank > 0)
    {
      strides[rank - 1] = 1;
      for (guint i = rank - 1; i > 0; i--)
        strides[i - 1] = strides[i] * shape[i];
    }
  for (guint i = 0; i < rank; i++)
    if (i != heatmap->row_axis && i != heatmap->col_axis)
      slice->offset += heatmap->index[i] * strides[i];
  slice->row_stride = heatmap->row_axis < rank ? strides[heatmap->row_axis] : 0;
  slice->col_stride = heatmap->col_axis < rank ? strides[heatmap->col_axis] : 1;
  return TRUE;
}

void
graft_heatmap_rows_clear (GraftHeatmapRows *rows)
{
  g_clear_pointer (&rows->raw, g_free);
  g_clear_error (&rows->error);
  rows->raw_size = 0;
  rows->r0 = rows->r1 = 0;
}

/* Reads rows r … (a piece, up to the row limit) × columns c0 … c0 + n of a
 * streamed slice into @rows: one block read, so a compressed chunk under
 * the block is inflated once. */
static gboolean
graft_heatmap_rows_fill (const GraftHeatmapSlice *s,
                         GraftHeatmapRows        *rows,
                         gsize                    r,
                         gsize                    c0,
                         gsize                    n)
{
  gsize row_bytes = MAX (n * s->elem_size, 1);
  gsize limit = CLAMP (rows->row_limit, r + 1, s->n_rows);
  gsize k = MIN (MAX (GRAFT_TENSOR_STREAM_PIECE_BYTES / row_bytes, 1), limit - r);
  gsize start[GRAFT_MAX_RANK], count[GRAFT_MAX_RANK];

  if (k * row_bytes > rows->raw_size)
    {
      g_free (rows->raw);
      rows->raw = g_malloc (k * row_bytes);
      rows->raw_size = k * row_bytes;
    }
  for (guint i = 0; i < s->rank; i++)
    {
      start[i] = s->index[i];
      count[i] = 1;
    }
  if (s->row_axis < s->rank)
    {
      start[s->row_axis] = r;
      count[s->row_axis] = k;
    }
  if (s->col_axis < s->rank)
    {
      start[s->col_axis] = c0;
      count[s->col_axis] = n;
    }
  rows->r0 = rows->r1 = 0;
  if (!graft_tensor_read_block (s->tensor, start, count, rows->raw, &rows->error))
    return FALSE;
  rows->r0 = r;
  rows->r1 = r + k;
  rows->c0 = c0;
  rows->n_cols = n;
  return TRUE;
}

/**
 * graft_heatmap_slice_row:
 * @rows: the calling thread's rows of a streamed slice (unused when the
 *   slice is mapped)
 * @buf: [n] room for converted values
 * @raw: [n] room for gathered elements of the tensor's dtype
 *
 * Returns: (transfer none): columns @c0 … @c0 + @n of row @r as float32, in
 *   place when the slice's rows are contiguous float32, else gathered and
 *   converted into @buf; NaN when a streamed read failed (@rows->error)
 */
const float *
graft_heatmap_slice_row (const GraftHeatmapSlice *s,
                         GraftHeatmapRows        *rows,
                         gsize                    r,
                         gsize                    c0,
                         gsize                    n,
                         float                   *buf,
                         guint8                  *raw)
{
  const guint8 *data = s->data;
  gsize off, stride;

  if (data != NULL)
    {
      off = s->offset + r * s->row_stride + c0 * s->col_stride;
      stride = s->col_stride;
    }
  else
    {
      if (rows->error != NULL ||
          ((r < rows->r0 || r >= rows->r1 || c0 != rows->c0 || n != rows->n_cols) &&
           !graft_heatmap_rows_fill (s, rows, r, c0, n)))
        {
          for (gsize i = 0; i < n; i++)
            buf[i] = NAN;
          return buf;
        }
      data = rows->raw;
      /* The block is row-major in the tensor's axis order. */
      if (s->row_axis >= s->rank || s->row_axis < s->col_axis)
        {
          off = (r - rows->r0) * n;
          stride = 1;
        }
      else
        {
          off = r - rows->r0;
          stride = rows->r1 - rows->r0;
        }
    }

  if (stride == 1)
    {
      if (s->dtype == GRAFT_DTYPE_FLOAT32)
        return (const float *) data + off;
      graft_dtype_to_float (s->dtype, data + off * s->elem_size, buf, n);
      return buf;
    }
  if (s->dtype == GRAFT_DTYPE_FLOAT32)
    {
      const float *src = (const float *) data + off;

      for (gsize i = 0; i < n; i++)
        buf[i] = src[i * stride];
      return buf;
    }
  for (gsize i = 0; i < n; i++)
    memcpy (raw + i * s->elem_size, data + (off + i * stride) * s->elem_size, s->elem_size);
  graft_dtype_to_float (s->dtype, raw, buf, n);
  return buf;
}

void
graft_heatmap_cell_init (GraftHeatmapCell *cell)
{
  cell->min = INFINITY;
  cell->max = -INFINITY;
  cell->sum = 0.0f;
  cell->flags = 0;
}

void
graft_heatmap_cell_merge (GraftHeatmapCell       *cell,
                          const GraftHeatmapCell *other)
{
  if (other->min < cell->min)
    cell->min = other->min;
  if (other->max > cell->max)
    cell->max = other->max;
  cell->sum += other->sum;
  cell->flags |= other->flags;
}

/**
 * graft_heatmap_cell_value:
 * @n_values: number of elements behind @cell
 *
 * Returns: what a pixel over @cell shows: NaN if any value is NaN, else the
 *   value of largest magnitude with its sign (the positive one on a tie),
 *   or the mean
 */
float
graft_heatmap_cell_value (const GraftHeatmapCell *cell,
                          GraftReduce             reduce,
                          double                  n_values)
{
  if (cell->flags & GRAFT_HEATMAP_CELL_NAN)
    return NAN;
  if (reduce == GRAFT_REDUCE_MEAN)
    return (float) (cell->sum / n_values);
  return cell->max >= -cell->min ? cell->max : cell->min;
}

typedef struct
{
  const GraftHeatmapSlice *slice;
  const gsize             *row_lo;
  const gsize             *row_hi;
  const gsize             *col_lo;
  const gsize             *col_hi;
  gsize                    n_out_cols;
  gsize                    p0;      /* output rows p0 … p1 */
  gsize                    p1;
  const GraftHeatmapReduceOut *out;
  GCancellable            *cancellable;
  gboolean                 cancelled;
  GError                  *error;
  gboolean                 with_stats;  /* fold every value into @acc too */
  GraftStatsAcc            acc;
  guint64                 *abs_hist;    /* [GRAFT_STATS_ABS_BINS] or NULL: |x| counted too */
  guint32                 *abs_run;     /* [2, GRAFT_STATS_ABS_BINS] counters of the run */
  gsize                    abs_pending; /* values in abs_run */
} GraftHeatmapReduceJob;

/* Empties the job's 32-bit |x| counters into its totals. */
static void
graft_heatmap_reduce_flush_abs (GraftHeatmapReduceJob *job)
{
  for (guint b = 0; b < GRAFT_STATS_ABS_BINS; b++)
    job->abs_hist[b] += (guint64) job->abs_run[b] + job->abs_run[GRAFT_STATS_ABS_BINS + b];
  memset (job->abs_run, 0, 2 * GRAFT_STATS_ABS_BINS * sizeof (guint32));
  job->abs_pending = 0;
}

static void
graft_heatmap_reduce_rows (GraftHeatmapReduceJob *job,
                           GraftHeatmapRows      *rows,
                           GraftHeatmapCell      *row_cells,
                           GraftStatsColumns     *colsp,
                           float                 *buf,
                           guint8                *raw,
                           gsize                  chunk)
{
  const GraftHeatmapSlice *s = job->slice;
  gsize c_first = job->col_lo[0];
  gsize c_end = job->col_hi[job->n_out_cols - 1];
  GraftStatsColumns cols = *colsp;

  for (gsize p = job->p0; p < job->p1; p++)
    {
      GraftHeatmapCell *row_out = job->out->cells ? job->out->cells + p * job->n_out_cols : row_cells;
      gsize q = 0;

      graft_progress_tick ();
      if (rows->error != NULL ||
          (job->cancellable != NULL && g_cancellable_is_cancelled (job->cancellable)))
        {
          job->cancelled = TRUE;
          return;
        }
      for (gsize j = 0; j < job->n_out_cols; j++)
        graft_heatmap_cell_init (&row_out[j]);

      for (gsize a = c_first; a < c_end; a += chunk)
        {
          gsize n = MIN (chunk, c_end - a);

          /* Fold the band of rows behind output row p into the columns. */
          for (gsize r = job->row_lo[p]; r < job->row_hi[p]; r++)
            {
              const float *x = graft_heatmap_slice_row (s, rows, r, a, n, buf, raw);

              graft_stats_columns_fold_f32 (&cols, x, n, r == job->row_lo[p],
                                            job->with_stats ? &job->acc : NULL);
              if (job->abs_hist != NULL)
                {
                  graft_stats_abs_hist_f32 (x, n, job->abs_run);
                  job->abs_pending += n;
                  if (job->abs_pending >= (gsize) 1 << 31)
                    graft_heatmap_reduce_flush_abs (job);
                }
            }

          /* Then fold the columns into every output cell that overlaps
           * this chunk. Ranges only move right, so q only moves right. */
          while (q < job->n_out_cols && job->col_hi[q] <= a)
            q++;
          for (gsize j = q; j < job->n_out_cols && job->col_lo[j] < a + n; j++)
            {
              GraftHeatmapCell *cell = &row_out[j];
              gsize lo = MAX (job->col_lo[j], a) - a, hi = MIN (job->col_hi[j], a + n) - a;
              float mn = cell->min, mx = cell->max, sum = 0;
              gint32 nan = 0;

              for (gsize c = lo; c < hi; c++)
                {
                  mn = cols.min[c] < mn ? cols.min[c] : mn;
                  mx = cols.max[c] > mx ? cols.max[c] : mx;
                  sum += cols.sum[c];
                  nan |= cols.nan[c];
                }
              cell->min = mn;
              cell->max = mx;
              cell->sum += sum;
              if (nan)
                cell->flags |= GRAFT_HEATMAP_CELL_NAN;
            }
        }

      if (job->out->cells == NULL)
        {
          float *shown = job->out->shown + p * job->n_out_cols;
          gsize band = job->row_hi[p] - job->row_lo[p];

          for (gsize j = 0; j < job->n_out_cols; j++)
            shown[j] = graft_heatmap_cell_value (&row_out[j], job->out->reduce,
                                                 (double) band * (job->col_hi[j] - job->col_lo[j]));
        }
    }
}

static void
graft_heatmap_reduce_job (gpointer data)
{
  GraftHeatmapReduceJob *job = data;
  const GraftHeatmapSlice *s = job->slice;
  gsize c_first = job->col_lo[0];
  gsize c_end = job->col_hi[job->n_out_cols - 1];
  gsize chunk = MIN (GRAFT_HEATMAP_COL_CHUNK, c_end - c_first);
  g_autofree float *acc = g_new (float, 4 * chunk);
  g_autofree float *buf = g_new (float, chunk);
  g_autofree guint8 *raw = g_malloc (chunk * s->elem_size);
  GraftStatsColumns cols = {
    acc, acc + chunk, acc + 2 * chunk, (gint32 *) (acc + 3 * chunk),
  };
  GraftHeatmapRows rows = { .row_limit = job->p1 > job->p0 ? job->row_hi[job->p1 - 1] : 0 };
  /* Without a cell array, one output row of cells at a time. */
  g_autofree GraftHeatmapCell *row_cells =
    job->out->cells == NULL ? g_new (GraftHeatmapCell, job->n_out_cols) : NULL;

  if (s->populate && s->row_stride >= s->col_stride && job->p1 > job->p0)
    {
      gsize first = s->offset + job->row_lo[job->p0] * s->row_stride;
      gsize last = s->offset + (job->row_hi[job->p1 - 1] - 1) * s->row_stride +
                   (s->n_cols - 1) * s->col_stride;

      graft_tensor_populate_part (s->tensor, first, last - first + 1);
    }

  if (job->abs_hist != NULL)
    job->abs_run = g_new0 (guint32, 2 * GRAFT_STATS_ABS_BINS);
  graft_heatmap_reduce_rows (job, &rows, row_cells, &cols, buf, raw, chunk);
  if (job->abs_hist != NULL)
    {
      graft_heatmap_reduce_flush_abs (job);
      g_clear_pointer (&job->abs_run, g_free);
    }
  if (rows.error != NULL)
    job->error = g_steal_pointer (&rows.error);
  graft_heatmap_rows_clear (&rows);
}

/**
 * graft_heatmap_reduce:
 * @row_lo: [n_out_rows] first slice row behind each output row
 * @row_hi: [n_out_rows] end (exclusive), > @row_lo; both non-decreasing
 * @col_lo: [n_out_cols] likewise for columns
 * @col_hi: [n_out_cols]
 * @out: where the cells go: @out->cells, or when that is %NULL only the
 *   value each one shows, into @out->shown (no cell array is made); with
 *   @out->abs_hist (zeroed by the caller), |x| of every value read is
 *   counted into it too
 *
 * @acc: (out caller-allocates) (nullable): the statistics of every value
 *   read, found in the same pass (the blocks must cover the slice once)
 *
 * Reduces the blocks row_lo[p] … row_hi[p] × col_lo[q] … col_hi[q] of the
 * slice, one cell per (p, q), in parallel over output rows.
 */
gboolean
graft_heatmap_reduce (const GraftHeatmapSlice  *slice,
                      const gsize              *row_lo,
                      const gsize              *row_hi,
                      gsize                     n_out_rows,
                      const gsize              *col_lo,
                      const gsize              *col_hi,
                      gsize                     n_out_cols,
                      const GraftHeatmapReduceOut *out,
                      GraftStatsAcc            *acc,
                      GCancellable             *cancellable,
                      GError                  **error)
{
  g_autofree GraftHeatmapReduceJob *jobs = NULL;
  gsize work, per;
  guint n_jobs;

  g_assert (n_out_rows > 0 && n_out_cols > 0);

  /* Elements read, counting rows read again by magnified pixels. */
  work = (row_hi[n_out_rows - 1] - row_lo[0]) * (col_hi[n_out_cols - 1] - col_lo[0]);
  /* Columns outermost: no thread's part is one range of the mapping. */
  if (slice->populate && slice->row_stride < slice->col_stride)
    graft_tensor_populate (slice->tensor);
  n_jobs = MIN (graft_stats_choose_n_threads (work), n_out_rows);
  jobs = g_new0 (GraftHeatmapReduceJob, n_jobs);
  per = (n_out_rows + n_jobs - 1) / n_jobs;
  for (guint j = 0; j < n_jobs; j++)
    {
      jobs[j].slice = slice;
      jobs[j].row_lo = row_lo;
      jobs[j].row_hi = row_hi;
      jobs[j].col_lo = col_lo;
      jobs[j].col_hi = col_hi;
      jobs[j].n_out_cols = n_out_cols;
      jobs[j].p0 = MIN (j * per, n_out_rows);
      jobs[j].p1 = MIN (jobs[j].p0 + per, n_out_rows);
      jobs[j].out = out;
      jobs[j].cancellable = cancellable;
      jobs[j].with_stats = acc != NULL;
      graft_stats_acc_init (&jobs[j].acc);
      if (out->abs_hist != NULL)
        jobs[j].abs_hist = j == 0 ? out->abs_hist : g_new0 (guint64, GRAFT_STATS_ABS_BINS);
    }
  graft_stats_run_jobs (jobs, sizeof *jobs, n_jobs, graft_heatmap_reduce_job);
  for (guint j = 1; j < n_jobs && out->abs_hist != NULL; j++)
    {
      for (guint b = 0; b < GRAFT_STATS_ABS_BINS; b++)
        out->abs_hist[b] += jobs[j].abs_hist[b];
      g_free (jobs[j].abs_hist);
    }
  if (slice->populate && slice->n_rows * slice->n_cols == graft_tensor_get_n_elements (slice->tensor))
    graft_tensor_note_populated (slice->tensor);
  for (guint j = 0; j < n_jobs; j++)
    if (jobs[j].error != NULL)
      {
        g_propagate_error (error, g_steal_pointer (&jobs[j].error));
        for (guint k = j + 1; k < n_jobs; k++)
          g_clear_error (&jobs[k].error);
        return FALSE;
      }
  for (guint j = 0; j < n_jobs; j++)
    if (jobs[j].cancelled)
      return !graft_stats_check_cancelled (cancellable, error);
  if (acc != NULL)
    {
      graft_stats_acc_init (acc);
      for (guint j = 0; j < n_jobs; j++)
        graft_stats_acc_merge (acc, &jobs[j].acc);
    }
  return TRUE;
}

/* Uniform edges: block i spans i * size … min ((i + 1) * size, total). */
static void
graft_heatmap_uniform_edges (gsize  size,
                             gsize  total,
                             gsize  n,
                             gsize *lo,
                             gsize *hi)
{
  for (gsize i = 0; i < n; i++)
    {
      lo[i] = i * size;
      hi[i] = MIN ((i + 1) * size, total);
    }
}

/**
 * graft_heatmap_level_from_data:
 * @sr: cell height, a power of two
 * @sc: cell width, a power of two
 *
 * @acc: (out caller-allocates) (nullable): the statistics of the slice,
 *   found in the same pass
 *
 * Returns: (transfer full): the whole slice reduced to sr × sc cells, in one
 *   pass over the data, or %NULL with @error set
 */
GraftHeatmapLevel *
graft_heatmap_level_from_data (const GraftHeatmapSlice  *slice,
                               gsize                     sr,
                               gsize                     sc,
                               GraftStatsAcc            *acc,
                               GCancellable             *cancellable,
                               GError                  **error)
{
  GraftHeatmapLevel *level = g_new0 (GraftHeatmapLevel, 1);
  g_autofree gsize *row_lo = NULL, *row_hi = NULL, *col_lo = NULL, *col_hi = NULL;
  GraftHeatmapReduceOut out = { 0 };

  level->sr = sr;
  level->sc = sc;
  level->n_rows = (slice->n_rows + sr - 1) / sr;
  level->n_cols = (slice->n_cols + sc - 1) / sc;
  level->cells = g_new (GraftHeatmapCell, level->n_rows * level->n_cols);
  row_lo = g_new (gsize, level->n_rows);
  row_hi = g_new (gsize, level->n_rows);
  col_lo = g_new (gsize, level->n_cols);
  col_hi = g_new (gsize, level->n_cols);
  graft_heatmap_uniform_edges (sr, slice->n_rows, level->n_rows, row_lo, row_hi);
  graft_heatmap_uniform_edges (sc, slice->n_cols, level->n_cols, col_lo, col_hi);

  out.cells = level->cells;
  if (!graft_heatmap_reduce (slice, row_lo, row_hi, level->n_rows, col_lo, col_hi,
                             level->n_cols, &out, acc, cancellable, error))
    {
      graft_heatmap_level_free (level);
      return NULL;
    }
  return level;
}

/**
 * graft_heatmap_level_merge:
 * @finer: a level whose cell sizes divide @sr and @sc
 *
 * Returns: (transfer full): the level of sr × sc cells, merged from @finer
 *   without touching the data
 */
GraftHeatmapLevel *
graft_heatmap_level_merge (const GraftHeatmapLevel *finer,
                           gsize                    sr,
                           gsize                    sc,
                           gsize                    slice_rows,
                           gsize                    slice_cols)
{
  GraftHeatmapLevel *level = g_new0 (GraftHeatmapLevel, 1);
  gsize fr = sr / finer->sr, fc = sc / finer->sc;

  g_assert (fr * finer->sr == sr && fc * finer->sc == sc);

  level->sr = sr;
  level->sc = sc;
  level->n_rows = (slice_rows + sr - 1) / sr;
  level->n_cols = (slice_cols + sc - 1) / sc;
  level->cells = g_new (GraftHeatmapCell, level->n_rows * level->n_cols);
  for (gsize i = 0; i < level->n_rows; i++)
    for (gsize j = 0; j < level->n_cols; j++)
      {
        GraftHeatmapCell *cell = &level->cells[i * level->n_cols + j];

        graft_heatmap_cell_init (cell);
        for (gsize a = i * fr; a < MIN ((i + 1) * fr, finer->n_rows); a++)
          for (gsize b = j * fc; b < MIN ((j + 1) * fc, finer->n_cols); b++)
            graft_heatmap_cell_merge (cell, &finer->cells[a * finer->n_cols + b]);
      }
  return level;
}

void
graft_heatmap_level_free (GraftHeatmapLevel *level)
{
  if (level == NULL)
    return;
  g_free (level->cells);
  g_free (level);
}
