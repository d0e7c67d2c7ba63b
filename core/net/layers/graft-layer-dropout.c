/* graft-layer-dropout.c: Dropout and friends: the identity at inference
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-layer-dropout"

#include "config.h"

#include "graft-layer-ops-private.h"

static const char *const graft_layer_dropout_aliases[] = { "SpatialDropout1D", "SpatialDropout2D", "GaussianDropout", "GaussianNoise", "AlphaDropout", "ActivityRegularization", NULL };

const GraftLayerClass graft_layer_dropout_class = {
  .class_name = "Dropout",
  .aliases = graft_layer_dropout_aliases,
  .setup = graft_layer_setup_none,
  .infer = graft_layer_infer_same,
  .forward = graft_layer_forward_copy,
  .compute_mask = graft_layer_mask_keep,
};
