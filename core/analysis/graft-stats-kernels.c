/* graft-stats-kernels.c
 *
 * The loops every statistic and every heatmap frame spends its time in.
 * They are written with GCC vector extensions (8 floats at a time) rather
 * than left to the auto-vectoriser, because the project builds at -O2, where
 * GCC 12 leaves reductions with an unknown trip count scalar (PERF.md §2).
 * target_clones adds an AVX2 build of each kernel next to the baseline one;
 * the loader picks the right one once.
 *
 * NaN is ignored by the min/max updates because an ordered comparison with
 * NaN is false; that is why they are written as compare-and-select.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-stats"

#include "config.h"

#include "graft-stats-private.h"

#include <math.h>
#include <string.h>

typedef float   GraftF8 __attribute__ ((vector_size (32)));
typedef float   GraftF4 __attribute__ ((vector_size (16)));
typedef gint32  GraftI8 __attribute__ ((vector_size (32)));
typedef gint32  GraftI4 __attribute__ ((vector_size (16)));
typedef double  GraftD4 __attribute__ ((vector_size (32)));

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define GRAFT_KERNEL __attribute__ ((target_clones ("avx2", "default")))
#else
#define GRAFT_KERNEL
#endif

/* Bitwise select: lanes of a where mask is all ones, of b elsewhere. */
#define GRAFT_SELECT_F8(mask, a, b) \
  ((GraftF8) (((mask) & (GraftI8) (a)) | (~(mask) & (GraftI8) (b))))
#define GRAFT_SELECT_D4(mask, a, b) \
  ((GraftD4) (((mask) & (gint64 __attribute__ ((vector_size (32)))) (a)) | \
              (~(mask) & (gint64 __attribute__ ((vector_size (32)))) (b))))

#define GRAFT_F32_EXP_MASK 0x7f800000

/* Values binned at a time by graft_stats_hist_f32(), a multiple of 8. */
#define GRAFT_STATS_HIST_BLOCK 512

void
graft_stats_acc_init (GraftStatsAcc *acc)
{
  memset (acc, 0, sizeof *acc);
  acc->min = INFINITY;
  acc->max = -INFINITY;
}

/* Chan et al.'s pairwise update: merging means and squared deviations stays
 * accurate where a single running sum of squares would cancel. */
void
graft_stats_acc_merge (GraftStatsAcc       *acc,
                       const GraftStatsAcc *other)
{
  guint64 n = acc->n_finite + other->n_finite;

  if (other->n_finite > 0)
    {
      double delta = other->mean - acc->mean;
      double na = acc->n_finite, nb = other->n_finite;

      acc->mean += delta * nb / n;
      acc->m2 += other->m2 + delta * delta * na * nb / n;
    }
  acc->n_finite = n;
  acc->count += other->count;
  acc->sumsq += other->sumsq;
  acc->min = MIN (acc->min, other->min);
  acc->max = MAX (acc->max, other->max);
  acc->zeros += other->zeros;
  acc->nan += other->nan;
  acc->pos_inf += other->pos_inf;
  acc->neg_inf += other->neg_inf;
}

/* Folds a run summarised by its sum and sum of squares into @acc. */
static void
graft_stats_acc_add_run (GraftStatsAcc *acc,
                         guint64        n_finite,
                         double         sum,
                         double         sumsq)
{
  GraftStatsAcc run = { 0 };

  if (n_finite == 0)
    return;
  run.n_finite = n_finite;
  run.mean = sum / n_finite;
  run.m2 = MAX (sumsq - sum * run.mean, 0.0);
  run.sumsq = sumsq;
  run.min = INFINITY;
  run.max = -INFINITY;
  graft_stats_acc_merge (acc, &run);
}

/* The slow path for a chunk holding NaN or ±Inf: exact counts and the
 * finite extremes. Sums were already taken over finite values only. */
static void
graft_stats_rescan_f32 (const float   *x,
                        gsize          n,
                        GraftStatsAcc *acc,
                        float         *min,
                        float         *max)
{
  for (gsize i = 0; i < n; i++)
    {
      float v = x[i];

      if (isnan (v))
        acc->nan++;
      else if (isinf (v))
        {
          if (v > 0)
            acc->pos_inf++;
          else
            acc->neg_inf++;
        }
      else
        {
          *min = MIN (*min, v);
          *max = MAX (*max, v);
        }
    }
}

/* The moments and counts of a run, 8 lanes wide: double sums (a float sum
 * of squares would cancel on data far from zero), float extremes, int32
 * counters (true lanes are -1). */
