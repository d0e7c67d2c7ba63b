/* graft-keras-sharded.c: sharded Keras 3 weights
 *
 * "x.weights.json" = {"metadata": {"total_size": N}, "weight_map":
 * {"/layers/dense/vars": "x_00000.weights.h5", …}}; the shards sit beside
 * it and each holds part of the Keras 3 layout. A vars group that did not
 * fit may continue in the next shard, so all shards are read and merged.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-keras-sharded"

#include "config.h"

#include "graft-keras-private.h"

#include <stdlib.h>
#include <string.h>

#include "graft-error.h"
#include "graft-json.h"

/**
 * graft_keras_sharded_list:
 * @index_path: a .weights.json sharded index
 * @skip_non_strings: pass over weight_map entries that are not strings
 *   instead of failing on them
 *
 * Reads and checks a sharded index: every shard must be a plain file name
 * beside the index.
 *
 * Returns: (transfer full) (element-type utf8): the paths of its shards,
 *   in the order the index first names them, followed by the files of the
 *   series that continue past the last one named; empty when the index
 *   names none, %NULL on error
 */
GPtrArray *
graft_keras_sharded_list (const char  *index_path,
                          gboolean     skip_non_strings,
                          GError     **error)
{
  g_autofree char *text = NULL;
  g_autofree char *dir = g_path_get_dirname (index_path);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GList) members = NULL;
  JsonObject *map;
  gsize len;

  if (!g_file_get_contents (index_path, &text, &len, &local_error))
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_IO, "%s", local_error->message);
      return NULL;
    }
  root = graft_json_parse (text, len, index_path, error);
  if (root == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (root) ||
      !json_object_has_member (json_node_get_object (root), "weight_map") ||
      !JSON_NODE_HOLDS_OBJECT (json_object_get_member (json_node_get_object (root), "weight_map")))
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_NOT_A_MODEL,
                   "%s: is JSON but not a sharded-weights index (no \"weight_map\" object)",
                   index_path);
      return NULL;
    }
  map = json_object_get_object_member (json_node_get_object (root), "weight_map");

  /* Shards in the order the index first names them. */
  members = json_object_get_members (map);
  for (GList *l = members; l != NULL; l = l->next)
    {
      JsonNode *value = json_object_get_member (map, l->data);
      const char *shard;

      if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_STRING)
        {
          if (skip_non_strings)
            continue;
          g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT,
                       "%s: weight_map entry '%s' does not name a shard file", index_path,
                       (const char *) l->data);
          return NULL;
        }
      shard = json_node_get_string (value);
      if (shard[0] == '\0' || strchr (shard, '/') != NULL || strchr (shard, '\\') != NULL ||
          g_str_equal (shard, "..") || g_str_equal (shard, "."))
        {
          g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSAFE,
                       "%s: shard '%s' is not a plain file name beside the index; refused",
                       index_path, shard);
          return NULL;
        }
      if (!g_ptr_array_find_with_equal_func (names, shard, g_str_equal, NULL))
        g_ptr_array_add (names, g_strdup (shard));
    }

  /* Keras records only the shard where a vars group starts; a group that
   * ran over continues in the next file of the series, which the index
   * may never name. Add the series' files that exist beside the index. */
  if (names->len > 0)
    {
      const char *last = g_ptr_array_index (names, names->len - 1);
      gsize len_last = strlen (last);
      const char *suffix = ".weights.h5";
      gsize ls = strlen (suffix);

      if (len_last > ls + 6 && g_str_has_suffix (last, suffix) && last[len_last - ls - 6] == '_')
        {
          g_autofree char *prefix = g_strndup (last, len_last - ls - 6);
          guint index = atoi (last + len_last - ls - 5);

          for (guint next = index + 1; next < index + 10000; next++)
            {
              g_autofree char *name = g_strdup_printf ("%s_%05u%s", prefix, next, suffix);
              g_autofree char *candidate = g_build_filename (dir, name, NULL);

              if (!g_file_test (candidate, G_FILE_TEST_IS_REGULAR))
                break;
              g_ptr_array_add (names, g_steal_pointer (&name));
            }
        }
    }
  for (guint i = 0; i < names->len; i++)
    g_ptr_array_add (paths, g_build_filename (dir, g_ptr_array_index (names, i), NULL));
  return g_steal_pointer (&paths);
}

/**
 * graft_keras_load_sharded:
 *
 * Returns: (transfer full): the model of a sharded checkpoint index
 */
GraftModel *
graft_keras_load_sharded (const char  *path,
                          GError     **error)
{
  g_autoptr(GraftModel) model = NULL;
  g_autoptr(GPtrArray) shard_paths = NULL;
  g_autoptr(GPtrArray) files = g_ptr_array_new ();

  shard_paths = graft_keras_sharded_list (path, FALSE, error);
  if (shard_paths == NULL)
    return NULL;
  if (shard_paths->len == 0)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT, "%s: the index names no shards", path);
      return NULL;
    }

  model = graft_model_new (path, GRAFT_FORMAT_SHARDED);
  for (guint i = 0; i < shard_paths->len; i++)
    {
      GraftH5File *file = graft_h5_file_open (g_ptr_array_index (shard_paths, i), error);

      if (file == NULL)
        {
          g_prefix_error (error, "%s: shard: ", path);
          return NULL;
        }
      graft_model_keep_data (model, file, (GDestroyNotify) graft_h5_file_unref);
      g_ptr_array_add (files, file);
    }

  if (!graft_keras_load_v3 (model, files, error))
    return NULL;
  graft_model_finish (model);
  return g_steal_pointer (&model);
}
