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

#include <string.h>
#include <zip.h>

#include "graft-error.h"
#include "graft-json.h"
#include "graft-limits.h"
#include "graft-zip-locate-private.h"

typedef zip_t GraftZip;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GraftZip, zip_discard)

static GBytes *
graft_keras_zip_read_member (zip_t       *zip,
                             zip_int64_t  index,
                             const char  *path,
                             const char  *name,
                             GError     **error)
{
  zip_stat_t st;
  zip_file_t *zf;
  guint8 *buf;
  guint64 done = 0;

  zip_stat_init (&st);
  if (zip_stat_index (zip, index, 0, &st) != 0 ||
      !(st.valid & ZIP_STAT_SIZE) || !(st.valid & ZIP_STAT_COMP_SIZE))
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT, "%s: member '%s' is unreadable: %s",
                   path, name, zip_strerror (zip));
      return NULL;
    }
  if (st.size > (st.comp_size + 1) * GRAFT_MAX_ZIP_RATIO)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSAFE,
                   "%s: member '%s' would expand from %" G_GUINT64_FORMAT " to %" G_GUINT64_FORMAT
                   " bytes, more than %d-fold: refused as a likely zip bomb",
                   path, name, (guint64) st.comp_size, (guint64) st.size, GRAFT_MAX_ZIP_RATIO);
      return NULL;
    }
  if (!graft_limits_check_alloc (st.size, error))
    {
      g_prefix_error (error, "%s: member '%s': ", path, name);
      return NULL;
    }

  zf = zip_fopen_index (zip, index, 0);
  if (zf == NULL)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED, "%s: cannot read member '%s': %s",
                   path, name, zip_strerror (zip));
      return NULL;
    }
  buf = g_try_malloc (MAX (st.size, 1));
  if (buf == NULL)
    {
      zip_fclose (zf);
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_LIMIT, "%s: not enough memory for member '%s'",
                   path, name);
      return NULL;
    }
  while (done < st.size)
    {
      zip_int64_t n = zip_fread (zf, buf + done, st.size - done);

      if (n <= 0)
        break;
      done += n;
    }
  /* Read one byte more: a member must not hold more than it declares. */
  if (done == st.size)
    {
      guint8 extra;

      if (zip_fread (zf, &extra, 1) > 0)
        done++;
    }
  if (done != st.size)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT,
                   "%s: member '%s' holds %s than the %" G_GUINT64_FORMAT " bytes it declares (%s)",
                   path, name, done < st.size ? "fewer bytes" : "more bytes", (guint64) st.size,
                   zip_file_strerror (zf));
      zip_fclose (zf);
      g_free (buf);
      return NULL;
    }
  zip_fclose (zf);
  return g_bytes_new_take (buf, st.size);
}

static JsonNode *
graft_keras_zip_read_json (zip_t       *zip,
                           zip_int64_t  index,
                           const char  *path,
                           const char  *name,
                           GError     **error)
{
  g_autoptr(GBytes) bytes = graft_keras_zip_read_member (zip, index, path, name, error);
  g_autofree char *what = NULL;
  gsize len;
  const char *data;

  if (bytes == NULL)
    return NULL;
  data = g_bytes_get_data (bytes, &len);
  what = g_strdup_printf ("%s: %s", path, name);
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
  g_autoptr(GraftZip) zip = NULL;
  g_autoptr(GHashTable) names = NULL;
  g_autoptr(GraftModel) model = NULL;
  g_autoptr(GBytes) image = NULL;
  g_autoptr(GraftH5File) file = NULL;
  g_autoptr(GPtrArray) files = NULL;
  g_autofree char *display = NULL;
  zip_int64_t n, config_index = -1, metadata_index = -1, weights_index = -1;
  const char *weights_name = NULL;
  int zerr = 0;

  zip = zip_open (path, ZIP_RDONLY | ZIP_CHECKCONS, &zerr);
  if (zip == NULL)
    {
      zip_error_t ze;

      if (zerr == ZIP_ER_EXISTS)
        {
          g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSAFE,
                       "%s: archive has two members with the same name; refusing an ambiguous "
                       "archive", path);
          return NULL;
        }
      zip_error_init_with_code (&ze, zerr);
      g_set_error (error, GRAFT_ERROR, zerr == ZIP_ER_NOZIP ? GRAFT_ERROR_NOT_A_MODEL : GRAFT_ERROR_CORRUPT,
                   "%s: not a readable .keras archive (%s)", path, zip_error_strerror (&ze));
      zip_error_fini (&ze);
      return NULL;
    }

  n = zip_get_num_entries (zip, 0);
  if (n < 0 || n > GRAFT_MAX_ZIP_MEMBERS)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_LIMIT, "%s: archive has too many members", path);
      return NULL;
    }

  names = g_hash_table_new (g_str_hash, g_str_equal);
  for (zip_int64_t i = 0; i < n; i++)
    {
      const char *name = zip_get_name (zip, i, ZIP_FL_ENC_GUESS);

      if (name == NULL)
        continue;
      if (!g_hash_table_add (names, (gpointer) name))
        {
          g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSAFE,
                       "%s: archive has two members named '%s'; refusing an ambiguous archive",
                       path, name);
          return NULL;
        }
      if (g_str_equal (name, "config.json"))
        config_index = i;
      else if (g_str_equal (name, "metadata.json"))
        metadata_index = i;
      else if (g_str_equal (name, "model.weights.h5") ||
               (weights_index < 0 && g_str_has_suffix (name, ".weights.h5") && strchr (name, '/') == NULL))
        {
          weights_index = i;
          weights_name = name;
        }
    }

  if (weights_index < 0)
    {
      if (g_hash_table_contains (names, "model.weights.npz"))
        g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSAFE,
                     "%s: stores its weights as model.weights.npz, a NumPy archive that can hold "
                     "pickled Python objects; Graft never unpickles", path);
      else if (g_hash_table_contains (names, "model.weights.json"))
        g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED,
                     "%s: holds sharded weights (model.weights.json) inside the archive, which "
                     "Graft does not read yet", path);
      else
        g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_NOT_A_MODEL,
                     "%s: is a zip archive without model.weights.h5, not a .keras model", path);
      return NULL;
    }

  model = graft_model_new (path, GRAFT_FORMAT_KERAS);

  if (metadata_index >= 0)
    {
      g_autoptr(JsonNode) meta = graft_keras_zip_read_json (zip, metadata_index, path, "metadata.json", error);

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
      JsonNode *config = graft_keras_zip_read_json (zip, config_index, path, "config.json", error);

      if (config == NULL)
        return NULL;
      graft_model_take_config (model, config);
    }

  image = graft_keras_zip_map_stored (path, weights_name);
  if (image == NULL)
    image = graft_keras_zip_read_member (zip, weights_index, path, weights_name, error);
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
