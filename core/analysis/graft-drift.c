/* graft-drift.c: how far a weight moved between checkpoints
 *
 * The norms, distances and cosine are sums over the elements, read a block
 * of rows at a time from the three tensors, so a large weight is never
 * held three times over. The spectral norm comes from a power iteration on
 * WᵀW, with the weight read once.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-drift"

#include "config.h"

#include "graft-drift.h"

#include <math.h>

#include "graft-error.h"
#include "graft-lapack-private.h"
#include "graft-progress.h"
#include "graft-tensor.h"

/* Elements read from each tensor at a time. */
#define GRAFT_DRIFT_BLOCK (1u << 20)
#define GRAFT_DRIFT_ITERATIONS 200

static gboolean
graft_drift_read (GraftTensor  *t,
                  gsize         row,
                  gsize         n_rows,
                  float        *dest,
                  GError      **error)
{
  gsize start[GRAFT_MAX_RANK] = { 0 }, count[GRAFT_MAX_RANK];
  guint rank = graft_tensor_get_rank (t);

  for (guint i = 0; i < rank; i++)
    count[i] = graft_tensor_get_dim (t, i);
  if (rank > 0)
    {
      start[0] = row;
      count[0] = n_rows;
    }
  return graft_tensor_read_block_float (t, start, count, dest, error);
}

/**
 * graft_drift_compute:
 * @prev: (nullable): the same weight in the previous checkpoint
 * @first: the same weight in the first checkpoint (may be @weight)
 *
 * Returns: %FALSE with @error set when shapes differ or values cannot be read
 */
gboolean
graft_drift_compute (GraftTensor  *weight,
                     GraftTensor  *prev,
                     GraftTensor  *first,
                     GraftDrift   *drift,
                     GError      **error)
{
  guint rank = graft_tensor_get_rank (weight);
  gsize rows = rank > 0 ? graft_tensor_get_dim (weight, 0) : 1;
  gsize row_len = rows > 0 ? graft_tensor_get_n_elements (weight) / rows : 0;
  gsize step = row_len > 0 ? MAX (1, GRAFT_DRIFT_BLOCK / row_len) : rows;
  double ww = 0, pp = 0, dp = 0, ff = 0, df = 0, wf = 0;
  g_autofree float *w = NULL;
  g_autofree float *p = NULL;
  g_autofree float *f = NULL;

  if ((prev != NULL && !graft_tensor_same_shape (weight, prev)) ||
      !graft_tensor_same_shape (weight, first))
    {
      g_autofree char *a = graft_tensor_format_shape (weight);
      g_autofree char *b = graft_tensor_format_shape (prev && !graft_tensor_same_shape (weight, prev)
                                                      ? prev : first);

      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_SHAPE, "the weight is %s here and %s before", a, b);
      return FALSE;
    }
  w = g_new (float, MAX (1, step * row_len));
  p = g_new (float, MAX (1, step * row_len));
  f = g_new (float, MAX (1, step * row_len));
  for (gsize r = 0; r < rows && row_len > 0; r += step)
    {
      gsize k = MIN (step, rows - r), n = k * row_len;

      graft_progress_tick ();
      if (!graft_drift_read (weight, r, k, w, error) ||
          (prev != NULL && !graft_drift_read (prev, r, k, p, error)) ||
          !graft_drift_read (first, r, k, f, error))
        return FALSE;
      for (gsize i = 0; i < n; i++)
        {
          double x = w[i], y = f[i];

          ww += x * x;
          ff += y * y;
          df += (x - y) * (x - y);
          wf += x * y;
          if (prev != NULL)
            {
              pp += (double) p[i] * p[i];
              dp += (x - p[i]) * (x - p[i]);
            }
        }
    }
  drift->norm = sqrt (ww);
  drift->change_first = ff > 0 ? sqrt (df / ff) : NAN;
  drift->change_prev = prev != NULL && pp > 0 ? sqrt (dp / pp) : NAN;
  drift->cosine_first = ww > 0 && ff > 0 ? wf / sqrt (ww * ff) : NAN;
  drift->sigma_max = graft_drift_sigma_max (weight, error);
  return TRUE;
}

/**
 * graft_drift_sigma_max:
 *
 * The largest singular value of @weight read as a matrix (rows × the rest
 * of its axes are one reading; the value is the same for any grouping of
 * the trailing axes), by power iteration to 1e-7 relative.
 *
 * Returns: σmax, or NaN for a vector or when values cannot be read
 */
double
graft_drift_sigma_max (GraftTensor  *weight,
                       GError      **error)
{
  guint rank = graft_tensor_get_rank (weight);
  gsize cols, rows;
  g_autofree float *a = NULL;
  double sigma;

  if (rank < 2 || graft_tensor_get_n_elements (weight) == 0)
    return NAN;
  cols = graft_tensor_get_dim (weight, rank - 1);
  rows = graft_tensor_get_n_elements (weight) / cols;
  a = graft_tensor_dup_float (weight, error);
  if (a == NULL)
    return NAN;
  sigma = graft_lapack_sigma_max (a, rows, cols, 1e-7, GRAFT_DRIFT_ITERATIONS);
  return sigma < 0 ? NAN : sigma;
}
