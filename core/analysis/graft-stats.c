/* graft-stats.c
 *
 * Statistics of a tensor in passes over its mapped values, never over a
 * private copy: one pass for the cheap figures, one for a histogram, two
 * (four for 64-bit dtypes) for exact percentiles. Each pass splits the
 * tensor into one contiguous range per thread and walks it in chunks, so
 * that converted chunks stay in cache and cancellation is prompt.
 *
 * Percentiles are exact order statistics found by radix refinement over
 * sort keys (graft_stats_key_f32()): the first pass counts the top 16 bits
 * of every key, which places each wanted rank in one bucket; the next pass
 * counts the following 16 bits of the keys in those buckets only, and so on
 * until the key is known. This needs no copy and no sort, and its cost does
 * not depend on how the values are distributed. Between two order
 * statistics, percentiles interpolate linearly, as numpy.percentile does.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-stats"

#include "config.h"

#include "graft-stats.h"

#include <math.h>
#include <string.h>

#include "graft-error.h"
#include "graft-progress.h"
#include "graft-stats-private.h"
#include "graft-dtype.h"
#include "graft-tensor.h"
#include "graft-tensor-stream.h"

const double graft_stats_percentile_levels[GRAFT_STATS_N_PERCENTILES] = {
  1, 5, 25, 50, 75, 95, 99,
};

/* Flush the 32-bit histogram counters well before they could wrap. */
#define GRAFT_STATS_HIST_FLUSH ((gsize) 1 << 30)

typedef struct
{
  GraftStatsSource       *src;
  gsize                   start;
  gsize                   end;
  GCancellable           *cancellable;
  gboolean                cancelled;
} GraftStatsRange;

/* Splits @src into one job per thread; jobs start with a GraftStatsRange. */
static guint
graft_stats_split (GraftStatsSource       *src,
                   GCancellable           *cancellable,
                   gpointer                jobs,
                   gsize                   job_size,
                   guint                   n_jobs)
{
  gsize per = (src->n + n_jobs - 1) / n_jobs;

  /* Whole chunks per job, so that no chunk is split between threads. */
  per = (per + GRAFT_STATS_CHUNK - 1) / GRAFT_STATS_CHUNK * GRAFT_STATS_CHUNK;
  for (guint j = 0; j < n_jobs; j++)
    {
      GraftStatsRange *r = (GraftStatsRange *) ((guint8 *) jobs + j * job_size);

      r->src = src;
      r->start = MIN (j * per, src->n);
      r->end = MIN (r->start + per, src->n);
      r->cancellable = cancellable;
    }
  return n_jobs;
}

/* Hands @func the range's values chunk by chunk: as floats, or as doubles
 * for 64-bit types, converted through one reused buffer when the tensor's
 * own dtype is not the one needed. Stops early, marking the range, when
 * the work is cancelled. */
typedef void (*GraftStatsChunkFunc) (gpointer      job,
                                     const float  *f32,
                                     const double *f64,
                                     gsize         len);

/* Chunks @off … @off + @len of @src (in place, or converted into the
 * buffers); FALSE when the work was cancelled. */
static gboolean
graft_stats_walk_chunks (GraftStatsRange        *range,
                         const GraftStatsSource *src,
                         gsize                   off,
                         gsize                   len,
                         GraftStatsChunkFunc     func,
                         gpointer                job,
                         float                  *fbuf,
                         double                 *dbuf)
{
  for (gsize end = off + len; off < end; off += GRAFT_STATS_CHUNK)
    {
      gsize n = MIN (GRAFT_STATS_CHUNK, end - off);

      graft_progress_tick ();
      if (range->cancellable != NULL && g_cancellable_is_cancelled (range->cancellable))
        {
          range->cancelled = TRUE;
          return FALSE;
        }
      if (src->wide)
        func (job, NULL, graft_stats_source_f64 (src, off, n, dbuf), n);
      else
        func (job, graft_stats_source_f32 (src, off, n, fbuf), NULL, n);
    }
  return TRUE;
}

/* A streamed source: the range a piece at a time into one reused buffer,
 * each piece then walked as mapped values. */
