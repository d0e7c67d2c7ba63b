/* graft-keras.c: recognising a checkpoint by its content and opening it
 *
 * The file name is never trusted: a ".keras" may be an HDF5 file, a ".h5"
 * may be an HTML page a browser saved, or a Git LFS pointer.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-keras"

#include "config.h"

#include "graft-keras.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "graft-error.h"
#include "graft-json.h"
#include "graft-keras-private.h"
#include "graft-keras-quant.h"
#include "graft-torch-private.h"

#define GRAFT_KERAS_HEAD 2056

typedef enum
{
  GRAFT_CONTENT_HDF5,
  GRAFT_CONTENT_ZIP,
  GRAFT_CONTENT_JSON,
  GRAFT_CONTENT_SAFETENSORS,
  GRAFT_CONTENT_TORCH_LEGACY,
} GraftContent;

static gboolean
graft_keras_sniff (const char    *path,
                   GraftContent  *content,
                   GError       **error)
{
  guint8 head[GRAFT_KERAS_HEAD + 1] = { 0 };
  GStatBuf st;
  gssize n;
  int fd;
  const char *text;

  if (g_stat (path, &st) != 0)
    {
      int saved = errno;

      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_IO, "%s: %s", path, g_strerror (saved));
      return FALSE;
    }
  if (S_ISDIR (st.st_mode))
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_NOT_A_MODEL,
                   "%s: is a folder, not a checkpoint file (a TensorFlow SavedModel folder is "
                   "not a Keras checkpoint)", path);
      return FALSE;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_NOT_A_MODEL, "%s: is not a regular file", path);
      return FALSE;
    }
  if (st.st_size == 0)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_NOT_A_MODEL, "%s: is empty", path);
      return FALSE;
    }

  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_IO, "%s: %s", path, g_strerror (saved));
      return FALSE;
    }
  n = read (fd, head, GRAFT_KERAS_HEAD);
  close (fd);
  if (n <= 0)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_IO, "%s: cannot be read", path);
      return FALSE;
    }

  /* HDF5 puts its signature at 0, or after a user block at 512, 1024, 2048. */
  for (gsize off = 0; off + 8 <= (gsize) n; off = off ? off * 2 : 512)
    if (graft_h5_is_hdf5_signature (head + off, n - off))
      {
        *content = GRAFT_CONTENT_HDF5;
        return TRUE;
      }
  if (n >= 4 && head[0] == 'P' && head[1] == 'K' &&
      ((head[2] == 3 && head[3] == 4) || (head[2] == 5 && head[3] == 6)))
    {
      *content = GRAFT_CONTENT_ZIP;
      return TRUE;
    }

  if (graft_safetensors_sniff (head, n))
    {
      *content = GRAFT_CONTENT_SAFETENSORS;
      return TRUE;
    }
  if (graft_torch_sniff_legacy (head, n))
    {
      *content = GRAFT_CONTENT_TORCH_LEGACY;
      return TRUE;
    }
  if (n >= 2 && head[0] == 0x80 && head[1] <= 5)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSAFE,
                   "%s: is a bare Python pickle, not a torch.save checkpoint; Graft does not "
                   "run pickles", path);
      return FALSE;
    }

  text = (const char *) head;
  while (*text == ' ' || *text == '\t' || *text == '\r' || *text == '\n')
    text++;
  if (g_str_has_prefix (text, "version https://git-lfs"))
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_NOT_A_MODEL,
                   "%s: is a Git LFS pointer, not the checkpoint itself (run 'git lfs pull')", path);
      return FALSE;
    }
  if (g_ascii_strncasecmp (text, "<!doctype html", 14) == 0 ||
      g_ascii_strncasecmp (text, "<html", 5) == 0)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_NOT_A_MODEL,
                   "%s: is an HTML page, not a checkpoint (was a web page saved instead of the file?)",
                   path);
      return FALSE;
    }
  if (g_str_has_prefix (text, "<?xml") || text[0] == '<')
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_NOT_A_MODEL,
                   "%s: is an XML document, not a checkpoint", path);
      return FALSE;
    }
  if (text[0] == '{')
    {
      *content = GRAFT_CONTENT_JSON;
      return TRUE;
    }
  g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_NOT_A_MODEL,
               "%s: is not a checkpoint Graft reads (neither HDF5, a .keras or PyTorch zip, "
               "safetensors, a legacy PyTorch file, nor a sharded-weights index)", path);
  return FALSE;
}

