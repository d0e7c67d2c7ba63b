/* graft-h5-walk.c: paths in an HDF5 file, walked one hard link at a time
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-h5-walk"

#include "config.h"

#include "graft-h5-private.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <hdf5.h>
#include <string.h>

#include "graft-dtype.h"
#include "graft-error.h"
#include "graft-h5-file-private.h"
#include "graft-h5-util-private.h"
#include "graft-limits.h"
#include "graft-progress.h"
#include "graft-tensor.h"

static GraftH5Kind
graft_h5_link_kind (hid_t       loc,
                    const char *name)
{
  H5L_info_t linfo;
  H5O_info_t oinfo;

  if (H5Lget_info (loc, name, &linfo, H5P_DEFAULT) < 0)
    return GRAFT_H5_OTHER;
  if (linfo.type == H5L_TYPE_SOFT)
    return GRAFT_H5_SOFT_LINK;
  if (linfo.type != H5L_TYPE_HARD)
    return GRAFT_H5_EXTERNAL_LINK;
  if (H5Oget_info_by_name2 (loc, name, &oinfo, H5O_INFO_BASIC, H5P_DEFAULT) < 0)
    return GRAFT_H5_OTHER;
  if (oinfo.type == H5O_TYPE_GROUP)
    return GRAFT_H5_GROUP;
  if (oinfo.type == H5O_TYPE_DATASET)
    return GRAFT_H5_DATASET;
  return GRAFT_H5_OTHER;
}

/* Checks that every link along @path exists and is a hard link, and gives
 * the kind of object it ends at in @kind (may be %NULL). Verified paths
 * are remembered, so walking a whole file costs one lookup per link rather
 * than one per link per weight. Fails with %GRAFT_ERROR_NOT_FOUND when a
 * link is missing, %GRAFT_ERROR_UNSAFE at a soft or external link and
 * %GRAFT_ERROR_LIMIT when @path is nested deeper than GRAFT_MAX_DEPTH. */
gboolean
graft_h5_check_path (GraftH5File  *self,
                     const char   *path,
                     GraftH5Kind  *kind,
                     GError      **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->map_lock);
  g_auto(GStrv) parts = NULL;
  g_autoptr(GString) prefix = NULL;
  gpointer cached;
  guint depth = 0;

  graft_progress_tick ();
  if (g_hash_table_lookup_extended (self->verified, path, NULL, &cached) &&
      (kind == NULL || GPOINTER_TO_INT (cached) >= 0))
    {
      if (kind != NULL)
        *kind = GPOINTER_TO_INT (cached);
      return TRUE;
    }

  parts = g_strsplit (path, "/", -1);
  prefix = g_string_new ("");
  for (guint i = 0; parts[i] != NULL; i++)
    {
      H5L_info_t linfo;
      gboolean last = TRUE;

      if (parts[i][0] == '\0')
        continue;
      for (guint j = i + 1; parts[j] != NULL; j++)
        if (parts[j][0] != '\0')
          last = FALSE;
      if (++depth > GRAFT_MAX_DEPTH)
        {
          g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_LIMIT,
                       "%s: '%.60s…' is nested more than %d levels deep",
                       self->name, path, GRAFT_MAX_DEPTH);
          return FALSE;
        }
      g_string_append_c (prefix, '/');
      g_string_append (prefix, parts[i]);
      if (g_hash_table_contains (self->verified, prefix->str) && !last)
        continue;

      if (H5Lget_info (self->fid, prefix->str, &linfo, H5P_DEFAULT) < 0)
        {
          H5Eclear2 (H5E_DEFAULT);
          g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_NOT_FOUND,
                       "%s: '%s' does not exist", self->name, prefix->str);
          return FALSE;
        }
      if (linfo.type != H5L_TYPE_HARD)
        {
          g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSAFE,
                       "%s: '%s' is a%s link; Graft follows only hard links",
                       self->name, prefix->str,
                       linfo.type == H5L_TYPE_SOFT ? " soft" : "n external");
          return FALSE;
        }
      if (!last)
        g_hash_table_insert (self->verified, g_strdup (prefix->str), GINT_TO_POINTER (GRAFT_H5_GROUP));
    }

  {
    gint k = -1;

    if (kind != NULL)
      {
        k = graft_h5_link_kind (self->fid, prefix->len ? prefix->str : "/");
        if (prefix->len == 0)
          k = GRAFT_H5_GROUP;
        *kind = k;
      }
    g_hash_table_insert (self->verified, g_strdup (path), GINT_TO_POINTER (k));
  }
  return TRUE;
}

/**
 * graft_h5_exists:
 * @kind: (out) (optional): what is there
 *
 * Returns: %TRUE when @path names a group or dataset reached by hard links
 */
gboolean
graft_h5_exists (GraftH5File *self,
                 const char  *path,
                 GraftH5Kind *kind)
{
  graft_h5_quiet ();
  return graft_h5_check_path (self, path, kind, NULL);
}

static void
graft_h5_entry_free (GraftH5Entry *entry)
{
  g_free (entry->name);
  g_free (entry);
}

static herr_t
graft_h5_list_cb (hid_t             group,
                  const char       *name,
                  const H5L_info_t *info,
                  void             *data)
{
  GPtrArray *entries = data;
  GraftH5Entry *entry = g_new0 (GraftH5Entry, 1);

  graft_progress_tick ();
  entry->name = g_strdup (name);
  if (info->type == H5L_TYPE_SOFT)
    entry->kind = GRAFT_H5_SOFT_LINK;
  else if (info->type != H5L_TYPE_HARD)
    entry->kind = GRAFT_H5_EXTERNAL_LINK;
  else
    entry->kind = graft_h5_link_kind (group, name);
  g_ptr_array_add (entries, entry);
  return 0;
}

/**
 * graft_h5_list:
 *
 * Lists the members of a group in link-name (byte) order, the order h5py
 * and Keras see.
 *
 * Returns: (transfer full) (element-type GraftH5Entry): the members, or
 *   %NULL with @error set when @group_path cannot be walked to (as
 *   graft_h5_check_path() fails), is not a group (%GRAFT_ERROR_CORRUPT) or
 *   cannot be opened or listed (%GRAFT_ERROR_CORRUPT)
 */
GPtrArray *
graft_h5_list (GraftH5File  *self,
               const char   *group_path,
               GError      **error)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) graft_h5_entry_free);
  g_auto(GraftH5Id) gid = H5I_INVALID_HID;
  GraftH5Kind kind;

  graft_h5_quiet ();

  if (!graft_h5_check_path (self, group_path, &kind, error))
    return NULL;
  if (kind != GRAFT_H5_GROUP)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT,
                   "%s: '%s' is not a group", self->name, group_path);
      return NULL;
    }
  gid = H5Gopen2 (self->fid, group_path, H5P_DEFAULT);
  if (gid < 0)
    {
      graft_h5_set_error (error, GRAFT_ERROR_CORRUPT, "%s: cannot open group '%s'",
                          self->name, group_path);
      return NULL;
    }
  if (H5Literate (gid, H5_INDEX_NAME, H5_ITER_INC, NULL, graft_h5_list_cb, entries) < 0)
    {
      graft_h5_set_error (error, GRAFT_ERROR_CORRUPT, "%s: cannot list group '%s'",
                          self->name, group_path);
      return NULL;
    }
  return g_steal_pointer (&entries);
}