typedef struct
{
  GraftD4 s0, s1, q0, q1;
  GraftF8 vmin, vmax;
  GraftI8 zeros, nonfinite;
} GraftStatsLanes;

#define GRAFT_ALWAYS_INLINE static inline __attribute__ ((always_inline))

GRAFT_ALWAYS_INLINE void
graft_stats_lanes_init (GraftStatsLanes *l)
{
  const GraftF8 zero = { 0 };

  memset (l, 0, sizeof *l);
  l->vmin = zero + INFINITY;
  l->vmax = zero - INFINITY;
}

GRAFT_ALWAYS_INLINE void
graft_stats_lanes_add (GraftStatsLanes *l,
                       GraftF8          v)
{
  const GraftI8 exp_mask = { GRAFT_F32_EXP_MASK, GRAFT_F32_EXP_MASK, GRAFT_F32_EXP_MASK,
                             GRAFT_F32_EXP_MASK, GRAFT_F32_EXP_MASK, GRAFT_F32_EXP_MASK,
                             GRAFT_F32_EXP_MASK, GRAFT_F32_EXP_MASK };
  const GraftF8 zero = { 0 };
  GraftI8 bits = (GraftI8) v;
  GraftI8 finite = (bits & exp_mask) != exp_mask;
  GraftF8 f = (GraftF8) (finite & bits); /* NaN and ±Inf count as 0 in the sums */
  GraftD4 dlo = __builtin_convertvector (__builtin_shufflevector (f, f, 0, 1, 2, 3), GraftD4);
  GraftD4 dhi = __builtin_convertvector (__builtin_shufflevector (f, f, 4, 5, 6, 7), GraftD4);

  l->s0 += dlo;
  l->s1 += dhi;
  l->q0 += dlo * dlo;
  l->q1 += dhi * dhi;
  l->vmin = GRAFT_SELECT_F8 (v < l->vmin, v, l->vmin);
  l->vmax = GRAFT_SELECT_F8 (v > l->vmax, v, l->vmax);
  l->zeros += v == zero;
  l->nonfinite += ~finite;
}

/* Folds the lanes, and the values @x[@i_tail … @n] they did not see, into
 * @acc; @x[0 … @n] is the whole run. */
static void
graft_stats_lanes_finish (const GraftStatsLanes *l,
                          const float           *x,
                          gsize                  n,
                          gsize                  i_tail,
                          GraftStatsAcc         *acc)
{
  double sum = 0, sumsq = 0;
  float min = INFINITY, max = -INFINITY;
  guint64 n_zeros = 0, n_nonfinite = 0;

  for (guint k = 0; k < 4; k++)
    {
      sum += l->s0[k] + l->s1[k];
      sumsq += l->q0[k] + l->q1[k];
    }
  for (guint k = 0; k < 8; k++)
    {
      min = MIN (min, l->vmin[k]);
      max = MAX (max, l->vmax[k]);
      n_zeros -= l->zeros[k];
      n_nonfinite -= l->nonfinite[k];
    }
  for (gsize i = i_tail; i < n; i++)
    {
      float v = x[i];

      if (!isfinite (v))
        {
          n_nonfinite++;
          continue;
        }
      sum += v;
      sumsq += (double) v * v;
      min = MIN (min, v);
      max = MAX (max, v);
      n_zeros += v == 0.0f;
    }

  acc->count += n;
  acc->zeros += n_zeros;
  if (n_nonfinite > 0)
    {
      /* The vector extremes may hold ±Inf: recompute them over finite values. */
      min = INFINITY;
      max = -INFINITY;
      graft_stats_rescan_f32 (x, n, acc, &min, &max);
    }
  acc->min = MIN (acc->min, min);
  acc->max = MAX (acc->max, max);
  graft_stats_acc_add_run (acc, n - n_nonfinite, sum, sumsq);
}

/**
 * graft_stats_kernel_f32:
 * @x: [n] values, any alignment
 *
 * Adds the moments and counts of @x to @acc. @n must not exceed
 * %GRAFT_STATS_CHUNK times 8, so the int32 lane counters cannot overflow.
 */
GRAFT_KERNEL void
graft_stats_kernel_f32 (const float   *x,
                        gsize          n,
                        GraftStatsAcc *acc)
{
  GraftStatsLanes l;
  gsize i = 0;

  graft_stats_lanes_init (&l);
  for (; i + 8 <= n; i += 8)
    {
      GraftF8 v;

      memcpy (&v, x + i, sizeof v);
      graft_stats_lanes_add (&l, v);
    }
  graft_stats_lanes_finish (&l, x, n, i, acc);
}

/**
 * graft_stats_kernel_f64:
 * @x: [n] values
 *
 * The double counterpart of graft_stats_kernel_f32(), for the wide dtypes.
 */
