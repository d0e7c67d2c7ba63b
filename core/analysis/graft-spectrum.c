/* graft-spectrum.c: singular values of weight matrices and their power-law tail
 *
 * A weight tensor is read as a matrix: a Dense kernel as it is, a
 * convolution kernel (kh, kw, cin, cout) as (kh·kw·cin, cout), as
 * weightwatcher reshapes it (a PyTorch kernel (out, in, kh, kw) as
 * (out, in·kh·kw), the same singular values). Its singular values come
 * from the eigenvalues of its smaller Gram matrix (graft-lapack.c). From
 * them: the spectral norm σmax, the Frobenius norm, the stable rank
 * ‖W‖²_F / σ²max, the effective rank (the exponential of the entropy of
 * σᵢ / Σσ), the eigenvalues λ = σ² / N of the correlation matrix (N the
 * larger dimension) and a power-law fit of their tail (graft-powerlaw.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-spectrum"

#include "config.h"

#include "graft-spectrum.h"

#include <math.h>

#include "graft-error.h"
#include "graft-lapack-private.h"
#include "graft-limits.h"
#include "graft-model.h"
#include "graft-tensor.h"

struct GraftSpectrum
{
  gsize          rows, cols;
  gsize          n;
  double        *sigma;        /* descending */
  double        *lambda;       /* ascending, positive only */
  gsize          n_lambda;
  double         frobenius;
  double         effective_rank;
  GraftPowerLaw  fit;
  gboolean       has_fit;
};

/**
 * graft_spectrum_matrix_shape:
 *
 * Returns: whether @tensor has a matrix reading (rank 2 or more, no empty
 *   axis), and its shape
 */
gboolean
graft_spectrum_matrix_shape (GraftTensor        *tensor,
                             GraftMatrixReading  reading,
                             gsize              *rows,
                             gsize              *cols)
{
  guint rank = graft_tensor_get_rank (tensor);
  gsize n = graft_tensor_get_n_elements (tensor);
  gsize first, last;

  if (rank < 2 || n == 0)
    return FALSE;
  first = graft_tensor_get_dim (tensor, 0);
  last = graft_tensor_get_dim (tensor, rank - 1);
  if (reading == GRAFT_MATRIX_SQUAREST)
    {
      /* The reading whose smaller side is larger. */
      reading = MIN (first, n / first) > MIN (last, n / last) ? GRAFT_MATRIX_FIRST_AXIS
                                                               : GRAFT_MATRIX_LAST_AXIS;
    }
  if (reading == GRAFT_MATRIX_FIRST_AXIS)
    *rows = first, *cols = n / first;
  else
    *cols = last, *rows = n / last;
  return TRUE;
}

/**
 * graft_spectrum_reading_for:
 * @framework: whose layouts the weight's file follows
 *
 * Returns: how to read @weight as a matrix: PyTorch weights by their first
 *   axis, Keras EinsumDense kernels the squarest way, other Keras weights
 *   by their last axis
 */
GraftMatrixReading
graft_spectrum_reading_for (GraftWeight    *weight,
                            GraftFramework  framework)
{
  const char *klass = graft_layer_get_class_name (graft_weight_get_layer (weight));

  if (framework == GRAFT_FRAMEWORK_TORCH)
    return GRAFT_MATRIX_FIRST_AXIS;
  if (g_strcmp0 (klass, "EinsumDense") == 0)
    return GRAFT_MATRIX_SQUAREST;
  return GRAFT_MATRIX_LAST_AXIS;
}

/**
 * graft_spectrum_wants:
 *
 * Returns: whether @weight is a weight matrix a spectrum means something
 *   for: rank 2 or more, and not a bias
 */
gboolean
graft_spectrum_wants (GraftWeight *weight)
{
  const char *name = graft_weight_get_name (weight);

  return graft_tensor_get_rank (graft_weight_get_tensor (weight)) >= 2 &&
         !g_str_equal (name, "bias") && !g_str_has_suffix (name, "_bias");
}

static int
graft_spectrum_cmp_desc (gconstpointer a,
                         gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x < y) - (x > y);
}

/**
 * graft_spectrum_compute:
 * @reading: how to read a tensor of rank 3 or more as a matrix
 *
 * Returns: (transfer full): the spectrum, or %NULL with @error set
 *   (%GRAFT_ERROR_INVALID for a vector, %GRAFT_ERROR_LIMIT when the Gram
 *   matrix exceeds the memory limit, %GRAFT_ERROR_CANCELLED)
 */
