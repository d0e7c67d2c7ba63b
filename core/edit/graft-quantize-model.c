/* graft-quantize-model.c: a float model as Keras's model.quantize() leaves it
 *
 * model.quantize("int8" | "int4") quantizes every Dense, EinsumDense and
 * Embedding layer, nested models' included, and attention through its
 * four EinsumDense projections; every other layer stays as it is. The
 * result here is a new model in memory: the same layer tree, whose
 * quantized layers hold the variables Keras saves for them
 * (graft-quantize-layer.c) and whose config gives those layers their
 * quantized dtype policy and quantization config, and each attention
 * layer the DTypePolicyMap Keras needs to rebuild it quantized
 * (graft-keras-quant-policy.c). Every other tensor is shared with the
 * float model, which the result keeps alive. Writing it in a Keras 3
 * format (graft_convert_save_full()) gives the checkpoint Keras writes
 * after quantize().
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-quantize"

#include "config.h"

#include "graft-quantize.h"

#include "graft-error.h"
#include "graft-keras-class.h"
#include "graft-keras-config.h"
#include "graft-model-private.h"
#include "graft-tensor.h"

/* One quantized layer: its variables in Keras's order, and its config. */
typedef struct
{
  GPtrArray  *names;     /* of char * */
  GPtrArray  *tensors;   /* of GraftTensor * */
  JsonObject *config;
} GraftQuantizeModelLayer;

typedef struct
{
  GraftModel     *model;    /* the float model */
  GraftQuantMode  mode;
  gint            block_size;
  GHashTable     *done;     /* layer path → GraftQuantizeModelLayer */
} GraftQuantizeModelBuild;

static void
graft_quantize_model_layer_free (GraftQuantizeModelLayer *ql)
{
  g_ptr_array_unref (ql->names);
  g_ptr_array_unref (ql->tensors);
  json_object_unref (ql->config);
  g_free (ql);
}

static gboolean
graft_quantize_model_is_quantizable (const char *class_name)
{
  return g_strcmp0 (class_name, "Dense") == 0 || g_strcmp0 (class_name, "EinsumDense") == 0 ||
         g_strcmp0 (class_name, "Embedding") == 0;
}

/* The rank of a build_config shape ("input_shape", or a shapes_dict
 * member), or @fallback. */
static guint
graft_quantize_model_shape_rank (JsonObject *entry,
                                 const char *key,
                                 guint       fallback)
{
  JsonObject *build = graft_config_get_object (entry, "build_config");
  JsonObject *shapes = graft_config_get_object (build, "shapes_dict");
  JsonObject *holder = shapes && json_object_has_member (shapes, key) ? shapes : build;
  JsonNode *shape = holder ? json_object_get_member (holder, key) : NULL;

  if (shape == NULL || !JSON_NODE_HOLDS_ARRAY (shape))
    return fallback;
  return json_array_get_length (json_node_get_array (shape));
}

/* Quantizes the layer at @path of the float model into build->done. */
static gboolean
graft_quantize_model_one (GraftQuantizeModelBuild      *build,
                          const char                   *path,
                          const GraftQuantizeLayerSpec *spec,
                          JsonObject                   *config,
                          GError                      **error)
{
  GraftLayer *layer = graft_model_find_layer (build->model, path);
  GraftQuantizeModelLayer *ql;

  if (layer == NULL)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_NOT_FOUND,
                   "layer '%s' (%s) of the config has no weights in the file", path, spec->class_name);
      return FALSE;
    }
  ql = g_new0 (GraftQuantizeModelLayer, 1);
  ql->names = g_ptr_array_new_with_free_func (g_free);
  ql->tensors = g_ptr_array_new_with_free_func ((GDestroyNotify) graft_tensor_unref);
  ql->config = json_object_ref (config);
  g_hash_table_insert (build->done, g_strdup (path), ql);
  return graft_quantize_layer (layer, spec, ql->names, ql->tensors, error);
}

/* Attention's projection equations, built as MultiHeadAttention builds
 * them: the input's free axes, then @bound contracted ones, then the
 * kernel's output axes. */
