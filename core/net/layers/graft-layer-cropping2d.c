/* graft-layer-cropping2d.c: the Cropping2D layer kind (see graft-layer-pad2d.c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-layer-cropping2d"

#include "config.h"

#include "graft-layer-families-private.h"

const GraftLayerClass graft_layer_cropping2d_class = {
  .class_name = "Cropping2D",
  .variant = GRAFT_PAD2D_CROP,
  .setup = graft_layer_pad2d_setup,
  .infer = graft_layer_pad2d_infer,
  .forward = graft_layer_pad2d_forward,
};
