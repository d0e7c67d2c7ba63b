/* graft-layer-max-pooling2d.c: the MaxPooling2D layer kind (see graft-layer-pool.c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-layer-max-pooling2d"

#include "config.h"

#include "graft-layer-families-private.h"

static const char *const graft_layer_max_pooling2d_aliases[] = { "MaxPool2D", NULL };

const GraftLayerClass graft_layer_max_pooling2d_class = {
  .class_name = "MaxPooling2D",
  .aliases = graft_layer_max_pooling2d_aliases,
  .variant = GRAFT_POOL_MAX,
  .setup = graft_layer_pool_setup,
  .infer = graft_layer_pool_infer,
  .forward = graft_layer_pool_forward,
};
