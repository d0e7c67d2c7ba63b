/* graft-layer-bidirectional.c: the Bidirectional wrapper kind
 *
 * Two child nodes (forward_<name>, backward_<name>) own the weights, so
 * binding finds them where Keras keeps them: bigru/forward_gru/gru_cell/….
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-layer-bidirectional"

#include "config.h"

#include "graft-layer-families-private.h"

#include <string.h>

#include "graft-error.h"
#include "graft-tensor.h"

typedef enum
{
  GRAFT_MERGE_MODE_CONCAT,
  GRAFT_MERGE_MODE_SUM,
  GRAFT_MERGE_MODE_MUL,
  GRAFT_MERGE_MODE_AVE,
  GRAFT_MERGE_MODE_NONE,
} GraftMergeMode;

typedef struct
{
  GraftMergeMode  mode;
  gboolean        return_sequences;
} GraftBidirectionalPriv;

static gboolean
graft_layer_bidirectional_is_rnn (GraftNode *child)
{
  return child->klass->forward == graft_layer_rnn_forward;
}

static gboolean
graft_layer_bidirectional_setup (GraftNode   *node,
                                 JsonObject  *config,
                                 GError     **error)
{
  GraftBidirectionalPriv *p = g_new0 (GraftBidirectionalPriv, 1);
  const char *mode = graft_config_get_string (config, "merge_mode", NULL);
  JsonNode *layer = json_object_get_member (config, "layer");
  JsonNode *backward = json_object_get_member (config, "backward_layer");
  GraftNode *fwd, *bwd;
  g_autoptr(JsonNode) copy = NULL;
  JsonObject *inner;

  node->priv = p;
  p->mode = mode == NULL ? GRAFT_MERGE_MODE_NONE
            : g_str_equal (mode, "sum") ? GRAFT_MERGE_MODE_SUM
            : g_str_equal (mode, "mul") ? GRAFT_MERGE_MODE_MUL
            : g_str_equal (mode, "ave") ? GRAFT_MERGE_MODE_AVE : GRAFT_MERGE_MODE_CONCAT;
  if (layer == NULL || !JSON_NODE_HOLDS_OBJECT (layer))
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT, "layer '%s': no wrapped layer", node->name);
      return FALSE;
    }
  fwd = graft_node_new (json_node_get_object (layer), error);
  if (fwd == NULL)
    return FALSE;
  g_ptr_array_add (node->children, fwd);
  /* Keras names the forward copy "forward_<name>" (a saved config already
   * says so); its weights are at bigru/forward_gru/gru_cell/kernel. */
  if (!g_str_has_prefix (fwd->name, "forward_"))
    {
      char *fname = g_strconcat ("forward_", fwd->name, NULL);

      g_free (fwd->name);
      fwd->name = fname;
    }

  if (backward != NULL && JSON_NODE_HOLDS_OBJECT (backward))
    bwd = graft_node_new (json_node_get_object (backward), error);
  else
    {
      /* Keras makes the backward layer from the forward one's config with
       * go_backwards flipped and the name "backward_<name>". */
      const char *name = fwd->name;
      g_autofree char *bname = NULL;

      if (g_str_has_prefix (name, "forward_"))
        name += strlen ("forward_");
      bname = g_strconcat ("backward_", name, NULL);
      copy = graft_config_dup (layer);
      inner = json_object_get_object_member (json_node_get_object (copy), "config");
      json_object_set_boolean_member (inner, "go_backwards",
                                      !graft_config_get_bool (inner, "go_backwards", FALSE));
      json_object_set_string_member (inner, "name", bname);
      bwd = graft_node_new (json_node_get_object (copy), error);
    }
  if (bwd == NULL)
    return FALSE;
  g_ptr_array_add (node->children, bwd);
  if (!graft_layer_bidirectional_is_rnn (fwd) || !graft_layer_bidirectional_is_rnn (bwd))
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED,
                   "layer '%s': only recurrent layers can be wrapped", node->name);
      return FALSE;
    }
  p->return_sequences = graft_config_get_bool (fwd->config, "return_sequences", FALSE);
  return TRUE;
}

