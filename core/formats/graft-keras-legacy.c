/* graft-keras-legacy.c: legacy HDF5 checkpoints (Keras 1, Keras 2, tf.keras
 * and Keras 3's legacy writer)
 *
 * The weights root (the file root, or model_weights in a full-model file)
 * lists its layers in @layer_names; each layer group lists its datasets in
 * @weight_names, whose entries are paths below the group ("dense_1/kernel:0",
 * "sequential/conv1/kernel", Keras 1's "dense_1_W"). Long lists are split
 * into layer_names0, layer_names1, ….
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-keras-legacy"

#include "config.h"

#include "graft-keras-private.h"

#include <string.h>

#include "graft-error.h"
#include "graft-tensor.h"

/* Reads @name, or its chunks name0, name1, … joined in order. */
static GStrv
graft_keras_legacy_read_names (GraftH5File  *file,
                               const char   *obj_path,
                               const char   *name,
                               GError      **error)
{
  g_autoptr(GStrvBuilder) all = NULL;

  if (graft_h5_has_attr (file, obj_path, name))
    return graft_h5_read_attr_strings (file, obj_path, name, error);

  all = g_strv_builder_new ();
  for (guint chunk = 0;; chunk++)
    {
      g_autofree char *chunk_name = g_strdup_printf ("%s%u", name, chunk);
      g_auto(GStrv) part = NULL;

      if (!graft_h5_has_attr (file, obj_path, chunk_name))
        {
          if (chunk == 0)
            {
              g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT,
                           "%s: '%s' has no attribute '%s'", graft_h5_file_get_name (file),
                           obj_path, name);
              return NULL;
            }
          break;
        }
      part = graft_h5_read_attr_strings (file, obj_path, chunk_name, error);
      if (part == NULL)
        return NULL;
      g_strv_builder_addv (all, (const char **) part);
    }
  return g_strv_builder_end (all);
}

/* "kernel:0" → "kernel"; tf.keras appends the output index of the op. */
static char *
graft_keras_legacy_strip_suffix (const char *name)
{
  const char *colon = strrchr (name, ':');

  if (colon != NULL && colon[1] != '\0' && strspn (colon + 1, "0123456789") == strlen (colon + 1))
    return g_strndup (name, colon - name);
  return g_strdup (name);
}

/* Splits a weight name into the sub-layer path below the layer and the
 * variable name. The name usually repeats the layer's own name, after any
 * model scope: "sequential/conv1/kernel" under conv1 → ["kernel"]. */
static GStrv
graft_keras_legacy_split (const char *layer_name,
                          const char *weight_name)
{
  g_autofree char *clean = graft_keras_legacy_strip_suffix (weight_name);
  g_auto(GStrv) parts = g_strsplit (clean, "/", -1);
  g_autoptr(GStrvBuilder) rel = g_strv_builder_new ();
  guint n = g_strv_length (parts);
  guint start = 0;

  if (n == 1)
    {
      /* Keras 1: "dense_1_W" → "W". */
      if (g_str_has_prefix (parts[0], layer_name) && parts[0][strlen (layer_name)] == '_' &&
          parts[0][strlen (layer_name) + 1] != '\0')
        g_strv_builder_add (rel, parts[0] + strlen (layer_name) + 1);
      else
        g_strv_builder_add (rel, parts[0]);
      return g_strv_builder_end (rel);
    }

  for (guint i = 0; i + 1 < n; i++)
    if (g_str_equal (parts[i], layer_name))
      {
        start = i + 1;
        break;
      }
  for (guint i = start; i < n; i++)
    if (parts[i][0] != '\0')
      g_strv_builder_add (rel, parts[i]);
  return g_strv_builder_end (rel);
}

