/* graft-keras-zip.c: .keras archives
 *
 * An archive is read without extracting anything to disk: config.json and
 * metadata.json are parsed from memory, and the weights member is handed
 * to HDF5 as an in-memory file image. Members are checked before they are
 * inflated: duplicate names, sizes beyond the memory limit and expansion
 * ratios typical of zip bombs are refused, and a .npz weights member (which
 * may hold pickles) is never read.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-keras-zip"

#include "config.h"

#include "graft-keras-private.h"
#include "graft-torch-private.h"

#include <string.h>

#include "graft-error.h"
#include "graft-keras-archive.h"
#include "graft-json.h"
#include "graft-zip-locate-private.h"

static JsonNode *
graft_keras_zip_read_json (GraftArchive  *archive,
                           guint          index,
                           const char    *name,
                           GError       **error)
{
  g_autoptr(GBytes) bytes = graft_archive_read (archive, index, error);
  g_autofree char *what = NULL;
  gsize len;
  const char *data;

  if (bytes == NULL)
    return NULL;
  data = g_bytes_get_data (bytes, &len);
  what = g_strdup_printf ("%s: %s", graft_archive_get_path (archive), name);
  return graft_json_parse (data, len, what, error);
}

/* A member stored without compression is used in place, from a read-only
 * mapping of the archive: opening reads only what HDF5 asks for, and
 * tensors map straight onto the archive's pages. */
static GBytes *
graft_keras_zip_map_stored (const char *path,
                            const char *name)
{
  g_autoptr(GMappedFile) mapped = g_mapped_file_new (path, FALSE, NULL);
  const guint8 *data;
  guint64 offset, size;

  if (mapped == NULL)
    return NULL;
  data = (const guint8 *) g_mapped_file_get_contents (mapped);
  if (data == NULL ||
      !graft_zip_locate_stored (data, g_mapped_file_get_length (mapped), name, &offset, &size))
    return NULL;
  return g_bytes_new_with_free_func (data + offset, size, (GDestroyNotify) g_mapped_file_unref,
                                     g_mapped_file_ref (mapped));
}

/**
 * graft_keras_load_zip:
 *
 * Returns: (transfer full): the model of a .keras archive
 */
GraftModel *
graft_keras_load_zip (const char  *path,
                      GError     **error)
{
  g_autoptr(GraftArchive) zip = NULL;
  g_autoptr(GraftModel) model = NULL;
  g_autoptr(GBytes) image = NULL;
  g_autoptr(GraftH5File) file = NULL;
  g_autoptr(GPtrArray) files = NULL;
  g_autofree char *display = NULL;
  GraftArchiveMember weights_member;
  gint config_index, metadata_index, weights_index;
  const char *weights_name;

  zip = graft_archive_open (path, error);
  if (zip == NULL)
    return NULL;

  config_index = graft_archive_find (zip, "config.json");
  metadata_index = graft_archive_find (zip, "metadata.json");
  weights_index = graft_keras_archive_find_weights (zip);
  if (weights_index < 0 && graft_torch_archive_has_pickle (zip))
    return graft_torch_load_zip (path, error);
  if (weights_index < 0)
    {
      if (graft_archive_find (zip, "model.weights.npz") >= 0)
        g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSAFE,
                     "%s: stores its weights as model.weights.npz, a NumPy archive that can hold "
                     "pickled Python objects; Graft never unpickles", path);
      else if (graft_archive_find (zip, "model.weights.json") >= 0)
        g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED,
                     "%s: holds sharded weights (model.weights.json) inside the archive, which "
                     "Graft does not read yet", path);
      else
        g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_NOT_A_MODEL,
                     "%s: is a zip archive without model.weights.h5, not a .keras model", path);
      return NULL;
    }
  if (!graft_archive_get_member (zip, weights_index, &weights_member, error))
    return NULL;
  weights_name = weights_member.name;

  model = graft_model_new (path, GRAFT_FORMAT_KERAS);

  if (metadata_index >= 0)
    {
      g_autoptr(JsonNode) meta = graft_keras_zip_read_json (zip, metadata_index, "metadata.json", error);

      if (meta == NULL)
        return NULL;
      if (JSON_NODE_HOLDS_OBJECT (meta))
        {
          JsonObject *obj = json_node_get_object (meta);
          const char *version = NULL;

          if (json_object_has_member (obj, "keras_version") &&
              JSON_NODE_HOLDS_VALUE (json_object_get_member (obj, "keras_version")))
            version = json_object_get_string_member (obj, "keras_version");
          graft_model_set_versions (model, version, NULL);
        }
    }
  if (config_index >= 0)
    {
      JsonNode *config = graft_keras_zip_read_json (zip, config_index, "config.json", error);

      if (config == NULL)
        return NULL;
      graft_model_take_config (model, config);
    }

  image = graft_keras_zip_map_stored (path, weights_name);
  if (image == NULL)
    image = graft_archive_read (zip, weights_index, error);
  if (image == NULL)
    return NULL;
  display = g_strdup_printf ("%s:%s", path, weights_name);
  file = graft_h5_file_open_image (image, display, error);
  if (file == NULL)
    return NULL;
  graft_model_keep_data (model, graft_h5_file_ref (file), (GDestroyNotify) graft_h5_file_unref);

  files = g_ptr_array_new ();
  g_ptr_array_add (files, file);
  if (!graft_keras_load_v3 (model, files, error))
    return NULL;
  graft_model_finish (model);
  return g_steal_pointer (&model);
}
