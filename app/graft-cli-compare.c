/* graft-cli-compare.c: comparing outputs with reference outputs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-cli"

#include "config.h"

#include <math.h>

#include "graft-cli-private.h"

/**
 * graft_cli_max_abs_diff:
 * @scale: (out) (optional): max(1, max |b|), what the tolerance scales with
 *
 * Returns: the largest |a - b| (infinity for a NaN), or -1 when the shapes
 *   differ or values cannot be read
 */
double
graft_cli_max_abs_diff (GraftTensor *a,
                        GraftTensor *b,
                        double      *scale)
{
  g_autofree float *fa = NULL;
  g_autofree float *fb = NULL;
  double worst = 0.0, big = 1.0;

  if (!graft_tensor_same_shape (a, b))
    return -1.0;
  fa = graft_tensor_dup_float (a, NULL);
  fb = graft_tensor_dup_float (b, NULL);
  if (fa == NULL || fb == NULL)
    return -1.0;
  for (gsize i = 0; i < graft_tensor_get_n_elements (a); i++)
    {
      double d = fabs ((double) fa[i] - (double) fb[i]);

      worst = isnan (d) ? INFINITY : MAX (worst, d);
      big = MAX (big, fabs ((double) fb[i]));
    }
  if (scale != NULL)
    *scale = big;
  return worst;
}

/**
 * graft_cli_check_expected:
 *
 * Compares @got with the reference @expected, prints the difference to
 * @report and fails beyond 1e-4 × max(1, max |expected|).
 *
 * Returns: %FALSE with @error naming @what when they differ too much
 */
gboolean
graft_cli_check_expected (GraftTensor  *got,
                          GraftTensor  *expected,
                          const char   *what,
                          FILE         *report,
                          GError      **error)
{
  double scale = 1.0;
  double d = graft_cli_max_abs_diff (got, expected, &scale);

  if (d < 0.0)
    {
      g_autofree char *sa = graft_tensor_format_shape (got);
      g_autofree char *sb = graft_tensor_format_shape (expected);

      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_SHAPE, "%s: the output is %s, the reference %s",
                   what, sa, sb);
      return FALSE;
    }
  fprintf (report, "%s: max |Δ| = %.9g (tolerance %.3g)\n", what, d, 1e-4 * scale);
  if (d > 1e-4 * scale)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_FAILED,
                   "%s: differs from the reference by %.6g, more than 1e-4 × max(1, |y|) = %.3g",
                   what, d, 1e-4 * scale);
      return FALSE;
    }
  return TRUE;
}
