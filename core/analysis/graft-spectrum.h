/* graft-spectrum.h: singular values of weight matrices and their power-law tail
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "graft-format.h"
#include "graft-types.h"

G_BEGIN_DECLS

typedef struct GraftSpectrum GraftSpectrum;

/**
 * GraftMatrixReading:
 * @GRAFT_MATRIX_LAST_AXIS: Keras: (…, out) as (…, out), a conv kernel
 *   (kh, kw, cin, cout) as (kh·kw·cin, cout)
 * @GRAFT_MATRIX_FIRST_AXIS: PyTorch: (out, …) as (out, …)
 * @GRAFT_MATRIX_SQUAREST: whichever of the two is nearer square (an
 *   EinsumDense kernel: attention's (d, heads, head_dim) as (d, heads·head_dim))
 *
 * How a tensor of rank 3 or more is read as a matrix.
 */
typedef enum
{
  GRAFT_MATRIX_LAST_AXIS,
  GRAFT_MATRIX_FIRST_AXIS,
  GRAFT_MATRIX_SQUAREST,
} GraftMatrixReading;

/**
 * GraftPowerLaw:
 * @alpha: the maximum-likelihood exponent of the tail
 * @xmin: where the tail starts (the smallest eigenvalue fitted)
 * @ks: the Kolmogorov–Smirnov distance of the fit over the tail
 * @n_tail: eigenvalues in the tail
 */
typedef struct
{
  double alpha;
  double xmin;
  double ks;
  guint  n_tail;
} GraftPowerLaw;

/* The fewest eigenvalues a tail is fitted to, and the fewest a fit needs. */
#define GRAFT_POWERLAW_MIN_TAIL   5
#define GRAFT_POWERLAW_MIN_VALUES 10

gboolean       graft_spectrum_wants          (GraftWeight      *weight);
GraftMatrixReading graft_spectrum_reading_for (GraftWeight   *weight,
                                              GraftFramework    framework);
gboolean       graft_spectrum_matrix_shape   (GraftTensor      *tensor,
                                              GraftMatrixReading reading,
                                              gsize            *rows,
                                              gsize            *cols);
GraftSpectrum *graft_spectrum_compute        (GraftTensor      *tensor,
                                              GraftMatrixReading reading,
                                              GCancellable     *cancellable,
                                              GError          **error) G_GNUC_WARN_UNUSED_RESULT;
void           graft_spectrum_free           (GraftSpectrum    *self);
void           graft_spectrum_get_matrix_shape (const GraftSpectrum *self,
                                              gsize            *rows,
                                              gsize            *cols);
const double  *graft_spectrum_get_singular_values (const GraftSpectrum *self,
                                              gsize            *n);
const double  *graft_spectrum_get_eigenvalues (const GraftSpectrum *self,
                                              gsize            *n);
double         graft_spectrum_get_sigma_max  (const GraftSpectrum *self);
double         graft_spectrum_get_frobenius  (const GraftSpectrum *self);
double         graft_spectrum_get_stable_rank (const GraftSpectrum *self);
double         graft_spectrum_get_effective_rank (const GraftSpectrum *self);
const GraftPowerLaw *graft_spectrum_get_fit  (const GraftSpectrum *self);

gboolean       graft_powerlaw_fit            (const double     *ascending,
                                              gsize             n,
                                              GraftPowerLaw    *fit);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GraftSpectrum, graft_spectrum_free)

G_END_DECLS
