/* graft-keras-quant.c: Keras 3 quantized layers: what is stored, what it means
 *
 * `model.quantize("int8" | "int4" | "float8")` replaces a Dense, EinsumDense
 * or Embedding kernel by integers beside their scales (and, for grouped
 * int4, zero points and a group index), names its variables in another
 * order, and records the mode in the layer's dtype policy. Here the policy
 * names the variables, and each stored kernel gets its real values: a lazy
 * float32 tensor that dequantizes exactly as Keras does (dividing where
 * Keras divides; ../shared/corpus/keras-quant/README.md has every layout).
 * The stored tensor stays the weight's tensor, which is what is saved.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-keras-quant"

#include "config.h"

#include "graft-keras-quant.h"

#include <math.h>
#include <string.h>

#include "graft-dtype.h"
#include "graft-error.h"
#include "graft-keras-config.h"
#include "graft-model-private.h"
#include "graft-tensor.h"

/**
 * graft_keras_quant_mode:
 * @block_size: (out) (optional): int4's group size, -1 per channel
 *
 * Returns: the quantization mode the layer's dtype policy records
 */
GraftQuantMode
graft_keras_quant_mode (JsonObject *layer_config,
                        gint       *block_size)
{
  JsonNode *dtype;
  JsonObject *policy, *config;
  const char *mode;

  if (block_size != NULL)
    *block_size = -1;
  if (layer_config == NULL || !json_object_has_member (layer_config, "dtype"))
    return GRAFT_QUANT_NONE;
  dtype = json_object_get_member (layer_config, "dtype");
  if (!JSON_NODE_HOLDS_OBJECT (dtype))
    return GRAFT_QUANT_NONE;
  policy = json_node_get_object (dtype);
  if (!json_object_has_member (policy, "config") ||
      !JSON_NODE_HOLDS_OBJECT (json_object_get_member (policy, "config")))
    return GRAFT_QUANT_NONE;
  config = json_object_get_object_member (policy, "config");
  if (!json_object_has_member (config, "mode") ||
      !JSON_NODE_HOLDS_VALUE (json_object_get_member (config, "mode")))
    return GRAFT_QUANT_NONE;
  mode = json_object_get_string_member (config, "mode");
  if (mode == NULL)
    return GRAFT_QUANT_NONE;
  if (g_str_equal (mode, "int8"))
    return GRAFT_QUANT_INT8;
  if (g_str_equal (mode, "float8"))
    return GRAFT_QUANT_FLOAT8;
  if (g_str_has_prefix (mode, "int4"))
    {
      if (block_size != NULL)
        *block_size = mode[4] == '/' ? (gint) g_ascii_strtoll (mode + 5, NULL, 10) : 128;
      return GRAFT_QUANT_INT4;
    }
  return GRAFT_QUANT_NONE;
}

/**
 * graft_keras_quant_map_mode:
 *
 * Returns: for a layer whose dtype is a DTypePolicyMap (attention with
 *   quantized sub-layers), the mode its sub-layers are quantized in, or
 *   %GRAFT_QUANT_NONE
 */
/**
 * graft_keras_quant_policy_map:
 *
 * Returns: (transfer none) (nullable): the policy_map of a layer whose
 *   dtype is a DTypePolicyMap (attention with quantized sub-layers, keyed
 *   "<layer>/<sub-layer>"), or %NULL
 */
JsonObject *
graft_keras_quant_policy_map (JsonObject *layer_config)
{
  JsonNode *dtype = layer_config ? json_object_get_member (layer_config, "dtype") : NULL;
  JsonObject *config;

  if (dtype == NULL || !JSON_NODE_HOLDS_OBJECT (dtype))
    return NULL;
  config = json_node_get_object (dtype);
  if (!json_object_has_member (config, "config") ||
      !JSON_NODE_HOLDS_OBJECT (json_object_get_member (config, "config")))
    return NULL;
  config = json_object_get_object_member (config, "config");
  if (!json_object_has_member (config, "policy_map") ||
      !JSON_NODE_HOLDS_OBJECT (json_object_get_member (config, "policy_map")))
    return NULL;
  return json_object_get_object_member (config, "policy_map");
}

