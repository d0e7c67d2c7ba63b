/* graft-h5-patch.c: a copy of an HDF5 checkpoint with some datasets overwritten
 *
 * Saving in the checkpoint's own format is a patch, not a rewrite: the
 * original file's bytes are copied (graft_file_copy_into()), and only the
 * changed datasets are overwritten in the copy: with pwrite at their
 * offset when the dataset's storage allows it, through HDF5 otherwise.
 * Everything Graft does not understand, every attribute with its exact
 * HDF5 type, the optimizer state, dtypes, chunking and filters are
 * therefore kept by construction, and the cost is about one file copy.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-h5-patch"

#include "config.h"

#include "graft-h5-patch-private.h"

#include <errno.h>
#include <unistd.h>

#include "graft-error.h"
#include "graft-file-copy.h"
#include "graft-h5-private.h"
#include "graft-h5-write-private.h"
#include "graft-model.h"
#include "graft-tensor.h"

/* Root members that hold training state, per format. */
static gboolean
graft_h5_patch_is_optimizer (const char *name)
{
  return g_str_equal (name, "optimizer") || g_str_equal (name, "optimizer_weights");
}

/* Makes @dest_path a copy of the HDF5 file @src_path without its optimizer
 * state: every other root member is copied with H5Ocopy, attributes
 * included; the root attributes are copied except @training_config.
 * Fails as graft_h5_file_open(), graft_h5_list() or the writer's create,
 * copy and close do (%GRAFT_ERROR_IO for anything on the writing side). */
gboolean
graft_h5_patch_copy_without_optimizer (const char  *src_path,
                                       const char  *dest_path,
                                       GError     **error)
{
  static const char * const skip[] = { "training_config", NULL };
  g_autoptr(GraftH5File) src = NULL;
  g_autoptr(GraftH5Writer) w = NULL;
  g_autoptr(GPtrArray) entries = NULL;

  src = graft_h5_file_open (src_path, error);
  if (src == NULL)
    return FALSE;
  entries = graft_h5_list (src, "/", error);
  if (entries == NULL)
    return FALSE;
  w = graft_h5_writer_create (dest_path, error);
  if (w == NULL)
    return FALSE;
  for (guint i = 0; i < entries->len; i++)
    {
      GraftH5Entry *entry = g_ptr_array_index (entries, i);
      g_autofree char *path = g_strconcat ("/", entry->name, NULL);

      if (graft_h5_patch_is_optimizer (entry->name))
        continue;
      if (!graft_h5_writer_copy_from (w, src_path, path, path, error))
        return FALSE;
    }
  if (!graft_h5_writer_copy_attrs_from (w, src_path, "/", "/", skip, error))
    return FALSE;
  return graft_h5_writer_close (w, error);
}

/* Writes @tensor's bytes straight over the dataset's storage when that is
 * exact: a contiguous, unfiltered, allocated dataset of the same element
 * type, byte order and shape. The copy is then never opened for writing by
 * HDF5, which would otherwise rewrite and flush its metadata on close. */
static gboolean
graft_h5_patch_try_pwrite (GraftH5File  *file,
                           int           fd,
                           const char   *location,
                           GraftTensor  *tensor,
                           const char   *target,
                           gboolean     *written,
                           GError      **error)
{
  GraftH5DatasetInfo info;
  gboolean fits;
  const guint8 *data;
  gsize n, done = 0;

  *written = FALSE;
  if (!graft_h5_dataset_info (file, location, &info, NULL))
    return TRUE;
  fits = info.contiguous && !info.chunked && info.n_filters == 0 && info.offset >= 0 &&
         info.little_endian && G_BYTE_ORDER == G_LITTLE_ENDIAN &&
         info.dtype == graft_tensor_get_dtype (tensor) && info.dtype != GRAFT_DTYPE_BFLOAT16 &&
         info.dtype != GRAFT_DTYPE_BOOL && info.rank == graft_tensor_get_rank (tensor) &&
         info.n_bytes == graft_tensor_get_n_bytes (tensor);
  for (guint i = 0; fits && i < info.rank; i++)
    fits = info.shape[i] == graft_tensor_get_dim (tensor, i);
  graft_h5_dataset_info_clear (&info);
  if (!fits)
    return TRUE;

  n = graft_tensor_get_n_bytes (tensor);
  data = graft_tensor_get_data (tensor, error);
  if (data == NULL && n > 0)
    return FALSE;
  while (done < n)
    {
      ssize_t k = pwrite (fd, data + done, n - done, info.offset + done);

      if (k < 0 && errno == EINTR)
        continue;
      if (k <= 0)
        {
          graft_error_set_errno (error, k < 0 ? errno : ENOSPC, target, "cannot write");
          return FALSE;
        }
      done += k;
    }
  *written = TRUE;
  return TRUE;
}

