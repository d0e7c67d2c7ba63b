/* graft-keras-save.c: saving a checkpoint
 *
 * Saving in the checkpoint's own format is a patch, not a rewrite: the
 * original file's bytes are copied to a temporary file beside the target
 * (copy_file_range, so the kernel does it, or even shares the blocks), that
 * copy is opened with HDF5 and only the changed datasets are overwritten in
 * place. Everything Graft does not understand, every attribute with its
 * exact HDF5 type, the optimizer state, dtypes, chunking and filters are
 * therefore kept by construction, and the cost is about one file copy.
 * A .keras archive is rebuilt with libzip: other members are copied raw
 * (still compressed, same method and time), the HDF5 member is patched the
 * same way through a temporary file. Saving in another format is a
 * conversion (graft-convert.c).
 *
 * Whatever happens, the target is replaced only by a complete, flushed file
 * (graft-atomic.c), and the input is only ever opened read-only.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-keras-save"

/* copy_file_range() is a GNU extension. */
#define _GNU_SOURCE 1

#include "config.h"

#include "graft-keras-save.h"
#include "graft-keras-save-private.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

#include "graft-atomic.h"
#include "graft-convert.h"
#include "graft-convert-private.h"
#include "graft-error.h"
#include "graft-json.h"
#include "graft-h5-private.h"
#include "graft-h5-write-private.h"
#include "graft-keras-private.h"
#include "graft-model.h"
#include "graft-tensor.h"

/**
 * graft_format_from_name:
 * @name: "legacy-h5", "legacy-weights-h5", "weights-h5", "keras" or
 *   "sharded-weights", as graft_format_get_name() spells them
 *
 * Returns: the format, or %GRAFT_FORMAT_UNKNOWN
 */
GraftFormat
graft_format_from_name (const char *name)
{
  for (GraftFormat f = GRAFT_FORMAT_UNKNOWN + 1; f < GRAFT_N_FORMATS; f++)
    if (g_strcmp0 (name, graft_format_get_name (f)) == 0)
      return f;
  return GRAFT_FORMAT_UNKNOWN;
}

/**
 * graft_format_guess_for_path:
 *
 * The format a file name asks for: `.keras`, `.weights.h5`,
 * `.weights.json`, and `.h5`/`.hdf5` for the legacy full-model format.
 *
 * Returns: the format, or %GRAFT_FORMAT_UNKNOWN
 */
GraftFormat
graft_format_guess_for_path (const char *path)
{
  g_autofree char *lower = g_ascii_strdown (path, -1);

  if (g_str_has_suffix (lower, ".keras"))
    return GRAFT_FORMAT_KERAS;
  if (g_str_has_suffix (lower, ".weights.h5"))
    return GRAFT_FORMAT_WEIGHTS_H5;
  if (g_str_has_suffix (lower, ".weights.json"))
    return GRAFT_FORMAT_SHARDED;
  if (g_str_has_suffix (lower, ".h5") || g_str_has_suffix (lower, ".hdf5") ||
      g_str_has_suffix (lower, ".hdf"))
    return GRAFT_FORMAT_LEGACY_H5;
  return GRAFT_FORMAT_UNKNOWN;
}

static void
graft_keras_save_set_errno (GError     **error,
                            int          saved_errno,
                            const char  *what,
                            const char  *path)
{
  const char *hint = saved_errno == ENOSPC || saved_errno == EDQUOT ? " (the disk is full)" : "";

  g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_IO, "%s: %s: %s%s", path, what,
               g_strerror (saved_errno), hint);
}

/* Copies the whole of @src_path into @dest_fd, which is empty. The kernel
 * does the copy (and may share blocks); plain read/write is the fallback
 * for file systems that refuse. */
