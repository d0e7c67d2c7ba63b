/* graft-safetensors.c: reading safetensors files, single and sharded
 *
 * A safetensors file is an 8-byte little-endian header length N, N bytes
 * of JSON naming each tensor's dtype, shape and byte range in the data
 * that follows, then the data. Only the header is read when opening: the
 * file is mapped and each tensor is a lazy view of its range. Everything
 * in the header is checked before use, as the reference implementation
 * does: N is bounded (100 MB) and inside the file, every range lies in the
 * data, ranges do not overlap, and each range is exactly dtype × shape
 * bytes. A sharded set is an index (*.safetensors.index.json) whose
 * weight_map names each tensor's shard.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-safetensors"

#include "config.h"

#include "graft-torch-private.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "graft-dtype.h"
#include "graft-error.h"
#include "graft-json.h"
#include "graft-tensor-view.h"
#include "graft-tensor.h"

#define GRAFT_SAFETENSORS_MAX_HEADER (100u * 1000 * 1000)

static const struct
{
  const char *name;
  GraftDType  dtype;
} graft_safetensors_dtypes[] = {
  { "F64", GRAFT_DTYPE_FLOAT64 },
  { "F32", GRAFT_DTYPE_FLOAT32 },
  { "F16", GRAFT_DTYPE_FLOAT16 },
  { "BF16", GRAFT_DTYPE_BFLOAT16 },
  { "I64", GRAFT_DTYPE_INT64 },
  { "I32", GRAFT_DTYPE_INT32 },
  { "I16", GRAFT_DTYPE_INT16 },
  { "I8", GRAFT_DTYPE_INT8 },
  { "U64", GRAFT_DTYPE_UINT64 },
  { "U32", GRAFT_DTYPE_UINT32 },
  { "U16", GRAFT_DTYPE_UINT16 },
  { "U8", GRAFT_DTYPE_UINT8 },
  { "BOOL", GRAFT_DTYPE_BOOL },
  { "F8_E4M3", GRAFT_DTYPE_FLOAT8_E4M3 },
  { "F8_E5M2", GRAFT_DTYPE_FLOAT8_E5M2 },
};

/**
 * graft_safetensors_dtype_name:
 *
 * Returns: the safetensors name of @dtype ("F32"), or %NULL
 */
const char *
graft_safetensors_dtype_name (GraftDType dtype)
{
  for (guint i = 0; i < G_N_ELEMENTS (graft_safetensors_dtypes); i++)
    if (graft_safetensors_dtypes[i].dtype == dtype)
      return graft_safetensors_dtypes[i].name;
  return NULL;
}

static guint64
graft_safetensors_u64 (const guint8 *p)
{
  guint64 v = 0;

  for (guint i = 8; i > 0; i--)
    v = (v << 8) | p[i - 1];
  return v;
}

/**
 * graft_safetensors_sniff:
 * @head: the file's first bytes
 *
 * Returns: whether they look like a safetensors header: a length, then '{'
 */
gboolean
graft_safetensors_sniff (const guint8 *head,
                         gsize         len)
{
  return len >= 9 && head[8] == '{' && graft_safetensors_u64 (head) >= 2;
}

typedef struct
{
  const char *name;
  GraftDType  dtype;
  guint       rank;
  gsize       shape[GRAFT_MAX_RANK];
  guint64     begin, end;
} GraftSafetensorsEntry;

static gint
graft_safetensors_entry_cmp (gconstpointer a,
                             gconstpointer b)
{
  const GraftSafetensorsEntry *x = a, *y = b;

  return x->begin < y->begin ? -1 : x->begin > y->begin ? 1 : (x->end > y->end) - (x->end < y->end);
}

static gboolean
graft_safetensors_uint (JsonNode *node,
                        guint64  *out)
{
  gint64 v;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  v = json_node_get_int (node);
  if (v < 0)
    return FALSE;
  *out = (guint64) v;
  return TRUE;
}