GraftQuantMode
graft_keras_quant_map_mode (JsonObject *layer_config)
{
  JsonObject *map = graft_keras_quant_policy_map (layer_config);
  g_autoptr(GList) values = NULL;

  if (map == NULL)
    return GRAFT_QUANT_NONE;
  values = json_object_get_values (map);
  for (GList *l = values; l != NULL; l = l->next)
    if (JSON_NODE_HOLDS_OBJECT (l->data))
      {
        g_autoptr(JsonObject) wrapper = json_object_new ();
        GraftQuantMode mode;

        json_object_set_member (wrapper, "dtype", json_node_copy (l->data));
        mode = graft_keras_quant_mode (wrapper, NULL);
        if (mode != GRAFT_QUANT_NONE)
          return mode;
      }
  return GRAFT_QUANT_NONE;
}

/**
 * graft_keras_quant_vars:
 *
 * Returns: (transfer full) (nullable): the names of a quantized layer's
 *   variables in the order Keras saves them, or %NULL when the layer is not
 *   quantized or its class is not one Keras quantizes
 */
char **
graft_keras_quant_vars (const char *class_name,
                        JsonObject *layer_config)
{
  gint block = -1;
  GraftQuantMode mode = graft_keras_quant_mode (layer_config, &block);
  gboolean embedding = g_strcmp0 (class_name, "Embedding") == 0;
  const char *w = embedding ? "embeddings" : "kernel";
  g_autoptr(GStrvBuilder) b = NULL;
  gboolean bias;

  if (mode == GRAFT_QUANT_NONE ||
      !(embedding || g_strcmp0 (class_name, "Dense") == 0 || g_strcmp0 (class_name, "EinsumDense") == 0))
    return NULL;
  b = g_strv_builder_new ();
  if (embedding)
    bias = FALSE;
  else if (g_strcmp0 (class_name, "EinsumDense") == 0)
    /* bias_axes null: no bias. Attention's own EinsumDense layers have no
     * config beyond their policy, and a bias (use_bias is on by default). */
    bias = layer_config == NULL || !json_object_has_member (layer_config, "bias_axes") ||
           JSON_NODE_HOLDS_VALUE (json_object_get_member (layer_config, "bias_axes"));
  else
    bias = graft_config_get_bool (layer_config, "use_bias", TRUE);
  g_strv_builder_add (b, w);
  if (bias)
    g_strv_builder_add (b, "bias");
  if (mode == GRAFT_QUANT_FLOAT8)
    {
      static const char *const f8[] = { "inputs_scale", "inputs_amax_history", "kernel_scale",
                                        "kernel_amax_history", "outputs_grad_scale",
                                        "outputs_grad_amax_history", NULL };

      g_strv_builder_addv (b, (const char **) f8);
      return g_strv_builder_end (b);
    }
  g_strv_builder_add (b, embedding ? "embeddings_scale" : "kernel_scale");
  if (mode == GRAFT_QUANT_INT4 && block > 0)
    {
      g_strv_builder_add (b, embedding ? "embeddings_zero" : "kernel_zero");
      g_strv_builder_add (b, "g_idx");
    }
  return g_strv_builder_end (b);
}

/* ---- real values --------------------------------------------------------- */

typedef struct
{
  GraftTensor   *q;        /* stored: int8, or int4 packed along the last axis */
  GraftTensor   *scale;
  GraftTensor   *zero;     /* grouped int4, or NULL */
  GraftTensor   *g_idx;    /* grouped int4, or NULL */
  GraftQuantMode mode;
  gboolean       embedding;
  gsize          rows, cols;  /* the real matrix */
  guint          scale_axis;  /* EinsumDense int8: the real values' axes to index the scale with */
  gsize          scale_index_stride[GRAFT_MAX_RANK];
  guint          rank;
  gsize          shape[GRAFT_MAX_RANK];
} GraftQuantSource;

/* Signed nibble u (0…15) of a packed int4 byte. */
static inline int
graft_quant_nibble (gint8 byte,
                    guint high)
{
  guint u = high ? ((guint8) byte >> 4) & 0xf : (guint8) byte & 0xf;

  return (int) (u ^ 8) - 8;
}

