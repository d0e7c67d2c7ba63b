/* graft-layer-input.c: the InputLayer kind: its output is the net's input
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-layer-input"

#include "config.h"

#include "graft-layer-ops-private.h"

const GraftLayerClass graft_layer_input_class = {
  .class_name = "InputLayer",
  .setup = graft_layer_setup_none,
  .infer = graft_layer_infer_same,
  .forward = graft_layer_forward_copy,
};
