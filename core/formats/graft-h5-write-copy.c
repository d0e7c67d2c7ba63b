/* graft-h5-write-copy.c: copying objects and attributes from another HDF5 file, and merging files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-h5-write-copy"

#include "config.h"

#include "graft-h5-write-private.h"

#include <hdf5.h>
#include <string.h>

#include "graft-dtype.h"
#include "graft-error.h"
#include "graft-h5-file-private.h"
#include "graft-h5-util-private.h"
#include "graft-tensor.h"


/**
 * graft_h5_writer_copy_from:
 *
 * Copies the object at @src_path of the HDF5 file @src_file (opened
 * read-only) to @dst_path, with everything below it: attributes, dtypes,
 * layouts and filters are kept.
 *
 * Returns: %FALSE with a %GRAFT_ERROR_IO error when @src_file cannot be
 *   opened as HDF5 or the copy fails (@src_path missing, @dst_path taken)
 */
gboolean
graft_h5_writer_copy_from (GraftH5Writer  *self,
                           const char     *src_file,
                           const char     *src_path,
                           const char     *dst_path,
                           GError        **error)
{
  g_auto(GraftH5Id) src = H5I_INVALID_HID;
  g_auto(GraftH5Id) lcpl = H5I_INVALID_HID;

  graft_h5_quiet ();
  src = H5Fopen (src_file, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (src < 0)
    {
      graft_h5_set_error (error, GRAFT_ERROR_IO, "%s: cannot be opened as HDF5", src_file);
      return FALSE;
    }
  lcpl = graft_h5_write_lcpl ();
  if (H5Ocopy (src, src_path, self->fid, dst_path, H5P_DEFAULT, lcpl) < 0)
    {
      graft_h5_set_error (error, GRAFT_ERROR_IO, "%s: cannot copy '%s' from %s",
                          self->name, src_path, src_file);
      return FALSE;
    }
  return TRUE;
}

typedef struct
{
  hid_t               dst;
  const char * const *skip;
  gboolean            failed;
} GraftH5WriteAttrCopy;

static herr_t
graft_h5_write_copy_attr_cb (hid_t             loc,
                             const char       *name,
                             const H5A_info_t *info,
                             void             *data)
{
  GraftH5WriteAttrCopy *copy = data;
  g_auto(GraftH5Id) aid = H5I_INVALID_HID;
  g_auto(GraftH5Id) type = H5I_INVALID_HID;
  g_auto(GraftH5Id) space = H5I_INVALID_HID;
  g_auto(GraftH5Id) out = H5I_INVALID_HID;
  g_autofree guint8 *buf = NULL;
  hssize_t n;
  gsize size;

  if (copy->skip != NULL && g_strv_contains (copy->skip, name))
    return 0;

  aid = H5Aopen (loc, name, H5P_DEFAULT);
  type = H5Aget_type (aid);
  space = H5Aget_space (aid);
  n = H5Sget_simple_extent_npoints (space);
  size = H5Tget_size (type);
  if (aid < 0 || type < 0 || space < 0 || n < 0 || size == 0)
    goto fail;

  /* Read and write with the file's own type: variable-length data comes
   * back as pointers that HDF5 owns until reclaimed. */
  buf = g_malloc0 (MAX ((gsize) n * size, 1));
  if (H5Aread (aid, type, buf) < 0)
    goto fail;
  if (H5Aexists (copy->dst, name) > 0)
    H5Adelete (copy->dst, name);
  out = H5Acreate2 (copy->dst, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
  if (out < 0 || H5Awrite (out, type, buf) < 0)
    {
      H5Dvlen_reclaim (type, space, H5P_DEFAULT, buf);
      goto fail;
    }
  H5Dvlen_reclaim (type, space, H5P_DEFAULT, buf);
  return 0;

fail:
  copy->failed = TRUE;
  return -1;
}

/**
 * graft_h5_writer_copy_attrs_from:
 * @skip: (nullable): names of attributes not to copy
 *
 * Copies the attributes of @src_path in @src_file onto @dst_path, with
 * their exact HDF5 types.
 *
 * Returns: %FALSE with a %GRAFT_ERROR_IO error when @src_file, @src_path
 *   or @dst_path cannot be opened or an attribute cannot be copied
 */
gboolean
graft_h5_writer_copy_attrs_from (GraftH5Writer       *self,
                                 const char          *src_file,
                                 const char          *src_path,
                                 const char          *dst_path,
                                 const char * const  *skip,
                                 GError             **error)
{
  g_auto(GraftH5Id) src = H5I_INVALID_HID;
  g_auto(GraftH5Id) sobj = H5I_INVALID_HID;
  g_auto(GraftH5Id) dobj = H5I_INVALID_HID;
  GraftH5WriteAttrCopy copy = { H5I_INVALID_HID, skip, FALSE };
  hsize_t idx = 0;

  graft_h5_quiet ();
  src = H5Fopen (src_file, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (src < 0 || (sobj = H5Oopen (src, src_path, H5P_DEFAULT)) < 0 ||
      (dobj = H5Oopen (self->fid, dst_path, H5P_DEFAULT)) < 0)
    {
      graft_h5_set_error (error, GRAFT_ERROR_IO, "%s: cannot copy the attributes of '%s'",
                          self->name, src_path);
      return FALSE;
    }
  copy.dst = dobj;
  if (H5Aiterate2 (sobj, H5_INDEX_NAME, H5_ITER_INC, &idx, graft_h5_write_copy_attr_cb, &copy) < 0 ||
      copy.failed)
    {
      graft_h5_set_error (error, GRAFT_ERROR_IO, "%s: cannot copy the attributes of '%s'",
                          self->name, src_path);
      return FALSE;
    }
  return TRUE;
}

static gboolean
graft_h5_write_merge_group (GraftH5Writer  *self,
                            const char     *src_file,
                            hid_t           src,
                            const char     *path,
                            gboolean        skip_state,
                            guint           depth,
                            GError        **error)
{
  g_auto(GraftH5Id) gid = H5I_INVALID_HID;
  H5G_info_t info;

  if (depth > 64)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_LIMIT, "%s: groups nested too deep at '%s'",
                   src_file, path);
      return FALSE;
    }
  gid = H5Gopen2 (src, path, H5P_DEFAULT);
  if (gid < 0 || H5Gget_info (gid, &info) < 0)
    {
      graft_h5_set_error (error, GRAFT_ERROR_IO, "%s: cannot read group '%s'", src_file, path);
      return FALSE;
    }
  if (!graft_h5_writer_ensure_group (self, path, error) ||
      !graft_h5_writer_copy_attrs_from (self, src_file, path, path, NULL, error))
    return FALSE;

  for (hsize_t i = 0; i < info.nlinks; i++)
    {
      g_autofree char *name = NULL;
      g_autofree char *child = NULL;
      H5O_info_t oinfo;
      H5L_info_t linfo;
      ssize_t len;

      len = H5Lget_name_by_idx (gid, ".", H5_INDEX_NAME, H5_ITER_INC, i, NULL, 0, H5P_DEFAULT);
      if (len < 0)
        goto fail;
      name = g_malloc (len + 1);
      H5Lget_name_by_idx (gid, ".", H5_INDEX_NAME, H5_ITER_INC, i, name, len + 1, H5P_DEFAULT);
      child = g_str_equal (path, "/") ? g_strconcat ("/", name, NULL) : g_strconcat (path, "/", name, NULL);
      if (depth == 0 && skip_state &&
          (g_str_equal (name, "optimizer") || g_str_equal (name, "optimizer_weights")))
        continue;
      /* Only hard links: a hostile file never makes us read elsewhere. */
      if (H5Lget_info (src, child, &linfo, H5P_DEFAULT) < 0 || linfo.type != H5L_TYPE_HARD)
        continue;
      if (H5Oget_info_by_name (src, child, &oinfo, H5P_DEFAULT) < 0)
        goto fail;
      if (oinfo.type == H5O_TYPE_GROUP)
        {
          if (!graft_h5_write_merge_group (self, src_file, src, child, skip_state, depth + 1, error))
            return FALSE;
        }
      else if (!graft_h5_writer_exists (self, child))
        {
          g_auto(GraftH5Id) lcpl = graft_h5_write_lcpl ();

          if (H5Ocopy (src, child, self->fid, child, H5P_DEFAULT, lcpl) < 0)
            goto fail;
        }
    }
  return TRUE;

fail:
  graft_h5_set_error (error, GRAFT_ERROR_IO, "%s: cannot copy '%s' from %s", self->name,
                      path, src_file);
  return FALSE;
}

/**
 * graft_h5_writer_merge_from:
 * @skip_state: leave out the root's optimizer and optimizer_weights
 *
 * Copies the whole tree of @src_file into the file: groups that exist
 * already are merged (their attributes are overwritten), datasets that
 * exist already are kept. This is how shards, which may each hold part of
 * one group, become one file. Soft and external links are skipped.
 *
 * Returns: %FALSE with @error set when @src_file cannot be opened as HDF5
 *   or a group or object in it cannot be read or copied (%GRAFT_ERROR_IO),
 *   or its groups nest more than 64 deep (%GRAFT_ERROR_LIMIT); what was
 *   copied before stays
 */
gboolean
graft_h5_writer_merge_from (GraftH5Writer  *self,
                            const char     *src_file,
                            gboolean        skip_state,
                            GError        **error)
{
  g_auto(GraftH5Id) src = H5I_INVALID_HID;

  graft_h5_quiet ();
  src = H5Fopen (src_file, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (src < 0)
    {
      graft_h5_set_error (error, GRAFT_ERROR_IO, "%s: cannot be opened as HDF5", src_file);
      return FALSE;
    }
  return graft_h5_write_merge_group (self, src_file, src, "/", skip_state, 0, error);
}

/**
 * graft_h5_writer_copy_members_from:
 *
 * Copies every member of the group @src_group of @src_file (with
 * everything below it) into the group @dst_group, which is created if
 * needed. Soft and external links are skipped.
 *
 * Returns: %FALSE with a %GRAFT_ERROR_IO error when @src_group cannot be
 *   read, @dst_group cannot be created or a member cannot be copied (one
 *   of that name exists already, say); what was copied before stays
 */
gboolean
graft_h5_writer_copy_members_from (GraftH5Writer  *self,
                                   const char     *src_file,
                                   const char     *src_group,
                                   const char     *dst_group,
                                   GError        **error)
{
  g_auto(GraftH5Id) src = H5I_INVALID_HID;
  g_auto(GraftH5Id) gid = H5I_INVALID_HID;
  H5G_info_t info;

  graft_h5_quiet ();
  src = H5Fopen (src_file, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (src < 0 || (gid = H5Gopen2 (src, src_group, H5P_DEFAULT)) < 0 || H5Gget_info (gid, &info) < 0)
    {
      graft_h5_set_error (error, GRAFT_ERROR_IO, "%s: cannot read group '%s'", src_file,
                          src_group);
      return FALSE;
    }
  if (!graft_h5_writer_ensure_group (self, dst_group, error))
    return FALSE;
  for (hsize_t i = 0; i < info.nlinks; i++)
    {
      g_autofree char *name = NULL;
      g_autofree char *dst = NULL;
      g_auto(GraftH5Id) lcpl = graft_h5_write_lcpl ();
      H5L_info_t linfo;
      ssize_t len;

      len = H5Lget_name_by_idx (gid, ".", H5_INDEX_NAME, H5_ITER_INC, i, NULL, 0, H5P_DEFAULT);
      if (len < 0)
        break;
      name = g_malloc (len + 1);
      H5Lget_name_by_idx (gid, ".", H5_INDEX_NAME, H5_ITER_INC, i, name, len + 1, H5P_DEFAULT);
      if (H5Lget_info (gid, name, &linfo, H5P_DEFAULT) < 0 || linfo.type != H5L_TYPE_HARD)
        continue;
      dst = g_str_equal (dst_group, "/") ? g_strconcat ("/", name, NULL)
                                         : g_strconcat (dst_group, "/", name, NULL);
      if (H5Ocopy (gid, name, self->fid, dst, H5P_DEFAULT, lcpl) < 0)
        {
          graft_h5_set_error (error, GRAFT_ERROR_IO, "%s: cannot copy '%s/%s' from %s",
                              self->name, src_group, name, src_file);
          return FALSE;
        }
    }
  return TRUE;
}
