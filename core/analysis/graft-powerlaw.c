/* graft-powerlaw.c: fitting a power law to the tail of a spectrum
 *
 * The method of Clauset, Shalizi and Newman (2009), which weightwatcher
 * uses: for each candidate start of the tail xmin (every distinct
 * eigenvalue that leaves at least GRAFT_POWERLAW_MIN_TAIL above it), the
 * maximum-likelihood exponent of a continuous power law over the tail is
 *
 *   α = 1 + n / Σ ln(λᵢ / xmin),
 *
 * and the Kolmogorov–Smirnov distance between the tail's empirical CDF and
 * the fitted one, P(x) = 1 − (x / xmin)^(1 − α), measured on both sides of
 * each step, says how well it fits. The xmin of the smallest distance wins
 * (the first one on a tie).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-spectrum"

#include "config.h"

#include "graft-spectrum.h"

#include <math.h>

#include "graft-progress.h"

/**
 * graft_powerlaw_fit:
 * @ascending: (array length=n): positive values, sorted ascending
 * @fit: (out caller-allocates): the best fit
 *
 * Returns: %FALSE when there are fewer than GRAFT_POWERLAW_MIN_VALUES
 *   values or no candidate tail has a finite exponent
 */
gboolean
graft_powerlaw_fit (const double  *ascending,
                    gsize          n,
                    GraftPowerLaw *fit)
{
  g_autofree double *suffix = NULL;
  gboolean found = FALSE;

  if (n < GRAFT_POWERLAW_MIN_VALUES)
    return FALSE;
  /* suffix[i] = Σ_{j ≥ i} ln λⱼ */
  suffix = g_new (double, n + 1);
  suffix[n] = 0.0;
  for (gsize i = n; i > 0; i--)
    suffix[i - 1] = suffix[i] + log (ascending[i - 1]);

  for (gsize i = 0; i + GRAFT_POWERLAW_MIN_TAIL <= n; i++)
    {
      double xmin = ascending[i], sum, alpha, d = 0.0;
      gsize nt = n - i;

      if (xmin <= 0.0 || (i > 0 && ascending[i - 1] == xmin))
        continue;
      sum = suffix[i] - (double) nt * log (xmin);
      if (!(sum > 0.0))
        continue;
      alpha = 1.0 + (double) nt / sum;
      if ((i & 63) == 0)
        graft_progress_tick ();
      for (gsize j = 0; j < nt; j++)
        {
          double p = 1.0 - pow (ascending[i + j] / xmin, 1.0 - alpha);
          double below = (double) j / (double) nt, above = (double) (j + 1) / (double) nt;

          d = MAX (d, MAX (fabs (p - below), fabs (above - p)));
        }
      if (!found || d < fit->ks)
        {
          fit->alpha = alpha;
          fit->xmin = xmin;
          fit->ks = d;
          fit->n_tail = nt;
          found = TRUE;
        }
    }
  return found;
}
