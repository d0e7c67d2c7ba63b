/* graft-convert-legacy.c: writing the legacy layout (layer_names and
 * weight_names) from a conversion plan, and translating model configs
 * between the legacy and the Keras 3 serializations
 *
 * The legacy serialization is the Keras 3 one without the object-level
 * keys "module", "registered_name" and "build_config" on layers (a custom
 * layer keeps its registered name as its class name), without the
 * unstable "shared_object_id"s, and without "compile_config" (the
 * training_config of a legacy file is not written: conversion drops the
 * optimizer).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-convert"

#include "config.h"

#include "graft-convert-private.h"

#include <string.h>

#include "graft-error.h"
#include "graft-keras.h"
#include "graft-model.h"

static gboolean
graft_convert_legacy_is_layer_key (const char *key)
{
  return g_str_equal (key, "layer") || g_str_equal (key, "forward_layer") ||
         g_str_equal (key, "backward_layer") || g_str_equal (key, "cell");
}

static JsonNode *graft_convert_legacy_node (JsonNode *node,
                                            gboolean  is_layer,
                                            gboolean  to_keras3);

static JsonNode *
graft_convert_legacy_object (JsonObject *object,
                             gboolean    is_layer,
                             gboolean    to_keras3)
{
  JsonObject *out = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(GList) members = json_object_get_members (object);
  const char *registered = NULL;

  if (is_layer && json_object_has_member (object, "registered_name") &&
      JSON_NODE_HOLDS_VALUE (json_object_get_member (object, "registered_name")))
    registered = json_object_get_string_member (object, "registered_name");

  if (is_layer && to_keras3 && json_object_has_member (object, "class_name") &&
      JSON_NODE_HOLDS_VALUE (json_object_get_member (object, "class_name")))
    {
      /* Legacy class names of custom layers are "package>Class". */
      const char *klass = json_object_get_string_member (object, "class_name");
      const char *gt = strchr (klass, '>');
      gboolean model = g_str_equal (klass, "Sequential") || g_str_equal (klass, "Functional");

      if (gt != NULL)
        json_object_set_null_member (out, "module");
      else
        json_object_set_string_member (out, "module", model ? (g_str_equal (klass, "Sequential")
                                                               ? "keras"
                                                               : "keras.src.models.functional")
                                                            : "keras.layers");
      json_object_set_string_member (out, "class_name", gt ? gt + 1 : klass);
      if (gt != NULL)
        json_object_set_string_member (out, "registered_name", klass);
      else
        json_object_set_null_member (out, "registered_name");
    }

  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *key = l->data;
      JsonNode *value = json_object_get_member (object, key);
      gboolean child_layer = FALSE;

      if (g_str_equal (key, "shared_object_id"))
        continue;
      if (is_layer && (g_str_equal (key, "module") || g_str_equal (key, "registered_name") ||
                       g_str_equal (key, "build_config") || g_str_equal (key, "compile_config")))
        continue;
      if (is_layer && to_keras3 && g_str_equal (key, "class_name"))
        continue;
      if (is_layer && !to_keras3 && g_str_equal (key, "class_name") && registered != NULL &&
          strchr (registered, '>') != NULL)
        {
          json_object_set_string_member (out, key, registered);
          continue;
        }
      /* Keras's legacy writer strips the entries of layer lists only: a
       * wrapped layer (Bidirectional's "layer") keeps its module. */
      if (to_keras3 && graft_convert_legacy_is_layer_key (key) && JSON_NODE_HOLDS_OBJECT (value) &&
          json_object_has_member (json_node_get_object (value), "class_name") &&
          !json_object_has_member (json_node_get_object (value), "module"))
        child_layer = TRUE;
      if (g_str_equal (key, "layers") && JSON_NODE_HOLDS_ARRAY (value))
        {
          JsonArray *in = json_node_get_array (value);
          JsonArray *arr = json_array_new ();

          for (guint i = 0; i < json_array_get_length (in); i++)
            json_array_add_element (arr, graft_convert_legacy_node (json_array_get_element (in, i),
                                                                    TRUE, to_keras3));
          json_object_set_array_member (out, key, arr);
          continue;
        }
      json_object_set_member (out, key, graft_convert_legacy_node (value, child_layer, to_keras3));
    }
  json_node_take_object (node, out);
  return node;
}

static JsonNode *
graft_convert_legacy_node (JsonNode *node,
                           gboolean  is_layer,
                           gboolean  to_keras3)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    return graft_convert_legacy_object (json_node_get_object (node), is_layer, to_keras3);
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *in = json_node_get_array (node);
      JsonArray *arr = json_array_new ();
      JsonNode *out = json_node_new (JSON_NODE_ARRAY);

      for (guint i = 0; i < json_array_get_length (in); i++)
        json_array_add_element (arr, graft_convert_legacy_node (json_array_get_element (in, i),
                                                                FALSE, to_keras3));
      json_node_take_array (out, arr);
      return out;
    }
  return json_node_copy (node);
}

