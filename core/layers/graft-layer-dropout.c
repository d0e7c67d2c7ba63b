/* graft-layer-dropout.c: Dropout and friends: the identity at inference
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-layer-dropout"

#include "config.h"

#include "graft-layer-ops-private.h"

#include <string.h>

#include "graft-error.h"
#include "graft-tensor.h"

static gboolean
graft_layer_dropout_setup (GraftNode   *node,
                           JsonObject  *config,
                           GError     **error)
{
  return TRUE;
}

static gboolean
graft_layer_dropout_infer (GraftNode         *node,
                           guint              n_in,
                           const GraftShape  *in,
                           guint             *n_out,
                           GraftShape        *out,
                           GError           **error)
{
  *n_out = 1;
  out[0] = in[0];
  return TRUE;
}

static gboolean
graft_layer_dropout_forward (GraftNode          *node,
                             guint               n_in,
                             GraftTensor *const *in,
                             guint               n_out,
                             GraftTensor *const *out,
                             GError            **error)
{
  const float *x = graft_tensor_cfloats (in[0]);
  float *y = graft_tensor_floats (out[0]);
  gsize n = graft_tensor_get_n_elements (in[0]);
  guint rank = graft_tensor_get_rank (in[0]);
  gsize last = rank > 0 ? graft_tensor_get_dim (in[0], rank - 1) : 1;

  (void) last;
  (void) rank;
  memcpy (y, x, n * sizeof (float));
  return TRUE;
}

static const char *const graft_layer_dropout_aliases[] = { "SpatialDropout1D", "SpatialDropout2D", "GaussianDropout", "GaussianNoise", "AlphaDropout", "ActivityRegularization", NULL };

const GraftLayerClass graft_layer_dropout_class = {
  .class_name = "Dropout",
  .aliases = graft_layer_dropout_aliases,
  .setup = graft_layer_dropout_setup,
  .infer = graft_layer_dropout_infer,
  .forward = graft_layer_dropout_forward,
  .compute_mask = graft_layer_mask_keep,
};
