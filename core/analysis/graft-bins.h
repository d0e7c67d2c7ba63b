/* graft-bins.h: a histogram's bins chosen to suit the data
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "graft-stats.h"
#include "graft-types.h"

G_BEGIN_DECLS

/* The fewest and most bins graft_bins_choose() picks for real values. */
#define GRAFT_BINS_MIN 8
#define GRAFT_BINS_MAX 256

/**
 * GraftBins:
 * @lo: left edge of the first bin
 * @hi: right edge of the last bin
 * @n_bins: number of equal bins between them
 * @per_integer: each bin holds one integer, centred on it
 *
 * How to bin a histogram; graft_bins_apply() turns the figures of a tensor
 * into the range graft_stats_compute_histogram() bins over.
 */
typedef struct
{
  double   lo;
  double   hi;
  guint    n_bins;
  gboolean per_integer;
} GraftBins;

guint    graft_bins_freedman_diaconis (guint64           n,
                                       double            min,
                                       double            max,
                                       double            q1,
                                       double            q3);
void     graft_bins_choose            (const GraftStats *stats,
                                       double            q1,
                                       double            q3,
                                       gboolean          integral,
                                       GraftBins        *bins);
gboolean graft_bins_is_integral       (GraftTensor      *tensor,
                                       GCancellable     *cancellable,
                                       GError          **error);
void     graft_bins_apply             (const GraftBins  *bins,
                                       const GraftStats *stats,
                                       GraftStats       *range);

G_END_DECLS
