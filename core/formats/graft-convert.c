/* graft-convert.c: writing a model in another checkpoint format
 *
 * Between the two Keras 3 layouts (.weights.h5, the HDF5 member of a
 * .keras, shards) nothing is renamed: the tree is copied as it is. Between
 * the two legacy layouts, the model_weights tree is the weights-only file.
 * Between a legacy and a Keras 3 layout every weight moves, and where it
 * goes follows from the model config (graft-convert-keras3-paths.c); a
 * file without one takes the architecture from another file of the same model.
 *
 * A conversion writes the model's weights only: optimizer state and the
 * training config are left out, since their variables are named after the
 * paths of the source format.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-convert"

#include "config.h"

#include "graft-convert.h"

#include <string.h>

#include "graft-atomic.h"
#include "graft-convert-private.h"
#include "graft-error.h"
#include "graft-keras.h"
#include "graft-keras-private.h"
#include "graft-keras-archive.h"
#include "graft-model.h"

/* Writes the Keras 3 HDF5 layout of @model into the new file @dest. */
static gboolean
graft_convert_write_keras3_file (GraftModel      *model,
                                 JsonNode        *config,
                                 const char      *dest,
                                 int              dest_fd,
                                 GraftSaveFlags   flags,
                                 const char      *target,
                                 GError         **error)
{
  GraftFormat own = graft_model_get_format (model);
  g_autoptr(GraftH5Writer) w = NULL;
  g_autoptr(GraftConvertPlan) plan = NULL;

  if (own == GRAFT_FORMAT_KERAS)
    {
      /* The member is exactly this layout. */
      if (!(flags & GRAFT_SAVE_DROP_OPTIMIZER))
        return graft_keras_archive_extract_weights (graft_model_get_filename (model), dest_fd,
                                                    target, error);
      {
        g_autoptr(GraftAtomicFile) raw = graft_atomic_file_new (dest, error);

        if (raw == NULL ||
            !graft_keras_archive_extract_weights (graft_model_get_filename (model),
                                                  graft_atomic_file_get_fd (raw), target, error))
          return FALSE;
        w = graft_h5_writer_create (dest, error);
        if (w == NULL || !graft_h5_writer_merge_from (w, graft_atomic_file_get_path (raw), TRUE, error))
          return FALSE;
        return graft_h5_writer_close (w, error);
      }
    }
  if (own == GRAFT_FORMAT_WEIGHTS_H5)
    {
      w = graft_h5_writer_create (dest, error);
      if (w == NULL ||
          !graft_h5_writer_merge_from (w, graft_model_get_filename (model),
                                       (flags & GRAFT_SAVE_DROP_OPTIMIZER) != 0, error))
        return FALSE;
      return graft_h5_writer_close (w, error);
    }
  if (own == GRAFT_FORMAT_SHARDED)
    {
      const char *index_path = graft_model_get_filename (model);
      g_autoptr(GPtrArray) shards = graft_keras_sharded_list (index_path, TRUE, error);

      if (shards == NULL)
        return FALSE;
      w = graft_h5_writer_create (dest, error);
      if (w == NULL)
        return FALSE;
      for (guint i = 0; i < shards->len; i++)
        if (!graft_h5_writer_merge_from (w, g_ptr_array_index (shards, i),
                                         (flags & GRAFT_SAVE_DROP_OPTIMIZER) != 0, error))
          return FALSE;
      return graft_h5_writer_close (w, error);
    }

  plan = graft_convert_plan_new (model, config, target, error);
  if (plan == NULL)
    return FALSE;
  w = graft_h5_writer_create (dest, error);
  if (w == NULL)
    return FALSE;
  if (!graft_convert_write_keras3 (plan, w, error))
    {
      g_prefix_error (error, "%s: ", target);
      return FALSE;
    }
  return graft_h5_writer_close (w, error);
}

static gboolean
graft_convert_save_weights_h5 (GraftModel      *model,
                               JsonNode        *config,
                               const char      *path,
                               GraftSaveFlags   flags,
                               GError         **error)
{
  g_autoptr(GraftAtomicFile) out = graft_atomic_file_new (path, error);

  if (out == NULL)
    return FALSE;
  graft_atomic_file_set_sync (out, !(flags & GRAFT_SAVE_NO_SYNC));
  if (!graft_convert_write_keras3_file (model, config, graft_atomic_file_get_path (out),
                                        graft_atomic_file_get_fd (out), flags, path, error))
    return FALSE;
  return graft_atomic_file_commit (out, error);
}

static gboolean
graft_convert_save_keras (GraftModel      *model,
                          JsonNode        *config,
                          const char      *path,
                          GraftSaveFlags   flags,
                          GError         **error)
{
  g_autoptr(GraftAtomicFile) member = NULL;
  g_autofree char *member_target = g_strconcat (path, ".weights", NULL);
  g_autofree char *config_text = NULL;
  g_autofree char *metadata = NULL;

  if (config == NULL || !JSON_NODE_HOLDS_OBJECT (config))
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_NO_ARCHITECTURE,
                   "%s: a .keras archive needs the model config, and %s has none; take it "
                   "from a file of the same model (a .keras or legacy full-model .h5)", path,
                   graft_model_get_filename (model));
      return FALSE;
    }
  /* A Keras 3 config (it names each object's module) is kept as it is. */
  if (json_object_has_member (json_node_get_object (config), "module"))
    {
      g_autoptr(JsonGenerator) gen = json_generator_new ();

      json_generator_set_root (gen, config);
      config_text = json_generator_to_data (gen, NULL);
    }
  else
    config_text = graft_convert_keras_config (config);
  metadata = graft_keras_archive_new_metadata (graft_model_get_keras_version (model));

  member = graft_atomic_file_new (member_target, error);
  if (member == NULL ||
      !graft_convert_write_keras3_file (model, config, graft_atomic_file_get_path (member),
                                        graft_atomic_file_get_fd (member), flags, path, error))
    return FALSE;
  return graft_keras_archive_write (path, NULL, metadata, config_text,
                                    graft_atomic_file_get_path (member), flags, error);
}

