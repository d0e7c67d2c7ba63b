/* graft-layer-simple-rnn.c: the SimpleRNN layer kind (see graft-layer-rnn.c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-layer-simple-rnn"

#include "config.h"

#include "graft-layer-families-private.h"

const GraftLayerClass graft_layer_simple_rnn_class = {
  .class_name = "SimpleRNN",
  .variant = GRAFT_RNN_SIMPLE,
  .setup = graft_layer_rnn_setup,
  .infer = graft_layer_rnn_infer,
  .build = graft_layer_rnn_build,
  .forward = graft_layer_rnn_forward,
  .forward_masked = graft_layer_rnn_forward_masked,
  .compute_mask = graft_layer_rnn_compute_mask,
};