static gboolean
graft_layer_bidirectional_infer (GraftNode         *node,
                                 guint              n_in,
                                 const GraftShape  *in,
                                 guint             *n_out,
                                 GraftShape        *out,
                                 GError           **error)
{
  GraftBidirectionalPriv *p = node->priv;
  GraftNode *fwd = g_ptr_array_index (node->children, 0);
  GraftNode *bwd = g_ptr_array_index (node->children, 1);
  GraftShape f[GRAFT_NODE_MAX_OUTPUTS], b[GRAFT_NODE_MAX_OUTPUTS];
  guint nf, nb, n = 0;

  if (!fwd->klass->infer (fwd, 1, in, &nf, f, error) || !bwd->klass->infer (bwd, 1, in, &nb, b, error))
    return FALSE;
  out[n] = f[0];
  if (p->mode == GRAFT_MERGE_MODE_CONCAT)
    out[n].dims[out[n].rank - 1] = f[0].dims[f[0].rank - 1] + b[0].dims[b[0].rank - 1];
  n++;
  if (p->mode == GRAFT_MERGE_MODE_NONE)
    out[n++] = b[0];
  for (guint i = 1; i < nf; i++)
    out[n++] = f[i];
  for (guint i = 1; i < nb; i++)
    out[n++] = b[i];
  *n_out = n;
  return TRUE;
}

static gboolean
graft_layer_bidirectional_build (GraftNode         *node,
                                 guint              n_in,
                                 const GraftShape  *in,
                                 GError           **error)
{
  return graft_node_build (g_ptr_array_index (node->children, 0), 1, in, error) &&
         graft_node_build (g_ptr_array_index (node->children, 1), 1, in, error);
}

/* Keras's Bidirectional forces zero_output_for_mask to return_sequences
 * on both layers. */
