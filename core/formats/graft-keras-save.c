/* graft-keras-save.c: saving a checkpoint
 *
 * Saving in the checkpoint's own format is a patch, not a rewrite: a copy
 * of the file with only the changed datasets overwritten (graft-h5-patch.c).
 * A .keras archive is rebuilt with its other members copied raw and its
 * weights member patched the same way (graft-keras-archive.c); a sharded
 * checkpoint has each shard patched (graft-keras-save-sharded.c). Saving in
 * another format is a conversion (graft-convert.c).
 *
 * Whatever happens, the target is replaced only by a complete, flushed file
 * (graft-atomic.c), and the input is only ever opened read-only.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-keras-save"

#include "config.h"

#include "graft-keras-save.h"
#include "graft-keras-save-private.h"

#include "graft-atomic.h"
#include "graft-convert.h"
#include "graft-error.h"
#include "graft-h5-patch-private.h"
#include "graft-keras-archive.h"
#include "graft-model.h"

static gboolean
graft_keras_save_same_h5 (GraftModel      *model,
                          const char      *path,
                          GraftSaveFlags   flags,
                          GPtrArray       *changed,
                          GError         **error)
{
  g_autoptr(GraftAtomicFile) out = graft_atomic_file_new (path, error);

  if (out == NULL)
    return FALSE;
  graft_atomic_file_set_sync (out, !(flags & GRAFT_SAVE_NO_SYNC));
  if (!graft_h5_patch_copy (model, graft_model_get_filename (model),
                            graft_atomic_file_get_path (out), graft_atomic_file_get_fd (out),
                            flags, changed, path, error))
    return FALSE;
  return graft_atomic_file_commit (out, error);
}

/* Rebuilds the .keras archive with its weights member patched: the member
 * is extracted into a temporary file beside the target, patched like a
 * single file, and the archive is written again around it
 * (graft_keras_archive_write() copies every other member as it is). */
static gboolean
graft_keras_save_same_keras (GraftModel      *model,
                             const char      *path,
                             GraftSaveFlags   flags,
                             GPtrArray       *changed,
                             GError         **error)
{
  const char *src = graft_model_get_filename (model);
  g_autoptr(GraftArchive) archive = graft_archive_open (src, error);
  g_autoptr(GraftAtomicFile) member = NULL;
  g_autofree char *member_target = g_strconcat (path, ".weights", NULL);
  gint weights;

  if (archive == NULL)
    return FALSE;
  weights = graft_keras_archive_find_weights (archive);
  if (weights < 0)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT,
                   "%s: the archive has no model.weights.h5 member", src);
      return FALSE;
    }
  member = graft_atomic_file_new (member_target, error);
  if (member == NULL)
    return FALSE;
  if (flags & GRAFT_SAVE_DROP_OPTIMIZER)
    {
      g_autoptr(GraftAtomicFile) raw = graft_atomic_file_new (member_target, error);

      if (raw == NULL ||
          !graft_archive_extract (archive, weights, graft_atomic_file_get_fd (raw), path, error) ||
          !graft_h5_patch_copy_without_optimizer (graft_atomic_file_get_path (raw),
                                                  graft_atomic_file_get_path (member), error))
        return FALSE;
    }
  else if (!graft_archive_extract (archive, weights, graft_atomic_file_get_fd (member), path,
                                   error))
    return FALSE;
  if (!graft_h5_patch (model, graft_atomic_file_get_path (member),
                       graft_atomic_file_get_fd (member), changed, path, error))
    return FALSE;
  return graft_keras_archive_write (path, archive, NULL, NULL,
                                    graft_atomic_file_get_path (member), flags, error);
}

/**
 * graft_keras_save:
 * @model: the model to save
 * @path: the file to write; it may be the model's own file
 * @format: the format to write, %GRAFT_FORMAT_UNKNOWN for the model's own
 * @flags: what to leave out
 * @changed: (nullable) (element-type GraftWeight): the weights whose
 *   tensors differ from the model's file (graft_edit_dup_changed()); %NULL
 *   when unknown, then every weight is written
 *
 * Saves @model atomically: the target is replaced only by a complete file
 * flushed to disk, and is left as it was on failure. In the model's own
 * format, the file is a copy of the original with the changed datasets
 * overwritten, so everything else is kept exactly. In another format the
 * model is converted (see graft_convert_save()).
 *
 * Returns: %FALSE with @error set (naming the file and the cause: a full
 *   disk, a permission, …) on failure
 */
gboolean
graft_keras_save (GraftModel      *model,
                  const char      *path,
                  GraftFormat      format,
                  GraftSaveFlags   flags,
                  GPtrArray       *changed,
                  GError         **error)
{
  GraftFormat own;

  g_return_val_if_fail (model != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  own = graft_model_get_format (model);
  if (format == GRAFT_FORMAT_UNKNOWN)
    format = own;

  if (format == own && graft_model_get_filename (model) != NULL &&
      g_file_test (graft_model_get_filename (model), G_FILE_TEST_IS_REGULAR))
    {
      switch (format)
        {
        case GRAFT_FORMAT_LEGACY_H5:
        case GRAFT_FORMAT_LEGACY_WEIGHTS_H5:
        case GRAFT_FORMAT_WEIGHTS_H5:
          return graft_keras_save_same_h5 (model, path, flags, changed, error);
        case GRAFT_FORMAT_KERAS:
          return graft_keras_save_same_keras (model, path, flags, changed, error);
        case GRAFT_FORMAT_SHARDED:
          return graft_keras_save_sharded (model, path, flags, changed, error);
        case GRAFT_FORMAT_UNKNOWN:
        case GRAFT_N_FORMATS:
        default:
          break;
        }
    }
  return graft_convert_save (model, path, format, flags, error);
}
