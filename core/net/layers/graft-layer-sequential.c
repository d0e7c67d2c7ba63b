/* graft-layer-sequential.c: the Sequential kind, a nested model (see graft-layer-model.c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-layer-sequential"

#include "config.h"

#include "graft-layer-families-private.h"

const GraftLayerClass graft_layer_sequential_class = {
  .class_name = "Sequential",
  .variant = 1,
  .setup = graft_layer_model_setup,
  .infer = graft_layer_model_infer,
  .build = graft_layer_model_build,
  .forward = graft_layer_model_forward,
};
