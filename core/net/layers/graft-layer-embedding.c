/* graft-layer-embedding.c: the Embedding layer kind: rows of a table by token id
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-layer-embedding"

#include "config.h"

#include "graft-layer-ops-private.h"

#include <string.h>

#include "graft-error.h"
#include "graft-tensor.h"

typedef struct
{
  gint64   input_dim;
  gint64   output_dim;
  gboolean mask_zero;
} GraftEmbeddingPriv;

static gboolean
graft_layer_embedding_setup (GraftNode   *node,
                             JsonObject  *config,
                             GError     **error)
{
  GraftEmbeddingPriv *p = g_new0 (GraftEmbeddingPriv, 1);

  node->priv = p;
  p->input_dim = graft_config_get_int (config, "input_dim", 0);
  p->output_dim = graft_config_get_int (config, "output_dim", 0);
  p->mask_zero = graft_config_get_bool (config, "mask_zero", FALSE);
  if (p->input_dim < 1 || p->output_dim < 1)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT,
                   "layer '%s': input_dim and output_dim must be positive", node->name);
      return FALSE;
    }
  return TRUE;
}

static gboolean
graft_layer_embedding_infer (GraftNode         *node,
                             guint              n_in,
                             const GraftShape  *in,
                             guint             *n_out,
                             GraftShape        *out,
                             GError           **error)
{
  GraftEmbeddingPriv *p = node->priv;

  if (in[0].rank + 1 > GRAFT_MAX_RANK)
    return graft_shape_check_rank (node, &in[0], 1, GRAFT_MAX_RANK - 1, error);
  *n_out = 1;
  out[0] = in[0];
  out[0].dims[out[0].rank++] = p->output_dim;
  return TRUE;
}

static gboolean
graft_layer_embedding_build (GraftNode         *node,
                             guint              n_in,
                             const GraftShape  *in,
                             GError           **error)
{
  GraftEmbeddingPriv *p = node->priv;
  gsize shape[2] = { (gsize) p->input_dim, (gsize) p->output_dim };

  graft_node_add_weight (node, "embeddings", 2, shape, "embeddings_initializer", TRUE);
  return TRUE;
}

static gboolean
graft_layer_embedding_forward (GraftNode          *node,
                               guint               n_in,
                               GraftTensor *const *in,
                               guint               n_out,
                               GraftTensor *const *out,
                               GError            **error)
{
  GraftEmbeddingPriv *p = node->priv;
  const float *ids = graft_tensor_cfloats (in[0]);
  const float *table = graft_node_get_weight_data (node, "embeddings");   /* [V, D] */
  float *y = graft_tensor_floats (out[0]);
  gsize n = graft_tensor_get_n_elements (in[0]), d = (gsize) p->output_dim;

  for (gsize i = 0; i < n; i++)
    {
      gint64 id = (gint64) ids[i];

      if (id < 0 || id >= p->input_dim)
        {
          g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_INVALID,
                       "layer '%s': token %" G_GINT64_FORMAT " is outside 0..%" G_GINT64_FORMAT,
                       node->name, id, p->input_dim - 1);
          return FALSE;
        }
      memcpy (y + i * d, table + (gsize) id * d, d * sizeof (float));
    }
  return TRUE;
}

/* mask_zero: token 0 is padding, and the layers after skip it. */
static GraftTensor *
graft_layer_embedding_compute_mask (GraftNode          *node,
                                    guint               n_in,
                                    GraftTensor *const *in,
                                    GraftTensor *const *in_masks,
                                    guint               output)
{
  GraftEmbeddingPriv *p = node->priv;
  const float *ids = graft_tensor_cfloats (in[0]);
  GraftTensor *mask;
  float *m;

  if (!p->mask_zero || output != 0)
    return NULL;
  mask = graft_tensor_new (GRAFT_DTYPE_FLOAT32, graft_tensor_get_rank (in[0]),
                           graft_tensor_get_shape (in[0]));   /* [batch, T] */
  m = graft_tensor_floats (mask);
  for (gsize i = 0; i < graft_tensor_get_n_elements (in[0]); i++)
    m[i] = (gint64) ids[i] != 0 ? 1.0f : 0.0f;
  return mask;
}

const GraftLayerClass graft_layer_embedding_class = {
  .class_name = "Embedding",
  .setup = graft_layer_embedding_setup,
  .infer = graft_layer_embedding_infer,
  .build = graft_layer_embedding_build,
  .forward = graft_layer_embedding_forward,
  .compute_mask = graft_layer_embedding_compute_mask,
};
