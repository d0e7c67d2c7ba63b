/* graft-lapack.c: the LAPACK and BLAS routines the spectra need
 *
 * OpenBLAS ships LAPACK; Debian has no LAPACKE header for it, so the two
 * Fortran routines used are declared here, and only here, with gfortran's
 * hidden string lengths. The singular values of W are the square roots of
 * the eigenvalues of its smaller Gram matrix (WᵀW or WWᵀ), which is far
 * cheaper than a full SVD of a tall matrix; the Gram matrix is accumulated
 * in double precision, a strip of W at a time, so the squaring costs no
 * accuracy a float32 tensor has (a singular value 10⁻⁴ of the largest is
 * still good to about 10⁻⁸ relative).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-spectrum"

#include "config.h"

#include "graft-lapack-private.h"

#include <math.h>

#include "graft-progress.h"

/* Elements of W converted to double at a time. */
#define GRAFT_LAPACK_STRIP (1u << 22)

extern void dsyrk_ (const char *uplo, const char *trans, const int *n, const int *k,
                    const double *alpha, const double *a, const int *lda, const double *beta,
                    double *c, const int *ldc, size_t uplo_len, size_t trans_len);
extern void sgemv_ (const char *trans, const int *m, const int *n, const float *alpha,
                    const float *a, const int *lda, const float *x, const int *incx,
                    const float *beta, float *y, const int *incy, size_t trans_len);
extern void dsyevd_ (const char *jobz, const char *uplo, const int *n, double *a, const int *lda,
                     double *w, double *work, const int *lwork, int *iwork, const int *liwork,
                     int *info, size_t jobz_len, size_t uplo_len);

/**
 * graft_lapack_gram:
 * @w: a row-major @rows × @cols matrix
 * @gram: (out caller-allocates): room for n × n doubles, n = MIN (@rows, @cols)
 *
 * Computes the smaller Gram matrix of @w (upper triangle, column-major).
 *
 * Returns: %FALSE when cancelled or the matrix is too large for LAPACK's ints
 */
gboolean
graft_lapack_gram (const float  *w,
                   gsize         rows,
                   gsize         cols,
                   double       *gram,
                   GCancellable *cancellable)
{
  gsize n = MIN (rows, cols), k_total = MAX (rows, cols);
  gsize strip = MAX (1, GRAFT_LAPACK_STRIP / n);
  g_autofree double *block = NULL;
  const double one = 1.0;
  int in = (int) n;

  if (n > G_MAXINT / 2 || k_total > G_MAXINT)
    return FALSE;
  for (gsize i = 0; i < n * n; i++)
    gram[i] = 0.0;
  block = g_new (double, strip * n);
  for (gsize k0 = 0; k0 < k_total; k0 += strip)
    {
      gsize k = MIN (strip, k_total - k0);
      int ik = (int) k;

      if (g_cancellable_is_cancelled (cancellable))
        return FALSE;
      graft_progress_tick ();
      /* The strip as a column-major n × k matrix A; gram += A Aᵀ. */
      if (cols <= rows)
        {
          /* Rows k0 … k0 + k of W, each a column of A. */
          for (gsize r = 0; r < k; r++)
            for (gsize c = 0; c < n; c++)
              block[r * n + c] = w[(k0 + r) * cols + c];
        }
      else
        {
          /* Columns k0 … k0 + k of W, each a column of A. */
          for (gsize c = 0; c < k; c++)
            for (gsize r = 0; r < n; r++)
              block[c * n + r] = w[r * cols + k0 + c];
        }
      graft_progress_hold ();
      dsyrk_ ("U", "N", &in, &ik, &one, block, &in, &one, gram, &in, 1, 1);
      graft_progress_release ();
    }
  return TRUE;
}

/**
 * graft_lapack_eigenvalues:
 * @a: a symmetric n × n matrix (upper triangle used), destroyed
 * @values: (out caller-allocates): its n eigenvalues, ascending
 *
 * Returns: %FALSE when LAPACK fails to converge
 */
gboolean
graft_lapack_eigenvalues (double *a,
                          gsize   n,
                          double *values)
{
  int in = (int) n, info = 0, lwork = -1, liwork = -1, iwork_query = 0;
  double work_query = 0;
  g_autofree double *work = NULL;
  g_autofree int *iwork = NULL;

  if (n == 0)
    return TRUE;
  dsyevd_ ("N", "U", &in, a, &in, values, &work_query, &lwork, &iwork_query, &liwork, &info, 1, 1);
  if (info != 0)
    return FALSE;
  lwork = (int) work_query + 1;
  liwork = MAX (iwork_query, 1);
  work = g_new (double, lwork);
  iwork = g_new (int, liwork);
  graft_progress_hold ();
  dsyevd_ ("N", "U", &in, a, &in, values, work, &lwork, iwork, &liwork, &info, 1, 1);
  graft_progress_release ();
  return info == 0;
}

/**
 * graft_lapack_sigma_max:
 * @a: a row-major @rows × @cols matrix
 *
 * The largest singular value by power iteration on AᵀA (BLAS sgemv, the
 * norms in double), to @tolerance relative or @max_iterations.
 *
 * Returns: σmax, or -1 when the matrix is too large for BLAS's ints
 */
double
graft_lapack_sigma_max (const float *a,
                        gsize        rows,
                        gsize        cols,
                        double       tolerance,
                        guint        max_iterations)
{
  g_autofree float *v = NULL;
  g_autofree float *u = NULL;
  const float one = 1.0f, zero = 0.0f;
  int m = (int) cols, n = (int) rows, inc = 1;
  double sigma = 0.0;

  if (rows > G_MAXINT || cols > G_MAXINT)
    return -1;
  v = g_new (float, cols);
  u = g_new (float, rows);
  /* A fixed start with every component, so runs are reproducible. */
  for (gsize j = 0; j < cols; j++)
    v[j] = 1.0f + 0.01f * (float) (j % 7);
  for (guint it = 0; it < max_iterations; it++)
    {
      double nu = 0, nv = 0, next;

      /* Row-major A is column-major Aᵀ (cols × rows): u = A v is Aᵀᵀ v. */
      graft_progress_tick ();
      sgemv_ ("T", &m, &n, &one, a, &m, v, &inc, &zero, u, &inc, 1);
      sgemv_ ("N", &m, &n, &one, a, &m, u, &inc, &zero, v, &inc, 1);
      for (gsize i = 0; i < rows; i++)
        nu += (double) u[i] * u[i];
      for (gsize j = 0; j < cols; j++)
        nv += (double) v[j] * v[j];
      if (nu == 0 || nv == 0)
        return 0.0;
      next = sqrt (nv / nu);
      for (gsize j = 0; j < cols; j++)
        v[j] = (float) (v[j] / sqrt (nv));
      if (fabs (next - sigma) <= tolerance * next)
        return next;
      sigma = next;
    }
  return sigma;
}