gboolean
graft_keras_save_copy_file (const char  *src_path,
                            int          dest_fd,
                            const char  *dest_name,
                            GError     **error)
{
  g_autofree guint8 *buf = NULL;
  GStatBuf st;
  goffset done = 0;
  int src;

  src = g_open (src_path, O_RDONLY | O_CLOEXEC, 0);
  if (src < 0)
    {
      graft_keras_save_set_errno (error, errno, "cannot be read", src_path);
      return FALSE;
    }
  if (fstat (src, &st) != 0)
    {
      graft_keras_save_set_errno (error, errno, "cannot be read", src_path);
      close (src);
      return FALSE;
    }

  while (done < st.st_size)
    {
      ssize_t n = copy_file_range (src, NULL, dest_fd, NULL, st.st_size - done, 0);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      done += n;
    }

  if (done < st.st_size)
    {
      /* copy_file_range refused (EXDEV, ENOSYS, …) or stopped: go on by hand
       * from where it stopped. */
      if (lseek (src, done, SEEK_SET) < 0 || lseek (dest_fd, done, SEEK_SET) < 0)
        {
          graft_keras_save_set_errno (error, errno, "cannot copy", src_path);
          close (src);
          return FALSE;
        }
      buf = g_malloc (1 << 20);
      while (done < st.st_size)
        {
          ssize_t n = read (src, buf, 1 << 20);
          ssize_t w = 0;

          if (n < 0 && errno == EINTR)
            continue;
          if (n <= 0)
            {
              graft_keras_save_set_errno (error, n < 0 ? errno : EIO, "cannot be read", src_path);
              close (src);
              return FALSE;
            }
          while (w < n)
            {
              ssize_t k = write (dest_fd, buf + w, n - w);

              if (k < 0 && errno == EINTR)
                continue;
              if (k <= 0)
                {
                  graft_keras_save_set_errno (error, k < 0 ? errno : ENOSPC, "cannot write",
                                              dest_name);
                  close (src);
                  return FALSE;
                }
              w += k;
            }
          done += n;
        }
    }
  close (src);
  return TRUE;
}

/* Root members that hold training state, per format. */
static gboolean
graft_keras_save_is_optimizer (const char *name)
{
  return g_str_equal (name, "optimizer") || g_str_equal (name, "optimizer_weights");
}

/* Makes @dest_path a copy of the HDF5 file @src_path without its optimizer
 * state: every other root member is copied with H5Ocopy, attributes
 * included; the root attributes are copied except @training_config. */
static gboolean
graft_keras_save_copy_without_optimizer (const char  *src_path,
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

      if (graft_keras_save_is_optimizer (entry->name))
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
graft_keras_save_try_pwrite (GraftH5File  *file,
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
          graft_keras_save_set_errno (error, k < 0 ? errno : ENOSPC, "cannot write", target);
          return FALSE;
        }
      done += k;
    }
  *written = TRUE;
  return TRUE;
}

/* Overwrites the datasets of @changed (all model weights when %NULL) in
 * the HDF5 file at @path, open as @fd. Datasets that allow it are written
 * with pwrite at their offset; only the others go through HDF5. */
static gboolean
graft_keras_save_patch_h5 (GraftModel  *model,
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
      if (!graft_keras_save_try_pwrite (file, fd, location, graft_weight_get_tensor (weight), target,
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
 * whose descriptor is @dest_fd. */
static gboolean
graft_keras_save_h5_copy (GraftModel      *model,
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
      if (!graft_keras_save_copy_without_optimizer (src_path, dest_path, error))
        return FALSE;
    }
  else if (!graft_keras_save_copy_file (src_path, dest_fd, target, error))
    return FALSE;
  return graft_keras_save_patch_h5 (model, dest_path, dest_fd, changed, target, error);
}

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
  if (!graft_keras_save_h5_copy (model, graft_model_get_filename (model),
                                 graft_atomic_file_get_path (out), graft_atomic_file_get_fd (out),
                                 flags, changed, path, error))
    return FALSE;
  return graft_atomic_file_commit (out, error);
}

static void
graft_keras_save_set_zip_error (GError     **error,
                                zip_error_t *zerr,
                                const char  *what,
                                const char  *path)
{
  int sys = zip_error_code_system (zerr);
  const char *hint = sys == ENOSPC || sys == EDQUOT ? " (the disk is full)" : "";

  g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_IO, "%s: %s: %s%s", path, what,
               zip_error_strerror (zerr), hint);
}

