/* graft-layer-zero-padding2d.c: the ZeroPadding2D layer kind (see graft-layer-pad2d.c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-layer-zero-padding2d"

#include "config.h"

#include "graft-layer-families-private.h"

const GraftLayerClass graft_layer_zero_padding2d_class = {
  .class_name = "ZeroPadding2D",
  .variant = GRAFT_PAD2D_ZERO,
  .setup = graft_layer_pad2d_setup,
  .infer = graft_layer_pad2d_infer,
  .forward = graft_layer_pad2d_forward,
};
