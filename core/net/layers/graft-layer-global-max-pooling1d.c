/* graft-layer-global-max-pooling1d.c: the GlobalMaxPooling1D layer kind (see graft-layer-pool.c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-layer-global-max-pooling1d"

#include "config.h"

#include "graft-layer-families-private.h"

static const char *const graft_layer_global_max_pooling1d_aliases[] = { "GlobalMaxPool1D", NULL };

const GraftLayerClass graft_layer_global_max_pooling1d_class = {
  .class_name = "GlobalMaxPooling1D",
  .aliases = graft_layer_global_max_pooling1d_aliases,
  .variant = GRAFT_POOL_MAX | GRAFT_POOL_GLOBAL | GRAFT_POOL_1D,
  .setup = graft_layer_pool_setup,
  .infer = graft_layer_pool_infer,
  .forward = graft_layer_pool_forward,
};