/* Overwrites the datasets of @changed (all model weights when %NULL) in
 * the HDF5 file at @path, open as @fd. Datasets that allow it are written
 * with pwrite at their offset; only the others go through HDF5. Fails,
 * with the file partly written and messages naming @target, when @path
 * cannot be opened, a weight has no location in it
 * (%GRAFT_ERROR_UNSUPPORTED), a weight's values cannot be loaded (the
 * tensor's error), a write fails (%GRAFT_ERROR_IO, a full disk named as
 * such) or a dataset's shape differs (%GRAFT_ERROR_SHAPE). */
gboolean
graft_h5_patch (GraftModel  *model,
                const char  *path,
                int          fd,
                GPtrArray   *changed,
                const char  *target,
                GError     **error)
{
  g_autoptr(GraftH5Writer) w = NULL;
  g_autoptr(GraftH5File) file = NULL;
  g_autoptr(GPtrArray) rest = g_ptr_array_new ();
  guint n = changed ? changed->len : graft_model_get_n_weights (model);

  if (n == 0)
    return TRUE;
  file = graft_h5_file_open (path, error);
  if (file == NULL)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      GraftWeight *weight = changed ? g_ptr_array_index (changed, i) : graft_model_get_weight (model, i);
      const char *location = graft_weight_get_location (weight);
      gboolean written = FALSE;

      if (location == NULL)
        {
          g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED,
                       "%s: weight '%s' has no place in the file it came from", target,
                       graft_weight_get_path (weight));
          return FALSE;
        }
      if (!graft_h5_patch_try_pwrite (file, fd, location, graft_weight_get_tensor (weight), target,
                                      &written, error))
        {
          g_prefix_error (error, "weight '%s': ", graft_weight_get_path (weight));
          return FALSE;
        }
      if (!written)
        g_ptr_array_add (rest, weight);
    }
  g_clear_pointer (&file, graft_h5_file_unref);
  if (rest->len == 0)
    return TRUE;

  w = graft_h5_writer_open (path, error);
  if (w == NULL)
    return FALSE;
  for (guint i = 0; i < rest->len; i++)
    {
      GraftWeight *weight = g_ptr_array_index (rest, i);
      g_autoptr(GError) local = NULL;

      if (!graft_h5_writer_overwrite (w, graft_weight_get_location (weight),
                                      graft_weight_get_tensor (weight), &local))
        {
          g_set_error (error, GRAFT_ERROR, local->code, "%s: weight '%s': %s", target,
                       graft_weight_get_path (weight), local->message);
          return FALSE;
        }
    }
  return graft_h5_writer_close (w, error);
}

/* Writes the HDF5 file @src_path, patched, into the empty file @dest_path
 * whose descriptor is @dest_fd: a byte copy, or a copy without optimizer
 * state with GRAFT_SAVE_DROP_OPTIMIZER, then graft_h5_patch(). Fails as
 * the copy or the patch does; @dest_path is then to be thrown away. */
gboolean
graft_h5_patch_copy (GraftModel      *model,
                     const char      *src_path,
                     const char      *dest_path,
                     int              dest_fd,
                     GraftSaveFlags   flags,
                     GPtrArray       *changed,
                     const char      *target,
                     GError         **error)
{
  if (flags & GRAFT_SAVE_DROP_OPTIMIZER)
    {
      if (!graft_h5_patch_copy_without_optimizer (src_path, dest_path, error))
        return FALSE;
    }
  else if (!graft_file_copy_into (src_path, dest_fd, target, error))
    return FALSE;
  return graft_h5_patch (model, dest_path, dest_fd, changed, target, error);
}
