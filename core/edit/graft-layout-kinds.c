/* graft-layout-kinds.c: which PyTorch module fills which Keras layer
 *
 * One entry per Keras layer class: the PyTorch module that is its
 * counterpart, which of the module's tensors fill which Keras weights, and
 * the layout conversion each goes through (graft-layout.c). An entry
 * proposes pairs only when every tensor it needs is there, the module has
 * no tensor it does not know, and every converted shape is the Keras
 * weight's shape; otherwise it says the module does not fit.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-layout-kinds"

#include "config.h"

#include "graft-transfer-private.h"

#include <string.h>

#include "graft-model.h"
#include "graft-tensor.h"

/* A tensor of a PyTorch module by name ("weight", "out_proj.weight"). */
static GraftWeight *
graft_kinds_torch (GraftLayer *module,
                   const char *name)
{
  const char *dot = strchr (name, '.');

  if (dot != NULL)
    {
      g_autofree char *child = g_strndup (name, dot - name);

      for (guint i = 0; i < graft_layer_get_n_children (module); i++)
        if (g_str_equal (graft_layer_get_name (graft_layer_get_child (module, i)), child))
          return graft_kinds_torch (graft_layer_get_child (module, i), dot + 1);
      return NULL;
    }
  return graft_layer_find_weight (module, name);
}

/* Whether every tensor of @module is one of @known (NULL-terminated);
 * buffers Keras has no use for may be listed too. */
static gboolean
graft_kinds_only (GraftLayer        *module,
                  const char *const *known)
{
  for (guint i = 0; i < graft_layer_get_n_weights (module); i++)
    if (!g_strv_contains (known, graft_weight_get_name (graft_layer_get_weight (module, i))))
      return FALSE;
  return TRUE;
}

/* A Keras weight under @layer by its path below it ("kernel",
 * "query/kernel"), at any depth (an LSTM's weights are in its cell). */
static GraftWeight *
graft_kinds_keras (GraftLayer *layer,
                   const char *rel)
{
  const char *base = graft_layer_get_path (layer);
  gsize blen = strlen (base);

  for (guint i = 0; i < graft_layer_get_n_weights (layer); i++)
    {
      GraftWeight *w = graft_layer_get_weight (layer, i);
      const char *path = graft_weight_get_path (w);

      if (g_str_has_suffix (path, rel) && strlen (path) > blen &&
          (strlen (path) == strlen (rel) || path[strlen (path) - strlen (rel) - 1] == '/'))
        return w;
    }
  for (guint i = 0; i < graft_layer_get_n_children (layer); i++)
    {
      GraftWeight *w = graft_kinds_keras (graft_layer_get_child (layer, i), rel);

      if (w != NULL)
        return w;
    }
  return NULL;
}

/* Proposes source (+ source2) → target through @layout, when its shape fits. */
static gboolean
graft_kinds_propose (GraftStructureMatch     *m,
                     GraftWeight             *source,
                     GraftWeight             *source2,
                     GraftWeight             *target,
                     const char              *layout_name,
                     const GraftLayoutParams *params)
{
  const GraftLayout *layout = graft_layout_find (layout_name);
  static const GraftLayoutParams none = { 0 };
  GraftTensor *t;
  GraftTransferPair p = { 0 };
  gsize shape[GRAFT_MAX_RANK];
  guint rank;

  if (source == NULL || target == NULL || layout == NULL)
    return FALSE;
  if (params == NULL)
    params = &none;
  t = graft_weight_get_tensor (target);
  if (!graft_layout_get_shape (layout, params, graft_weight_get_tensor (source), &rank, shape) ||
      rank != graft_tensor_get_rank (t) ||
      memcmp (shape, graft_tensor_get_shape (t), rank * sizeof (gsize)) != 0)
    return FALSE;
  if (graft_layout_get_n_sources (layout) == 2 &&
      (source2 == NULL ||
       !graft_tensor_same_shape (graft_weight_get_tensor (source), graft_weight_get_tensor (source2))))
    return FALSE;
  p.source = source;
  p.source2 = source2;
  p.target = target;
  p.layout = layout;
  p.params = *params;
  g_array_append_val (m->proposals, p);
  return TRUE;
}