GraftSpectrum *
graft_spectrum_compute (GraftTensor        *tensor,
                        GraftMatrixReading  reading,
                        GCancellable  *cancellable,
                        GError       **error)
{
  g_autoptr(GraftSpectrum) self = g_new0 (GraftSpectrum, 1);
  g_autofree float *values = NULL;
  g_autofree double *gram = NULL;
  g_autofree double *eig = NULL;
  double sum_sigma = 0.0, entropy = 0.0, big;
  gsize n;

  if (!graft_spectrum_matrix_shape (tensor, reading, &self->rows, &self->cols))
    {
      g_autofree char *shape = graft_tensor_format_shape (tensor);

      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_INVALID,
                   "a tensor of shape %s is not a matrix: it has no spectrum", shape);
      return NULL;
    }
  n = self->n = MIN (self->rows, self->cols);
  big = (double) MAX (self->rows, self->cols);
  if (n > G_MAXSIZE / n / sizeof (double) || !graft_limits_check_alloc (n * n * sizeof (double), error))
    return NULL;
  values = graft_tensor_dup_float (tensor, error);
  if (values == NULL)
    return NULL;
  gram = g_try_new (double, n * n);
  if (gram == NULL)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_LIMIT,
                   "not enough memory for a %" G_GSIZE_FORMAT "² Gram matrix", n);
      return NULL;
    }
  if (!graft_lapack_gram (values, self->rows, self->cols, gram, cancellable))
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_LIMIT, "the matrix is too large for LAPACK");
      return NULL;
    }
  g_clear_pointer (&values, g_free);
  eig = g_new (double, n);
  if (!graft_lapack_eigenvalues (gram, n, eig))
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_FAILED, "LAPACK's eigenvalue solver did not converge");
      return NULL;
    }

  self->sigma = g_new (double, n);
  for (gsize i = 0; i < n; i++)
    {
      self->sigma[i] = sqrt (MAX (eig[i], 0.0));
      self->frobenius += eig[i] > 0 ? eig[i] : 0.0;
      sum_sigma += self->sigma[i];
    }
  self->frobenius = sqrt (self->frobenius);
  qsort (self->sigma, n, sizeof (double), graft_spectrum_cmp_desc);
  for (gsize i = 0; i < n && sum_sigma > 0; i++)
    {
      double p = self->sigma[i] / sum_sigma;

      if (p > 0)
        entropy -= p * log (p);
    }
  self->effective_rank = sum_sigma > 0 ? exp (entropy) : 0.0;

  /* λ ascending, positive: the ESD the tail is fitted to. */
  self->lambda = g_new (double, n);
  for (gsize i = n; i > 0; i--)
    {
      double l = self->sigma[i - 1] * self->sigma[i - 1] / big;

      if (l > 0)
        self->lambda[self->n_lambda++] = l;
    }
  self->has_fit = graft_powerlaw_fit (self->lambda, self->n_lambda, &self->fit);
  return g_steal_pointer (&self);
}

void
graft_spectrum_free (GraftSpectrum *self)
{
  if (self == NULL)
    return;
  g_free (self->sigma);
  g_free (self->lambda);
  g_free (self);
}

void
graft_spectrum_get_matrix_shape (const GraftSpectrum *self,
                                 gsize               *rows,
                                 gsize               *cols)
{
  *rows = self->rows;
  *cols = self->cols;
}

/**
 * graft_spectrum_get_singular_values:
 *
 * Returns: (array length=n): the singular values, descending
 */
const double *
graft_spectrum_get_singular_values (const GraftSpectrum *self,
                                    gsize               *n)
{
  *n = self->n;
  return self->sigma;
}

/**
 * graft_spectrum_get_eigenvalues:
 *
 * Returns: (array length=n): the positive eigenvalues σ² / N, ascending
 */
const double *
graft_spectrum_get_eigenvalues (const GraftSpectrum *self,
                                gsize               *n)
{
  *n = self->n_lambda;
  return self->lambda;
}

double
graft_spectrum_get_sigma_max (const GraftSpectrum *self)
{
  return self->n > 0 ? self->sigma[0] : 0.0;
}

double
graft_spectrum_get_frobenius (const GraftSpectrum *self)
{
  return self->frobenius;
}

/**
 * graft_spectrum_get_stable_rank:
 *
 * Returns: ‖W‖²_F / σ²max, or NaN for a zero matrix
 */
double
graft_spectrum_get_stable_rank (const GraftSpectrum *self)
{
  double s = graft_spectrum_get_sigma_max (self);

  return s > 0 ? self->frobenius * self->frobenius / (s * s) : NAN;
}

double
graft_spectrum_get_effective_rank (const GraftSpectrum *self)
{
  return self->effective_rank;
}

/**
 * graft_spectrum_get_fit:
 *
 * Returns: (nullable): the power-law fit of the eigenvalues' tail, or
 *   %NULL when there are too few eigenvalues
 */
const GraftPowerLaw *
graft_spectrum_get_fit (const GraftSpectrum *self)
{
  return self->has_fit ? &self->fit : NULL;
}