static void
graft_stats_range_stream (GraftStatsRange     *range,
                          GraftStatsChunkFunc  func,
                          gpointer             job,
                          float               *fbuf,
                          double              *dbuf)
{
  GraftStatsSource *src = range->src;
  gsize elem = graft_dtype_get_size (src->dtype);
  gsize piece = MAX (GRAFT_TENSOR_STREAM_PIECE_BYTES / elem / GRAFT_STATS_CHUNK, 1) * GRAFT_STATS_CHUNK;
  g_autofree guint8 *raw = g_malloc (MAX (MIN (piece, range->end - range->start), 1) * elem);
  GraftStatsSource part = { raw, NULL, src->dtype, 0, src->wide };

  for (gsize off = range->start; off < range->end; off += piece)
    {
      gsize len = MIN (piece, range->end - off);
      GError *error = NULL;

      if (src->stream_error != NULL)
        {
          range->cancelled = TRUE;
          return;
        }
      if (!graft_tensor_read_flat (src->stream, off, len, raw, &error))
        {
          graft_stats_source_fail (src, error);
          range->cancelled = TRUE;
          return;
        }
      part.n = len;
      if (!graft_stats_walk_chunks (range, &part, 0, len, func, job, fbuf, dbuf))
        return;
    }
}

/* Hands @func the range's values chunk by chunk: as floats, or as doubles
 * for 64-bit types, converted through one reused buffer when the tensor's
 * own dtype is not the one needed. Stops early, marking the range, when
 * the work is cancelled or a streamed read fails. */
static void
graft_stats_range_walk (GraftStatsRange     *range,
                        GraftStatsChunkFunc  func,
                        gpointer             job)
{
  const GraftStatsSource *src = range->src;
  g_autofree float *fbuf = NULL;
  g_autofree double *dbuf = NULL;

  if (src->wide)
    dbuf = g_new (double, GRAFT_STATS_CHUNK);
  else if (src->dtype != GRAFT_DTYPE_FLOAT32)
    fbuf = g_new (float, GRAFT_STATS_CHUNK);

  if (src->stream != NULL)
    graft_stats_range_stream (range, func, job, fbuf, dbuf);
  else
    graft_stats_walk_chunks (range, src, range->start, range->end - range->start, func, job,
                             fbuf, dbuf);
}

/* ---- cheap figures ------------------------------------------------------ */

typedef struct
{
  GraftStatsRange range;
  GraftStatsAcc   acc;
} GraftStatsBasicJob;

static void
graft_stats_basic_chunk (gpointer      data,
                         const float  *f32,
                         const double *f64,
                         gsize         len)
{
  GraftStatsBasicJob *job = data;

  if (f64 != NULL)
    graft_stats_kernel_f64 (f64, len, &job->acc);
  else
    graft_stats_kernel_f32 (f32, len, &job->acc);
}

static void
graft_stats_basic_job (gpointer data)
{
  GraftStatsBasicJob *job = data;

  graft_stats_acc_init (&job->acc);
  graft_stats_range_walk (&job->range, graft_stats_basic_chunk, job);
}

/**
 * graft_stats_compute:
 * @stats: (out caller-allocates): the figures
 * @cancellable: (nullable): stops the pass early
 *
 * Computes count, extremes, mean, standard deviation, L2 norm and the
 * counts of zeros, NaN and ±Inf in one pass over the tensor's values, in
 * place when the tensor is mapped, using every core for large tensors.
 * The tensor keeps them: asking again (or after a heatmap of the whole
 * tensor, which finds them in its own pass) reads nothing.
 *
 * Returns: %FALSE with @error set when the values cannot be read or the
 *   work was cancelled (%GRAFT_ERROR_CANCELLED)
 */