/* The bias, when both or neither side has one. */
static gboolean
graft_kinds_bias (GraftStructureMatch *m,
                  GraftLayer          *module,
                  const char          *torch_name,
                  const char          *keras_name)
{
  GraftWeight *s = graft_kinds_torch (module, torch_name);
  GraftWeight *t = graft_kinds_keras (m->target, keras_name);

  if (s == NULL && t == NULL)
    return TRUE;
  return graft_kinds_propose (m, s, NULL, t, "copy", NULL);
}

/* The feature map a Flatten before @layer flattens, from the Keras
 * config: the input_shape Keras records when it builds the Flatten. */
static gboolean
graft_kinds_flatten_chw (GraftStructureMatch *m,
                         gsize               *chw)
{
  JsonNode *root = graft_model_get_config (m->target_model);
  JsonObject *obj;
  JsonArray *layers;
  const char *name = graft_layer_get_name (m->target);
  gint at = -1;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return FALSE;
  obj = json_node_get_object (root);
  if (json_object_has_member (obj, "config") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (obj, "config")))
    obj = json_object_get_object_member (obj, "config");
  if (!json_object_has_member (obj, "layers") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (obj, "layers")))
    return FALSE;
  layers = json_object_get_array_member (obj, "layers");
  for (guint i = 0; i < json_array_get_length (layers); i++)
    {
      JsonNode *n = json_array_get_element (layers, i);
      JsonNode *c;

      if (!JSON_NODE_HOLDS_OBJECT (n))
        continue;
      c = json_object_get_member (json_node_get_object (n), "config");
      if (c != NULL && JSON_NODE_HOLDS_OBJECT (c) &&
          json_object_has_member (json_node_get_object (c), "name") &&
          g_strcmp0 (json_object_get_string_member (json_node_get_object (c), "name"), name) == 0)
        at = i;
    }
  for (gint i = at - 1; i >= 0; i--)
    {
      JsonNode *n = json_array_get_element (layers, i);
      JsonObject *l;
      const char *klass;
      JsonNode *build, *shape;
      JsonArray *dims;
      guint rank;

      if (!JSON_NODE_HOLDS_OBJECT (n))
        return FALSE;
      l = json_node_get_object (n);
      klass = json_object_has_member (l, "class_name") ? json_object_get_string_member (l, "class_name")
                                                       : NULL;
      if (g_strcmp0 (klass, "Flatten") != 0)
        {
          /* Layers without weights in between keep the flattened order. */
          if (g_strcmp0 (klass, "Dropout") == 0 || g_strcmp0 (klass, "Activation") == 0 ||
              g_strcmp0 (klass, "ReLU") == 0 || g_strcmp0 (klass, "LeakyReLU") == 0)
            continue;
          return FALSE;
        }
      build = json_object_get_member (l, "build_config");
      if (build == NULL || !JSON_NODE_HOLDS_OBJECT (build))
        return FALSE;
      shape = json_object_get_member (json_node_get_object (build), "input_shape");
      if (shape == NULL || !JSON_NODE_HOLDS_ARRAY (shape))
        return FALSE;
      dims = json_node_get_array (shape);
      rank = json_array_get_length (dims);
      if (rank != 3 && rank != 4)
        return FALSE;
      for (guint k = 1; k < rank; k++)
        if (json_node_get_value_type (json_array_get_element (dims, k)) != G_TYPE_INT64)
          return FALSE;
      chw[0] = json_array_get_int_element (dims, rank - 1);
      chw[1] = json_array_get_int_element (dims, 1);
      chw[2] = rank == 4 ? (gsize) json_array_get_int_element (dims, 2) : 1;
      return chw[1] * chw[2] > 1;
    }
  return FALSE;
}

