/* graft-layer-rescaling.c: the Rescaling layer kind: x * scale + offset
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-layer-rescaling"

#include "config.h"

#include "graft-layer-ops-private.h"

#include "graft-error.h"
#include "graft-tensor.h"

typedef struct
{
  float scale;
  float offset;
} GraftRescalingPriv;

static gboolean
graft_layer_rescaling_setup (GraftNode   *node,
                             JsonObject  *config,
                             GError     **error)
{
  GraftRescalingPriv *p = g_new0 (GraftRescalingPriv, 1);

  node->priv = p;
  p->scale = (float) graft_config_get_double (config, "scale", 1.0);
  p->offset = (float) graft_config_get_double (config, "offset", 0.0);
  return TRUE;
}

static gboolean
graft_layer_rescaling_infer (GraftNode         *node,
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
graft_layer_rescaling_forward (GraftNode          *node,
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

  GraftRescalingPriv *p = node->priv;

  (void) rank;
  (void) last;
  for (gsize i = 0; i < n; i++)
    y[i] = x[i] * p->scale + p->offset;
  return TRUE;
}

const GraftLayerClass graft_layer_rescaling_class = {
  .class_name = "Rescaling",
  .setup = graft_layer_rescaling_setup,
  .infer = graft_layer_rescaling_infer,
  .forward = graft_layer_rescaling_forward,
};
