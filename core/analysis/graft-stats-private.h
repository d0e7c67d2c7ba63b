/* graft-stats-private.h: the hot loops behind statistics and heatmaps
 *
 * The kernels work on contiguous runs of float32 (the dtype of nearly every
 * Keras weight) with GCC vector extensions, so they are vectorised at any
 * optimisation level, and on runs of double for the wide dtypes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "graft-stats.h"
#include "graft-types.h"

G_BEGIN_DECLS

/* Elements handled per chunk: small enough that a converted chunk stays in
 * L2 and that int32 lane counters cannot overflow, big enough that the
 * per-chunk work (cancellation check, merging) is noise. */
#define GRAFT_STATS_CHUNK 65536

/* Number of buckets of one radix level: 16 bits of a sort key. */
#define GRAFT_STATS_RADIX 65536

/* Moments and counts of one run of values. */
typedef struct
{
  guint64 count;
  guint64 n_finite;
  double  mean;      /* of finite values */
  double  m2;        /* sum of squared deviations from mean */
  double  sumsq;     /* sum of squares, for the L2 norm */
  double  min;       /* finite values; +Inf when there are none */
  double  max;       /* finite values; -Inf when there are none */
  guint64 zeros;
  guint64 nan;
  guint64 pos_inf;
  guint64 neg_inf;
} GraftStatsAcc;

/* Column accumulators of a band of rows of a 2-D slice. */
typedef struct
{
  float  *min;  /* [n_cols], NaN ignored, ±Inf kept */
  float  *max;  /* [n_cols] */
  float  *sum;  /* [n_cols], NaN and ±Inf propagate */
  gint32 *nan;  /* [n_cols], -1 where a NaN was seen */
} GraftStatsColumns;

void      graft_stats_finish           (const GraftStatsAcc *acc,
                                        GraftStats          *stats);
GQuark    graft_stats_quark            (void);
gboolean  graft_stats_dtype_is_wide    (GraftDType           dtype);
void      graft_stats_acc_init         (GraftStatsAcc       *acc);
void      graft_stats_acc_merge        (GraftStatsAcc       *acc,
                                        const GraftStatsAcc *other);

void      graft_stats_kernel_f32       (const float         *x,
                                        gsize                n,
                                        GraftStatsAcc       *acc);
void      graft_stats_kernel_f64       (const double        *x,
                                        gsize                n,
                                        GraftStatsAcc       *acc);

void      graft_stats_columns_fold_f32 (GraftStatsColumns   *cols,
                                        const float         *x,
                                        gsize                n,
                                        gboolean             first,
                                        GraftStatsAcc       *acc);

/* Bins of graft_stats_abs_hist_f32(): the top 16 bits of |x|; the finite
 * values are below 0x7f80 (+Inf's pattern). */
#define GRAFT_STATS_ABS_BINS        32768u
#define GRAFT_STATS_ABS_FINITE_BINS 0x7f80u

void      graft_stats_abs_hist_f32     (const float         *x,
                                        gsize                n,
                                        guint32             *hist);
double    graft_stats_abs_percentile   (const guint64       *hist,
                                        double               percentile);
void      graft_stats_hist_f32         (const float         *x,
                                        gsize                n,
                                        double               lo,
                                        double               scale,
                                        guint                n_bins,
                                        guint32             *sub);
void      graft_stats_hist_flush       (guint32             *sub,
                                        guint                n_bins,
                                        guint64             *counts);
void      graft_stats_hist_f64         (const double        *x,
                                        gsize                n,
                                        double               lo,
                                        double               scale,
                                        guint                n_bins,
                                        guint64             *counts);

guint64   graft_stats_key_f64          (double               x);
double    graft_stats_key_to_f64       (guint64              key);
guint32   graft_stats_key_f32          (float                x);
float     graft_stats_key_to_f32       (guint32              key);

/* A source of values in chunks: a tensor's mapped data seen as float32 or
 * double, converting other dtypes chunk by chunk into the caller's buffer;
 * a large tensor in compressed storage is streamed a piece at a time
 * (graft-tensor-stream.h). */
typedef struct
{
  const guint8 *data;   /* NULL: streamed from @stream */
  GraftTensor  *stream;
  GraftDType    dtype;
  gsize         n;
  gboolean      wide;   /* values go through double */
  GMutex        stream_lock;
  GError       *stream_error;  /* the first failed streamed read */
} GraftStatsSource;

gboolean      graft_stats_source_init  (GraftStatsSource    *src,
                                        GraftTensor         *tensor,
                                        GError             **error);
void          graft_stats_source_clear (GraftStatsSource    *src);
void          graft_stats_source_fail  (GraftStatsSource    *src,
                                        GError              *error);
gboolean      graft_stats_source_failed (GraftStatsSource   *src,
                                        GCancellable        *cancellable,
                                        GError             **error);
const float  *graft_stats_source_f32   (const GraftStatsSource *src,
                                        gsize                offset,
                                        gsize                len,
                                        float               *buf);
const double *graft_stats_source_f64   (const GraftStatsSource *src,
                                        gsize                offset,
                                        gsize                len,
                                        double              *buf);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (GraftStatsSource, graft_stats_source_clear)

typedef void (*GraftStatsJobFunc) (gpointer job);

guint     graft_stats_choose_n_threads (gsize                n_elements);
void      graft_stats_run_jobs         (gpointer             jobs,
                                        gsize                job_size,
                                        guint                n_jobs,
                                        GraftStatsJobFunc    func);
gboolean  graft_stats_check_cancelled  (GCancellable        *cancellable,
                                        GError             **error);

G_END_DECLS