static guint
graft_kinds_dense (GraftStructureMatch *m)
{
  static const char *const known[] = { "weight", "bias", NULL };
  GraftLayer *module = m->sources[0];
  GraftWeight *w = graft_kinds_torch (module, "weight");
  GraftWeight *kernel = graft_kinds_keras (m->target, "kernel");
  GraftLayoutParams params = { 0 };

  if (!graft_kinds_only (module, known))
    return 0;
  if (!(graft_kinds_flatten_chw (m, params.chw) &&
        graft_kinds_propose (m, w, NULL, kernel, "flatten_chw_to_hwc", &params)) &&
      !graft_kinds_propose (m, w, NULL, kernel, "transpose", NULL))
    return 0;
  return graft_kinds_bias (m, module, "bias", "bias") ? 1 : 0;
}

static guint
graft_kinds_embedding (GraftStructureMatch *m)
{
  static const char *const known[] = { "weight", NULL };

  if (!graft_kinds_only (m->sources[0], known))
    return 0;
  return graft_kinds_propose (m, graft_kinds_torch (m->sources[0], "weight"), NULL,
                              graft_kinds_keras (m->target, "embeddings"), "copy", NULL) ? 1 : 0;
}

static guint
graft_kinds_conv_with (GraftStructureMatch *m,
                       const char          *layout)
{
  static const char *const known[] = { "weight", "bias", NULL };
  GraftLayer *module = m->sources[0];

  if (!graft_kinds_only (module, known) ||
      !graft_kinds_propose (m, graft_kinds_torch (module, "weight"), NULL,
                            graft_kinds_keras (m->target, "kernel"), layout, NULL))
    return 0;
  return graft_kinds_bias (m, module, "bias", "bias") ? 1 : 0;
}

static guint
graft_kinds_conv1d (GraftStructureMatch *m)
{
  return graft_kinds_conv_with (m, "conv_oiw_to_wio");
}

static guint
graft_kinds_conv2d (GraftStructureMatch *m)
{
  return graft_kinds_conv_with (m, "conv_oihw_to_hwio");
}

static guint
graft_kinds_conv3d (GraftStructureMatch *m)
{
  return graft_kinds_conv_with (m, "conv_oidhw_to_dhwio");
}

static guint
graft_kinds_conv_transpose (GraftStructureMatch *m)
{
  return graft_kinds_conv_with (m, "convtranspose_iohw_to_hwoi");
}

/* A depthwise weight (C·M, 1, kh, kw) into a Keras (kh, kw, C, M) kernel. */
static gboolean
graft_kinds_depthwise_kernel (GraftStructureMatch *m,
                              GraftLayer          *module,
                              const char          *keras_name)
{
  GraftWeight *kernel = graft_kinds_keras (m->target, keras_name);
  GraftLayoutParams params = { 0 };

  if (kernel == NULL || graft_tensor_get_rank (graft_weight_get_tensor (kernel)) != 4)
    return FALSE;
  params.in_channels = graft_tensor_get_dim (graft_weight_get_tensor (kernel), 2);
  return graft_kinds_propose (m, graft_kinds_torch (module, "weight"), NULL, kernel,
                              "depthwise_to_hwcm", &params);
}

static guint
graft_kinds_depthwise (GraftStructureMatch *m)
{
  static const char *const known[] = { "weight", "bias", NULL };
  GraftLayer *module = m->sources[0];

  if (!graft_kinds_only (module, known) || !graft_kinds_depthwise_kernel (m, module, "kernel"))
    return 0;
  return graft_kinds_bias (m, module, "bias", "bias") ? 1 : 0;
}

/* SeparableConv2D is two PyTorch modules: a depthwise Conv2d without bias,
 * then a 1×1 Conv2d. */