/* A legacy full-model file's model_weights is the weights-only file. */
static gboolean
graft_convert_legacy_full_to_weights (GraftModel  *model,
                                      const char  *dest,
                                      GError     **error)
{
  g_autoptr(GraftH5Writer) w = graft_h5_writer_create (dest, error);
  const char *src = graft_model_get_filename (model);

  if (w == NULL)
    return FALSE;
  if (!graft_h5_writer_copy_members_from (w, src, "/model_weights", "/", error) ||
      !graft_h5_writer_copy_attrs_from (w, src, "/model_weights", "/", NULL, error))
    return FALSE;
  return graft_h5_writer_close (w, error);
}

static gboolean
graft_convert_save_legacy (GraftModel      *model,
                           JsonNode        *config,
                           const char      *path,
                           GraftFormat      format,
                           GraftSaveFlags   flags,
                           GError         **error)
{
  g_autoptr(GraftAtomicFile) out = graft_atomic_file_new (path, error);
  g_autoptr(GraftH5Writer) w = NULL;
  g_autoptr(GraftConvertPlan) plan = NULL;
  gboolean full = format == GRAFT_FORMAT_LEGACY_H5;

  if (out == NULL)
    return FALSE;
  graft_atomic_file_set_sync (out, !(flags & GRAFT_SAVE_NO_SYNC));
  if (!full && graft_model_get_format (model) == GRAFT_FORMAT_LEGACY_H5)
    {
      if (!graft_convert_legacy_full_to_weights (model, graft_atomic_file_get_path (out), error))
        return FALSE;
      return graft_atomic_file_commit (out, error);
    }

  plan = graft_convert_plan_new (model, config, path, error);
  if (plan == NULL)
    return FALSE;
  w = graft_h5_writer_create (graft_atomic_file_get_path (out), error);
  if (w == NULL)
    return FALSE;
  if (full)
    {
      const char *backend = graft_model_get_backend (model);
      const char *version = graft_model_get_keras_version (model);
      g_autofree char *model_config = graft_convert_legacy_config (config);

      if (!graft_h5_writer_set_attr_string (w, "/", "backend", backend ? backend : "tensorflow",
                                            TRUE, error) ||
          !graft_h5_writer_set_attr_string (w, "/", "keras_version", version ? version : GRAFT_KERAS_WRITE_VERSION,
                                            TRUE, error) ||
          !graft_h5_writer_set_attr_string (w, "/", "model_config", model_config, FALSE, error))
        return FALSE;
    }
  if (!graft_convert_write_legacy (plan, model, w, full ? "/model_weights" : "/", error))
    {
      g_prefix_error (error, "%s: ", path);
      return FALSE;
    }
  if (!graft_h5_writer_close (w, error))
    return FALSE;
  return graft_atomic_file_commit (out, error);
}

/**
 * graft_convert_save_full:
 * @model: the model to write
 * @config: (nullable): the architecture to follow, when @model's file has
 *   none (a .weights.h5 or a legacy weights-only file); %NULL for @model's own
 * @path: the file to write
 * @format: the format to write; not @model's own
 * @flags: %GRAFT_SAVE_DROP_OPTIMIZER; a conversion between the legacy and
 *   the Keras 3 layouts always leaves the optimizer out
 * @max_shard_size: for %GRAFT_FORMAT_SHARDED, the most bytes of variables
 *   in one shard (0 for Keras's default, 5 GiB)
 *
 * Writes @model's weights to @path in @format, atomically. Every weight
 * goes where Keras puts it in that format for the model's architecture.
 *
 * Returns: %FALSE with @error set when the architecture is unknown (no
 *   config, a subclassed model), a weight has no place in it, or writing
 *   fails
 */
gboolean
graft_convert_save_full (GraftModel      *model,
                         JsonNode        *config,
                         const char      *path,
                         GraftFormat      format,
                         GraftSaveFlags   flags,
                         guint64          max_shard_size,
                         GError         **error)
{
  GraftFormat own;

  g_return_val_if_fail (model != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  own = graft_model_get_format (model);
  if (config == NULL)
    config = graft_model_get_config (model);

  switch (format)
    {
    case GRAFT_FORMAT_WEIGHTS_H5:
      return graft_convert_save_weights_h5 (model, config, path, flags, error);
    case GRAFT_FORMAT_KERAS:
      return graft_convert_save_keras (model, config, path, flags, error);
    case GRAFT_FORMAT_LEGACY_H5:
    case GRAFT_FORMAT_LEGACY_WEIGHTS_H5:
      return graft_convert_save_legacy (model, config, path, format, flags, error);
    case GRAFT_FORMAT_SHARDED:
      return graft_convert_save_sharded (model, config, path, max_shard_size, flags, error);
    case GRAFT_FORMAT_UNKNOWN:
    case GRAFT_N_FORMATS:
    default:
      break;
    }
  g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED, "%s: cannot convert %s to %s", path,
               graft_format_get_name (own), graft_format_get_name (format));
  return FALSE;
}

/**
 * graft_convert_save:
 *
 * graft_convert_save_full() with @model's own config and the default
 * shard size.
 *
 * Returns: %FALSE with @error set as graft_convert_save_full() does
 */
gboolean
graft_convert_save (GraftModel      *model,
                    const char      *path,
                    GraftFormat      format,
                    GraftSaveFlags   flags,
                    GError         **error)
{
  return graft_convert_save_full (model, NULL, path, format, flags, 0, error);
}