void
graft_stats_kernel_f64 (const double  *x,
                        gsize          n,
                        GraftStatsAcc *acc)
{
  double sum = 0, sumsq = 0;
  guint64 n_finite = 0;

  for (gsize i = 0; i < n; i++)
    {
      double v = x[i];

      if (isnan (v))
        acc->nan++;
      else if (isinf (v))
        {
          if (v > 0)
            acc->pos_inf++;
          else
            acc->neg_inf++;
        }
      else
        {
          n_finite++;
          sum += v;
          sumsq += v * v;
          acc->min = MIN (acc->min, v);
          acc->max = MAX (acc->max, v);
          acc->zeros += v == 0.0;
        }
    }
  acc->count += n;
  graft_stats_acc_add_run (acc, n_finite, sum, sumsq);
}

/* One row into the column accumulators, and with @with_stats into @l too:
 * the row is loaded once for both. @first starts the accumulators from the
 * row, which saves a reset pass over them. Constant flags, so each caller
 * below gets its own loop. */
GRAFT_ALWAYS_INLINE gsize
graft_stats_columns_fold_lanes (GraftStatsColumns *cols,
                                const float       *x,
                                gsize              n,
                                gboolean           first,
                                gboolean           with_stats,
                                GraftStatsLanes   *l)
{
  const GraftF8 zero = { 0 };
  gsize i = 0;

  for (; i + 8 <= n; i += 8)
    {
      GraftF8 v, mn, mx, sum;
      GraftI8 nan;

      memcpy (&v, x + i, sizeof v);
      if (with_stats)
        graft_stats_lanes_add (l, v);
      nan = v != v;
      if (first)
        {
          /* NaN must not seed the extremes: it would win every comparison. */
          mn = GRAFT_SELECT_F8 (nan, zero + INFINITY, v);
          mx = GRAFT_SELECT_F8 (nan, zero - INFINITY, v);
          sum = v;
        }
      else
        {
          GraftI8 seen;

          memcpy (&mn, cols->min + i, sizeof mn);
          memcpy (&mx, cols->max + i, sizeof mx);
          memcpy (&sum, cols->sum + i, sizeof sum);
          memcpy (&seen, cols->nan + i, sizeof seen);
          mn = GRAFT_SELECT_F8 (v < mn, v, mn);
          mx = GRAFT_SELECT_F8 (v > mx, v, mx);
          sum += v;
          nan |= seen;
        }
      memcpy (cols->min + i, &mn, sizeof mn);
      memcpy (cols->max + i, &mx, sizeof mx);
      memcpy (cols->sum + i, &sum, sizeof sum);
      memcpy (cols->nan + i, &nan, sizeof nan);
    }
  for (gsize j = i; j < n; j++)
    {
      float v = x[j];

      if (first)
        {
          cols->min[j] = isnan (v) ? INFINITY : v;
          cols->max[j] = isnan (v) ? -INFINITY : v;
          cols->sum[j] = v;
          cols->nan[j] = isnan (v) ? -1 : 0;
          continue;
        }
      if (v < cols->min[j])
        cols->min[j] = v;
      if (v > cols->max[j])
        cols->max[j] = v;
      cols->sum[j] += v;
      if (isnan (v))
        cols->nan[j] = -1;
    }
  return i;
}

/**
 * graft_stats_columns_fold_f32:
 * @x: [n] one row of a band
 * @first: the band's first row: it starts the accumulators
 * @acc: (nullable): also adds the moments and counts of @x to it, as
 *   graft_stats_kernel_f32() does, in the same loop
 *
 * Folds one row into the column accumulators: element-wise, so every lane
 * is independent and the loop is pure streaming.
 */
GRAFT_KERNEL void
graft_stats_columns_fold_f32 (GraftStatsColumns *cols,
                              const float       *x,
                              gsize              n,
                              gboolean           first,
                              GraftStatsAcc     *acc)
{
  GraftStatsLanes l;
  gsize i;

  if (acc == NULL)
    {
      if (first)
        graft_stats_columns_fold_lanes (cols, x, n, TRUE, FALSE, NULL);
      else
        graft_stats_columns_fold_lanes (cols, x, n, FALSE, FALSE, NULL);
      return;
    }
  graft_stats_lanes_init (&l);
  if (first)
    i = graft_stats_columns_fold_lanes (cols, x, n, TRUE, TRUE, &l);
  else
    i = graft_stats_columns_fold_lanes (cols, x, n, FALSE, TRUE, &l);
  graft_stats_lanes_finish (&l, x, n, i, acc);
}