static GraftFormat
graft_keras_h5_format (GraftH5File *file)
{
  GraftH5Kind kind;

  if (graft_h5_has_attr (file, "/", "model_config") ||
      (graft_h5_exists (file, "/model_weights", &kind) && kind == GRAFT_H5_GROUP))
    return GRAFT_FORMAT_LEGACY_H5;
  if (graft_h5_has_attr (file, "/", "layer_names") || graft_h5_has_attr (file, "/", "layer_names0"))
    return GRAFT_FORMAT_LEGACY_WEIGHTS_H5;
  if (graft_h5_exists (file, "/layers", NULL) || graft_h5_exists (file, "/vars", NULL) ||
      graft_h5_exists (file, "/_layer_checkpoint_dependencies", NULL))
    return GRAFT_FORMAT_WEIGHTS_H5;
  /* tf-keras 2.13/2.15 flattened names, or a subclassed model's attributes. */
  {
    g_autoptr(GPtrArray) entries = graft_h5_list (file, "/", NULL);

    for (guint i = 0; entries != NULL && i < entries->len; i++)
      {
        GraftH5Entry *e = g_ptr_array_index (entries, i);
        g_autofree char *vars = g_strconcat ("/", e->name, "/vars", NULL);

        if (e->kind == GRAFT_H5_GROUP &&
            (strchr (e->name, '\\') != NULL || graft_h5_exists (file, vars, NULL)))
          return GRAFT_FORMAT_WEIGHTS_H5;
      }
  }
  return GRAFT_FORMAT_UNKNOWN;
}

/* Which kind of sharded index a JSON file is: Keras's or safetensors'. */
static GraftFormat
graft_keras_index_format (const char *path)
{
  g_autofree char *text = NULL;
  gsize len;
  g_autoptr(JsonNode) root = NULL;

  if (!g_file_get_contents (path, &text, &len, NULL))
    return GRAFT_FORMAT_UNKNOWN;
  root = graft_json_parse (text, len, path, NULL);
  if (graft_safetensors_is_index (root))
    return GRAFT_FORMAT_SAFETENSORS_SHARDED;
  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root) &&
      json_object_has_member (json_node_get_object (root), "weight_map"))
    return GRAFT_FORMAT_SHARDED;
  return GRAFT_FORMAT_UNKNOWN;
}

/**
 * graft_keras_detect:
 *
 * Tells which Keras format a file is in, from its content.
 *
 * Returns: the format, or %GRAFT_FORMAT_UNKNOWN with @error set
 */
GraftFormat
graft_keras_detect (const char  *path,
                    GError     **error)
{
  GraftContent content;

  g_return_val_if_fail (path != NULL, GRAFT_FORMAT_UNKNOWN);

  if (!graft_keras_sniff (path, &content, error))
    return GRAFT_FORMAT_UNKNOWN;

  switch (content)
    {
    case GRAFT_CONTENT_ZIP:
      return graft_torch_is_archive (path) ? GRAFT_FORMAT_TORCH : GRAFT_FORMAT_KERAS;
    case GRAFT_CONTENT_SAFETENSORS:
      return GRAFT_FORMAT_SAFETENSORS;
    case GRAFT_CONTENT_TORCH_LEGACY:
      return GRAFT_FORMAT_TORCH_LEGACY;
    case GRAFT_CONTENT_JSON:
      {
        GraftFormat format = graft_keras_index_format (path);

        if (format != GRAFT_FORMAT_UNKNOWN)
          return format;
      }
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_NOT_A_MODEL,
                   "%s: is JSON but not a sharded-weights index (no \"weight_map\")", path);
      return GRAFT_FORMAT_UNKNOWN;
    case GRAFT_CONTENT_HDF5:
    default:
      {
        g_autoptr(GraftH5File) file = graft_h5_file_open (path, error);
        GraftFormat format;

        if (file == NULL)
          return GRAFT_FORMAT_UNKNOWN;
        format = graft_keras_h5_format (file);
        if (format == GRAFT_FORMAT_UNKNOWN)
          g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_NOT_A_MODEL,
                       "%s: is an HDF5 file but not a Keras checkpoint (no model_weights, "
                       "layer_names or layers/…/vars)", path);
        return format;
      }
    }
}

static char *
graft_keras_read_root_string (GraftH5File *file,
                              const char  *obj,
                              const char  *name)
{
  if (!graft_h5_has_attr (file, obj, name))
    return NULL;
  return graft_h5_read_attr_string (file, obj, name, NULL);
}

