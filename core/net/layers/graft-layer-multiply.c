/* graft-layer-multiply.c: the Multiply layer kind (see graft-layer-merge.c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-layer-multiply"

#include "config.h"

#include "graft-layer-families-private.h"

const GraftLayerClass graft_layer_multiply_class = {
  .class_name = "Multiply",
  .variant = GRAFT_MERGE_MULTIPLY,
  .setup = graft_layer_merge_setup,
  .infer = graft_layer_merge_infer,
  .forward = graft_layer_merge_forward,
  .compute_mask = graft_layer_mask_all,
};
