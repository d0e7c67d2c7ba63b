/* graft-layer-global-max-pooling2d.c: the GlobalMaxPooling2D layer kind (see graft-layer-pool.c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-layer-global-max-pooling2d"

#include "config.h"

#include "graft-layer-families-private.h"

static const char *const graft_layer_global_max_pooling2d_aliases[] = { "GlobalMaxPool2D", NULL };

const GraftLayerClass graft_layer_global_max_pooling2d_class = {
  .class_name = "GlobalMaxPooling2D",
  .aliases = graft_layer_global_max_pooling2d_aliases,
  .variant = GRAFT_POOL_MAX | GRAFT_POOL_GLOBAL,
  .setup = graft_layer_pool_setup,
  .infer = graft_layer_pool_infer,
  .forward = graft_layer_pool_forward,
};