static char *
graft_convert_legacy_to_string (JsonNode *node)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();

  json_generator_set_root (gen, node);
  return json_generator_to_data (gen, NULL);
}

/**
 * graft_convert_legacy_config:
 * @config: a model config in either serialization
 *
 * Returns: (transfer full): the JSON text of @config in the legacy
 *   serialization, as a legacy full-model file's @model_config holds it
 */
char *
graft_convert_legacy_config (JsonNode *config)
{
  g_autoptr(JsonNode) out = graft_convert_legacy_node (config, TRUE, FALSE);

  return graft_convert_legacy_to_string (out);
}

/**
 * graft_convert_keras_config:
 * @config: a model config in either serialization
 *
 * Returns: (transfer full): the JSON text of @config in the Keras 3
 *   serialization of a .keras archive's config.json, with an empty
 *   compile_config (the optimizer is not converted)
 */
char *
graft_convert_keras_config (JsonNode *config)
{
  g_autoptr(JsonNode) out = graft_convert_legacy_node (config, TRUE, TRUE);

  if (JSON_NODE_HOLDS_OBJECT (out))
    json_object_set_object_member (json_node_get_object (out), "compile_config", json_object_new ());
  return graft_convert_legacy_to_string (out);
}

/**
 * graft_convert_write_legacy:
 * @weights_root: "/" for a weights-only file, "/model_weights" for a full one
 *
 * Writes the legacy weights tree of @plan below @weights_root: @backend,
 * @keras_version and @layer_names on the root, then one group per layer
 * with its @weight_names (legacy order) and its datasets at
 * <layer>/<variable path>, and an empty top_level_model_weights.
 */
gboolean
graft_convert_write_legacy (GraftConvertPlan  *plan,
                            GraftModel        *model,
                            GraftH5Writer     *writer,
                            const char        *weights_root,
                            GError           **error)
{
  const char *backend = graft_model_get_backend (model);
  const char *version = graft_model_get_keras_version (model);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  const char *none[] = { NULL };

  /* A .keras archive records no backend; Keras 3's default is TensorFlow. */
  if (backend == NULL)
    backend = "tensorflow";
  if (version == NULL)
    version = GRAFT_KERAS_WRITE_VERSION;
  if (!graft_h5_writer_ensure_group (writer, weights_root, error) ||
      !graft_h5_writer_set_attr_string (writer, weights_root, "backend", backend, FALSE, error) ||
      !graft_h5_writer_set_attr_string (writer, weights_root, "keras_version", version, FALSE,
                                        error))
    return FALSE;
  for (guint i = 0; i < plan->layer_names->len; i++)
    g_ptr_array_add (names, g_ptr_array_index (plan->layer_names, i));
  g_ptr_array_add (names, NULL);
  if (!graft_h5_writer_set_attr_strings (writer, weights_root, "layer_names",
                                         (const char * const *) names->pdata, error))
    return FALSE;

  for (guint t = 0; t < plan->layer_names->len; t++)
    {
      const char *layer = g_ptr_array_index (plan->layer_names, t);
      g_autofree char *group = g_str_equal (weights_root, "/") ? g_strconcat ("/", layer, NULL)
                                                               : g_strconcat (weights_root, "/", layer, NULL);
      g_autoptr(GPtrArray) vars = graft_convert_plan_dup_legacy_vars (plan, t);
      g_autoptr(GPtrArray) weight_names = g_ptr_array_new ();

      if (!graft_h5_writer_ensure_group (writer, group, error))
        return FALSE;
      for (guint j = 0; j < vars->len; j++)
        {
          GraftConvertVar *var = g_ptr_array_index (vars, j);
          g_autofree char *location = g_strconcat (group, "/", var->var_path, NULL);

          if (graft_h5_writer_exists (writer, location))
            {
              g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED,
                           "layer '%s': two weights would both be called '%s'", layer,
                           var->var_path);
              return FALSE;
            }
          if (!graft_h5_writer_add_dataset (writer, location, graft_weight_get_tensor (var->weight),
                                            error))
            {
              g_prefix_error (error, "weight '%s': ", graft_weight_get_path (var->weight));
              return FALSE;
            }
          g_ptr_array_add (weight_names, var->var_path);
        }
      g_ptr_array_add (weight_names, NULL);
      if (!graft_h5_writer_set_attr_strings (writer, group, "weight_names",
                                             (const char * const *) weight_names->pdata, error))
        return FALSE;
    }

  {
    g_autofree char *top = g_str_equal (weights_root, "/")
                           ? g_strdup ("/top_level_model_weights")
                           : g_strconcat (weights_root, "/top_level_model_weights", NULL);

    if (!graft_h5_writer_ensure_group (writer, top, error) ||
        !graft_h5_writer_set_attr_strings (writer, top, "weight_names", none, error))
      return FALSE;
  }
  return TRUE;
}
