/* graft-layer-conv1d.c: the Conv1D layer kind (see graft-layer-conv.c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-layer-conv1d"

#include "config.h"

#include "graft-layer-families-private.h"

const GraftLayerClass graft_layer_conv1d_class = {
  .class_name = "Conv1D",
  .variant = GRAFT_CONV_1D,
  .setup = graft_layer_conv_setup,
  .infer = graft_layer_conv_infer,
  .build = graft_layer_conv_build,
  .forward = graft_layer_conv_forward,
};
