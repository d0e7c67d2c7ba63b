/* graft-layer-functional.c: the Functional kind, a nested model (see graft-layer-model.c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-layer-functional"

#include "config.h"

#include "graft-layer-families-private.h"

static const char *const graft_layer_functional_aliases[] = { "Model", NULL };

const GraftLayerClass graft_layer_functional_class = {
  .class_name = "Functional",
  .aliases = graft_layer_functional_aliases,
  .variant = 0,
  .setup = graft_layer_model_setup,
  .infer = graft_layer_model_infer,
  .build = graft_layer_model_build,
  .forward = graft_layer_model_forward,
};
