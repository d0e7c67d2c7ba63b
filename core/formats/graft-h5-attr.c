/* graft-h5-attr.c: attributes of HDF5 objects: strings and lists of strings
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-h5-attr"

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

gboolean
graft_h5_has_attr (GraftH5File *self,
                   const char  *obj_path,
                   const char  *name)
{
  g_auto(GraftH5Id) oid = H5I_INVALID_HID;
  htri_t exists;

  graft_progress_tick ();
  graft_h5_quiet ();
  if (!graft_h5_check_path (self, obj_path, NULL, NULL))
    return FALSE;
  oid = H5Oopen (self->fid, obj_path, H5P_DEFAULT);
  if (oid < 0)
    {
      H5Eclear2 (H5E_DEFAULT);
      return FALSE;
    }
  exists = H5Aexists (oid, name);
  H5Eclear2 (H5E_DEFAULT);
  return exists > 0;
}

static char *
graft_h5_take_string (const char *bytes,
                      gssize      len)
{
  /* Names come from strangers: never hand invalid UTF-8 to JSON or GTK. */
  g_autofree char *raw = len < 0 ? g_strdup (bytes) : g_strndup (bytes, len);

  if (g_utf8_validate (raw, -1, NULL))
    return g_steal_pointer (&raw);
  return g_utf8_make_valid (raw, -1);
}

/* Reads a string or string-array attribute. An empty non-string array (the
 * float64 [] Keras writes for a layer without weights) is an empty list. */
static GStrv
graft_h5_read_attr_strv (GraftH5File  *self,
                         const char   *obj_path,
                         const char   *name,
                         GError      **error)
{
  g_auto(GraftH5Id) oid = H5I_INVALID_HID;
  g_auto(GraftH5Id) aid = H5I_INVALID_HID;
  g_auto(GraftH5Id) type = H5I_INVALID_HID;
  g_auto(GraftH5Id) space = H5I_INVALID_HID;
  g_auto(GraftH5Id) mem = H5I_INVALID_HID;
  g_autoptr(GPtrArray) strv = g_ptr_array_new_with_free_func (g_free);
  hssize_t n;

  graft_progress_tick ();
  if (!graft_h5_check_path (self, obj_path, NULL, error))
    return NULL;
  oid = H5Oopen (self->fid, obj_path, H5P_DEFAULT);
  if (oid < 0 || (aid = H5Aopen (oid, name, H5P_DEFAULT)) < 0)
    {
      graft_h5_set_error (error, GRAFT_ERROR_NOT_FOUND, "%s: '%s' has no attribute '%s'",
                          self->name, obj_path, name);
      return NULL;
    }
  type = H5Aget_type (aid);
  space = H5Aget_space (aid);
  n = H5Sget_simple_extent_npoints (space);
  if (type < 0 || space < 0 || n < 0)
    {
      graft_h5_set_error (error, GRAFT_ERROR_CORRUPT, "%s: attribute '%s' of '%s' is unreadable",
                          self->name, name, obj_path);
      return NULL;
    }

  /* Keras lists a few thousand names at most; a header claiming billions
   * must not make Graft allocate room for them. */
  if (n > GRAFT_MAX_ATTR_STRINGS)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_LIMIT,
                   "%s: attribute '%s' of '%s' claims %" G_GINT64_FORMAT " entries",
                   self->name, name, obj_path, (gint64) n);
      return NULL;
    }
  if (H5Tget_class (type) != H5T_STRING)
    {
      if (n == 0)
        return g_new0 (char *, 1);
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT,
                   "%s: attribute '%s' of '%s' is not text", self->name, name, obj_path);
      return NULL;
    }

  mem = H5Tcopy (H5T_C_S1);
  H5Tset_cset (mem, H5Tget_cset (type));
  if (H5Tis_variable_str (type) > 0)
    {
      g_autofree char **buf = g_new0 (char *, MAX (n, 1));

      H5Tset_size (mem, H5T_VARIABLE);
      if (H5Aread (aid, mem, buf) < 0)
        {
          /* A read that fails half-way has already allocated some strings. */
          for (hssize_t i = 0; i < n; i++)
            if (buf[i] != NULL)
              H5free_memory (buf[i]);
          graft_h5_set_error (error, GRAFT_ERROR_CORRUPT, "%s: cannot read attribute '%s' of '%s'",
                              self->name, name, obj_path);
          return NULL;
        }
      for (hssize_t i = 0; i < n; i++)
        g_ptr_array_add (strv, graft_h5_take_string (buf[i] ? buf[i] : "", -1));
      H5Dvlen_reclaim (mem, space, H5P_DEFAULT, buf);
    }
  else
    {
      size_t size = H5Tget_size (type);
      g_autofree char *buf = NULL;

      if (size == 0 || (guint64) size * (guint64) n > GRAFT_MAX_JSON_BYTES)
        {
          g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_LIMIT,
                       "%s: attribute '%s' of '%s' is too large", self->name, name, obj_path);
          return NULL;
        }
      buf = g_malloc0 (size * MAX (n, 1));
      H5Tset_size (mem, size);
      H5Tset_strpad (mem, H5T_STR_NULLPAD);
      if (H5Aread (aid, mem, buf) < 0)
        {
          graft_h5_set_error (error, GRAFT_ERROR_CORRUPT, "%s: cannot read attribute '%s' of '%s'",
                              self->name, name, obj_path);
          return NULL;
        }
      /* Fixed-length strings are NUL-padded, and not terminated when full. */
      for (hssize_t i = 0; i < n; i++)
        {
          const char *s = buf + i * size;

          g_ptr_array_add (strv, graft_h5_take_string (s, strnlen (s, size)));
        }
    }
  g_ptr_array_add (strv, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&strv), FALSE);
}

/**
 * graft_h5_read_attr_string:
 *
 * Reads the string attribute @name of the object at @obj_path; of a
 * string array, the first entry. Invalid UTF-8 is made valid.
 *
 * Returns: (transfer full): the string, or %NULL with @error set as for
 *   graft_h5_read_attr_strings(), or %GRAFT_ERROR_CORRUPT when the
 *   attribute holds no string
 */
char *
graft_h5_read_attr_string (GraftH5File  *self,
                           const char   *obj_path,
                           const char   *name,
                           GError      **error)
{
  g_auto(GStrv) strv = NULL;

  graft_h5_quiet ();
  strv = graft_h5_read_attr_strv (self, obj_path, name, error);
  if (strv == NULL)
    return NULL;
  if (strv[0] == NULL)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT,
                   "%s: attribute '%s' of '%s' is empty", self->name, name, obj_path);
      return NULL;
    }
  return g_strdup (strv[0]);
}

/**
 * graft_h5_read_attr_strings:
 *
 * Reads the string-array attribute @name of the object at @obj_path,
 * fixed or variable length, ASCII or UTF-8 (invalid UTF-8 is made valid);
 * an empty numeric array, which Keras writes for an empty list, gives an
 * empty list.
 *
 * Returns: (transfer full): the strings, or %NULL with @error set when
 *   @obj_path cannot be walked to (as graft_h5_check_path() fails), the
 *   attribute does not exist (%GRAFT_ERROR_NOT_FOUND), is not text or
 *   cannot be read (%GRAFT_ERROR_CORRUPT), or claims more entries or bytes
 *   than the limits allow (%GRAFT_ERROR_LIMIT)
 */
GStrv
graft_h5_read_attr_strings (GraftH5File  *self,
                            const char   *obj_path,
                            const char   *name,
                            GError      **error)
{
  graft_h5_quiet ();
  return graft_h5_read_attr_strv (self, obj_path, name, error);
}