static guint
graft_kinds_separable (GraftStructureMatch *m)
{
  static const char *const depthwise[] = { "weight", NULL };
  static const char *const pointwise[] = { "weight", "bias", NULL };

  if (m->n_sources < 2 || !graft_kinds_only (m->sources[0], depthwise) ||
      !graft_kinds_only (m->sources[1], pointwise) ||
      !graft_kinds_depthwise_kernel (m, m->sources[0], "depthwise_kernel") ||
      !graft_kinds_propose (m, graft_kinds_torch (m->sources[1], "weight"), NULL,
                            graft_kinds_keras (m->target, "pointwise_kernel"), "conv_oihw_to_hwio",
                            NULL) ||
      !graft_kinds_bias (m, m->sources[1], "bias", "bias"))
    return 0;
  return 2;
}

static guint
graft_kinds_batch_norm (GraftStructureMatch *m)
{
  static const char *const known[] = { "weight", "bias", "running_mean", "running_var",
                                       "num_batches_tracked", NULL };
  GraftLayer *module = m->sources[0];

  if (!graft_kinds_only (module, known) ||
      graft_kinds_torch (module, "running_mean") == NULL ||
      !graft_kinds_bias (m, module, "weight", "gamma") ||
      !graft_kinds_bias (m, module, "bias", "beta") ||
      !graft_kinds_propose (m, graft_kinds_torch (module, "running_mean"), NULL,
                            graft_kinds_keras (m->target, "moving_mean"), "copy", NULL) ||
      !graft_kinds_propose (m, graft_kinds_torch (module, "running_var"), NULL,
                            graft_kinds_keras (m->target, "moving_variance"), "copy", NULL))
    return 0;
  return 1;
}

static guint
graft_kinds_layer_norm (GraftStructureMatch *m)
{
  static const char *const known[] = { "weight", "bias", NULL };
  GraftLayer *module = m->sources[0];

  if (!graft_kinds_only (module, known) || graft_layer_get_n_weights (module) == 0 ||
      graft_tensor_get_rank (graft_weight_get_tensor (graft_layer_get_weight (module, 0))) != 1 ||
      !graft_kinds_bias (m, module, "weight", "gamma") ||
      !graft_kinds_bias (m, module, "bias", "beta"))
    return 0;
  return 1;
}

static const char *const graft_kinds_rnn_tensors[] = {
  "weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", NULL
};

static guint
graft_kinds_lstm (GraftStructureMatch *m)
{
  GraftLayer *module = m->sources[0];

  if (!graft_kinds_only (module, graft_kinds_rnn_tensors) ||
      !graft_kinds_propose (m, graft_kinds_torch (module, "weight_ih_l0"), NULL,
                            graft_kinds_keras (m->target, "kernel"), "transpose", NULL) ||
      !graft_kinds_propose (m, graft_kinds_torch (module, "weight_hh_l0"), NULL,
                            graft_kinds_keras (m->target, "recurrent_kernel"), "transpose", NULL))
    return 0;
  if (graft_kinds_torch (module, "bias_ih_l0") == NULL && graft_kinds_keras (m->target, "bias") == NULL)
    return 1;
  return graft_kinds_propose (m, graft_kinds_torch (module, "bias_ih_l0"),
                              graft_kinds_torch (module, "bias_hh_l0"),
                              graft_kinds_keras (m->target, "bias"), "lstm_bias_sum", NULL) ? 1 : 0;
}

/* Keras's GRU equals PyTorch's only with reset_after=True, whose bias is
 * (2, 3h); a (3h) bias is refused by its shape. */