static gboolean
graft_layer_bidirectional_run (GraftNode          *node,
                               GraftTensor *const *in,
                               GraftTensor        *mask,
                               guint               n_out,
                               GraftTensor *const *out,
                               GError            **error)
{
  GraftBidirectionalPriv *p = node->priv;
  GraftNode *fwd = g_ptr_array_index (node->children, 0);
  GraftNode *bwd = g_ptr_array_index (node->children, 1);
  GraftShape in_shape, f[GRAFT_NODE_MAX_OUTPUTS], b[GRAFT_NODE_MAX_OUTPUTS];
  GraftTensor *fo[GRAFT_NODE_MAX_OUTPUTS] = { NULL }, *bo[GRAFT_NODE_MAX_OUTPUTS] = { NULL };
  guint nf, nb, o;
  gboolean ok;
  gsize n, batch, steps, uf, ub;
  float *y = graft_tensor_floats (out[0]);

  graft_shape_from_tensor (&in_shape, in[0]);
  if (!fwd->klass->infer (fwd, 1, &in_shape, &nf, f, error) ||
      !bwd->klass->infer (bwd, 1, &in_shape, &nb, b, error))
    return FALSE;
  for (guint i = 0; i < nf; i++)
    fo[i] = graft_shape_new_tensor (&f[i]);
  for (guint i = 0; i < nb; i++)
    bo[i] = graft_shape_new_tensor (&b[i]);
  ok = graft_layer_rnn_run (fwd, in[0], mask, p->return_sequences, FALSE, nf, fo, error) &&
       graft_layer_rnn_run (bwd, in[0], mask, p->return_sequences, FALSE, nb, bo, error);

  if (ok)
    {
      const float *fy = graft_tensor_cfloats (fo[0]);
      float *by = graft_tensor_floats (bo[0]);

      n = graft_tensor_get_n_elements (fo[0]);
      batch = graft_tensor_get_dim (fo[0], 0);
      steps = p->return_sequences ? graft_tensor_get_dim (fo[0], 1) : 1;
      uf = graft_tensor_get_dim (fo[0], f[0].rank - 1);
      ub = graft_tensor_get_dim (bo[0], b[0].rank - 1);

      /* The backward sequence comes out last step first; Keras flips it back. */
      if (p->return_sequences)
        for (gsize i = 0; i < batch; i++)
          for (gsize t = 0; t < steps / 2; t++)
            for (gsize k = 0; k < ub; k++)
              {
                float *a = by + (i * steps + t) * ub + k;
                float *c = by + (i * steps + steps - 1 - t) * ub + k;
                float tmp = *a;

                *a = *c;
                *c = tmp;
              }

      o = 1;
      switch (p->mode)
        {
        case GRAFT_MERGE_MODE_CONCAT:
          for (gsize r = 0; r < batch * steps; r++)
            {
              memcpy (y + r * (uf + ub), fy + r * uf, uf * sizeof (float));
              memcpy (y + r * (uf + ub) + uf, by + r * ub, ub * sizeof (float));
            }
          break;
        case GRAFT_MERGE_MODE_NONE:
          memcpy (y, fy, n * sizeof (float));
          memcpy (graft_tensor_floats (out[o++]), by, n * sizeof (float));
          break;
        default:
          for (gsize i = 0; i < n; i++)
            y[i] = p->mode == GRAFT_MERGE_MODE_SUM ? fy[i] + by[i]
                   : p->mode == GRAFT_MERGE_MODE_MUL ? fy[i] * by[i] : (fy[i] + by[i]) / 2.0f;
          break;
        }
      for (guint i = 1; i < nf && o < n_out; i++, o++)
        memcpy (graft_tensor_floats (out[o]), graft_tensor_cfloats (fo[i]),
                graft_tensor_get_n_bytes (fo[i]));
      for (guint i = 1; i < nb && o < n_out; i++, o++)
        memcpy (graft_tensor_floats (out[o]), graft_tensor_cfloats (bo[i]),
                graft_tensor_get_n_bytes (bo[i]));
    }

  for (guint i = 0; i < nf; i++)
    graft_tensor_unref (fo[i]);
  for (guint i = 0; i < nb; i++)
    graft_tensor_unref (bo[i]);
  return ok;
}

static gboolean
graft_layer_bidirectional_forward (GraftNode          *node,
                                   guint               n_in,
                                   GraftTensor *const *in,
                                   guint               n_out,
                                   GraftTensor *const *out,
                                   GError            **error)
{
  return graft_layer_bidirectional_run (node, in, NULL, n_out, out, error);
}

static gboolean
graft_layer_bidirectional_forward_masked (GraftNode          *node,
                                          guint               n_in,
                                          GraftTensor *const *in,
                                          GraftTensor *const *in_masks,
                                          guint               n_out,
                                          GraftTensor *const *out,
                                          GError            **error)
{
  return graft_layer_bidirectional_run (node, in, in_masks[0], n_out, out, error);
}

/* Sequences keep the mask (both of them without a merge mode). */
static GraftTensor *
graft_layer_bidirectional_compute_mask (GraftNode          *node,
                                        guint               n_in,
                                        GraftTensor *const *in,
                                        GraftTensor *const *in_masks,
                                        guint               output)
{
  GraftBidirectionalPriv *p = node->priv;
  guint n_sequences = p->mode == GRAFT_MERGE_MODE_NONE ? 2 : 1;

  if (!p->return_sequences || output >= n_sequences || in_masks[0] == NULL)
    return NULL;
  return graft_tensor_ref (in_masks[0]);
}

const GraftLayerClass graft_layer_bidirectional_class = {
  .class_name = "Bidirectional",
  .setup = graft_layer_bidirectional_setup,
  .infer = graft_layer_bidirectional_infer,
  .build = graft_layer_bidirectional_build,
  .forward = graft_layer_bidirectional_forward,
  .forward_masked = graft_layer_bidirectional_forward_masked,
  .compute_mask = graft_layer_bidirectional_compute_mask,
};