static char *
graft_quantize_model_proj_equation (guint free_dims,
                                    guint bound,
                                    guint output)
{
  static const char letters[] = "abcdefghijklmnopqrstuvwxyz";
  g_autoptr(GString) eq = g_string_new (NULL);

  g_assert (free_dims + bound + output < sizeof letters);
  g_string_append_len (eq, letters, free_dims + bound);
  g_string_append_c (eq, ',');
  g_string_append_len (eq, letters + free_dims, bound + output);
  g_string_append (eq, "->");
  g_string_append_len (eq, letters, free_dims);
  g_string_append_len (eq, letters + free_dims + bound, output);
  return g_string_free (g_steal_pointer (&eq), FALSE);
}

/* A MultiHeadAttention: its four projections, and a DTypePolicyMap. */
static gboolean
graft_quantize_model_attention (GraftQuantizeModelBuild *build,
                                JsonObject              *entry,
                                const char              *path,
                                const GraftKerasClass   *klass,
                                GError                 **error)
{
  JsonObject *config = graft_config_entry_config (entry);
  const char *name = graft_config_entry_name (entry);
  g_autofree char *source = g_strdup (graft_keras_quant_source_policy (config));
  JsonObject *map = json_object_new ();
  guint query_rank = graft_quantize_model_shape_rank (entry, "query_shape", 3);
  guint value_rank = graft_quantize_model_shape_rank (entry, "value_shape", query_rank);

  for (guint i = 0; klass->sublayers[i].attribute != NULL; i++)
    {
      const GraftKerasSublayer *sl = &klass->sublayers[i];
      g_autofree char *sub_path = g_strconcat (path, "/", sl->name, NULL);
      g_autofree char *key = g_strconcat (name, "/", sl->name, NULL);
      g_autofree char *equation = NULL;
      GraftLayer *layer = graft_model_find_layer (build->model, sub_path);
      GraftWeight *kernel = layer ? graft_layer_find_weight (layer, "kernel") : NULL;
      g_autoptr(JsonObject) sub_config = json_object_new ();
      GraftQuantizeLayerSpec spec = { sl->class_name, NULL, 0, build->mode, build->block_size };
      gboolean output = g_str_equal (sl->name, "attention_output");
      guint bound = output ? 2 : 1, input_rank;

      if (g_strcmp0 (sl->class_name, "EinsumDense") != 0)
        continue;
      if (kernel == NULL || graft_tensor_get_rank (graft_weight_get_tensor (kernel)) <= bound)
        {
          g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_NOT_FOUND,
                       "layer '%s' (MultiHeadAttention) has no %s kernel of more than %u axes",
                       path, sl->name, bound);
          json_object_unref (map);
          return FALSE;
        }
      input_rank = g_str_equal (sl->name, "key") ? graft_quantize_model_shape_rank (entry, "key_shape", value_rank)
                 : g_str_equal (sl->name, "value") ? value_rank : query_rank;
      equation = graft_quantize_model_proj_equation (input_rank - 1, bound,
                                                     graft_tensor_get_rank (graft_weight_get_tensor (kernel)) - bound);
      spec.equation = equation;
      json_object_set_member (map, key, graft_keras_quant_policy_new (build->mode, build->block_size, source));
      json_object_set_member (sub_config, "dtype", graft_keras_quant_policy_new (build->mode, build->block_size, source));
      if (!graft_quantize_model_one (build, sub_path, &spec, sub_config, error))
        {
          json_object_unref (map);
          return FALSE;
        }
    }
  json_object_set_member (config, "dtype", graft_keras_quant_policy_map_new (source, map));
  return TRUE;
}

static gboolean graft_quantize_model_list (GraftQuantizeModelBuild *build,
                                           JsonObject              *model_entry,
                                           const char              *prefix,
                                           GError                 **error);

