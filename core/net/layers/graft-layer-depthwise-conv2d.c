/* graft-layer-depthwise-conv2d.c: the DepthwiseConv2D layer kind (see graft-layer-conv.c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-layer-depthwise-conv2d"

#include "config.h"

#include "graft-layer-families-private.h"

const GraftLayerClass graft_layer_depthwise_conv2d_class = {
  .class_name = "DepthwiseConv2D",
  .variant = GRAFT_CONV_DEPTHWISE,
  .setup = graft_layer_conv_setup,
  .infer = graft_layer_conv_infer,
  .build = graft_layer_conv_build,
  .forward = graft_layer_conv_forward,
};