static void
graft_keras_legacy_add_extra (GraftModel  *model,
                              GraftH5File *file,
                              const char  *group,
                              guint        depth)
{
  g_autoptr(GPtrArray) entries = NULL;

  if (depth > 32)
    return;
  entries = graft_h5_list (file, group, NULL);
  for (guint i = 0; entries != NULL && i < entries->len; i++)
    {
      GraftH5Entry *e = g_ptr_array_index (entries, i);
      g_autofree char *path = g_strconcat (group, "/", e->name, NULL);

      if (e->kind == GRAFT_H5_GROUP)
        graft_keras_legacy_add_extra (model, file, path, depth + 1);
      else if (e->kind == GRAFT_H5_DATASET)
        {
          GraftH5DatasetInfo info;

          if (graft_h5_dataset_info (file, path, &info, NULL))
            graft_model_add_extra_weight (model, path + 1, path, graft_h5_tensor_new (file, path, &info));
          graft_h5_dataset_info_clear (&info);
        }
    }
}

static gboolean
graft_keras_legacy_add_layer (GraftModel   *model,
                              GraftH5File  *file,
                              const char   *weights_root,
                              const char   *layer_name,
                              JsonObject   *entry,
                              GError      **error)
{
  g_autofree char *group = NULL;
  g_auto(GStrv) weight_names = NULL;
  GraftLayer *layer;
  gboolean frozen = entry != NULL && graft_config_is_frozen (entry);

  group = g_str_equal (weights_root, "/") ? g_strconcat ("/", layer_name, NULL)
                                          : g_strconcat (weights_root, "/", layer_name, NULL);
  if (!graft_h5_exists (file, group, NULL))
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT,
                   "%s: layer '%s' is listed in layer_names but has no group %s",
                   graft_h5_file_get_name (file), layer_name, group);
      return FALSE;
    }
  weight_names = graft_keras_legacy_read_names (file, group, "weight_names", error);
  if (weight_names == NULL)
    return FALSE;
  if (weight_names[0] == NULL)
    return TRUE;

  layer = graft_layer_ensure_child (graft_model_get_root (model), layer_name);
  graft_layer_set_location (layer, group);
  if (entry != NULL)
    {
      graft_layer_set_class_name (layer, graft_config_entry_class (entry));
      graft_layer_set_config (layer, graft_config_entry_config (entry));
    }

  for (guint i = 0; weight_names[i] != NULL; i++)
    {
      g_autofree char *location = g_strconcat (group, "/", weight_names[i], NULL);
      g_auto(GStrv) rel = graft_keras_legacy_split (layer_name, weight_names[i]);
      guint n = g_strv_length (rel);
      GraftLayer *owner = layer;
      JsonObject *owner_entry = entry;
      gboolean owner_frozen = frozen;
      GraftH5DatasetInfo info;
      GraftTrainable trainable;

      if (!graft_h5_dataset_info (file, location, &info, error))
        {
          graft_error_add_context (error, graft_h5_file_get_name (file), "layer '%s', weight '%s'",
                                    layer_name, weight_names[i]);
          return FALSE;
        }

      for (guint j = 0; j + 1 < n; j++)
        {
          JsonObject *child_entry = graft_config_find_child (owner_entry, rel[j]);

          owner = graft_layer_ensure_child (owner, rel[j]);
          if (child_entry != NULL && graft_layer_get_class_name (owner) == NULL)
            {
              graft_layer_set_class_name (owner, graft_config_entry_class (child_entry));
              graft_layer_set_config (owner, graft_config_entry_config (child_entry));
            }
          else if (graft_layer_get_class_name (owner) == NULL)
            graft_layer_set_class_name (owner, graft_keras_class_from_snake (rel[j]));
          owner_entry = child_entry;
          owner_frozen = owner_frozen || (child_entry != NULL && graft_config_is_frozen (child_entry));
        }

      if (graft_keras_var_is_non_trainable (graft_layer_get_class_name (owner), rel[n - 1]) ||
          owner_frozen)
        trainable = GRAFT_TRAINABLE_NO;
      else
        trainable = entry != NULL ? GRAFT_TRAINABLE_YES : GRAFT_TRAINABLE_UNKNOWN;

      graft_model_add_weight (model, owner, rel[n - 1], location,
                              graft_h5_tensor_new (file, location, &info), trainable);
      graft_h5_dataset_info_clear (&info);
    }
  return TRUE;
}

