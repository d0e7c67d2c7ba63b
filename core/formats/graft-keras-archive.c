/* graft-keras-archive.c: .keras archives: the weights member, and the one writer
 *
 * A .keras file is a zip archive of metadata.json, config.json and
 * model.weights.h5, in that order, every member stored uncompressed; the
 * JSON members are dated 1980-01-01 and the weights the time of saving
 * (FORMATS.md). Every .keras Graft writes comes from
 * graft_keras_archive_write(): a conversion or a built model gets a new
 * archive in that layout; a save of an archive rebuilds it with every other
 * member copied as it was (metadata.json included: the file still says
 * which Keras saved it) and the weights member replaced.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-keras-archive"

#include "config.h"

#include "graft-keras-archive.h"

#include <string.h>

#include "graft-error.h"
#include "graft-keras.h"

/**
 * graft_keras_archive_find_weights:
 *
 * The member that holds the weights, for readers and writers alike:
 * model.weights.h5, or else the first top-level *.weights.h5.
 *
 * Returns: its index, or -1 when there is none
 */
gint
graft_keras_archive_find_weights (GraftArchive *archive)
{
  gint found = graft_archive_find (archive, "model.weights.h5");

  for (guint i = 0; found < 0 && i < graft_archive_get_n_members (archive); i++)
    {
      GraftArchiveMember m;

      if (graft_archive_get_member (archive, i, &m, NULL) &&
          g_str_has_suffix (m.name, ".weights.h5") && strchr (m.name, '/') == NULL)
        found = (gint) i;
    }
  return found;
}

static gint
graft_keras_archive_require_weights (GraftArchive  *archive,
                                     GError       **error)
{
  gint index = graft_keras_archive_find_weights (archive);

  if (index < 0)
    g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT,
                 "%s: the archive has no model.weights.h5 member",
                 graft_archive_get_path (archive));
  return index;
}

/**
 * graft_keras_archive_extract_weights:
 * @target: the file being written, for messages
 *
 * Writes the weights member of the .keras archive @archive into @dest_fd.
 *
 * Returns: %FALSE with @error set when the archive is unreadable, has no
 *   weights member, or writing fails
 */
gboolean
graft_keras_archive_extract_weights (const char  *archive,
                                     int          dest_fd,
                                     const char  *target,
                                     GError     **error)
{
  g_autoptr(GraftArchive) zip = graft_archive_open (archive, error);
  gint index;

  if (zip == NULL)
    return FALSE;
  index = graft_keras_archive_require_weights (zip, error);
  return index >= 0 && graft_archive_extract (zip, index, dest_fd, target, error);
}

/**
 * graft_keras_archive_new_metadata:
 * @keras_version: (nullable): the Keras version the model came from
 *
 * The metadata.json of a new archive: the model's Keras 3 version, or the
 * one Graft writes (GRAFT_KERAS_WRITE_VERSION) when the model comes from
 * another major version or names none, and the time of saving.
 *
 * Returns: (transfer full): the JSON text
 */
char *
graft_keras_archive_new_metadata (const char *keras_version)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *date = g_date_time_format (now, "%Y-%m-%d@%H:%M:%S");

  if (keras_version == NULL || !g_str_has_prefix (keras_version, "3."))
    keras_version = GRAFT_KERAS_WRITE_VERSION;
  return g_strdup_printf ("{\"keras_version\": \"%s\", \"date_saved\": \"%s\"}", keras_version,
                          date);
}

/**
 * graft_keras_archive_write:
 * @path: the archive to create or replace, atomically
 * @like: (nullable): an archive whose members are kept, all but its
 *   weights member copied as they are
 * @metadata: (nullable): metadata.json of a new archive (without @like)
 * @config: (nullable): config.json of a new archive (without @like)
 * @weights_path: the HDF5 file that becomes the weights member
 *
 * Writes a .keras archive: with @like, @like's members in their order
 * with the weights member replaced; without, metadata.json, config.json
 * and model.weights.h5 as Keras writes them.
 *
 * Returns: %FALSE with @error set when @like has no weights member or
 *   writing fails; @path is then untouched
 */
gboolean
graft_keras_archive_write (const char      *path,
                           GraftArchive    *like,
                           const char      *metadata,
                           const char      *config,
                           const char      *weights_path,
                           GraftSaveFlags   flags,
                           GError         **error)
{
  g_autoptr(GraftArchiveWriter) w = NULL;

  g_return_val_if_fail (like != NULL || (metadata != NULL && config != NULL), FALSE);

  w = graft_archive_writer_new (path, flags, error);
  if (w == NULL)
    return FALSE;
  if (like != NULL)
    {
      gint weights = graft_keras_archive_require_weights (like, error);

      if (weights < 0)
        return FALSE;
      for (guint i = 0; i < graft_archive_get_n_members (like); i++)
        {
          gboolean ok = (gint) i == weights
                        ? graft_archive_writer_add_file_like (w, weights_path, like, i, error)
                        : graft_archive_writer_add_raw (w, like, i, error);

          if (!ok)
            return FALSE;
        }
    }
  else if (!graft_archive_writer_add_text (w, "metadata.json", metadata, error) ||
           !graft_archive_writer_add_text (w, "config.json", config, error) ||
           !graft_archive_writer_add_file (w, "model.weights.h5", weights_path, error))
    return FALSE;
  return graft_archive_writer_commit (w, error);
}
