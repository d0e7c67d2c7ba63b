/* graft-stats.h: statistics, percentiles and histograms of a tensor
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "graft-types.h"

G_BEGIN_DECLS

/* The percentiles graft_stats_compute_percentiles() is usually asked for. */
#define GRAFT_STATS_N_PERCENTILES 7
extern const double graft_stats_percentile_levels[GRAFT_STATS_N_PERCENTILES];

/* Default bin count of a histogram. */
#define GRAFT_STATS_DEFAULT_BINS 64
/* Most bins a histogram may have. */
#define GRAFT_STATS_MAX_BINS (1u << 20)

/**
 * GraftStats:
 * @count: number of elements, whatever their value
 * @n_finite: number of finite elements; the figures below are over these
 * @min: smallest finite value, NaN when there is none
 * @max: largest finite value, NaN when there is none
 * @mean: mean of the finite values (accumulated in double)
 * @std: population standard deviation of the finite values
 * @l2: Euclidean norm of the finite values
 * @zeros: elements equal to 0 (either sign)
 * @nan: NaN elements
 * @pos_inf: +Inf elements
 * @neg_inf: -Inf elements
 *
 * The cheap figures of a tensor, found in one pass.
 */
typedef struct
{
  guint64 count;
  guint64 n_finite;
  double  min;
  double  max;
  double  mean;
  double  std;
  double  l2;
  guint64 zeros;
  guint64 nan;
  guint64 pos_inf;
  guint64 neg_inf;
} GraftStats;

/**
 * GraftHistogram:
 * @lo: left edge of bin 0
 * @hi: right edge of the last bin
 * @n_bins: number of bins
 * @counts: [n_bins] finite values per bin; bin i holds the values x with
 *   floor ((x - lo) * n_bins / (hi - lo)) == i (computed in double), the
 *   last bin also holds x == hi
 * @n_excluded: NaN and ±Inf, counted apart
 */
typedef struct
{
  double   lo;
  double   hi;
  guint    n_bins;
  guint64 *counts;
  guint64  n_excluded;
} GraftHistogram;

typedef enum
{
  GRAFT_STATS_FLAGS_NONE     = 0,
  GRAFT_STATS_FLAGS_ABSOLUTE = 1 << 0,  /* percentiles of |x| */
} GraftStatsFlags;

gboolean         graft_stats_compute             (GraftTensor      *tensor,
                                                  GraftStats       *stats,
                                                  GCancellable     *cancellable,
                                                  GError          **error);
GraftHistogram  *graft_stats_compute_histogram   (GraftTensor      *tensor,
                                                  const GraftStats *stats,
                                                  guint             n_bins,
                                                  GCancellable     *cancellable,
                                                  GError          **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean         graft_stats_compute_percentiles (GraftTensor      *tensor,
                                                  GraftStatsFlags   flags,
                                                  const double     *levels,
                                                  guint             n_levels,
                                                  double           *values,
                                                  GCancellable     *cancellable,
                                                  GError          **error);

double           graft_histogram_get_bin_width   (const GraftHistogram *self);
void             graft_histogram_free            (GraftHistogram   *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GraftHistogram, graft_histogram_free)

G_END_DECLS