/* One header entry, checked on its own. */
static gboolean
graft_safetensors_entry (const char             *path,
                         const char             *name,
                         JsonNode               *node,
                         guint64                 data_len,
                         GraftSafetensorsEntry  *e,
                         GError                **error)
{
  JsonObject *obj;
  JsonArray *shape, *offsets;
  const char *dtype;
  guint64 bytes;
  guint i;

  e->name = name;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    goto malformed;
  obj = json_node_get_object (node);
  if (!json_object_has_member (obj, "dtype") || !json_object_has_member (obj, "shape") ||
      !json_object_has_member (obj, "data_offsets") ||
      !JSON_NODE_HOLDS_VALUE (json_object_get_member (obj, "dtype")) ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (obj, "shape")) ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (obj, "data_offsets")))
    goto malformed;
  dtype = json_object_get_string_member (obj, "dtype");
  for (i = 0; i < G_N_ELEMENTS (graft_safetensors_dtypes); i++)
    if (g_strcmp0 (dtype, graft_safetensors_dtypes[i].name) == 0)
      break;
  if (i == G_N_ELEMENTS (graft_safetensors_dtypes))
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED,
                   "%s: tensor '%s' has the dtype %s, which Graft does not read", path, name,
                   dtype ? dtype : "(not text)");
      return FALSE;
    }
  e->dtype = graft_safetensors_dtypes[i].dtype;

  shape = json_object_get_array_member (obj, "shape");
  offsets = json_object_get_array_member (obj, "data_offsets");
  if (json_array_get_length (shape) > GRAFT_MAX_RANK)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED, "%s: tensor '%s' has rank %u",
                   path, name, json_array_get_length (shape));
      return FALSE;
    }
  e->rank = json_array_get_length (shape);
  bytes = graft_dtype_get_size (e->dtype);
  for (i = 0; i < e->rank; i++)
    {
      guint64 d;

      if (!graft_safetensors_uint (json_array_get_element (shape, i), &d) || d > G_MAXSIZE)
        goto malformed;
      e->shape[i] = d;
      bytes = d != 0 && bytes > G_MAXUINT64 / d ? G_MAXUINT64 : bytes * d;
    }
  if (json_array_get_length (offsets) != 2 ||
      !graft_safetensors_uint (json_array_get_element (offsets, 0), &e->begin) ||
      !graft_safetensors_uint (json_array_get_element (offsets, 1), &e->end) ||
      e->end < e->begin)
    goto malformed;
  if (e->end > data_len)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT,
                   "%s: tensor '%s' lies at bytes %" G_GUINT64_FORMAT "–%" G_GUINT64_FORMAT
                   " of the data, past its end (%" G_GUINT64_FORMAT " bytes): the file is truncated",
                   path, name, e->begin, e->end, data_len);
      return FALSE;
    }
  if (e->end - e->begin != bytes)
    {
      g_autofree char *s = graft_shape_format (e->rank, e->shape);

      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT,
                   "%s: tensor '%s' is %s %s (%" G_GUINT64_FORMAT " bytes) but its data_offsets "
                   "span %" G_GUINT64_FORMAT " bytes", path, name, dtype, s, bytes,
                   e->end - e->begin);
      return FALSE;
    }
  return TRUE;

malformed:
  g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT,
               "%s: the header entry of tensor '%s' is not {\"dtype\", \"shape\", "
               "\"data_offsets\"} with whole numbers", path, name);
  return FALSE;
}

/* Reads and parses the header of an open file of @size bytes. */
static JsonNode *
graft_safetensors_header (const char  *path,
                          int          fd,
                          guint64      size,
                          guint64     *data_start,
                          GError     **error)
{
  guint8 len_bytes[8];
  g_autofree char *text = NULL;
  guint64 n;

  if (size < 8 || pread (fd, len_bytes, 8, 0) != 8)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT,
                   "%s: is too short for a safetensors file (%" G_GUINT64_FORMAT " bytes)", path, size);
      return NULL;
    }
  n = graft_safetensors_u64 (len_bytes);
  if (n > size - 8)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT,
                   "%s: the safetensors header length (%" G_GUINT64_FORMAT " bytes) exceeds the "
                   "file size (%" G_GUINT64_FORMAT " bytes)", path, n, size);
      return NULL;
    }
  if (n > GRAFT_SAFETENSORS_MAX_HEADER)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_LIMIT,
                   "%s: the safetensors header is %" G_GUINT64_FORMAT " bytes, more than the "
                   "%u a valid file may have", path, n, GRAFT_SAFETENSORS_MAX_HEADER);
      return NULL;
    }
  text = g_malloc (n + 1);
  if (pread (fd, text, n, 8) != (gssize) n)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_IO, "%s: the header cannot be read", path);
      return NULL;
    }
  text[n] = '\0';
  *data_start = 8 + n;
  return graft_json_parse (text, n, path, error);
}