gboolean
graft_stats_compute (GraftTensor   *tensor,
                     GraftStats    *stats,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_auto(GraftStatsSource) src = { 0 };
  g_autofree GraftStatsBasicJob *jobs = NULL;
  GraftStatsAcc acc;
  guint n_jobs;

  g_return_val_if_fail (tensor != NULL, FALSE);
  g_return_val_if_fail (stats != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* Found before: by an earlier call, or by a heatmap's pass. */
  if (graft_tensor_get_derived (tensor, graft_stats_quark (), stats, sizeof *stats))
    return TRUE;
  if (!graft_stats_source_init (&src, tensor, error))
    return FALSE;

  n_jobs = graft_stats_choose_n_threads (src.n);
  jobs = g_new0 (GraftStatsBasicJob, n_jobs);
  graft_stats_split (&src, cancellable, jobs, sizeof *jobs, n_jobs);
  graft_stats_run_jobs (jobs, sizeof *jobs, n_jobs, graft_stats_basic_job);

  graft_stats_acc_init (&acc);
  for (guint j = 0; j < n_jobs; j++)
    {
      if (jobs[j].range.cancelled)
        return !graft_stats_source_failed (&src, cancellable, error);
      graft_stats_acc_merge (&acc, &jobs[j].acc);
    }

  graft_stats_finish (&acc, stats);
  graft_tensor_put_derived (tensor, graft_stats_quark (), stats, sizeof *stats);
  return TRUE;
}

/* The figures of a finished pass. */
void
graft_stats_finish (const GraftStatsAcc *acc,
                    GraftStats          *stats)
{
  memset (stats, 0, sizeof *stats);
  stats->count = acc->count;
  stats->n_finite = acc->n_finite;
  stats->min = acc->n_finite > 0 ? acc->min : NAN;
  stats->max = acc->n_finite > 0 ? acc->max : NAN;
  stats->mean = acc->n_finite > 0 ? acc->mean : NAN;
  stats->std = acc->n_finite > 0 ? sqrt (acc->m2 / acc->n_finite) : NAN;
  stats->l2 = sqrt (acc->sumsq);
  stats->zeros = acc->zeros;
  stats->nan = acc->nan;
  stats->pos_inf = acc->pos_inf;
  stats->neg_inf = acc->neg_inf;
}

/* Where a tensor keeps its statistics once found (graft_tensor_put_derived()). */
GQuark
graft_stats_quark (void)
{
  return g_quark_from_static_string ("graft-stats");
}

/* ---- histogram ---------------------------------------------------------- */

typedef struct
{
  GraftStatsRange range;
  double          lo;
  double          scale;
  guint           n_bins;
  guint64        *counts;  /* [n_bins + 1] */
  guint32        *sub;     /* [4, n_bins + 1] 32-bit counters, float32 only */
  gsize           since_flush;
} GraftStatsHistJob;

static void
graft_stats_hist_chunk (gpointer      data,
                        const float  *f32,
                        const double *f64,
                        gsize         len)
{
  GraftStatsHistJob *job = data;

  if (f64 != NULL)
    {
      graft_stats_hist_f64 (f64, len, job->lo, job->scale, job->n_bins, job->counts);
      return;
    }
  graft_stats_hist_f32 (f32, len, job->lo, job->scale, job->n_bins, job->sub);
  job->since_flush += len;
  if (job->since_flush >= GRAFT_STATS_HIST_FLUSH)
    {
      graft_stats_hist_flush (job->sub, job->n_bins, job->counts);
      job->since_flush = 0;
    }
}

static void
graft_stats_hist_job (gpointer data)
{
  GraftStatsHistJob *job = data;

  job->counts = g_new0 (guint64, job->n_bins + 1);
  if (!job->range.src->wide)
    job->sub = g_new0 (guint32, 4 * (gsize) (job->n_bins + 1));
  graft_stats_range_walk (&job->range, graft_stats_hist_chunk, job);
  if (job->sub != NULL && !job->range.cancelled)
    graft_stats_hist_flush (job->sub, job->n_bins, job->counts);
  g_clear_pointer (&job->sub, g_free);
}

/**
 * graft_stats_compute_histogram:
 * @stats: (nullable): the tensor's figures from graft_stats_compute(), which
 *   give the range; computed here when %NULL
 * @n_bins: number of bins, 1 to %GRAFT_STATS_MAX_BINS
 *
 * Counts the finite values in @n_bins equal bins spanning [min, max];
 * NaN and ±Inf are counted apart. A constant tensor gets the range
 * [x - 0.5, x + 0.5].
 *
 * Returns: (transfer full): the histogram, or %NULL with @error set
 */
GraftHistogram *
graft_stats_compute_histogram (GraftTensor       *tensor,
                               const GraftStats  *stats,
                               guint              n_bins,
                               GCancellable      *cancellable,
                               GError           **error)
{
  GraftStats own;
  g_auto(GraftStatsSource) src = { 0 };
  g_autofree GraftStatsHistJob *jobs = NULL;
  g_autoptr(GraftHistogram) hist = NULL;
  double scale;
  guint n_jobs;
  gboolean cancelled = FALSE;

  g_return_val_if_fail (tensor != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (n_bins == 0 || n_bins > GRAFT_STATS_MAX_BINS)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_INVALID,
                   "a histogram needs 1 to %u bins, not %u", GRAFT_STATS_MAX_BINS, n_bins);
      return NULL;
    }
  if (stats == NULL)
    {
      if (!graft_stats_compute (tensor, &own, cancellable, error))
        return NULL;
      stats = &own;
    }
  if (!graft_stats_source_init (&src, tensor, error))
    return NULL;

  hist = g_new0 (GraftHistogram, 1);
  hist->n_bins = n_bins;
  hist->counts = g_new0 (guint64, n_bins);
  if (stats->n_finite == 0)
    {
      hist->lo = 0;
      hist->hi = 1;
      hist->n_excluded = stats->count;
      return g_steal_pointer (&hist);
    }
  hist->lo = stats->min;
  hist->hi = stats->max;
  if (!(hist->hi > hist->lo))
    {
      hist->lo -= 0.5;
      hist->hi += 0.5;
    }
  scale = n_bins / (hist->hi - hist->lo);

  n_jobs = graft_stats_choose_n_threads (src.n);
  jobs = g_new0 (GraftStatsHistJob, n_jobs);
  graft_stats_split (&src, cancellable, jobs, sizeof *jobs, n_jobs);
  for (guint j = 0; j < n_jobs; j++)
    {
      jobs[j].lo = hist->lo;
      jobs[j].scale = scale;
      jobs[j].n_bins = n_bins;
    }
  graft_stats_run_jobs (jobs, sizeof *jobs, n_jobs, graft_stats_hist_job);

  for (guint j = 0; j < n_jobs; j++)
    {
      cancelled |= jobs[j].range.cancelled;
      for (guint b = 0; b < n_bins && !cancelled; b++)
        hist->counts[b] += jobs[j].counts[b];
      if (!cancelled)
        hist->n_excluded += jobs[j].counts[n_bins];
      g_free (jobs[j].counts);
    }
  if (cancelled)
    {
      graft_stats_source_failed (&src, cancellable, error);
      return NULL;
    }
  return g_steal_pointer (&hist);
}

