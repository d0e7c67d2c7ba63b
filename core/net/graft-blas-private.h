/* graft-blas-private.h: the only door to BLAS in libgraft-core
 *
 * Row-major single-precision products. cblas.h stays inside graft-blas.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* C = alpha * op(A) · op(B) + beta * C, all row-major.
 * op(A) is [m, k], op(B) is [k, n], C is [m, n]. */
void  graft_blas_sgemm (gboolean     trans_a,
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
                        gsize        ldc);

/* y = alpha * op(A) · x + beta * y, A row-major [m, n]. */
void  graft_blas_sgemv (gboolean     trans_a,
                        gsize        m,
                        gsize        n,
                        float        alpha,
                        const float *a,
                        gsize        lda,
                        const float *x,
                        float        beta,
                        float       *y);

/* out [batch, n] = in [batch, k] · w [k, n] (+ bias [n]): sgemv for one row, sgemm otherwise. */
void  graft_blas_matmul (const float *in,
                         const float *w,
                         const float *bias,
                         gsize        batch,
                         gsize        k,
                         gsize        n,
                         float       *out);

G_END_DECLS
