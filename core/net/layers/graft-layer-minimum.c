/* graft-layer-minimum.c: the Minimum layer kind (see graft-layer-merge.c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-layer-minimum"

#include "config.h"

#include "graft-layer-families-private.h"

const GraftLayerClass graft_layer_minimum_class = {
  .class_name = "Minimum",
  .variant = GRAFT_MERGE_MINIMUM,
  .setup = graft_layer_merge_setup,
  .infer = graft_layer_merge_infer,
  .forward = graft_layer_merge_forward,
  .compute_mask = graft_layer_mask_all,
};