double
graft_histogram_get_bin_width (const GraftHistogram *self)
{
  return (self->hi - self->lo) / self->n_bins;
}

void
graft_histogram_free (GraftHistogram *self)
{
  if (self == NULL)
    return;
  g_free (self->counts);
  g_free (self);
}

/* ---- percentiles -------------------------------------------------------- */

/* One order statistic being narrowed down. */
typedef struct
{
  guint64 rank;    /* among finite values, 0-based; then within its bucket */
  guint64 prefix;  /* key bits found so far */
  guint   group;   /* index into the level's groups */
} GraftStatsTarget;

typedef struct
{
  GraftStatsRange range;
  gboolean        absolute;
  guint           level;     /* 0: top 16 bits of the key */
  guint           n_groups;  /* distinct prefixes being refined */
  const guint64  *groups;    /* [n_groups] sorted prefixes */
  const guint16  *first;     /* [RADIX] 1 + first group with these top 16 bits, or 0 */
  guint32        *counts;    /* [max (n_groups, 1), RADIX] */
  guint64         n_finite;
} GraftStatsRadixJob;

static inline guint64
graft_stats_radix_key (double   v,
                       gboolean wide,
                       gboolean absolute)
{
  if (absolute)
    v = fabs (v);
  if (wide)
    return graft_stats_key_f64 (v);
  return (guint64) graft_stats_key_f32 ((float) v) << 32;
}