static gboolean
graft_keras_save_extract (zip_t       *za,
                          zip_uint64_t index,
                          int          fd,
                          const char  *archive,
                          const char  *target,
                          GError     **error)
{
  g_autofree guint8 *buf = g_malloc (1 << 20);
  zip_file_t *zf = zip_fopen_index (za, index, 0);
  zip_int64_t n;

  if (zf == NULL)
    {
      graft_keras_save_set_zip_error (error, zip_get_error (za), "cannot read the weights member",
                                      archive);
      return FALSE;
    }
  while ((n = zip_fread (zf, buf, 1 << 20)) > 0)
    {
      zip_int64_t w = 0;

      while (w < n)
        {
          ssize_t k = write (fd, buf + w, n - w);

          if (k < 0 && errno == EINTR)
            continue;
          if (k <= 0)
            {
              graft_keras_save_set_errno (error, k < 0 ? errno : ENOSPC, "cannot write", target);
              zip_fclose (zf);
              return FALSE;
            }
          w += k;
        }
    }
  if (n < 0)
    {
      graft_keras_save_set_zip_error (error, zip_file_get_error (zf),
                                      "cannot read the weights member", archive);
      zip_fclose (zf);
      return FALSE;
    }
  zip_fclose (zf);
  return TRUE;
}

/* The index of the archive's HDF5 member (a top-level *.h5), or -1. */
static zip_int64_t
graft_keras_save_find_h5 (zip_t *za)
{
  zip_int64_t n_entries = zip_get_num_entries (za, 0);

  for (zip_int64_t i = 0; i < n_entries; i++)
    {
      const char *name = zip_get_name (za, i, 0);

      if (name != NULL && g_str_has_suffix (name, ".h5") && strchr (name, '/') == NULL)
        return i;
    }
  return -1;
}

/**
 * graft_keras_save_extract_weights:
 *
 * Writes the HDF5 member of the .keras archive @archive into @dest_fd.
 */
gboolean
graft_keras_save_extract_weights (const char  *archive,
                                  int          dest_fd,
                                  const char  *target,
                                  GError     **error)
{
  zip_int64_t index;
  gboolean ok;
  int zerr = 0;
  zip_t *za = zip_open (archive, ZIP_RDONLY, &zerr);

  if (za == NULL)
    {
      zip_error_t ze;

      zip_error_init_with_code (&ze, zerr);
      graft_keras_save_set_zip_error (error, &ze, "cannot be opened as a zip archive", archive);
      zip_error_fini (&ze);
      return FALSE;
    }
  index = graft_keras_save_find_h5 (za);
  if (index < 0)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT,
                   "%s: the archive has no model.weights.h5 member", archive);
      zip_close (za);
      return FALSE;
    }
  ok = graft_keras_save_extract (za, index, dest_fd, archive, target, error);
  zip_close (za);
  return ok;
}

static gboolean
graft_keras_save_fsync_path (const char  *path,
                             GError     **error)
{
  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);

  if (fd < 0 || fsync (fd) != 0)
    {
      graft_keras_save_set_errno (error, errno, "cannot flush to disk", path);
      if (fd >= 0)
        close (fd);
      return FALSE;
    }
  close (fd);
  return TRUE;
}

/* Rebuilds the .keras archive @src with its HDF5 member patched. Members
 * keep their order, names, compression, times and attributes; all but the
 * HDF5 member are copied still compressed, byte for byte. */
