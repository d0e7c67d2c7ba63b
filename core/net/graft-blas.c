/* graft-blas.c: OpenBLAS behind a small row-major API
 *
 * OpenBLAS is loaded the first time a product is needed, not when a
 * program starts: its start-up (a thread pool) costs about 3 ms, which
 * every `graft-cli inspect` would pay for nothing.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-blas"

#include "config.h"

#include "graft-blas-private.h"

#include <cblas.h>
#include <gmodule.h>
#include <string.h>

typedef void (*GraftBlasSgemm) (const enum CBLAS_ORDER     order,
                                const enum CBLAS_TRANSPOSE trans_a,
                                const enum CBLAS_TRANSPOSE trans_b,
                                const blasint              m,
                                const blasint              n,
                                const blasint              k,
                                const float                alpha,
                                const float               *a,
                                const blasint              lda,
                                const float               *b,
                                const blasint              ldb,
                                const float                beta,
                                float                     *c,
                                const blasint              ldc);
typedef void (*GraftBlasSgemv) (const enum CBLAS_ORDER     order,
                                const enum CBLAS_TRANSPOSE trans,
                                const blasint              m,
                                const blasint              n,
                                const float                alpha,
                                const float               *a,
                                const blasint              lda,
                                const float               *x,
                                const blasint              incx,
                                const float                beta,
                                float                     *y,
                                const blasint              incy);

typedef struct
{
  GraftBlasSgemm sgemm;
  GraftBlasSgemv sgemv;
} GraftBlasFuncs;

/* Process-wide, set once like graft_init()'s: the library's entry points. */
static const GraftBlasFuncs *
graft_blas_get (void)
{
  static GraftBlasFuncs funcs;
  static gsize loaded = 0;

  if (g_once_init_enter (&loaded))
    {
      GModule *module = g_module_open (GRAFT_OPENBLAS_SONAME, G_MODULE_BIND_LOCAL);

      /* OpenBLAS is a dependency of the package: without it the
       * installation is broken, which no caller could recover from. */
      if (module == NULL ||
          !g_module_symbol (module, "cblas_sgemm", (gpointer *) &funcs.sgemm) ||
          !g_module_symbol (module, "cblas_sgemv", (gpointer *) &funcs.sgemv))
        g_error ("cannot load OpenBLAS (%s): %s", GRAFT_OPENBLAS_SONAME, g_module_error ());
      g_module_make_resident (module);
      g_once_init_leave (&loaded, 1);
    }
  return &funcs;
}

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
  graft_blas_get ()->sgemm (CblasRowMajor,
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
  graft_blas_get ()->sgemv (CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,
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