/**
 * graft_stats_abs_hist_f32:
 * @hist: [2, GRAFT_STATS_ABS_BINS] two interleaved sets of counters (runs
 *   of one bin, zeros say, do not wait on one counter); the caller empties
 *   them before any could pass 2^32
 *
 * Counts |x| by the top 16 bits of its float32 pattern without the sign:
 * for non-negative floats the pattern orders like the value, so bin b
 * holds the values from the float with bits b << 16 to the one with bits
 * b << 16 | 0xffff, 1/128 of the value wide. NaN and ±Inf land at
 * 0x7f80 and above.
 */
void
graft_stats_abs_hist_f32 (const float *x,
                          gsize        n,
                          guint32     *hist)
{
  guint32 *h1 = hist + GRAFT_STATS_ABS_BINS;
  gsize i = 0;

  for (; i + 2 <= n; i += 2)
    {
      guint32 a, b;

      memcpy (&a, x + i, sizeof a);
      memcpy (&b, x + i + 1, sizeof b);
      hist[(a & 0x7fffffffu) >> 16]++;
      h1[(b & 0x7fffffffu) >> 16]++;
    }
  for (; i < n; i++)
    {
      guint32 a;

      memcpy (&a, x + i, sizeof a);
      hist[(a & 0x7fffffffu) >> 16]++;
    }
}

/**
 * graft_stats_abs_percentile:
 * @hist: [GRAFT_STATS_ABS_BINS] counts of |x| (graft_stats_abs_hist_f32())
 * @percentile: 0 … 100
 *
 * Returns: the @percentile-th percentile of the finite |x| (the order
 *   statistic NumPy's linear rule rounds up to), placed within its bin as
 *   if the bin's values were evenly spread: within 1/128 of the exact
 *   value; 0 when no value is finite
 */
double
graft_stats_abs_percentile (const guint64 *hist,
                            double         percentile)
{
  guint64 n = 0, want, seen = 0;
  guint32 bits;
  float low, top;

  for (guint b = 0; b < GRAFT_STATS_ABS_FINITE_BINS; b++)
    n += hist[b];
  if (n == 0)
    return 0;
  want = (guint64) ceil (CLAMP (percentile, 0.0, 100.0) / 100.0 * (double) (n - 1));
  for (guint b = 0; b < GRAFT_STATS_ABS_FINITE_BINS; b++)
    {
      if (seen + hist[b] > want)
        {
          bits = b << 16;
          memcpy (&low, &bits, sizeof low);
          bits |= 0xffffu;
          memcpy (&top, &bits, sizeof top);
          return low + ((double) top - low) * (double) (want - seen + 1) / (double) hist[b];
        }
      seen += hist[b];
    }
  g_assert_not_reached ();
}

/**
 * graft_stats_hist_f32:
 * @sub: [4, n_bins + 1] four interleaved sets of bin counters, so that runs
 *   of equal bins do not serialise on one counter; bin n_bins takes NaN and
 *   ±Inf. The caller sums the sets (graft_stats_hist_flush()) before any
 *   counter could pass 2^32.
 *
 * Bins x into floor ((x - lo) * scale), clamped to [0, n_bins - 1], in
 * double arithmetic so that the bin of a value does not depend on the path.
 */
