/* graft-layer-multi-head-attention.c: the MultiHeadAttention layer kind
 *
 * Its EinsumDense parts keep Keras's names (query, key, value,
 * attention_output), so a weight is "query/kernel" [d, heads, key_dim].
 * Inputs are (query, value[, key]) of rank 3; attention runs over axis 1.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-layer-multi-head-attention"

#include "config.h"

#include "graft-layer-ops-private.h"

#include <math.h>
#include <string.h>

#include "graft-blas-private.h"
#include "graft-error.h"
#include "graft-keras-quant.h"
#include "graft-tensor.h"

typedef struct
{
  gint64    heads;
  gint64    key_dim;
  gint64    value_dim;
  gint64    output_dim;   /* 0: the query's feature count */
  gboolean  use_bias;
  GraftQuantMode quant;   /* how its sub-layers are quantized (int8 quantizes their inputs) */
} GraftMhaPriv;

static gboolean
graft_layer_multi_head_attention_setup (GraftNode   *node,
                                        JsonObject  *config,
                                        GError     **error)
{
  GraftMhaPriv *p = g_new0 (GraftMhaPriv, 1);
  JsonNode *output_shape = json_object_get_member (config, "output_shape");

  p->quant = graft_keras_quant_map_mode (config);
  JsonNode *axes = json_object_get_member (config, "attention_axes");

  node->priv = p;
  p->heads = graft_config_get_int (config, "num_heads", 0);
  p->key_dim = graft_config_get_int (config, "key_dim", 0);
  p->value_dim = graft_config_get_int (config, "value_dim", p->key_dim);
  p->use_bias = graft_config_get_bool (config, "use_bias", TRUE);
  if (output_shape != NULL && JSON_NODE_HOLDS_VALUE (output_shape))
    p->output_dim = json_node_get_int (output_shape);
  else if (output_shape != NULL && JSON_NODE_HOLDS_ARRAY (output_shape) &&
           json_array_get_length (json_node_get_array (output_shape)) == 1)
    p->output_dim = json_array_get_int_element (json_node_get_array (output_shape), 0);
  if (p->heads < 1 || p->key_dim < 1 || p->value_dim < 1 ||
      graft_config_get_bool (config, "use_gate", FALSE) ||
      (axes != NULL && JSON_NODE_HOLDS_ARRAY (axes) &&
       (json_array_get_length (json_node_get_array (axes)) != 1 ||
        json_array_get_int_element (json_node_get_array (axes), 0) != 1)))
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED,
                   "layer '%s': only attention over axis 1 with positive sizes and no gate can run",
                   node->name);
      return FALSE;
    }
  return TRUE;
}

static gboolean
graft_layer_multi_head_attention_infer (GraftNode         *node,
                                        guint              n_in,
                                        const GraftShape  *in,
                                        guint             *n_out,
                                        GraftShape        *out,
                                        GError           **error)
{
  GraftMhaPriv *p = node->priv;

  if (n_in < 2 || n_in > 3)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_SHAPE,
                   "layer '%s': needs query and value inputs, got %u", node->name, n_in);
      return FALSE;
    }
  for (guint i = 0; i < n_in; i++)
    if (!graft_shape_check_rank (node, &in[i], 3, 3, error))
      return FALSE;
  *n_out = 1;
  out[0] = in[0];
  if (p->output_dim > 0)
    out[0].dims[2] = p->output_dim;
  return TRUE;
}

static gboolean
graft_layer_multi_head_attention_build (GraftNode         *node,
                                        guint              n_in,
                                        const GraftShape  *in,
                                        GError           **error)
{
  GraftMhaPriv *p = node->priv;
  const GraftShape *key = n_in > 2 ? &in[2] : &in[1];
  gsize shape[3], bias[2];
  gsize dims[3];
  static const char *const parts[] = { "query", "key", "value" };

  if (n_in < 2)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_SHAPE,
                   "layer '%s': needs query and value inputs, got %u", node->name, n_in);
      return FALSE;
    }
  for (guint i = 0; i < n_in; i++)
    if (!graft_shape_check_known (node, &in[i], 2, error))
      return FALSE;
  dims[0] = (gsize) in[0].dims[2];
  dims[1] = (gsize) key->dims[2];
  dims[2] = (gsize) in[1].dims[2];
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *kname = g_strconcat (parts[i], "/kernel", NULL);
      g_autofree char *bname = g_strconcat (parts[i], "/bias", NULL);

      shape[0] = dims[i];
      shape[1] = (gsize) p->heads;
      shape[2] = (gsize) (i == 2 ? p->value_dim : p->key_dim);
      graft_node_add_weight (node, kname, 3, shape, "kernel_initializer", TRUE);
      bias[0] = shape[1];
      bias[1] = shape[2];
      if (p->use_bias)
        graft_node_add_weight (node, bname, 2, bias, "bias_initializer", TRUE);
    }
  shape[0] = (gsize) p->heads;
  shape[1] = (gsize) p->value_dim;
  shape[2] = p->output_dim > 0 ? (gsize) p->output_dim : dims[0];
  graft_node_add_weight (node, "attention_output/kernel", 3, shape, "kernel_initializer", TRUE);
  if (p->use_bias)
    graft_node_add_weight (node, "attention_output/bias", 1, shape + 2, "bias_initializer", TRUE);
  return TRUE;
}