/* Adds the tensors of one file to @model, in the order of their data. */
static gboolean
graft_safetensors_add_file (GraftModel  *model,
                            const char  *path,
                            GHashTable  *only,
                            GError     **error)
{
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GArray) entries = NULL;
  g_autoptr(GList) members = NULL;
  GStatBuf st;
  guint64 data_start = 0;
  JsonObject *obj;
  int fd;

  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0 || fstat (fd, &st) != 0)
    {
      int saved = errno;

      if (fd >= 0)
        close (fd);
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_IO, "%s: %s", path, g_strerror (saved));
      return FALSE;
    }
  root = graft_safetensors_header (path, fd, (guint64) st.st_size, &data_start, error);
  close (fd);
  if (root == NULL)
    return FALSE;
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT,
                   "%s: the safetensors header is not a JSON object", path);
      return FALSE;
    }
  obj = json_node_get_object (root);
  entries = g_array_new (FALSE, TRUE, sizeof (GraftSafetensorsEntry));
  members = json_object_get_members (obj);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;
      JsonNode *node = json_object_get_member (obj, name);
      GraftSafetensorsEntry e = { 0 };

      if (g_str_equal (name, "__metadata__"))
        {
          if (JSON_NODE_HOLDS_OBJECT (node))
            {
              JsonObject *meta = json_node_get_object (node);
              g_autoptr(GList) keys = json_object_get_members (meta);

              for (GList *k = keys; k != NULL; k = k->next)
                {
                  JsonNode *v = json_object_get_member (meta, k->data);

                  if (JSON_NODE_HOLDS_VALUE (v) && json_node_get_value_type (v) == G_TYPE_STRING)
                    graft_model_set_metadata (model, k->data, json_node_get_string (v));
                }
            }
          continue;
        }
      if (!graft_safetensors_entry (path, name, node, (guint64) st.st_size - data_start, &e, error))
        return FALSE;
      g_array_append_val (entries, e);
    }

  g_array_sort (entries, graft_safetensors_entry_cmp);
  for (guint i = 1; i < entries->len; i++)
    {
      GraftSafetensorsEntry *a = &g_array_index (entries, GraftSafetensorsEntry, i - 1);
      GraftSafetensorsEntry *b = &g_array_index (entries, GraftSafetensorsEntry, i);

      if (b->begin < a->end && b->end > b->begin && a->end > a->begin)
        {
          g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT,
                       "%s: tensors '%s' (bytes %" G_GUINT64_FORMAT "–%" G_GUINT64_FORMAT ") and '%s' "
                       "(bytes %" G_GUINT64_FORMAT "–%" G_GUINT64_FORMAT ") overlap", path, a->name,
                       a->begin, a->end, b->name, b->begin, b->end);
          return FALSE;
        }
    }

  if (entries->len > 0)
    {
      mapped = g_mapped_file_new (path, FALSE, error);
      if (mapped == NULL)
        return FALSE;
      if ((guint64) g_mapped_file_get_length (mapped) != (guint64) st.st_size)
        {
          g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_IO, "%s: changed while it was read", path);
          return FALSE;
        }
      bytes = g_mapped_file_get_bytes (mapped);
    }
  for (guint i = 0; i < entries->len; i++)
    {
      GraftSafetensorsEntry *e = &g_array_index (entries, GraftSafetensorsEntry, i);
      GraftTensor *t;

      if (only != NULL && !g_hash_table_contains (only, e->name))
        continue;
      t = graft_tensor_new_view (bytes, data_start + e->begin, e->dtype, e->rank, e->shape, NULL,
                                 error);
      if (t == NULL || graft_torch_tree_add (model, e->name, t, error) == NULL)
        return FALSE;
      if (only != NULL)
        g_hash_table_remove (only, e->name);
    }
  return TRUE;
}

/**
 * graft_safetensors_load:
 *
 * Returns: (transfer full): the model of one .safetensors file, or %NULL
 *   with @error naming the file, the tensor and the problem
 */