static gint
graft_keras_legacy_config_index (JsonObject *entry,
                                 const char *name)
{
  JsonArray *layers = graft_config_layers (entry);

  for (guint i = 0; layers != NULL && i < json_array_get_length (layers); i++)
    {
      JsonNode *node = json_array_get_element (layers, i);

      if (JSON_NODE_HOLDS_OBJECT (node) &&
          g_strcmp0 (graft_config_entry_name (json_node_get_object (node)), name) == 0)
        return i;
    }
  return G_MAXINT;
}

/* Legacy files list a nested model's weights trainable first, so its
 * sub-layers appear out of order; the config knows the model's order. */
static void
graft_keras_legacy_sort_children (GraftLayer *layer,
                                  JsonObject *entry)
{
  GPtrArray *children = layer->children;

  for (guint i = 1; i < children->len; i++)
    for (guint j = i; j > 0; j--)
      {
        GraftLayer *a = g_ptr_array_index (children, j - 1);
        GraftLayer *b = g_ptr_array_index (children, j);

        if (graft_keras_legacy_config_index (entry, a->name) <=
            graft_keras_legacy_config_index (entry, b->name))
          break;
        children->pdata[j - 1] = b;
        children->pdata[j] = a;
      }
  for (guint i = 0; i < children->len; i++)
    {
      GraftLayer *child = g_ptr_array_index (children, i);
      JsonObject *child_entry = graft_config_find_child (entry, child->name);

      if (child_entry != NULL)
        graft_keras_legacy_sort_children (child, child_entry);
    }
}

/**
 * graft_keras_load_legacy:
 * @weights_root: "/" for a weights-only file, "/model_weights" for a full one
 *
 * Fills @model from a legacy file. The model config, when the caller put
 * one on @model, names the layer classes and their trainable flags.
 */
gboolean
graft_keras_load_legacy (GraftModel   *model,
                         GraftH5File  *file,
                         const char   *weights_root,
                         GError      **error)
{
  g_auto(GStrv) layer_names = NULL;
  JsonNode *config = graft_model_get_config (model);
  JsonObject *model_entry = NULL;
  g_autoptr(GHashTable) listed = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) entries = NULL;

  if (config != NULL && JSON_NODE_HOLDS_OBJECT (config))
    model_entry = json_node_get_object (config);

  layer_names = graft_keras_legacy_read_names (file, weights_root, "layer_names", error);
  if (layer_names == NULL)
    return FALSE;

  for (guint i = 0; layer_names[i] != NULL; i++)
    {
      JsonObject *entry = graft_config_find_child (model_entry, layer_names[i]);

      g_hash_table_add (listed, layer_names[i]);
      if (!graft_keras_legacy_add_layer (model, file, weights_root, layer_names[i], entry, error))
        return FALSE;
    }

  /* Keras 3's legacy writer keeps the model's own variables in a group
   * that layer_names does not list. */
  entries = graft_h5_list (file, weights_root, error);
  if (entries == NULL)
    return FALSE;
  for (guint i = 0; i < entries->len; i++)
    {
      GraftH5Entry *e = g_ptr_array_index (entries, i);

      if (e->kind == GRAFT_H5_GROUP && g_str_equal (e->name, "top_level_model_weights") &&
          !g_hash_table_contains (listed, e->name) &&
          !graft_keras_legacy_add_layer (model, file, weights_root, e->name, NULL, error))
        return FALSE;
    }

  if (model_entry != NULL)
    graft_keras_legacy_sort_children (graft_model_get_root (model), model_entry);

  if (graft_h5_exists (file, "/optimizer_weights", NULL))
    graft_keras_legacy_add_extra (model, file, "/optimizer_weights", 0);
  return TRUE;
}
