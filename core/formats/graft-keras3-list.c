/* graft-keras3-list.c: a model's layer list as Keras 3 files name it
 *
 * A Keras 3 file keeps a model's layers in the group layers/, one member
 * per entry of model.layers, named after the layer's class in snake_case:
 * dense, dense_1, … in list order. A Sequential model's list leaves out
 * its InputLayer, and every model's list leaves out raw operations on
 * tensors (x + 3.0 in MobileNetV3), which have a config entry but are no
 * layers. The reader, the converter and the writer all name the list this
 * way, through this one function.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-keras3-list"

#include "config.h"

#include "graft-keras3-list.h"

#include "graft-keras-class.h"
#include "graft-keras-config.h"

static void
graft_keras3_item_clear (gpointer data)
{
  GraftKeras3Item *item = data;

  g_free (item->key);
}

/* Keras writes "trainable" and "dtype" into the config of every layer it
 * saves. */
static gboolean
graft_keras3_list_has_layer_keys (JsonObject *entry)
{
  JsonObject *config = graft_config_entry_config (entry);

  return config != NULL &&
         (json_object_has_member (config, "trainable") || json_object_has_member (config, "dtype"));
}

/* A raw operation: Keras 3 names its module (keras.src.ops.numpy); an
 * older file, or a config translated from one, only leaves out the keys
 * every layer of the list has. Nested
 * models have neither key either, and a model spec written by hand may
 * leave them out everywhere. */
static gboolean
graft_keras3_list_is_operation (JsonObject *entry,
                                const char *class_name,
                                gboolean    keras_written)
{
  const char *module = json_object_get_string_member_with_default (entry, "module", NULL);

  if (module != NULL &&
      (g_str_has_prefix (module, "keras.src.ops") || g_str_has_prefix (module, "keras.ops")))
    return TRUE;
  return keras_written && !g_str_equal (class_name, "InputLayer") &&
         !graft_keras_class_is_model (class_name, entry) &&
         !graft_keras3_list_has_layer_keys (entry);
}

/**
 * graft_keras3_list_new:
 * @model_entry: a model's config entry
 *
 * Returns: (transfer full) (element-type GraftKeras3Item): the entries of
 *   @model_entry's layer list that a Keras 3 file holds, in order, each
 *   with its group name; empty when the entry has no layer list
 */
GArray *
graft_keras3_list_new (JsonObject *model_entry)
{
  JsonArray *layers = graft_config_layers (model_entry);
  g_autoptr(GHashTable) counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gboolean sequential = g_strcmp0 (graft_config_entry_class (model_entry), "Sequential") == 0;
  GArray *items = g_array_new (FALSE, TRUE, sizeof (GraftKeras3Item));
  gboolean keras_written = FALSE;

  g_array_set_clear_func (items, graft_keras3_item_clear);
  for (guint i = 0; layers != NULL && i < json_array_get_length (layers); i++)
    {
      JsonNode *node = json_array_get_element (layers, i);

      if (JSON_NODE_HOLDS_OBJECT (node) &&
          graft_keras3_list_has_layer_keys (json_node_get_object (node)))
        keras_written = TRUE;
    }
  for (guint i = 0; layers != NULL && i < json_array_get_length (layers); i++)
    {
      JsonNode *node = json_array_get_element (layers, i);
      GraftKeras3Item item = { 0 };
      const char *class_name;
      g_autofree char *snake = NULL;
      guint n;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      item.entry = json_node_get_object (node);
      class_name = graft_config_entry_class (item.entry);
      if (class_name == NULL)
        continue;
      if (sequential && g_str_equal (class_name, "InputLayer"))
        continue;
      if (graft_keras3_list_is_operation (item.entry, class_name, keras_written))
        continue;
      snake = graft_keras_snake_case (class_name);
      n = GPOINTER_TO_UINT (g_hash_table_lookup (counts, snake));
      item.key = n == 0 ? g_strdup (snake) : g_strdup_printf ("%s_%u", snake, n);
      item.position = i;
      g_hash_table_replace (counts, g_steal_pointer (&snake), GUINT_TO_POINTER (n + 1));
      g_array_append_val (items, item);
    }
  return items;
}