/* out [rows, n] = in [rows, k] · kernel [k, n] + bias [n]: an EinsumDense
 * whose extra axes are contiguous. */
static void
graft_layer_multi_head_attention_project (GraftNode   *node,
                                          const char  *part,
                                          const float *in,
                                          gsize        rows,
                                          gsize        k,
                                          gsize        n,
                                          float       *out)
{
  g_autofree char *kname = g_strconcat (part, "/kernel", NULL);
  g_autofree char *bname = g_strconcat (part, "/bias", NULL);
  g_autofree float *xq = NULL;
  GraftMhaPriv *p = node->priv;

  in = graft_quant_layer_inputs (node, p->quant == GRAFT_QUANT_INT8 ? p->quant : GRAFT_QUANT_NONE,
                                 in, rows, k, &xq);
  graft_blas_matmul (in, graft_node_get_weight_data (node, kname),
                     graft_node_get_weight_data (node, bname), rows, k, n, out);
}

static gboolean
graft_layer_multi_head_attention_forward (GraftNode          *node,
                                          guint               n_in,
                                          GraftTensor *const *in,
                                          guint               n_out,
                                          GraftTensor *const *out,
                                          GError            **error)
{
  GraftMhaPriv *p = node->priv;
  GraftTensor *key_in = n_in > 2 ? in[2] : in[1];
  gsize batch = graft_tensor_get_dim (in[0], 0);
  gsize tq = graft_tensor_get_dim (in[0], 1), tk = graft_tensor_get_dim (in[1], 1);
  gsize h = (gsize) p->heads, kd = (gsize) p->key_dim, vd = (gsize) p->value_dim;
  gsize dq = graft_tensor_get_dim (in[0], 2), dv = graft_tensor_get_dim (in[1], 2);
  gsize dk = graft_tensor_get_dim (key_in, 2), dout = graft_tensor_get_dim (out[0], 2);
  g_autofree float *q = g_new (float, batch * tq * h * kd);   /* [batch, tq, h, kd] */
  g_autofree float *k = g_new (float, batch * tk * h * kd);   /* [batch, tk, h, kd] */
  g_autofree float *v = g_new (float, batch * tk * h * vd);   /* [batch, tk, h, vd] */
  g_autofree float *o = g_new0 (float, batch * tq * h * vd);  /* [batch, tq, h, vd] */
  g_autofree float *scores = g_new (float, tk);                /* [tk] */
  float scale = 1.0f / sqrtf ((float) kd);

  graft_layer_multi_head_attention_project (node, "query", graft_tensor_cfloats (in[0]),
                                            batch * tq, dq, h * kd, q);
  graft_layer_multi_head_attention_project (node, "key", graft_tensor_cfloats (key_in),
                                            batch * tk, dk, h * kd, k);
  graft_layer_multi_head_attention_project (node, "value", graft_tensor_cfloats (in[1]),
                                            batch * tk, dv, h * vd, v);

  for (gsize b = 0; b < batch; b++)
    for (gsize head = 0; head < h; head++)
      for (gsize t = 0; t < tq; t++)
        {
          const float *qv = q + ((b * tq + t) * h + head) * kd;
          float *ov = o + ((b * tq + t) * h + head) * vd;

          for (gsize s = 0; s < tk; s++)
            {
              const float *kv = k + ((b * tk + s) * h + head) * kd;
              float dot = 0.0f;

              for (gsize i = 0; i < kd; i++)
                dot += qv[i] * kv[i];
              scores[s] = dot * scale;
            }
          softmax_forward (scores, 1, tk, 1);
          for (gsize s = 0; s < tk; s++)
            {
              const float *vv = v + ((b * tk + s) * h + head) * vd;

              for (gsize i = 0; i < vd; i++)
                ov[i] += scores[s] * vv[i];
            }
        }

  graft_layer_multi_head_attention_project (node, "attention_output", o, batch * tq, h * vd, dout,
                                            graft_tensor_floats (out[0]));
  return TRUE;
}

const GraftLayerClass graft_layer_multi_head_attention_class = {
  .class_name = "MultiHeadAttention",
  .setup = graft_layer_multi_head_attention_setup,
  .infer = graft_layer_multi_head_attention_infer,
  .build = graft_layer_multi_head_attention_build,
  .forward = graft_layer_multi_head_attention_forward,
  .forward_masked = graft_layer_mask_refuse,
};