static gboolean
graft_quant_compute (GraftQuantSource *src,
                     float            *out,
                     GError          **error)
{
  g_autofree float *scale = graft_tensor_dup_float (src->scale, error);
  g_autofree float *zero = NULL;
  g_autofree float *g_idx = NULL;
  const gint8 *q;
  gsize packed_cols;

  if (scale == NULL)
    return FALSE;
  if (src->zero != NULL && ((zero = graft_tensor_dup_float (src->zero, error)) == NULL ||
                            (g_idx = graft_tensor_dup_float (src->g_idx, error)) == NULL))
    return FALSE;
  q = graft_tensor_get_data (src->q, error);
  if (q == NULL)
    return FALSE;
  packed_cols = graft_tensor_get_dim (src->q, graft_tensor_get_rank (src->q) - 1);

  for (gsize r = 0; r < src->rows; r++)
    for (gsize c = 0; c < src->cols; c++)
      {
        float v;
        gsize i = r * src->cols + c;

        if (src->mode == GRAFT_QUANT_INT4)
          v = (float) graft_quant_nibble (q[r * packed_cols + c / 2], c & 1);
        else
          v = (float) q[i];
        if (zero != NULL)
          {
            /* Grouped int4: Dense groups rows, Embedding groups columns. */
            gsize n_groups = graft_tensor_get_dim (src->scale, src->embedding ? 1 : 0);
            gsize g = (gsize) g_idx[src->embedding ? c : r];
            gsize k = src->embedding ? r * n_groups + g : g * src->cols + c;

            out[i] = (v - zero[k]) * scale[k];
          }
        else if (src->embedding)
          out[i] = v / scale[r];
        else if (src->scale_axis != G_MAXUINT)
          {
            /* EinsumDense int8: the scale along the kernel's output axes. */
            gsize k = 0, rest = i;

            for (guint a = src->rank; a-- > 0;)
              {
                gsize idx = rest % src->shape[a];

                rest /= src->shape[a];
                k += idx * src->scale_index_stride[a];
              }
            out[i] = v / scale[k];
          }
        else
          out[i] = v / scale[c];
      }
  return TRUE;
}

static gboolean
graft_quant_read (gpointer      source,
                  const gsize  *start,
                  const gsize  *count,
                  void         *dest,
                  GError      **error)
{
  GraftQuantSource *src = source;
  g_autofree float *all = NULL;
  gsize n = 1, strides[GRAFT_MAX_RANK], idx[GRAFT_MAX_RANK] = { 0 };
  float *out = dest;

  if (!graft_tensor_get_data (src->q, error))
    return FALSE;
  all = g_new (float, src->rows * src->cols);
  if (!graft_quant_compute (src, all, error))
    return FALSE;
  strides[src->rank - 1] = 1;
  for (guint a = src->rank - 1; a > 0; a--)
    strides[a - 1] = strides[a] * src->shape[a];
  for (guint a = 0; a < src->rank; a++)
    n *= count[a];
  for (gsize k = 0; k < n; k++)
    {
      gsize off = 0;

      for (guint a = 0; a < src->rank; a++)
        off += (start[a] + idx[a]) * strides[a];
      out[k] = all[off];
      for (guint a = src->rank; a > 0; a--)
        {
          if (++idx[a - 1] < count[a - 1])
            break;
          idx[a - 1] = 0;
        }
    }
  return TRUE;
}

static void
graft_quant_free (gpointer source)
{
  GraftQuantSource *src = source;

  graft_tensor_unref (src->q);
  graft_tensor_unref (src->scale);
  g_clear_pointer (&src->zero, graft_tensor_unref);
  g_clear_pointer (&src->g_idx, graft_tensor_unref);
  g_free (src);
}

static const GraftTensorSourceFuncs graft_quant_funcs = { graft_quant_read, NULL, graft_quant_free };

/* The real number of columns of a packed int4 Dense or Embedding: its
 * units or output_dim. */
static gsize
graft_quant_real_cols (JsonObject *config,
                       gboolean    embedding,
                       gsize       packed)
{
  const char *key = embedding ? "output_dim" : "units";

  if (config != NULL && json_object_has_member (config, key) &&
      JSON_NODE_HOLDS_VALUE (json_object_get_member (config, key)))
    return (gsize) json_object_get_int_member (config, key);
  return packed * 2;
}

/* float8: the kernel is stored in float32; the layer computes with
 * e4m3(clip(kernel / kernel_scale, ±448)) · kernel_scale. */
