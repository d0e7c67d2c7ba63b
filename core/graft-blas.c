/* graft-blas.c: OpenBLAS behind a small row-major API
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-blas"

#include "config.h"

#include "graft-blas-private.h"

#include <cblas.h>
#include <string.h>

void
graft_blas_sgemm (gboolean     trans_a,
                  gboolean     trans_b,
                  gsize        m,
                  gsize        n,
                  gsize        k,
                  float        alpha,
                  const float *a,
                  gsize        lda,
                  const float *b,
                  gsize        ldb,
                  float        beta,
                  float       *c,
                  gsize        ldc)
{
  if (m == 0 || n == 0)
    return;
  cblas_sgemm (CblasRowMajor,
               trans_a ? CblasTrans : CblasNoTrans,
               trans_b ? CblasTrans : CblasNoTrans,
               (blasint) m, (blasint) n, (blasint) k,
               alpha, a, (blasint) lda, b, (blasint) ldb,
               beta, c, (blasint) ldc);
}

void
graft_blas_sgemv (gboolean     trans_a,
                  gsize        m,
                  gsize        n,
                  float        alpha,
                  const float *a,
                  gsize        lda,
                  const float *x,
                  float        beta,
                  float       *y)
{
  if (m == 0 || n == 0)
    return;
  cblas_sgemv (CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,
               (blasint) m, (blasint) n, alpha, a, (blasint) lda, x, 1, beta, y, 1);
}

void
graft_blas_matmul (const float *in,    /* [batch, k] */
                   const float *w,     /* [k, n] */
                   const float *bias,  /* [n] or NULL */
                   gsize        batch,
                   gsize        k,
                   gsize        n,
                   float       *out)   /* [batch, n] */
{
  float beta = 0.0f;

  if (bias != NULL)
    {
      for (gsize b = 0; b < batch; b++)
        memcpy (out + b * n, bias, n * sizeof (float));
      beta = 1.0f;
    }

  /* A one-row product is bandwidth-bound: sgemv reads the kernel once
   * and is about 3x faster than sgemm with M = 1 (PERF.md 4). */
  if (batch == 1)
    graft_blas_sgemv (TRUE, k, n, 1.0f, w, n, in, beta, out);
  else
    graft_blas_sgemm (FALSE, FALSE, batch, n, k, 1.0f, in, k, w, n, beta, out, n);
}