static gboolean
graft_quantize_model_entry (GraftQuantizeModelBuild *build,
                            JsonObject              *entry,
                            const char              *prefix,
                            GError                 **error)
{
  const char *class_name = graft_config_entry_class (entry);
  const char *name = graft_config_entry_name (entry);
  JsonObject *config = graft_config_entry_config (entry);
  const GraftKerasClass *klass = graft_keras_class_lookup (class_name);
  g_autofree char *path = NULL;

  if (name == NULL || config == NULL)
    return TRUE;
  path = prefix[0] ? g_strconcat (prefix, "/", name, NULL) : g_strdup (name);
  if (graft_keras_quant_mode (config, NULL) != GRAFT_QUANT_NONE ||
      graft_keras_quant_map_mode (config) != GRAFT_QUANT_NONE)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED,
                   "layer '%s' (%s) is quantized already", path, class_name);
      return FALSE;
    }
  if (graft_keras_class_is_model (class_name, entry))
    return graft_quantize_model_list (build, entry, path, error);
  if (graft_quantize_model_is_quantizable (class_name))
    {
      GraftQuantizeLayerSpec spec = { class_name, graft_config_get_string (config, "equation", NULL),
                                      graft_quantize_model_shape_rank (entry, "input_shape", 0),
                                      build->mode, build->block_size };
      g_autofree char *source = g_strdup (graft_keras_quant_source_policy (config));

      if (g_str_equal (class_name, "EinsumDense") && spec.equation == NULL)
        {
          g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_INVALID,
                       "layer '%s' (EinsumDense) has no equation in its config", path);
          return FALSE;
        }
      if (!graft_quantize_model_one (build, path, &spec, config, error))
        return FALSE;
      json_object_set_member (config, "dtype", graft_keras_quant_policy_new (build->mode, build->block_size, source));
      json_object_set_member (config, "quantization_config",
                              graft_keras_quant_config_new (build->mode, build->block_size));
      return TRUE;
    }
  if (klass != NULL && klass->sublayers != NULL && g_str_equal (class_name, "MultiHeadAttention"))
    return graft_quantize_model_attention (build, entry, path, klass, error);
  /* Keras would quantize a Dense inside a wrapper too; Graft does not
   * write such a wrapper's config, so it says so rather than diverge. */
  for (guint i = 0; klass != NULL && klass->children != NULL && klass->children[i].config_key != NULL; i++)
    {
      JsonObject *child = graft_config_get_object (config, klass->children[i].config_key);

      if (child != NULL && graft_quantize_model_is_quantizable (graft_config_entry_class (child)))
        {
          g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED,
                       "layer '%s' (%s) wraps a %s, which Keras would quantize; Graft does not "
                       "quantize wrapped layers", path, class_name, graft_config_entry_class (child));
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
graft_quantize_model_list (GraftQuantizeModelBuild *build,
                           JsonObject              *model_entry,
                           const char              *prefix,
                           GError                 **error)
{
  JsonArray *layers = graft_config_layers (model_entry);

  for (guint i = 0; layers != NULL && i < json_array_get_length (layers); i++)
    {
      JsonNode *node = json_array_get_element (layers, i);

      if (JSON_NODE_HOLDS_OBJECT (node) &&
          !graft_quantize_model_entry (build, json_node_get_object (node), prefix, error))
        return FALSE;
    }
  return TRUE;
}

/* @dst becomes @src, with the variables of quantized layers replaced. */
static void
graft_quantize_model_mirror (GraftQuantizeModelBuild *build,
                             GraftModel              *out,
                             GraftLayer              *src,
                             GraftLayer              *dst)
{
  GraftQuantizeModelLayer *ql = g_hash_table_lookup (build->done, graft_layer_get_path (src));

  graft_layer_set_class_name (dst, graft_layer_get_class_name (src));
  graft_layer_set_config (dst, ql ? ql->config : graft_layer_get_config (src));
  if (ql != NULL)
    for (guint i = 0; i < ql->names->len; i++)
      {
        const char *name = g_ptr_array_index (ql->names, i);
        GraftWeight *was = graft_layer_find_weight (src, name);

        /* Scales, zero points and the group index are state. */
        graft_model_add_weight (out, dst, name, NULL, graft_tensor_ref (g_ptr_array_index (ql->tensors, i)),
                                was ? graft_weight_get_trainable (was) : GRAFT_TRAINABLE_NO);
      }
  else
    for (guint i = 0; i < graft_layer_get_n_weights (src); i++)
      {
        GraftWeight *w = graft_layer_get_weight (src, i);
        GraftWeight *copy = graft_model_add_weight (out, dst, graft_weight_get_name (w), NULL,
                                                    graft_tensor_ref (graft_weight_get_tensor (w)),
                                                    graft_weight_get_trainable (w));

        if (graft_weight_get_tied_to (w) != NULL)
          graft_weight_set_tied_to (copy, graft_weight_get_tied_to (w));
      }
  for (guint i = 0; i < graft_layer_get_n_children (src); i++)
    {
      GraftLayer *child = graft_layer_get_child (src, i);

      graft_quantize_model_mirror (build, out, child, graft_layer_ensure_child (dst, graft_layer_get_name (child)));
    }
}

/**
 * graft_quantize_model:
 * @model: a float model
 * @config: (nullable): its architecture, when @model's file has none;
 *   %NULL for @model's own
 * @mode: %GRAFT_QUANT_INT8 or %GRAFT_QUANT_INT4
 * @block_size: int4's group size (Keras's default is 128), -1 for one
 *   symmetric scale per output channel; ignored for int8
 * @n_layers: (out) (optional): how many layers were quantized
 *
 * Quantizes @model as Keras's model.quantize(@mode) does, into a new model
 * that lives in memory (its format is unknown, its config the quantized
 * one) and shares every other tensor with @model.
 *
 * Returns: (transfer full): the quantized model, or %NULL with @error set
 *   (naming the file, layer, weight and shape) when @model has no config,
 *   nothing to quantize, a layer quantized already or one Graft cannot
 *   quantize as Keras would
 */
GraftModel *
graft_quantize_model (GraftModel     *model,
                      JsonNode       *config,
                      GraftQuantMode  mode,
                      gint            block_size,
                      guint          *n_layers,
                      GError        **error)
{
  g_autoptr(GHashTable) done = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                      (GDestroyNotify) graft_quantize_model_layer_free);
  GraftQuantizeModelBuild build = { model, mode, mode == GRAFT_QUANT_INT4 ? block_size : 0, done };
  g_autoptr(JsonNode) copy = NULL;
  GraftModel *out;

  g_return_val_if_fail (model != NULL, NULL);
  g_return_val_if_fail (mode == GRAFT_QUANT_INT8 || mode == GRAFT_QUANT_INT4, NULL);

  if (mode == GRAFT_QUANT_INT4 && (block_size == 0 || block_size < -1))
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_INVALID,
                   "%s: int4 block size %d: expected a positive group size or -1 (per channel)",
                   graft_model_get_filename (model), block_size);
      return NULL;
    }
  if (config == NULL)
    config = graft_model_get_config (model);
  if (config == NULL || !JSON_NODE_HOLDS_OBJECT (config) ||
      graft_config_layers (json_node_get_object (config)) == NULL)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_NO_ARCHITECTURE,
                   "%s: quantizing needs the model config with its layer list (which layers are "
                   "Dense, EinsumDense or Embedding), and the file has none", graft_model_get_filename (model));
      return NULL;
    }
  copy = graft_config_dup (config);
  if (!graft_quantize_model_list (&build, json_node_get_object (copy), "", error))
    {
      g_prefix_error (error, "%s: ", graft_model_get_filename (model));
      return NULL;
    }
  if (g_hash_table_size (done) == 0)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED,
                   "%s: no Dense, EinsumDense or Embedding layer to quantize", graft_model_get_filename (model));
      return NULL;
    }

  out = graft_model_new (graft_model_get_filename (model), GRAFT_FORMAT_UNKNOWN);
  graft_model_set_versions (out, graft_model_get_keras_version (model), graft_model_get_backend (model));
  graft_model_take_config (out, g_steal_pointer (&copy));
  graft_model_keep_data (out, graft_model_ref (model), (GDestroyNotify) graft_model_unref);
  graft_quantize_model_mirror (&build, out, graft_model_get_root (model), graft_model_get_root (out));
  graft_model_finish (out);
  graft_keras_quant_attach (out);
  if (n_layers != NULL)
    *n_layers = g_hash_table_size (done);
  return out;
}
