/* graft-h5-write.c: the only place that talks to the HDF5 library for writing
 *
 * Two ways of producing a checkpoint go through here: patching a byte copy
 * of the original file (overwrite only the changed datasets, so dtypes,
 * layouts, filters and every attribute stay exactly as they were), and
 * building a new file (datasets, groups and the string attributes Keras
 * uses, or whole subtrees copied with H5Ocopy). HDF5's error stack is
 * turned into GError and never printed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-h5-write"

#include "config.h"

#include "graft-h5-write-private.h"

#include <hdf5.h>
#include <string.h>

#include "graft-dtype.h"
#include "graft-error.h"
#include "graft-h5-file-private.h"
#include "graft-h5-util-private.h"
#include "graft-tensor.h"


static GraftH5Writer *
graft_h5_writer_wrap (hid_t       fid,
                      const char *path)
{
  GraftH5Writer *self = g_new0 (GraftH5Writer, 1);

  self->fid = fid;
  self->name = g_strdup (path);
  return self;
}

/**
 * graft_h5_writer_open:
 *
 * Opens an existing HDF5 file (a fresh copy, never the user's input) for
 * reading and writing.
 *
 * Returns: (transfer full): the writer, closed with graft_h5_writer_close()
 *   and freed with graft_h5_writer_free(), or %NULL with a %GRAFT_ERROR_IO
 *   error when libhdf5 cannot open @path for writing
 */
GraftH5Writer *
graft_h5_writer_open (const char  *path,
                      GError     **error)
{
  hid_t fid;

  graft_h5_quiet ();
  fid = H5Fopen (path, H5F_ACC_RDWR, H5P_DEFAULT);
  if (fid < 0)
    {
      graft_h5_set_error (error, GRAFT_ERROR_IO, "%s: cannot be opened for writing", path);
      return NULL;
    }
  return graft_h5_writer_wrap (fid, path);
}

/**
 * graft_h5_writer_create:
 *
 * Creates (or truncates) an HDF5 file with the library's default, oldest
 * file format, the one h5py and Keras write.
 *
 * Returns: (transfer full): the writer, closed with graft_h5_writer_close()
 *   and freed with graft_h5_writer_free(), or %NULL with a %GRAFT_ERROR_IO
 *   error when libhdf5 cannot create @path
 */
