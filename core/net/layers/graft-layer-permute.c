/* graft-layer-permute.c: the Permute layer kind
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-layer-permute"

#include "config.h"

#include "graft-layer-ops-private.h"

#include "graft-error.h"
#include "graft-tensor.h"

typedef struct
{
  guint  rank;
  guint  dims[GRAFT_MAX_RANK];   /* 1-based axes, as in Keras */
} GraftPermutePriv;

static gboolean
graft_layer_permute_setup (GraftNode   *node,
                           JsonObject  *config,
                           GError     **error)
{
  GraftPermutePriv *p = g_new0 (GraftPermutePriv, 1);
  GraftShape dims;

  node->priv = p;
  if (!graft_config_get_shape (config, "dims", &dims) || dims.rank + 1 > GRAFT_MAX_RANK)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT, "layer '%s': bad dims", node->name);
      return FALSE;
    }
  p->rank = dims.rank;
  for (guint i = 0; i < dims.rank; i++)
    {
      if (dims.dims[i] < 1 || dims.dims[i] > (gssize) dims.rank)
        {
          g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT, "layer '%s': bad dims", node->name);
          return FALSE;
        }
      p->dims[i] = (guint) dims.dims[i];
    }
  return TRUE;
}

static gboolean
graft_layer_permute_infer (GraftNode         *node,
                           guint              n_in,
                           const GraftShape  *in,
                           guint             *n_out,
                           GraftShape        *out,
                           GError           **error)
{
  GraftPermutePriv *p = node->priv;

  if (!graft_shape_check_rank (node, &in[0], p->rank + 1, p->rank + 1, error))
    return FALSE;
  *n_out = 1;
  out[0] = in[0];
  for (guint i = 0; i < p->rank; i++)
    out[0].dims[i + 1] = in[0].dims[p->dims[i]];
  return TRUE;
}

static gboolean
graft_layer_permute_forward (GraftNode          *node,
                             guint               n_in,
                             GraftTensor *const *in,
                             guint               n_out,
                             GraftTensor *const *out,
                             GError            **error)
{
  GraftPermutePriv *p = node->priv;
  GraftShape is, os;
  gsize in_strides[GRAFT_MAX_RANK], n;
  const float *x = graft_tensor_cfloats (in[0]);
  float *y = graft_tensor_floats (out[0]);

  graft_shape_from_tensor (&is, in[0]);
  graft_shape_from_tensor (&os, out[0]);
  n = graft_shape_n_elements (&os);
  in_strides[is.rank - 1] = 1;
  for (gint d = (gint) is.rank - 2; d >= 0; d--)
    in_strides[d] = in_strides[d + 1] * (gsize) is.dims[d + 1];
  for (gsize i = 0; i < n; i++)
    {
      gsize rest = i, src = 0;

      for (gint d = (gint) os.rank - 1; d >= 0; d--)
        {
          gsize idx = rest % (gsize) os.dims[d];
          guint from = d == 0 ? 0 : p->dims[d - 1];

          rest /= (gsize) os.dims[d];
          src += idx * in_strides[from];
        }
      y[i] = x[src];
    }
  return TRUE;
}

const GraftLayerClass graft_layer_permute_class = {
  .class_name = "Permute",
  .setup = graft_layer_permute_setup,
  .infer = graft_layer_permute_infer,
  .forward = graft_layer_permute_forward,
};
