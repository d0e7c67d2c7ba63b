/* graft-layer-lstm.c: the LSTM layer kind (see graft-layer-rnn.c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-layer-lstm"

#include "config.h"

#include "graft-layer-families-private.h"

static const char *const graft_layer_lstm_weights[] = { "kernel", "recurrent_kernel", "bias", NULL };

const GraftLayerClass graft_layer_lstm_class = {
  .class_name = "LSTM",
  .weight_names = graft_layer_lstm_weights,
  .variant = GRAFT_RNN_LSTM,
  .setup = graft_layer_rnn_setup,
  .infer = graft_layer_rnn_infer,
  .build = graft_layer_rnn_build,
  .forward = graft_layer_rnn_forward,
  .cell_name = "lstm_cell",
  .forward_masked = graft_layer_rnn_forward_masked,
  .compute_mask = graft_layer_rnn_compute_mask,
};
