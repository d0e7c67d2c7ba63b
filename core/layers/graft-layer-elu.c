/* graft-layer-elu.c: the ELU layer kind
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-layer-elu"

#include "config.h"

#include "graft-layer-ops-private.h"

#include <math.h>

#include "graft-error.h"
#include "graft-tensor.h"

typedef struct
{
  float alpha;
} GraftEluPriv;

static gboolean
graft_layer_elu_setup (GraftNode   *node,
                       JsonObject  *config,
                       GError     **error)
{
  GraftEluPriv *p = g_new0 (GraftEluPriv, 1);

  node->priv = p;
  p->alpha = (float) graft_config_get_double (config, "alpha", 1.0);
  return TRUE;
}

static gboolean
graft_layer_elu_infer (GraftNode         *node,
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
graft_layer_elu_forward (GraftNode          *node,
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

  GraftEluPriv *p = node->priv;

  (void) rank;
  (void) last;
  for (gsize i = 0; i < n; i++)
    y[i] = x[i] > 0.0f ? x[i] : p->alpha * expm1f (x[i]);
  return TRUE;
}

const GraftLayerClass graft_layer_elu_class = {
  .class_name = "ELU",
  .setup = graft_layer_elu_setup,
  .infer = graft_layer_elu_infer,
  .forward = graft_layer_elu_forward,
  .compute_mask = graft_layer_mask_keep,
};