static void
graft_quant_attach_float8 (GraftLayer *layer)
{
  GraftWeight *kw = graft_layer_find_weight (layer, "kernel");
  GraftWeight *sw = graft_layer_find_weight (layer, "kernel_scale");
  g_autofree float *scale = NULL;
  float *values;
  GraftTensor *k;

  if (kw == NULL || sw == NULL || graft_tensor_get_n_elements (graft_weight_get_tensor (sw)) != 1)
    return;
  k = graft_weight_get_tensor (kw);
  scale = graft_tensor_dup_float (graft_weight_get_tensor (sw), NULL);
  values = scale ? graft_tensor_dup_float (k, NULL) : NULL;
  if (values == NULL)
    return;
  for (gsize i = 0; i < graft_tensor_get_n_elements (k); i++)
    {
      float v = fminf (fmaxf (values[i] / scale[0], -448.0f), 448.0f);

      values[i] = graft_float8_e4m3_to_float (graft_float_to_float8_e4m3 (v)) * scale[0];
    }
  graft_weight_set_values (kw, graft_tensor_new_take (GRAFT_DTYPE_FLOAT32, graft_tensor_get_rank (k),
                                                      graft_tensor_get_shape (k), values),
                           "float8 (e4m3), one scale for the kernel");
}

/* The real shape of an int4 EinsumDense kernel flattened to rows × cols:
 * attention's projections from its head counts, a standalone layer's from
 * its output_shape when one axis is contracted; else rows × cols. */
static guint
graft_quant_einsum_shape (GraftLayer *layer,
                          gsize       rows,
                          gsize       cols,
                          gsize      *shape)
{
  GraftLayer *parent = graft_layer_get_parent (layer);
  JsonObject *mha = parent ? graft_layer_get_config (parent) : NULL;
  const char *name = graft_layer_get_name (layer);

  shape[0] = rows;
  shape[1] = cols;
  if (mha != NULL && g_strcmp0 (graft_layer_get_class_name (parent), "MultiHeadAttention") == 0)
    {
      gint64 heads = graft_config_get_int (mha, "num_heads", 0);
      gint64 key_dim = graft_config_get_int (mha, "key_dim", 0);
      gint64 value_dim = graft_config_get_int (mha, "value_dim", key_dim);
      gint64 dim = g_str_equal (name, "value") || g_str_equal (name, "attention_output") ? value_dim : key_dim;

      if (heads <= 0 || dim <= 0)
        return 2;
      if (g_str_equal (name, "attention_output") && rows == (gsize) (heads * dim))
        {
          shape[0] = heads, shape[1] = dim, shape[2] = cols;
          return 3;
        }
      if (!g_str_equal (name, "attention_output") && cols == (gsize) (heads * dim))
        {
          shape[0] = rows, shape[1] = heads, shape[2] = dim;
          return 3;
        }
    }
  return 2;
}