static GraftModel *
graft_keras_load_h5 (const char  *path,
                     GError     **error)
{
  g_autoptr(GraftH5File) file = graft_h5_file_open (path, error);
  g_autoptr(GraftModel) model = NULL;
  GraftFormat format;

  if (file == NULL)
    return NULL;
  format = graft_keras_h5_format (file);
  if (format == GRAFT_FORMAT_UNKNOWN)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_NOT_A_MODEL,
                   "%s: is an HDF5 file but not a Keras checkpoint (no model_weights, "
                   "layer_names or layers/…/vars)", path);
      return NULL;
    }

  model = graft_model_new (path, format);
  graft_model_keep_data (model, graft_h5_file_ref (file), (GDestroyNotify) graft_h5_file_unref);

  if (format == GRAFT_FORMAT_WEIGHTS_H5)
    {
      g_autoptr(GPtrArray) files = g_ptr_array_new ();

      g_ptr_array_add (files, file);
      if (!graft_keras_load_v3 (model, files, error))
        return NULL;
    }
  else
    {
      const char *root = format == GRAFT_FORMAT_LEGACY_H5 ? "/model_weights" : "/";
      g_autofree char *version = graft_keras_read_root_string (file, "/", "keras_version");
      g_autofree char *backend = graft_keras_read_root_string (file, "/", "backend");

      if (version == NULL)
        version = graft_keras_read_root_string (file, root, "keras_version");
      if (backend == NULL)
        backend = graft_keras_read_root_string (file, root, "backend");
      if (backend == NULL)
        backend = graft_keras_read_root_string (file, root, "keras_backend");
      graft_model_set_versions (model, version, backend);

      if (graft_h5_has_attr (file, "/", "model_config"))
        {
          g_autofree char *text = graft_h5_read_attr_string (file, "/", "model_config", error);
          g_autofree char *what = g_strdup_printf ("%s: model_config", path);
          JsonNode *config;

          if (text == NULL)
            return NULL;
          config = graft_json_parse (text, -1, what, error);
          if (config == NULL)
            return NULL;
          graft_model_take_config (model, config);
        }
      if (format == GRAFT_FORMAT_LEGACY_H5 && !graft_h5_exists (file, "/model_weights", NULL))
        {
          g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_NOT_A_MODEL,
                       "%s: holds a model config but no weights (saved with include_optimizer "
                       "only, or architecture only)", path);
          return NULL;
        }
      if (!graft_keras_load_legacy (model, file, root, error))
        return NULL;
      {
        JsonNode *config = graft_model_get_config (model);

        if (config != NULL && JSON_NODE_HOLDS_OBJECT (config))
          graft_layer_set_class_name (graft_model_get_root (model),
                                      graft_config_entry_class (json_node_get_object (config)));
      }
    }

  graft_model_finish (model);
  return g_steal_pointer (&model);
}

static GraftModel *
graft_keras_load_any (const char  *path,
                      GError     **error)
{
  GraftContent content;

  if (!graft_keras_sniff (path, &content, error))
    return NULL;

  switch (content)
    {
    case GRAFT_CONTENT_ZIP:
      /* A torch.save archive is recognised there, from the open archive. */
      return graft_keras_load_zip (path, error);
    case GRAFT_CONTENT_SAFETENSORS:
      return graft_safetensors_load (path, error);
    case GRAFT_CONTENT_TORCH_LEGACY:
      return graft_torch_load_legacy (path, error);
    case GRAFT_CONTENT_JSON:
      if (graft_keras_index_format (path) == GRAFT_FORMAT_SAFETENSORS_SHARDED)
        return graft_safetensors_load_sharded (path, error);
      return graft_keras_load_sharded (path, error);
    case GRAFT_CONTENT_HDF5:
    default:
      return graft_keras_load_h5 (path, error);
    }
}

/**
 * graft_keras_load:
 * @path: a checkpoint in any Keras format
 *
 * Opens a checkpoint and reads its metadata: the layer tree, the weights'
 * names, shapes and dtypes, and the model config. Tensor values are read
 * only when first used.
 *
 * Returns: (transfer full): the model, or %NULL with @error set; the
 *   message names the file and the problem
 */
GraftModel *
graft_keras_load (const char  *path,
                  GError     **error)
{
  GraftModel *model;

  g_return_val_if_fail (path != NULL, NULL);

  model = graft_keras_load_any (path, error);
  /* Stored int8 and int4 kernels get their real values. */
  if (model != NULL)
    graft_keras_quant_attach (model);
  return model;
}