static gboolean
graft_keras_save_same_keras (GraftModel      *model,
                             const char      *path,
                             GraftSaveFlags   flags,
                             GPtrArray       *changed,
                             GError         **error)
{
  const char *src = graft_model_get_filename (model);
  g_autoptr(GraftAtomicFile) out = NULL;
  g_autoptr(GraftAtomicFile) member = NULL;
  g_autofree char *member_target = NULL;
  zip_t *zin = NULL, *zout = NULL;
  zip_int64_t n_entries, h5_index = -1;
  int zerr = 0;
  gboolean ok = FALSE;

  zin = zip_open (src, ZIP_RDONLY, &zerr);
  if (zin == NULL)
    {
      zip_error_t ze;

      zip_error_init_with_code (&ze, zerr);
      graft_keras_save_set_zip_error (error, &ze, "cannot be opened as a zip archive", src);
      zip_error_fini (&ze);
      return FALSE;
    }
  n_entries = zip_get_num_entries (zin, 0);
  for (zip_int64_t i = 0; i < n_entries; i++)
    {
      const char *name = zip_get_name (zin, i, 0);

      if (name != NULL && g_str_has_suffix (name, ".h5") && strchr (name, '/') == NULL)
        {
          h5_index = i;
          break;
        }
    }
  if (h5_index < 0)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT,
                   "%s: the archive has no model.weights.h5 member", src);
      goto out;
    }

  /* The HDF5 member is patched in a temporary file beside the target,
   * removed when done. */
  member_target = g_strconcat (path, ".weights", NULL);
  member = graft_atomic_file_new (member_target, error);
  if (member == NULL)
    goto out;
  if (flags & GRAFT_SAVE_DROP_OPTIMIZER)
    {
      g_autoptr(GraftAtomicFile) raw = graft_atomic_file_new (member_target, error);

      if (raw == NULL ||
          !graft_keras_save_extract (zin, h5_index, graft_atomic_file_get_fd (raw), src, path, error) ||
          !graft_keras_save_copy_without_optimizer (graft_atomic_file_get_path (raw),
                                                    graft_atomic_file_get_path (member), error))
        goto out;
    }
  else if (!graft_keras_save_extract (zin, h5_index, graft_atomic_file_get_fd (member), src, path,
                                      error))
    goto out;
  if (!graft_keras_save_patch_h5 (model, graft_atomic_file_get_path (member),
                                  graft_atomic_file_get_fd (member), changed, path, error))
    goto out;

  out = graft_atomic_file_new (path, error);
  if (out == NULL)
    goto out;
  zout = zip_open (graft_atomic_file_get_path (out), ZIP_CREATE | ZIP_TRUNCATE, &zerr);
  if (zout == NULL)
    {
      zip_error_t ze;

      zip_error_init_with_code (&ze, zerr);
      graft_keras_save_set_zip_error (error, &ze, "cannot create the archive", path);
      zip_error_fini (&ze);
      goto out;
    }

  for (zip_int64_t i = 0; i < n_entries; i++)
    {
      zip_stat_t st;
      zip_source_t *source;
      zip_int64_t index;
      zip_uint8_t opsys;
      zip_uint32_t attributes;

      if (zip_stat_index (zin, i, 0, &st) != 0)
        {
          graft_keras_save_set_zip_error (error, zip_get_error (zin), "cannot read the archive", src);
          goto out;
        }
      if (i == h5_index)
        source = zip_source_file (zout, graft_atomic_file_get_path (member), 0, -1);
      else
        source = zip_source_zip (zout, zin, i, ZIP_FL_COMPRESSED, 0, -1);
      if (source == NULL)
        {
          graft_keras_save_set_zip_error (error, zip_get_error (zout), "cannot copy a member", src);
          goto out;
        }
      index = zip_file_add (zout, st.name, source, ZIP_FL_ENC_UTF_8);
      if (index < 0)
        {
          zip_source_free (source);
          graft_keras_save_set_zip_error (error, zip_get_error (zout), "cannot add a member", path);
          goto out;
        }
      /* Raw-copied members keep their method, so libzip passes their bytes
       * through; the HDF5 member is written the way it was. */
      if (zip_set_file_compression (zout, index, st.comp_method, 0) != 0)
        zip_set_file_compression (zout, index, ZIP_CM_DEFLATE, 0);
      zip_file_set_mtime (zout, index, st.mtime, 0);
      if (zip_file_get_external_attributes (zin, i, 0, &opsys, &attributes) == 0)
        zip_file_set_external_attributes (zout, index, 0, opsys, attributes);
    }

  if (zip_close (zout) != 0)
    {
      graft_keras_save_set_zip_error (error, zip_get_error (zout), "cannot write the archive", path);
      zip_discard (zout);
      zout = NULL;
      goto out;
    }
  zout = NULL;
  /* libzip wrote a new file and renamed it over our temporary one. */
  if (!(flags & GRAFT_SAVE_NO_SYNC) &&
      !graft_keras_save_fsync_path (graft_atomic_file_get_path (out), error))
    goto out;
  graft_atomic_file_set_sync (out, !(flags & GRAFT_SAVE_NO_SYNC));
  ok = graft_atomic_file_commit (out, error);

out:
  if (zout != NULL)
    zip_discard (zout);
  zip_close (zin);
  return ok;
}

/* A sharded checkpoint saved in its own format: every shard is copied and
 * patched like a single file, renamed after the new index; the index is
 * the original one with its shard names replaced, written last. */
static gboolean
graft_keras_save_same_sharded (GraftModel      *model,
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
      if (!graft_keras_save_h5_copy (model, shard, graft_atomic_file_get_path (out),
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
          return graft_keras_save_same_sharded (model, path, flags, changed, error);
        case GRAFT_FORMAT_UNKNOWN:
        case GRAFT_N_FORMATS:
        default:
          break;
        }
    }
  return graft_convert_save (model, path, format, flags, error);
}