GraftH5Writer *
graft_h5_writer_create (const char  *path,
                        GError     **error)
{
  hid_t fid;

  graft_h5_quiet ();
  fid = H5Fcreate (path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (fid < 0)
    {
      graft_h5_set_error (error, GRAFT_ERROR_IO, "%s: cannot be created", path);
      return NULL;
    }
  return graft_h5_writer_wrap (fid, path);
}

/**
 * graft_h5_writer_close:
 *
 * Flushes and closes the file; the writer must still be freed. Failing to
 * flush (a full disk) is reported here. Closing twice does nothing.
 *
 * Returns: %FALSE with a %GRAFT_ERROR_IO error when flushing or closing
 *   fails; the file is closed either way
 */
gboolean
graft_h5_writer_close (GraftH5Writer  *self,
                       GError        **error)
{
  herr_t flushed, closed;

  graft_h5_quiet ();
  if (self->fid < 0)
    return TRUE;
  flushed = H5Fflush (self->fid, H5F_SCOPE_GLOBAL);
  if (flushed < 0)
    graft_h5_set_error (error, GRAFT_ERROR_IO, "%s: cannot write (is the disk full?)",
                        self->name);
  closed = H5Fclose (self->fid);
  self->fid = H5I_INVALID_HID;
  if (flushed >= 0 && closed < 0)
    {
      graft_h5_set_error (error, GRAFT_ERROR_IO, "%s: cannot be closed (is the disk full?)",
                          self->name);
      return FALSE;
    }
  H5Eclear2 (H5E_DEFAULT);
  return flushed >= 0;
}

void
graft_h5_writer_free (GraftH5Writer *self)
{
  if (self == NULL)
    return;
  graft_h5_quiet ();
  if (self->fid >= 0)
    H5Fclose (self->fid);
  H5Eclear2 (H5E_DEFAULT);
  g_free (self->name);
  g_free (self);
}

/* IEEE half precision, the way h5py declares float16 (HDF5 1.10 has no
 * predefined half type). */
static hid_t
graft_h5_write_half_type (void)
{
  hid_t type = H5Tcopy (H5T_IEEE_F32LE);

  H5Tset_fields (type, 15, 10, 5, 0, 10);
  H5Tset_size (type, 2);
  H5Tset_ebias (type, 15);
  return type;
}

/* h5py stores numpy bools as an 8-bit enum FALSE/TRUE. */
static hid_t
graft_h5_write_bool_type (void)
{
  hid_t type = H5Tenum_create (H5T_NATIVE_INT8);
  gint8 v;

  v = 0;
  H5Tenum_insert (type, "FALSE", &v);
  v = 1;
  H5Tenum_insert (type, "TRUE", &v);
  return type;
}

/* The element type for @dtype: little-endian in files, native in memory.
 * bfloat16 has no HDF5 type; callers convert it to float32 first. */
static hid_t
graft_h5_write_type (GraftDType dtype,
                     gboolean   in_memory)
{
  switch (dtype)
    {
    case GRAFT_DTYPE_FLOAT32: return H5Tcopy (in_memory ? H5T_NATIVE_FLOAT : H5T_IEEE_F32LE);
    case GRAFT_DTYPE_FLOAT64: return H5Tcopy (in_memory ? H5T_NATIVE_DOUBLE : H5T_IEEE_F64LE);
    case GRAFT_DTYPE_FLOAT16: return graft_h5_write_half_type ();
    case GRAFT_DTYPE_INT8: return H5Tcopy (in_memory ? H5T_NATIVE_INT8 : H5T_STD_I8LE);
    case GRAFT_DTYPE_INT16: return H5Tcopy (in_memory ? H5T_NATIVE_INT16 : H5T_STD_I16LE);
    case GRAFT_DTYPE_INT32: return H5Tcopy (in_memory ? H5T_NATIVE_INT32 : H5T_STD_I32LE);
    case GRAFT_DTYPE_INT64: return H5Tcopy (in_memory ? H5T_NATIVE_INT64 : H5T_STD_I64LE);
    case GRAFT_DTYPE_UINT8: return H5Tcopy (in_memory ? H5T_NATIVE_UINT8 : H5T_STD_U8LE);
    case GRAFT_DTYPE_UINT16: return H5Tcopy (in_memory ? H5T_NATIVE_UINT16 : H5T_STD_U16LE);
    case GRAFT_DTYPE_UINT32: return H5Tcopy (in_memory ? H5T_NATIVE_UINT32 : H5T_STD_U32LE);
    case GRAFT_DTYPE_UINT64: return H5Tcopy (in_memory ? H5T_NATIVE_UINT64 : H5T_STD_U64LE);
    case GRAFT_DTYPE_BOOL: return graft_h5_write_bool_type ();
    case GRAFT_DTYPE_BFLOAT16:
    case GRAFT_N_DTYPES:
    default:
      return H5I_INVALID_HID;
    }
}

/* The tensor's values in a dtype HDF5 can store: bfloat16 widens to
 * float32 (Keras marks such datasets with @dtype = "bfloat16"). */
static const void *
graft_h5_write_tensor_data (GraftTensor  *tensor,
                            GraftDType   *dtype,
                            gpointer     *owned,
                            GError      **error)
{
  *dtype = graft_tensor_get_dtype (tensor);
  *owned = NULL;
  if (*dtype == GRAFT_DTYPE_BFLOAT16)
    {
      *dtype = GRAFT_DTYPE_FLOAT32;
      *owned = graft_tensor_dup_float (tensor, error);
      return *owned;
    }
  return graft_tensor_get_data (tensor, error);
}

static hid_t
graft_h5_write_space (GraftTensor *tensor)
{
  hsize_t dims[GRAFT_MAX_RANK];
  guint rank = graft_tensor_get_rank (tensor);

  if (rank == 0)
    return H5Screate (H5S_SCALAR);
  for (guint i = 0; i < rank; i++)
    dims[i] = graft_tensor_get_dim (tensor, i);
  return H5Screate_simple (rank, dims, NULL);
}

/**
 * graft_h5_writer_overwrite:
 *
 * Writes @tensor over the existing dataset at @path, which keeps its own
 * element type, layout and filters (HDF5 converts the values). The shapes
 * must be equal.
 *
 * Returns: %FALSE with @error set when there is no dataset at @path
 *   (%GRAFT_ERROR_NOT_FOUND), its shape differs from @tensor's
 *   (%GRAFT_ERROR_SHAPE), @tensor's values cannot be loaded (the tensor's
 *   error) or the write fails (%GRAFT_ERROR_IO)
 */
gboolean
graft_h5_writer_overwrite (GraftH5Writer  *self,
                           const char     *path,
                           GraftTensor    *tensor,
                           GError        **error)
{
  g_auto(GraftH5Id) did = H5I_INVALID_HID;
  g_auto(GraftH5Id) space = H5I_INVALID_HID;
  g_auto(GraftH5Id) mtype = H5I_INVALID_HID;
  g_auto(GraftH5Id) ftype = H5I_INVALID_HID;
  g_autofree gpointer owned = NULL;
  hsize_t dims[H5S_MAX_RANK];
  const void *data;
  GraftDType dtype;
  int rank;

  graft_h5_quiet ();
  did = H5Dopen2 (self->fid, path, H5P_DEFAULT);
  if (did < 0)
    {
      graft_h5_set_error (error, GRAFT_ERROR_NOT_FOUND, "%s: no dataset '%s' to write",
                          self->name, path);
      return FALSE;
    }
  space = H5Dget_space (did);
  rank = H5Sget_simple_extent_ndims (space);
  H5Sget_simple_extent_dims (space, dims, NULL);
  if (rank != (int) graft_tensor_get_rank (tensor))
    goto mismatch;
  for (int i = 0; i < rank; i++)
    if (dims[i] != graft_tensor_get_dim (tensor, i))
      goto mismatch;

  ftype = H5Dget_type (did);
  if (graft_tensor_get_dtype (tensor) == GRAFT_DTYPE_BFLOAT16 && H5Tget_size (ftype) == 2)
    {
      /* Stored as bfloat16 (h5py writes an opaque 2-byte type): the same
       * bits, as the reader reads them. */
      data = graft_tensor_get_data (tensor, error);
      mtype = H5Tcopy (ftype);
    }
  else
    {
      data = graft_h5_write_tensor_data (tensor, &dtype, &owned, error);
      mtype = graft_h5_write_type (dtype, TRUE);
    }
  if (data == NULL)
    return FALSE;
  if (graft_tensor_get_n_elements (tensor) > 0 &&
      H5Dwrite (did, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0)
    {
      graft_h5_set_error (error, GRAFT_ERROR_IO, "%s: cannot write dataset '%s'",
                          self->name, path);
      return FALSE;
    }
  return TRUE;

mismatch:
  {
    g_autofree char *want = NULL;
    g_autofree char *have = graft_tensor_format_shape (tensor);
    gsize shape[GRAFT_MAX_RANK] = { 0 };

    for (int i = 0; i < MIN (rank, GRAFT_MAX_RANK); i++)
      shape[i] = dims[i];
    want = graft_shape_format (MIN (MAX (rank, 0), GRAFT_MAX_RANK), shape);
    g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_SHAPE,
                 "%s: dataset '%s' is %s, the new values are %s", self->name, path, want, have);
    return FALSE;
  }
}

hid_t
graft_h5_write_lcpl (void)
{
  hid_t lcpl = H5Pcreate (H5P_LINK_CREATE);

  H5Pset_create_intermediate_group (lcpl, 1);
  return lcpl;
}

/**
 * graft_h5_writer_add_dataset:
 *
 * Creates a contiguous, unfiltered dataset at @path (parent groups are
 * created as needed), the way Keras writes its weights, and fills it. A
 * bfloat16 tensor is stored as float32 with a @dtype attribute, as Keras
 * does.
 *
 * Returns: %FALSE with @error set when @tensor's values cannot be loaded
 *   (the tensor's error) or the dataset or its attribute cannot be created
 *   or written (%GRAFT_ERROR_IO; @path existing already is one such case)
 */
gboolean
graft_h5_writer_add_dataset (GraftH5Writer  *self,
                             const char     *path,
                             GraftTensor    *tensor,
                             GError        **error)
{
  g_auto(GraftH5Id) did = H5I_INVALID_HID;
  g_auto(GraftH5Id) space = H5I_INVALID_HID;
  g_auto(GraftH5Id) ftype = H5I_INVALID_HID;
  g_auto(GraftH5Id) mtype = H5I_INVALID_HID;
  g_auto(GraftH5Id) lcpl = H5I_INVALID_HID;
  g_autofree gpointer owned = NULL;
  const void *data;
  GraftDType dtype;

  graft_h5_quiet ();
  data = graft_h5_write_tensor_data (tensor, &dtype, &owned, error);
  if (data == NULL)
    return FALSE;

  ftype = graft_h5_write_type (dtype, FALSE);
  mtype = graft_h5_write_type (dtype, TRUE);
  space = graft_h5_write_space (tensor);
  lcpl = graft_h5_write_lcpl ();
  did = H5Dcreate2 (self->fid, path, ftype, space, lcpl, H5P_DEFAULT, H5P_DEFAULT);
  if (did < 0)
    {
      graft_h5_set_error (error, GRAFT_ERROR_IO, "%s: cannot create dataset '%s'",
                          self->name, path);
      return FALSE;
    }
  if (graft_tensor_get_n_elements (tensor) > 0 &&
      H5Dwrite (did, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0)
    {
      graft_h5_set_error (error, GRAFT_ERROR_IO, "%s: cannot write dataset '%s'",
                          self->name, path);
      return FALSE;
    }
  if (graft_tensor_get_dtype (tensor) == GRAFT_DTYPE_BFLOAT16)
    {
      g_autofree char *obj = g_strdup (path);

      return graft_h5_writer_set_attr_string (self, obj, "dtype", "bfloat16", TRUE, error);
    }
  return TRUE;
}

gboolean
graft_h5_writer_exists (GraftH5Writer *self,
                        const char    *path)
{
  g_auto(GStrv) parts = g_strsplit (path, "/", -1);
  g_autoptr(GString) prefix = g_string_new ("");

  graft_h5_quiet ();
  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (parts[i][0] == '\0')
        continue;
      g_string_append_c (prefix, '/');
      g_string_append (prefix, parts[i]);
      if (H5Lexists (self->fid, prefix->str, H5P_DEFAULT) <= 0)
        {
          H5Eclear2 (H5E_DEFAULT);
          return FALSE;
        }
    }
  return TRUE;
}

/**
 * graft_h5_writer_ensure_group:
 *
 * Creates the group at @path and its parents, unless something exists at
 * @path already (which is not checked to be a group).
 *
 * Returns: %FALSE with a %GRAFT_ERROR_IO error when libhdf5 cannot create
 *   the group (a dataset where a parent group should be, say)
 */
gboolean
graft_h5_writer_ensure_group (GraftH5Writer  *self,
                              const char     *path,
                              GError        **error)
{
  g_auto(GraftH5Id) gid = H5I_INVALID_HID;
  g_auto(GraftH5Id) lcpl = H5I_INVALID_HID;

  if (g_str_equal (path, "/") || graft_h5_writer_exists (self, path))
    return TRUE;
  lcpl = graft_h5_write_lcpl ();
  gid = H5Gcreate2 (self->fid, path, lcpl, H5P_DEFAULT, H5P_DEFAULT);
  if (gid < 0)
    {
      graft_h5_set_error (error, GRAFT_ERROR_IO, "%s: cannot create group '%s'",
                          self->name, path);
      return FALSE;
    }
  return TRUE;
}

/**
 * graft_h5_writer_delete:
 *
 * Unlinks @path (a group goes with everything below it). The space it
 * used is not given back: HDF5 files do not shrink.
 *
 * Returns: %FALSE with a %GRAFT_ERROR_IO error when @path does not exist
 *   or cannot be unlinked
 */
gboolean
graft_h5_writer_delete (GraftH5Writer  *self,
                        const char     *path,
                        GError        **error)
{
  graft_h5_quiet ();
  if (H5Ldelete (self->fid, path, H5P_DEFAULT) < 0)
    {
      graft_h5_set_error (error, GRAFT_ERROR_IO, "%s: cannot remove '%s'", self->name, path);
      return FALSE;
    }
  return TRUE;
}

/**
 * graft_h5_writer_delete_attr:
 *
 * Removes the attribute @name of the object at @obj_path; an attribute
 * (or object) that is not there is already removed.
 *
 * Returns: %FALSE with a %GRAFT_ERROR_IO error when the attribute exists
 *   but cannot be removed
 */
gboolean
graft_h5_writer_delete_attr (GraftH5Writer  *self,
                             const char     *obj_path,
                             const char     *name,
                             GError        **error)
{
  graft_h5_quiet ();
  if (H5Aexists_by_name (self->fid, obj_path, name, H5P_DEFAULT) <= 0)
    {
      H5Eclear2 (H5E_DEFAULT);
      return TRUE;
    }
  if (H5Adelete_by_name (self->fid, obj_path, name, H5P_DEFAULT) < 0)
    {
      graft_h5_set_error (error, GRAFT_ERROR_IO, "%s: cannot remove attribute '%s' of '%s'",
                          self->name, name, obj_path);
      return FALSE;
    }
  return TRUE;
}