static void
graft_quant_attach_layer (GraftLayer *layer)
{
  JsonObject *config = graft_layer_get_config (layer);
  const char *klass = graft_layer_get_class_name (layer);
  gint block = -1;
  GraftQuantMode mode = graft_keras_quant_mode (config, &block);
  gboolean embedding = g_strcmp0 (klass, "Embedding") == 0;
  const char *w = embedding ? "embeddings" : "kernel";
  g_autofree char *scale_name = g_strconcat (w, "_scale", NULL);
  g_autofree char *zero_name = g_strconcat (w, "_zero", NULL);
  g_autofree char *label = NULL;
  GraftWeight *kw, *sw, *zw = NULL, *gw = NULL;
  GraftQuantSource *src;
  GraftTensor *q;
  gsize shape[GRAFT_MAX_RANK];
  guint rank;

  if (mode == GRAFT_QUANT_FLOAT8)
    {
      graft_quant_attach_float8 (layer);
      return;
    }
  if ((mode != GRAFT_QUANT_INT8 && mode != GRAFT_QUANT_INT4) ||
      (kw = graft_layer_find_weight (layer, w)) == NULL || (sw = graft_layer_find_weight (layer, scale_name)) == NULL)
    return;
  q = graft_weight_get_tensor (kw);
  if (graft_tensor_get_dtype (q) != GRAFT_DTYPE_INT8 || graft_tensor_get_rank (q) < 2)
    return;
  rank = graft_tensor_get_rank (q);
  memcpy (shape, graft_tensor_get_shape (q), rank * sizeof (gsize));
  src = g_new0 (GraftQuantSource, 1);
  src->mode = mode;
  src->embedding = embedding;
  src->scale_axis = G_MAXUINT;
  if (mode == GRAFT_QUANT_INT4)
    {
      gboolean einsum = g_strcmp0 (klass, "EinsumDense") == 0;
      GraftTensor *s = graft_weight_get_tensor (sw);

      if (rank != 2)
        {
          g_free (src);
          return;
        }
      /* Packed two per byte along the last axis. An EinsumDense kernel was
       * flattened to (contracted, other axes) first: its column count is
       * its scales', its shape comes back from the layer's config. */
      shape[1] = einsum ? graft_tensor_get_dim (s, graft_tensor_get_rank (s) - 1)
                        : graft_quant_real_cols (config, embedding, shape[1]);
      if ((shape[1] + 1) / 2 != graft_tensor_get_dim (q, 1))
        {
          g_free (src);
          return;
        }
      if (block > 0)
        {
          zw = graft_layer_find_weight (layer, zero_name);
          gw = graft_layer_find_weight (layer, "g_idx");
          if (zw == NULL || gw == NULL)
            {
              g_free (src);
              return;
            }
        }
      src->rows = shape[0];
      src->cols = shape[1];
      if (einsum)
        rank = graft_quant_einsum_shape (layer, shape[0], shape[1], shape);
    }
  src->rank = rank;
  memcpy (src->shape, shape, rank * sizeof (gsize));
  if (mode != GRAFT_QUANT_INT4)
    {
      src->cols = shape[rank - 1];
      src->rows = graft_tensor_get_n_elements (q) / graft_tensor_get_dim (q, rank - 1);
    }
  if (mode == GRAFT_QUANT_INT8 && !embedding && rank > 2)
    {
      /* EinsumDense: the scale's trailing axes are the kernel's output axes
       * (size 1 elsewhere); match them from the end. */
      GraftTensor *s = graft_weight_get_tensor (sw);
      guint srank = graft_tensor_get_rank (s);
      gsize stride = 1;

      src->scale_axis = 0;
      for (guint a = rank; a-- > 0;)
        {
          guint sa = srank - (rank - a);
          gboolean out_axis = a > 0 && sa < srank && graft_tensor_get_dim (s, sa) == shape[a] &&
                              shape[a] > 1;

          src->scale_index_stride[a] = out_axis ? stride : 0;
          if (out_axis)
            stride *= shape[a];
        }
    }
  src->q = graft_tensor_ref (q);
  src->scale = graft_tensor_ref (graft_weight_get_tensor (sw));
  src->zero = zw ? graft_tensor_ref (graft_weight_get_tensor (zw)) : NULL;
  src->g_idx = gw ? graft_tensor_ref (graft_weight_get_tensor (gw)) : NULL;
  if (mode == GRAFT_QUANT_INT8)
    label = g_strdup (embedding ? "int8, per row" : "int8, per output channel");
  else if (block > 0)
    label = g_strdup_printf ("int4, groups of %d, packed two per byte", block);
  else
    label = g_strdup ("int4, per output channel, packed two per byte");
  graft_weight_set_values (kw, graft_tensor_new_lazy (GRAFT_DTYPE_FLOAT32, rank, shape,
                                                      &graft_quant_funcs, src), label);
}

static void
graft_quant_walk (GraftLayer *layer)
{
  graft_quant_attach_layer (layer);
  for (guint i = 0; i < graft_layer_get_n_children (layer); i++)
    graft_quant_walk (graft_layer_get_child (layer, i));
}

/**
 * graft_keras_quant_attach_weight:
 *
 * Gives @weight's layer's stored kernel its real values again, after a
 * tensor of that layer changed (a transfer, an undo).
 */
void
graft_keras_quant_attach_weight (GraftWeight *weight)
{
  GraftLayer *layer = graft_weight_get_layer (weight);

  if (layer != NULL)
    graft_quant_attach_layer (layer);
}

/**
 * graft_keras_quant_attach:
 *
 * Gives every stored int8 and int4 kernel and embedding of @model its real
 * values (graft_weight_get_values()).
 */
void
graft_keras_quant_attach (GraftModel *model)
{
  graft_quant_walk (graft_model_get_root (model));
}
