/* graft-layer-gru.c: the GRU layer kind (see graft-layer-rnn.c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-layer-gru"

#include "config.h"

#include "graft-layer-families-private.h"

const GraftLayerClass graft_layer_gru_class = {
  .class_name = "GRU",
  .variant = GRAFT_RNN_GRU,
  .setup = graft_layer_rnn_setup,
  .infer = graft_layer_rnn_infer,
  .build = graft_layer_rnn_build,
  .forward = graft_layer_rnn_forward,
  .forward_masked = graft_layer_rnn_forward_masked,
  .compute_mask = graft_layer_rnn_compute_mask,
};
