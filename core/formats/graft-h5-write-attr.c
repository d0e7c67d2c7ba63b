/* graft-h5-write-attr.c: writing attributes: strings and Keras's split lists of names
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-h5-write-attr"

#include "config.h"

#include "graft-h5-write-private.h"

#include <hdf5.h>
#include <string.h>

#include "graft-dtype.h"
#include "graft-error.h"
#include "graft-h5-file-private.h"
#include "graft-h5-util-private.h"
#include "graft-tensor.h"

/* Keras splits a string-list attribute above this size (HDF5's object
 * header limit), see FORMATS.md 0. */
#define GRAFT_H5_WRITE_ATTR_LIMIT 64512

/* Opens @obj_path and replaces its attribute @name with a new one of
 * @type and @space. */
static hid_t
graft_h5_write_new_attr (GraftH5Writer  *self,
                         const char     *obj_path,
                         const char     *name,
                         hid_t           type,
                         hid_t           space,
                         GError        **error)
{
  g_auto(GraftH5Id) oid = H5I_INVALID_HID;
  hid_t aid;

  oid = H5Oopen (self->fid, obj_path, H5P_DEFAULT);
  if (oid < 0)
    {
      graft_h5_set_error (error, GRAFT_ERROR_NOT_FOUND, "%s: no object '%s'", self->name,
                          obj_path);
      return H5I_INVALID_HID;
    }
  if (H5Aexists (oid, name) > 0)
    H5Adelete (oid, name);
  H5Eclear2 (H5E_DEFAULT);
  aid = H5Acreate2 (oid, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
  if (aid < 0)
    graft_h5_set_error (error, GRAFT_ERROR_IO, "%s: cannot create attribute '%s' of '%s'",
                        self->name, name, obj_path);
  return aid;
}

/* Creates the attribute @name of @obj_path and writes @buf into it. */
static gboolean
graft_h5_write_attr (GraftH5Writer  *self,
                     const char     *obj_path,
                     const char     *name,
                     hid_t           type,
                     hid_t           space,
                     const void     *buf,
                     GError        **error)
{
  g_auto(GraftH5Id) aid = graft_h5_write_new_attr (self, obj_path, name, type, space, error);

  if (aid < 0)
    return FALSE;
  if (H5Awrite (aid, type, buf) < 0)
    {
      graft_h5_set_error (error, GRAFT_ERROR_IO, "%s: cannot write attribute '%s' of '%s'",
                          self->name, name, obj_path);
      return FALSE;
    }
  return TRUE;
}

/**
 * graft_h5_writer_set_attr_string:
 * @utf8: UTF-8 (what Keras uses for @name, @backend, @keras_version) or
 *   ASCII (@model_config, @training_config)
 *
 * Sets a scalar variable-length string attribute, replacing one of the
 * same name.
 *
 * Returns: %FALSE with @error set when there is no object at @obj_path
 *   (%GRAFT_ERROR_NOT_FOUND) or the attribute cannot be created or written
 *   (%GRAFT_ERROR_IO)
 */
gboolean
graft_h5_writer_set_attr_string (GraftH5Writer  *self,
                                 const char     *obj_path,
                                 const char     *name,
                                 const char     *value,
                                 gboolean        utf8,
                                 GError        **error)
{
  g_auto(GraftH5Id) type = H5Tcopy (H5T_C_S1);
  g_auto(GraftH5Id) space = H5Screate (H5S_SCALAR);

  graft_h5_quiet ();
  H5Tset_size (type, H5T_VARIABLE);
  H5Tset_cset (type, utf8 ? H5T_CSET_UTF8 : H5T_CSET_ASCII);
  return graft_h5_write_attr (self, obj_path, name, type, space, &value, error);
}

static gboolean
graft_h5_write_strings_attr (GraftH5Writer       *self,
                             const char          *obj_path,
                             const char          *name,
                             const char * const  *values,
                             gsize                n,
                             GError             **error)
{
  g_auto(GraftH5Id) type = H5I_INVALID_HID;
  g_auto(GraftH5Id) space = H5I_INVALID_HID;
  g_auto(GraftH5Id) aid = H5I_INVALID_HID;
  hsize_t dim = n;

  space = H5Screate_simple (1, &dim, NULL);
  if (n == 0)
    {
      /* An empty Python list becomes a float64 array of length 0. */
      type = H5Tcopy (H5T_IEEE_F64LE);
      aid = graft_h5_write_new_attr (self, obj_path, name, type, space, error);
      return aid >= 0;
    }
  type = H5Tcopy (H5T_C_S1);
  H5Tset_size (type, H5T_VARIABLE);
  H5Tset_cset (type, H5T_CSET_ASCII);
  return graft_h5_write_attr (self, obj_path, name, type, space, values, error);
}

/**
 * graft_h5_writer_set_attr_strings:
 * @values: %NULL-terminated
 *
 * Sets a string-list attribute the way the legacy Keras writer does: a
 * 1-D array of variable-length ASCII strings, an empty float64 array for
 * an empty list, and split into @name0, @name1, … when it is too big for
 * one object header.
 *
 * Returns: %FALSE with @error set as graft_h5_writer_set_attr_string()
 *   does; chunks written before the failure stay
 */
gboolean
graft_h5_writer_set_attr_strings (GraftH5Writer       *self,
                                  const char          *obj_path,
                                  const char          *name,
                                  const char * const  *values,
                                  GError             **error)
{
  gsize n = values ? g_strv_length ((char **) values) : 0;
  gsize longest = 0;
  gsize n_chunks = 1;

  graft_h5_quiet ();
  for (gsize i = 0; i < n; i++)
    longest = MAX (longest, strlen (values[i]));

  /* numpy's size of the list as fixed-length bytes, as Keras measures it. */
  while (n_chunks < MAX (n, 1) && ((n + n_chunks - 1) / n_chunks) * longest > GRAFT_H5_WRITE_ATTR_LIMIT)
    n_chunks++;
  if (n_chunks == 1)
    return graft_h5_write_strings_attr (self, obj_path, name, values, n, error);

  for (gsize c = 0, start = 0; c < n_chunks; c++)
    {
      /* numpy.array_split: the first n % n_chunks chunks get one more. */
      gsize len = n / n_chunks + (c < n % n_chunks ? 1 : 0);
      g_autofree char *chunk_name = g_strdup_printf ("%s%" G_GSIZE_FORMAT, name, c);

      if (!graft_h5_write_strings_attr (self, obj_path, chunk_name, values + start, len, error))
        return FALSE;
      start += len;
    }
  return TRUE;
}