static guint
graft_kinds_gru (GraftStructureMatch *m)
{
  GraftLayer *module = m->sources[0];

  if (!graft_kinds_only (module, graft_kinds_rnn_tensors) ||
      !graft_kinds_propose (m, graft_kinds_torch (module, "weight_ih_l0"), NULL,
                            graft_kinds_keras (m->target, "kernel"), "gru_kernel", NULL) ||
      !graft_kinds_propose (m, graft_kinds_torch (module, "weight_hh_l0"), NULL,
                            graft_kinds_keras (m->target, "recurrent_kernel"), "gru_kernel", NULL))
    return 0;
  if (graft_kinds_torch (module, "bias_ih_l0") == NULL && graft_kinds_keras (m->target, "bias") == NULL)
    return 1;
  return graft_kinds_propose (m, graft_kinds_torch (module, "bias_ih_l0"),
                              graft_kinds_torch (module, "bias_hh_l0"),
                              graft_kinds_keras (m->target, "bias"), "gru_bias", NULL) ? 1 : 0;
}

static guint
graft_kinds_attention (GraftStructureMatch *m)
{
  static const char *const known[] = { "in_proj_weight", "in_proj_bias", NULL };
  static const char *const parts[] = { "query", "key", "value" };
  GraftLayer *module = m->sources[0];
  GraftWeight *query = graft_kinds_keras (m->target, "query/kernel");
  GraftLayoutParams params = { 0 };
  GraftTensor *q;

  if (!graft_kinds_only (module, known) || query == NULL)
    return 0;
  q = graft_weight_get_tensor (query);
  if (graft_tensor_get_rank (q) != 3)
    return 0;
  params.heads = graft_tensor_get_dim (q, 1);
  params.head_dim = graft_tensor_get_dim (q, 2);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *kernel = g_strdup_printf ("%s/kernel", parts[i]);
      g_autofree char *bias = g_strdup_printf ("%s/bias", parts[i]);

      params.part = i;
      if (!graft_kinds_propose (m, graft_kinds_torch (module, "in_proj_weight"), NULL,
                                graft_kinds_keras (m->target, kernel), "mha_in_proj_split", &params))
        return 0;
      if ((graft_kinds_torch (module, "in_proj_bias") != NULL ||
           graft_kinds_keras (m->target, bias) != NULL) &&
          !graft_kinds_propose (m, graft_kinds_torch (module, "in_proj_bias"), NULL,
                                graft_kinds_keras (m->target, bias), "mha_in_proj_bias_split",
                                &params))
        return 0;
    }
  if (!graft_kinds_propose (m, graft_kinds_torch (module, "out_proj.weight"), NULL,
                            graft_kinds_keras (m->target, "attention_output/kernel"), "mha_out",
                            &params) ||
      !graft_kinds_bias (m, module, "out_proj.bias", "attention_output/bias"))
    return 0;
  return 1;
}

static const GraftLayoutKind graft_layout_kinds[] = {
  { "Dense", "Linear", graft_kinds_dense },
  { "Embedding", "Embedding", graft_kinds_embedding },
  { "Conv1D", "Conv1d", graft_kinds_conv1d },
  { "Conv2D", "Conv2d", graft_kinds_conv2d },
  { "Conv3D", "Conv3d", graft_kinds_conv3d },
  { "DepthwiseConv2D", "depthwise Conv2d", graft_kinds_depthwise },
  { "SeparableConv2D", "depthwise + pointwise Conv2d", graft_kinds_separable },
  { "Conv2DTranspose", "ConvTranspose2d", graft_kinds_conv_transpose },
  { "BatchNormalization", "BatchNorm", graft_kinds_batch_norm },
  { "LayerNormalization", "LayerNorm", graft_kinds_layer_norm },
  { "LSTM", "LSTM", graft_kinds_lstm },
  { "GRU", "GRU", graft_kinds_gru },
  { "MultiHeadAttention", "MultiheadAttention", graft_kinds_attention },
};

/**
 * graft_layout_kind_find:
 *
 * Returns: (nullable): the entry for Keras class @keras_class, or %NULL
 */
const GraftLayoutKind *
graft_layout_kind_find (const char *keras_class)
{
  for (guint i = 0; i < G_N_ELEMENTS (graft_layout_kinds); i++)
    if (g_strcmp0 (graft_layout_kinds[i].keras_class, keras_class) == 0)
      return &graft_layout_kinds[i];
  return NULL;
}
