/* graft-keras-save-sharded.c: saving a sharded checkpoint in its own format
 *
 * Every shard is copied and patched like a single file
 * (graft-h5-patch.c) and renamed after the new index; the index is the
 * original one with its shard names replaced, written last, so that a
 * reader never finds an index naming shards that are not complete.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-keras-save-sharded"

#include "config.h"

#include "graft-keras-save-private.h"

#include <string.h>

#include "graft-atomic.h"
#include "graft-error.h"
#include "graft-h5-patch-private.h"
#include "graft-h5-private.h"
#include "graft-json.h"
#include "graft-keras-private.h"
#include "graft-model.h"

gboolean
graft_keras_save_sharded (GraftModel      *model,
                          const char      *path,
                          GraftSaveFlags   flags,
                          GPtrArray       *changed,
                          GError         **error)
{
  const char *src = graft_model_get_filename (model);
  g_autoptr(GPtrArray) shards = NULL;
  g_autoptr(GPtrArray) outs = g_ptr_array_new_with_free_func ((GDestroyNotify) graft_atomic_file_free);
  g_autoptr(GHashTable) renames = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GPtrArray) weights = g_ptr_array_new ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *src_base = g_path_get_basename (src);
  g_autofree char *text = NULL;
  g_autofree char *out_text = NULL;
  g_autoptr(JsonNode) index = NULL;
  g_autoptr(JsonGenerator) gen = NULL;
  g_autoptr(GError) local = NULL;
  g_autoptr(GList) members = NULL;
  g_autoptr(GList) root_members = NULL;
  g_autoptr(JsonObject) new_root = NULL;
  g_autoptr(JsonObject) new_map = NULL;
  g_autoptr(JsonNode) out_root = NULL;
  JsonObject *map;
  gsize len;

  if (!g_str_has_suffix (base, ".weights.json"))
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_INVALID,
                   "%s: a sharded checkpoint's index must be named *.weights.json", path);
      return FALSE;
    }
  base[strlen (base) - strlen (".weights.json")] = '\0';
  if (g_str_has_suffix (src_base, ".weights.json"))
    src_base[strlen (src_base) - strlen (".weights.json")] = '\0';
  shards = graft_keras_sharded_list (src, TRUE, error);
  if (shards == NULL)
    return FALSE;
  if (changed != NULL)
    g_ptr_array_extend (weights, changed, NULL, NULL);
  else
    for (guint i = 0; i < graft_model_get_n_weights (model); i++)
      g_ptr_array_add (weights, graft_model_get_weight (model, i));

  for (guint i = 0; i < shards->len; i++)
    {
      const char *shard = g_ptr_array_index (shards, i);
      g_autofree char *old_name = g_path_get_basename (shard);
      g_autofree char *new_name = NULL;
      g_autofree char *target = NULL;
      g_autoptr(GPtrArray) here = g_ptr_array_new ();
      GraftAtomicFile *out;

      if (g_str_has_prefix (old_name, src_base) && old_name[strlen (src_base)] == '_')
        new_name = g_strconcat (base, old_name + strlen (src_base), NULL);
      else
        new_name = g_strdup_printf ("%s_%05u.weights.h5", base, i);
      target = g_build_filename (dir, new_name, NULL);

      /* The weights this shard holds. */
      {
        g_autoptr(GraftH5File) file = graft_h5_file_open (shard, error);

        if (file == NULL)
          return FALSE;
        for (guint j = 0; j < weights->len; j++)
          {
            GraftWeight *w = g_ptr_array_index (weights, j);
            const char *location = graft_weight_get_location (w);
            GraftH5Kind kind;

            if (location != NULL && graft_h5_exists (file, location, &kind) && kind == GRAFT_H5_DATASET)
              g_ptr_array_add (here, w);
          }
      }
      out = graft_atomic_file_new (target, error);
      if (out == NULL)
        return FALSE;
      graft_atomic_file_set_sync (out, !(flags & GRAFT_SAVE_NO_SYNC));
      g_ptr_array_add (outs, out);
      if (!graft_h5_patch_copy (model, shard, graft_atomic_file_get_path (out),
                                graft_atomic_file_get_fd (out), flags, here, target, error))
        return FALSE;
      g_hash_table_insert (renames, g_steal_pointer (&old_name), g_steal_pointer (&new_name));
    }

  if (!g_file_get_contents (src, &text, &len, &local))
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_IO, "%s", local->message);
      return FALSE;
    }
  index = graft_json_parse (text, len, src, error);
  if (index == NULL)
    return FALSE;
  /* The parsed tree is immutable: build the new index beside it. */
  map = json_object_get_object_member (json_node_get_object (index), "weight_map");
  new_root = json_object_new ();
  new_map = json_object_new ();
  root_members = json_object_get_members (json_node_get_object (index));
  for (GList *l = root_members; l != NULL; l = l->next)
    if (g_str_equal (l->data, "weight_map"))
      json_object_set_object_member (new_root, "weight_map", json_object_ref (new_map));
    else
      json_object_set_member (new_root, l->data,
                              json_node_copy (json_object_get_member (json_node_get_object (index),
                                                                      l->data)));
  members = json_object_get_members (map);
  for (GList *l = members; l != NULL; l = l->next)
    {
      JsonNode *value = json_object_get_member (map, l->data);
      const char *renamed = NULL;

      if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING)
        renamed = g_hash_table_lookup (renames, json_node_get_string (value));
      if (renamed != NULL)
        json_object_set_string_member (new_map, l->data, renamed);
      else
        json_object_set_member (new_map, l->data, json_node_copy (value));
    }
  out_root = json_node_init_object (json_node_alloc (), new_root);

  for (guint i = 0; i < outs->len; i++)
    if (!graft_atomic_file_commit (g_ptr_array_index (outs, i), error))
      return FALSE;
  gen = json_generator_new ();
  json_generator_set_root (gen, out_root);
  json_generator_set_pretty (gen, TRUE);
  json_generator_set_indent (gen, 4);
  out_text = json_generator_to_data (gen, NULL);
  return graft_atomic_write_bytes (path, out_text, strlen (out_text), error);
}
