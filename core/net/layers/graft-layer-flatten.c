/* graft-layer-flatten.c: the Flatten layer kind
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-layer-flatten"

#include "config.h"

#include "graft-layer-ops-private.h"

#include <string.h>

#include "graft-error.h"
#include "graft-tensor.h"

typedef struct
{
  gboolean channels_first;
} GraftFlattenPriv;

static gboolean
graft_layer_flatten_setup (GraftNode   *node,
                           JsonObject  *config,
                           GError     **error)
{
  GraftFlattenPriv *p = g_new0 (GraftFlattenPriv, 1);

  node->priv = p;
  p->channels_first = graft_config_channels_first (config);
  return TRUE;
}

static gboolean
graft_layer_flatten_infer (GraftNode         *node,
                           guint              n_in,
                           const GraftShape  *in,
                           guint             *n_out,
                           GraftShape        *out,
                           GError           **error)
{
  gssize n = 1;

  *n_out = 1;
  for (guint i = 1; i < in[0].rank; i++)
    n = (n < 0 || in[0].dims[i] < 0) ? -1 : n * in[0].dims[i];
  out[0].rank = 2;
  out[0].dims[0] = in[0].dims[0];
  out[0].dims[1] = n;
  return TRUE;
}

static gboolean
graft_layer_flatten_forward (GraftNode          *node,
                             guint               n_in,
                             GraftTensor *const *in,
                             guint               n_out,
                             GraftTensor *const *out,
                             GError            **error)
{
  GraftFlattenPriv *p = node->priv;
  guint rank = graft_tensor_get_rank (in[0]);
  gsize n = graft_tensor_get_n_elements (in[0]);

  /* channels_first data is flattened in channels-last order, as Keras does. */
  if (p->channels_first && rank > 2)
    {
      gsize batch = graft_tensor_get_dim (in[0], 0), c = graft_tensor_get_dim (in[0], 1);

      transpose_channels (graft_tensor_cfloats (in[0]), batch, c, n / MAX (batch * c, 1), TRUE,
                          graft_tensor_floats (out[0]));
    }
  else
    memcpy (graft_tensor_floats (out[0]), graft_tensor_cfloats (in[0]), n * sizeof (float));
  return TRUE;
}

const GraftLayerClass graft_layer_flatten_class = {
  .class_name = "Flatten",
  .setup = graft_layer_flatten_setup,
  .infer = graft_layer_flatten_infer,
  .forward = graft_layer_flatten_forward,
};
