/* graft-drift.h: how far a weight moved between checkpoints
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "graft-types.h"

G_BEGIN_DECLS

/**
 * GraftDrift:
 * @norm: ‖W‖, the Frobenius norm
 * @change_prev: ‖W − W_prev‖ / ‖W_prev‖, NaN without a previous checkpoint
 * @change_first: ‖W − W_first‖ / ‖W_first‖
 * @cosine_first: ⟨W, W_first⟩ / (‖W‖ ‖W_first‖)
 * @sigma_max: the largest singular value (power iteration), NaN for a vector
 */
typedef struct
{
  double norm;
  double change_prev;
  double change_first;
  double cosine_first;
  double sigma_max;
} GraftDrift;

gboolean graft_drift_compute   (GraftTensor   *weight,
                                GraftTensor   *prev,
                                GraftTensor   *first,
                                GraftDrift    *drift,
                                GError       **error);
double   graft_drift_sigma_max (GraftTensor   *weight,
                                GError       **error);

G_END_DECLS
