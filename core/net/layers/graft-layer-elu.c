/* graft-layer-elu.c: the ELU layer kind
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-layer-elu"

#include "config.h"

#include "graft-layer-ops-private.h"

#include <math.h>

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
graft_layer_elu_forward (GraftNode          *node,
                         guint               n_in,
                         GraftTensor *const *in,
                         guint               n_out,
                         GraftTensor *const *out,
                         GError            **error)
{
  GraftEluPriv *p = node->priv;
  const float *x;
  float *y;
  gsize n = graft_layer_unary_floats (in, out, &x, &y);

  for (gsize i = 0; i < n; i++)
    y[i] = x[i] > 0.0f ? x[i] : p->alpha * expm1f (x[i]);
  return TRUE;
}

const GraftLayerClass graft_layer_elu_class = {
  .class_name = "ELU",
  .setup = graft_layer_elu_setup,
  .infer = graft_layer_infer_same,
  .forward = graft_layer_elu_forward,
  .compute_mask = graft_layer_mask_keep,
};
