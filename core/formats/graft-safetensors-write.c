/* graft-safetensors-write.c: writing safetensors files
 *
 * The header lists the tensors in the order given, each with its dtype,
 * shape and byte range; it is padded with spaces to a multiple of 8 bytes
 * so the data that follows is aligned, as the reference writer does. The
 * data is written tensor by tensor, little-endian, and the file replaces
 * its target atomically.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-safetensors"

#include "config.h"

#include "graft-safetensors-write.h"

#include <json-glib/json-glib.h>

#include "graft-atomic.h"
#include "graft-error.h"
#include "graft-json.h"
#include "graft-tensor.h"
#include "graft-torch-private.h"

/**
 * graft_safetensors_save:
 * @names: (element-type utf8): the tensors' names, in file order
 * @tensors: (element-type GraftTensor): their values
 * @format_tag: (nullable): the __metadata__ "format" ("pt", "keras")
 *
 * Returns: %FALSE with @error set (a dtype safetensors has no name for,
 *   a duplicate name, a write error); the target is then untouched
 */
gboolean
graft_safetensors_save (const char   *path,
                        GPtrArray    *names,
                        GPtrArray    *tensors,
                        const char   *format_tag,
                        gboolean      sync,
                        GError      **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GraftAtomicFile) file = NULL;
  g_autoptr(GString) header = NULL;
  g_autofree char *text = NULL;
  guint64 offset = 0;
  guint8 len_bytes[8];

  g_return_val_if_fail (names->len == tensors->len, FALSE);

  json_builder_begin_object (b);
  if (format_tag != NULL)
    {
      json_builder_set_member_name (b, "__metadata__");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "format");
      json_builder_add_string_value (b, format_tag);
      json_builder_end_object (b);
    }
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      GraftTensor *t = g_ptr_array_index (tensors, i);
      const char *dtype = graft_safetensors_dtype_name (graft_tensor_get_dtype (t));

      if (dtype == NULL || !g_hash_table_add (seen, (gpointer) name))
        {
          g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED,
                       "%s: tensor '%s' %s", path, name,
                       dtype == NULL ? "has a dtype safetensors cannot hold" : "is named twice");
          return FALSE;
        }
      json_builder_set_member_name (b, name);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "dtype");
      json_builder_add_string_value (b, dtype);
      json_builder_set_member_name (b, "shape");
      graft_json_add_shape (b, graft_tensor_get_rank (t), graft_tensor_get_shape (t));
      json_builder_set_member_name (b, "data_offsets");
      json_builder_begin_array (b);
      json_builder_add_int_value (b, (gint64) offset);
      offset += graft_tensor_get_n_bytes (t);
      json_builder_add_int_value (b, (gint64) offset);
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  text = json_generator_to_data (gen, NULL);
  header = g_string_new (text);
  while (header->len % 8 != 0)
    g_string_append_c (header, ' ');
  for (guint k = 0; k < 8; k++)
    len_bytes[k] = (guint8) ((guint64) header->len >> (8 * k));

  file = graft_atomic_file_new (path, error);
  if (file == NULL)
    return FALSE;
  graft_atomic_file_set_sync (file, sync);
  if (!graft_atomic_file_write (file, len_bytes, 8, error) ||
      !graft_atomic_file_write (file, header->str, header->len, error))
    return FALSE;
  for (guint i = 0; i < tensors->len; i++)
    {
      GraftTensor *t = g_ptr_array_index (tensors, i);
      const void *data = graft_tensor_get_data (t, error);

      if (data == NULL || !graft_atomic_file_write (file, data, graft_tensor_get_n_bytes (t), error))
        return FALSE;
    }
  return graft_atomic_file_commit (file, error);
}