static inline void
graft_stats_radix_count (GraftStatsRadixJob *job,
                         guint64             key)
{
  guint bucket = (key >> (64 - 16 * (job->level + 1))) & 0xffff;
  guint64 prefix;

  if (job->level == 0)
    {
      job->counts[bucket]++;
      return;
    }
  if (job->first[key >> 48] == 0)
    return;
  /* Groups sharing the top 16 bits are adjacent in the sorted list; only
   * 64-bit keys past the second level can have more than one. */
  prefix = key >> (64 - 16 * job->level);
  for (guint g = job->first[key >> 48] - 1; g < job->n_groups; g++)
    {
      guint64 gp = job->groups[g];

      if ((gp >> (16 * (job->level - 1))) != (key >> 48))
        break;
      if (gp == prefix)
        {
          job->counts[(gsize) g * GRAFT_STATS_RADIX + bucket]++;
          return;
        }
    }
}

static void
graft_stats_radix_chunk (gpointer      data,
                         const float  *f32,
                         const double *f64,
                         gsize         len)
{
  GraftStatsRadixJob *job = data;

  if (f64 != NULL)
    {
      for (gsize i = 0; i < len; i++)
        if (isfinite (f64[i]))
          {
            job->n_finite++;
            graft_stats_radix_count (job, graft_stats_radix_key (f64[i], TRUE, job->absolute));
          }
    }
  else
    {
      for (gsize i = 0; i < len; i++)
        if (isfinite (f32[i]))
          {
            job->n_finite++;
            graft_stats_radix_count (job, graft_stats_radix_key (f32[i], FALSE, job->absolute));
          }
    }
}

static void
graft_stats_radix_job (gpointer data)
{
  GraftStatsRadixJob *job = data;

  graft_stats_range_walk (&job->range, graft_stats_radix_chunk, job);
}

static int
graft_stats_cmp_guint64 (gconstpointer a,
                         gconstpointer b)
{
  guint64 x = *(const guint64 *) a, y = *(const guint64 *) b;

  return x < y ? -1 : x > y;
}

/* Runs one radix level over the tensor and narrows every target by 16
 * bits. Level 0 also counts the finite values and then turns the wanted
 * @levels into ranks; the targets' ranks are set from them. */
static gboolean
graft_stats_radix_level (GraftStatsSource        *src,
                         gboolean                 absolute,
                         guint                    level,
                         const double            *levels,
                         GraftStatsTarget        *targets,
                         guint                    n_targets,
                         guint64                 *n_finite,
                         GCancellable            *cancellable,
                         GError                 **error)
{
  g_autofree guint64 *groups = g_new (guint64, MAX (n_targets, 1));
  g_autofree guint16 *first = NULL;
  g_autofree GraftStatsRadixJob *jobs = NULL;
  g_autofree guint64 *total = NULL;
  guint n_groups = 0, n_jobs;
  gsize n_counts;
  gboolean cancelled = FALSE;

  /* The distinct prefixes of the targets are the buckets refined now. */
  if (level > 0)
    {
      for (guint t = 0; t < n_targets; t++)
        groups[t] = targets[t].prefix;
      qsort (groups, n_targets, sizeof *groups, graft_stats_cmp_guint64);
      for (guint t = 0; t < n_targets; t++)
        if (n_groups == 0 || groups[n_groups - 1] != groups[t])
          groups[n_groups++] = groups[t];
      first = g_new0 (guint16, GRAFT_STATS_RADIX);
      for (guint g = n_groups; g > 0; g--)
        first[groups[g - 1] >> (16 * (level - 1))] = g;
      for (guint t = 0; t < n_targets; t++)
        for (guint g = 0; g < n_groups; g++)
          if (groups[g] == targets[t].prefix)
            targets[t].group = g;
    }
  n_counts = (gsize) MAX (n_groups, 1) * GRAFT_STATS_RADIX;

  n_jobs = graft_stats_choose_n_threads (src->n);
  jobs = g_new0 (GraftStatsRadixJob, n_jobs);
  graft_stats_split (src, cancellable, jobs, sizeof *jobs, n_jobs);
  for (guint j = 0; j < n_jobs; j++)
    {
      jobs[j].absolute = absolute;
      jobs[j].level = level;
      jobs[j].n_groups = n_groups;
      jobs[j].groups = groups;
      jobs[j].first = first;
      jobs[j].counts = g_new0 (guint32, n_counts);
    }
  graft_stats_run_jobs (jobs, sizeof *jobs, n_jobs, graft_stats_radix_job);

  total = g_new0 (guint64, n_counts);
  for (guint j = 0; j < n_jobs; j++)
    {
      cancelled |= jobs[j].range.cancelled;
      for (gsize b = 0; b < n_counts; b++)
        total[b] += jobs[j].counts[b];
      if (level == 0)
        *n_finite += jobs[j].n_finite;
      g_free (jobs[j].counts);
    }
  if (cancelled)
    return !graft_stats_source_failed (src, cancellable, error);

  if (level == 0)
    {
      if (*n_finite == 0)
        return TRUE;
      for (guint t = 0; t < n_targets; t++)
        {
          double h = (*n_finite - 1) * levels[t / 2] / 100.0;
          guint64 k = (guint64) floor (h) + (t % 2);

          targets[t].rank = MIN (k, *n_finite - 1);
        }
    }

  for (guint t = 0; t < n_targets; t++)
    {
      const guint64 *c = total + (gsize) targets[t].group * GRAFT_STATS_RADIX;
      guint64 rank = targets[t].rank;
      guint b = 0;

      while (b < GRAFT_STATS_RADIX - 1 && rank >= c[b])
        rank -= c[b++];
      targets[t].rank = rank;
      targets[t].prefix = (targets[t].prefix << 16) | b;
    }
  return TRUE;
}

