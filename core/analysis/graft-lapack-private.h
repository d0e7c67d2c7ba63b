/* graft-lapack-private.h: the LAPACK and BLAS routines the spectra need
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

gboolean graft_lapack_gram        (const float  *w,
                                   gsize         rows,
                                   gsize         cols,
                                   double       *gram,
                                   GCancellable *cancellable);
gboolean graft_lapack_eigenvalues (double       *a,
                                   gsize         n,
                                   double       *values);

double   graft_lapack_sigma_max   (const float  *a,
                                   gsize         rows,
                                   gsize         cols,
                                   double        tolerance,
                                   guint         max_iterations);

G_END_DECLS
