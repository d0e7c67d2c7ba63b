/* graft-bins.c: a histogram's bins chosen to suit the data
 *
 * A fixed 64 bins draws 3 bars for a tensor of 3 values and hides the shape
 * of a million. The Freedman–Diaconis rule sizes the bins by the spread of
 * the middle half of the data and its count; data that holds only integers
 * (token ids, counters, quantized values) gets one bin per integer when
 * there are few, so that no bar straddles two values.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-bins"

#include "config.h"

#include "graft-bins.h"

#include <math.h>

#include "graft-dtype.h"
#include "graft-error.h"
#include "graft-tensor.h"

/* Elements read at a time when looking for a fraction. */
#define GRAFT_BINS_CHUNK (1u << 16)

/**
 * graft_bins_freedman_diaconis:
 * @n: number of finite values
 * @min: smallest value
 * @max: largest value
 * @q1: first quartile
 * @q3: third quartile
 *
 * The Freedman–Diaconis bin count: bins of width 2 IQR / ∛n over [min,
 * max], clamped to [%GRAFT_BINS_MIN, %GRAFT_BINS_MAX]. When the quartiles
 * coincide (most values equal, a spike), Sturges' log2 n + 1 instead.
 *
 * Returns: the number of bins
 */
guint
graft_bins_freedman_diaconis (guint64 n,
                              double  min,
                              double  max,
                              double  q1,
                              double  q3)
{
  double range = max - min;
  double iqr = q3 - q1;
  double count;

  if (n == 0 || !(range > 0) || !isfinite (range))
    return GRAFT_BINS_MIN;
  if (iqr > 0 && isfinite (iqr))
    count = ceil (range / (2 * iqr / cbrt ((double) n)));
  else
    count = ceil (log2 ((double) n) + 1);
  return (guint) CLAMP (count, GRAFT_BINS_MIN, GRAFT_BINS_MAX);
}

/**
 * graft_bins_choose:
 * @stats: the tensor's figures
 * @q1: its first quartile (25th percentile)
 * @q3: its third quartile
 * @integral: every finite value is an integer (graft_bins_is_integral())
 * @bins: (out): the binning
 *
 * Integers spanning at most %GRAFT_BINS_MAX values get one bin each,
 * centred on it; a constant tensor gets one bin; anything else
 * graft_bins_freedman_diaconis() bins over [min, max].
 */
void
graft_bins_choose (const GraftStats *stats,
                   double            q1,
                   double            q3,
                   gboolean          integral,
                   GraftBins        *bins)
{
  g_return_if_fail (stats != NULL);
  g_return_if_fail (bins != NULL);

  bins->per_integer = FALSE;
  if (stats->n_finite == 0)
    {
      bins->lo = 0;
      bins->hi = 1;
      bins->n_bins = GRAFT_BINS_MIN;
      return;
    }
  if (integral && stats->max - stats->min + 1 <= GRAFT_BINS_MAX)
    {
      bins->lo = stats->min - 0.5;
      bins->hi = stats->max + 0.5;
      bins->n_bins = (guint) (stats->max - stats->min) + 1;
      bins->per_integer = TRUE;
      return;
    }
  if (!(stats->max > stats->min))
    {
      bins->lo = stats->min - 0.5;
      bins->hi = stats->max + 0.5;
      bins->n_bins = 1;
      return;
    }
  bins->lo = stats->min;
  bins->hi = stats->max;
  bins->n_bins = graft_bins_freedman_diaconis (stats->n_finite, stats->min, stats->max, q1, q3);
}

/**
 * graft_bins_is_integral:
 * @cancellable: (nullable): checked between chunks
 *
 * Reads @tensor until a finite value with a fraction turns up, which for
 * trained weights is the first one. Integer dtypes are integral at once.
 *
 * Returns: %TRUE when every finite value is an integer; %FALSE otherwise,
 *   or with @error set when the values cannot be read or the read was
 *   cancelled
 */
gboolean
graft_bins_is_integral (GraftTensor   *tensor,
                        GCancellable  *cancellable,
                        GError       **error)
{
  guint rank;
  gsize n_rows, row_size = 1, rows_per_chunk;
  g_autofree gsize *start = NULL;
  g_autofree gsize *count = NULL;
  g_autofree float *values = NULL;

  g_return_val_if_fail (tensor != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!graft_dtype_is_float (graft_tensor_get_dtype (tensor)))
    return TRUE;
  rank = graft_tensor_get_rank (tensor);
  if (rank == 0)
    {
      g_autofree float *one = graft_tensor_dup_float (tensor, error);

      return one != NULL && (!isfinite (one[0]) || one[0] == floorf (one[0]));
    }

  /* Whole rows of the first dimension at a time. */
  start = g_new0 (gsize, rank);
  count = g_new0 (gsize, rank);
  for (guint d = 1; d < rank; d++)
    {
      row_size *= graft_tensor_get_dim (tensor, d);
      count[d] = graft_tensor_get_dim (tensor, d);
    }
  n_rows = graft_tensor_get_dim (tensor, 0);
  if (row_size == 0 || n_rows == 0)
    return TRUE;
  rows_per_chunk = MAX (1, GRAFT_BINS_CHUNK / row_size);
  values = g_new (float, rows_per_chunk * row_size);
  for (gsize row = 0; row < n_rows; row += rows_per_chunk)
    {
      gsize n;

      if (cancellable != NULL && g_cancellable_is_cancelled (cancellable))
        {
          g_set_error_literal (error, GRAFT_ERROR, GRAFT_ERROR_CANCELLED, "cancelled");
          return FALSE;
        }
      start[0] = row;
      count[0] = MIN (rows_per_chunk, n_rows - row);
      if (!graft_tensor_read_block_float (tensor, start, count, values, error))
        return FALSE;
      n = count[0] * row_size;
      for (gsize i = 0; i < n; i++)
        if (isfinite (values[i]) && values[i] != floorf (values[i]))
          return FALSE;
    }
  return TRUE;
}

/**
 * graft_bins_apply:
 * @range: (out): @stats with the range of @bins, to hand to
 *   graft_stats_compute_histogram()
 *
 * graft_stats_compute_histogram() bins over the figures' [min, max]; the
 * bins of integers reach half a unit beyond them.
 */
void
graft_bins_apply (const GraftBins  *bins,
                  const GraftStats *stats,
                  GraftStats       *range)
{
  g_return_if_fail (bins != NULL && stats != NULL && range != NULL);

  *range = *stats;
  if (stats->n_finite > 0 && bins->hi > bins->lo)
    {
      range->min = bins->lo;
      range->max = bins->hi;
    }
}