/**
 * graft_stats_compute_percentiles:
 * @flags: %GRAFT_STATS_FLAGS_ABSOLUTE for percentiles of |x|
 * @levels: [n_levels] percentiles wanted, each in [0, 100]
 * @values: (out caller-allocates): [n_levels] the percentiles, NaN when the
 *   tensor has no finite value
 *
 * Computes exact percentiles of the finite values with linear
 * interpolation between order statistics (numpy's default), in two passes
 * over float32-like tensors and four over 64-bit ones, with no copy.
 *
 * Returns: %FALSE with @error set when the values cannot be read, a level
 *   is out of range or the work was cancelled
 */
gboolean
graft_stats_compute_percentiles (GraftTensor      *tensor,
                                 GraftStatsFlags   flags,
                                 const double     *levels,
                                 guint             n_levels,
                                 double           *values,
                                 GCancellable     *cancellable,
                                 GError          **error)
{
  g_auto(GraftStatsSource) src = { 0 };
  g_autofree GraftStatsTarget *targets = NULL;
  guint64 n_finite = 0;
  guint n_targets = 2 * n_levels, n_levels_radix;
  gboolean absolute = (flags & GRAFT_STATS_FLAGS_ABSOLUTE) != 0;

  g_return_val_if_fail (tensor != NULL, FALSE);
  g_return_val_if_fail (n_levels == 0 || (levels != NULL && values != NULL), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  for (guint i = 0; i < n_levels; i++)
    if (!(levels[i] >= 0 && levels[i] <= 100))
      {
        g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_INVALID,
                     "percentile %g is outside [0, 100]", levels[i]);
        return FALSE;
      }
  if (n_levels == 0)
    return TRUE;
  if (!graft_stats_source_init (&src, tensor, error))
    return FALSE;

  /* Targets 2i and 2i + 1 are the order statistics around level i. */
  targets = g_new0 (GraftStatsTarget, n_targets);
  /* float32 keys have 32 significant bits, double keys 64. */
  n_levels_radix = src.wide ? 4 : 2;
  for (guint level = 0; level < n_levels_radix; level++)
    {
      if (!graft_stats_radix_level (&src, absolute, level, levels, targets, n_targets,
                                    &n_finite, cancellable, error))
        return FALSE;
      if (n_finite == 0)
        {
          for (guint i = 0; i < n_levels; i++)
            values[i] = NAN;
          return TRUE;
        }
    }

  for (guint i = 0; i < n_levels; i++)
    {
      double h = (n_finite - 1) * levels[i] / 100.0;
      double frac = h - floor (h);
      double v0, v1;

      if (src.wide)
        {
          v0 = graft_stats_key_to_f64 (targets[2 * i].prefix);
          v1 = graft_stats_key_to_f64 (targets[2 * i + 1].prefix);
        }
      else
        {
          v0 = graft_stats_key_to_f32 ((guint32) targets[2 * i].prefix);
          v1 = graft_stats_key_to_f32 ((guint32) targets[2 * i + 1].prefix);
        }
      values[i] = frac > 0 ? v0 + frac * (v1 - v0) : v0;
    }
  return TRUE;
}