GRAFT_KERNEL void
graft_stats_hist_f32 (const float *x,
                      gsize        n,
                      double       lo,
                      double       scale,
                      guint        n_bins,
                      guint32     *sub)
{
  const GraftI8 exp_mask = { GRAFT_F32_EXP_MASK, GRAFT_F32_EXP_MASK, GRAFT_F32_EXP_MASK,
                             GRAFT_F32_EXP_MASK, GRAFT_F32_EXP_MASK, GRAFT_F32_EXP_MASK,
                             GRAFT_F32_EXP_MASK, GRAFT_F32_EXP_MASK };
  const GraftD4 vzero = { 0 };
  const GraftD4 vlo = vzero + lo, vscale = vzero + scale, vcap = vzero + (double) (n_bins - 1);
  const GraftI8 vdiscard = (GraftI8) { 0 } + (gint32) n_bins;
  guint32 *s0 = sub, *s1 = sub + (n_bins + 1), *s2 = s1 + (n_bins + 1), *s3 = s2 + (n_bins + 1);
  gint32 bins[GRAFT_STATS_HIST_BLOCK];
  gsize i = 0;

  /* Bins a block with vector stores, then counts it: reading each bin back
   * from memory is cheaper than taking lanes out of a register. */
  while (i + 8 <= n)
    {
      gsize m = MIN (GRAFT_STATS_HIST_BLOCK, (n - i) / 8 * 8);

      for (gsize k = 0; k < m; k += 8)
        {
          GraftF8 v;
          GraftI8 bits, finite, idx;
          GraftD4 tlo, thi;
          GraftI4 ilo, ihi;

          memcpy (&v, x + i + k, sizeof v);
          bits = (GraftI8) v;
          finite = (bits & exp_mask) != exp_mask;
          tlo = (__builtin_convertvector (__builtin_shufflevector (v, v, 0, 1, 2, 3), GraftD4) - vlo) * vscale;
          thi = (__builtin_convertvector (__builtin_shufflevector (v, v, 4, 5, 6, 7), GraftD4) - vlo) * vscale;
          /* Clamp before converting: NaN fails both comparisons and lands on 0. */
          tlo = GRAFT_SELECT_D4 (tlo > vzero, tlo, vzero);
          thi = GRAFT_SELECT_D4 (thi > vzero, thi, vzero);
          tlo = GRAFT_SELECT_D4 (tlo < vcap, tlo, vcap);
          thi = GRAFT_SELECT_D4 (thi < vcap, thi, vcap);
          ilo = __builtin_convertvector (tlo, GraftI4);
          ihi = __builtin_convertvector (thi, GraftI4);
          idx = __builtin_shufflevector (ilo, ihi, 0, 1, 2, 3, 4, 5, 6, 7);
          idx = (finite & idx) | (~finite & vdiscard);
          memcpy (bins + k, &idx, sizeof idx);
        }
      for (gsize k = 0; k < m; k += 4)
        {
          s0[bins[k]]++;
          s1[bins[k + 1]]++;
          s2[bins[k + 2]]++;
          s3[bins[k + 3]]++;
        }
      i += m;
    }
  for (; i < n; i++)
    {
      float v = x[i];
      guint b = n_bins;

      if (isfinite (v))
        {
          double t = ((double) v - lo) * scale;

          t = t > 0 ? t : 0;
          t = t < n_bins - 1 ? t : n_bins - 1;
          b = (guint) t;
        }
      sub[b]++;
    }
}

/**
 * graft_stats_hist_flush:
 * @sub: [4, n_bins + 1] counters filled by graft_stats_hist_f32(), zeroed
 * @counts: [n_bins + 1] totals
 */
void
graft_stats_hist_flush (guint32 *sub,
                        guint    n_bins,
                        guint64 *counts)
{
  for (guint k = 0; k < 4; k++)
    for (guint b = 0; b <= n_bins; b++)
      {
        counts[b] += sub[k * (gsize) (n_bins + 1) + b];
        sub[k * (gsize) (n_bins + 1) + b] = 0;
      }
}

/**
 * graft_stats_hist_f64:
 *
 * The double counterpart of graft_stats_hist_f32().
 */
void
graft_stats_hist_f64 (const double *x,
                      gsize         n,
                      double        lo,
                      double        scale,
                      guint         n_bins,
                      guint64      *counts)
{
  for (gsize i = 0; i < n; i++)
    {
      double v = x[i];
      guint b = n_bins;

      if (isfinite (v))
        {
          double t = (v - lo) * scale;

          t = t > 0 ? t : 0;
          t = t < n_bins - 1 ? t : n_bins - 1;
          b = (guint) t;
        }
      counts[b]++;
    }
}

/* Sort keys: unsigned integers in the order of the values they encode, so
 * an exact order statistic can be found by radix refinement. Flipping all
 * bits of negative numbers and the sign bit of positive ones does that for
 * IEEE floats; -0.0 sorts just below +0.0. */
guint32
graft_stats_key_f32 (float x)
{
  guint32 bits;

  memcpy (&bits, &x, sizeof bits);
  return (bits & 0x80000000u) ? ~bits : bits | 0x80000000u;
}

float
graft_stats_key_to_f32 (guint32 key)
{
  guint32 bits = (key & 0x80000000u) ? key & 0x7fffffffu : ~key;
  float x;

  memcpy (&x, &bits, sizeof x);
  return x;
}

guint64
graft_stats_key_f64 (double x)
{
  guint64 bits;

  memcpy (&bits, &x, sizeof bits);
  return (bits & G_GUINT64_CONSTANT (0x8000000000000000)) ?
    ~bits : bits | G_GUINT64_CONSTANT (0x8000000000000000);
}

double
graft_stats_key_to_f64 (guint64 key)
{
  guint64 bits = (key & G_GUINT64_CONSTANT (0x8000000000000000)) ?
    key & G_GUINT64_CONSTANT (0x7fffffffffffffff) : ~key;
  double x;

  memcpy (&x, &bits, sizeof x);
  return x;
}
