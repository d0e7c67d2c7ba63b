/* graft-layer-average-pooling2d.c: the AveragePooling2D layer kind (see graft-layer-pool.c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-layer-average-pooling2d"

#include "config.h"

#include "graft-layer-families-private.h"

static const char *const graft_layer_average_pooling2d_aliases[] = { "AvgPool2D", NULL };

const GraftLayerClass graft_layer_average_pooling2d_class = {
  .class_name = "AveragePooling2D",
  .aliases = graft_layer_average_pooling2d_aliases,
  .variant = 0,
  .setup = graft_layer_pool_setup,
  .infer = graft_layer_pool_infer,
  .forward = graft_layer_pool_forward,
};