GraftModel *
graft_safetensors_load (const char  *path,
                        GError     **error)
{
  g_autoptr(GraftModel) model = graft_model_new (path, GRAFT_FORMAT_SAFETENSORS);

  if (!graft_safetensors_add_file (model, path, NULL, error))
    return NULL;
  graft_model_finish (model);
  return g_steal_pointer (&model);
}

/**
 * graft_safetensors_is_index:
 *
 * Returns: whether @root is a safetensors index: a weight_map whose
 *   values name .safetensors files
 */
gboolean
graft_safetensors_is_index (JsonNode *root)
{
  JsonObject *obj, *map;
  g_autoptr(GList) values = NULL;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return FALSE;
  obj = json_node_get_object (root);
  if (!json_object_has_member (obj, "weight_map") ||
      !JSON_NODE_HOLDS_OBJECT (json_object_get_member (obj, "weight_map")))
    return FALSE;
  map = json_object_get_object_member (obj, "weight_map");
  values = json_object_get_values (map);
  if (values == NULL)
    return FALSE;
  for (GList *l = values; l != NULL; l = l->next)
    if (!JSON_NODE_HOLDS_VALUE (l->data) ||
        json_node_get_value_type (l->data) != G_TYPE_STRING ||
        !g_str_has_suffix (json_node_get_string (l->data), ".safetensors"))
      return FALSE;
  return TRUE;
}

/**
 * graft_safetensors_load_sharded:
 * @index_path: a *.safetensors.index.json
 *
 * Reads every shard the index names, in the order they first appear, and
 * takes from each the tensors the index assigns to it.
 *
 * Returns: (transfer full): the model, or %NULL with @error set (a missing
 *   shard, a tensor missing from its shard, a shard outside the folder)
 */
GraftModel *
graft_safetensors_load_sharded (const char  *index_path,
                                GError     **error)
{
  g_autofree char *text = NULL;
  g_autofree char *dir = g_path_get_dirname (index_path);
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GraftModel) model = NULL;
  g_autoptr(GPtrArray) shards = g_ptr_array_new ();
  g_autoptr(GHashTable) wanted = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                        (GDestroyNotify) g_hash_table_unref);
  g_autoptr(GList) names = NULL;
  JsonObject *map;
  gsize len;

  if (!g_file_get_contents (index_path, &text, &len, error))
    return NULL;
  root = graft_json_parse (text, len, index_path, error);
  if (root == NULL)
    return NULL;
  if (!graft_safetensors_is_index (root))
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_NOT_A_MODEL,
                   "%s: is not a safetensors index (a weight_map naming .safetensors files)",
                   index_path);
      return NULL;
    }
  map = json_object_get_object_member (json_node_get_object (root), "weight_map");
  names = json_object_get_members (map);
  for (GList *l = names; l != NULL; l = l->next)
    {
      const char *shard = json_object_get_string_member (map, l->data);
      GHashTable *set;

      if (strchr (shard, '/') != NULL || g_str_equal (shard, ".."))
        {
          g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSAFE,
                       "%s: tensor '%s' is in '%s', outside the index's folder", index_path,
                       (const char *) l->data, shard);
          return NULL;
        }
      set = g_hash_table_lookup (wanted, shard);
      if (set == NULL)
        {
          set = g_hash_table_new (g_str_hash, g_str_equal);
          g_hash_table_insert (wanted, (gpointer) shard, set);
          g_ptr_array_add (shards, (gpointer) shard);
        }
      g_hash_table_add (set, l->data);
    }

  model = graft_model_new (index_path, GRAFT_FORMAT_SAFETENSORS_SHARDED);
  for (guint i = 0; i < shards->len; i++)
    {
      const char *shard = g_ptr_array_index (shards, i);
      g_autofree char *path = g_build_filename (dir, shard, NULL);
      GHashTable *set = g_hash_table_lookup (wanted, shard);

      if (!graft_safetensors_add_file (model, path, set, error))
        return NULL;
      if (g_hash_table_size (set) > 0)
        {
          GHashTableIter iter;
          gpointer missing;

          g_hash_table_iter_init (&iter, set);
          g_hash_table_iter_next (&iter, &missing, NULL);
          g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT,
                       "%s: the index puts tensor '%s' in %s, which does not hold it", index_path,
                       (const char *) missing, shard);
          return NULL;
        }
      graft_model_set_metadata (model, "shard", shard);
    }
  graft_model_finish (model);
  return g_steal_pointer (&model);
}
