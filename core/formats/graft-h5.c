/* graft-h5.c: the only place that talks to the HDF5 library for reading
 *
 * HDF5's own error stack is never printed: every failure becomes a GError
 * whose message carries the deepest description HDF5 recorded. Paths are
 * walked one link at a time and anything but a hard link is refused, so a
 * file cannot point Graft at another file or at itself in a loop.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-h5"

#include "config.h"

#include "graft-h5-private.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <hdf5.h>
#include <string.h>

#include "graft-dtype.h"
#include "graft-error.h"
#include "graft-h5-util-private.h"
#include "graft-limits.h"
#include "graft-tensor.h"

struct GraftH5File
{
  gatomicrefcount  ref_count;
  hid_t            fid;
  char            *name;
  goffset          size;
  GBytes          *image;      /* the file's bytes when opened from memory */
  GMutex           map_lock;   /* guards mapped and verified */
  GHashTable      *verified;   /* path → GraftH5Kind, or -1 when not looked up */
  GMappedFile     *mapped;     /* the file mapped read-only, made on demand */
  gboolean         map_failed;
};

void
graft_h5_init (void)
{
  H5open ();
  graft_h5_quiet ();
}

gboolean
graft_h5_is_hdf5_signature (const guint8 *head,
                            gsize         len)
{
  static const guint8 sig[8] = { 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n' };

  return len >= sizeof sig && memcmp (head, sig, sizeof sig) == 0;
}

static GraftH5File *
graft_h5_file_new (hid_t       fid,
                   const char *name,
                   goffset     size,
                   GBytes     *image)
{
  GraftH5File *self = g_new0 (GraftH5File, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->fid = fid;
  self->name = g_strdup (name);
  self->size = size;
  self->image = image != NULL ? g_bytes_ref (image) : NULL;
  g_mutex_init (&self->map_lock);
  self->verified = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return self;
}

/**
 * graft_h5_file_open:
 *
 * Opens an HDF5 file read-only.
 */
GraftH5File *
graft_h5_file_open (const char  *path,
                    GError     **error)
{
  GStatBuf st;
  hid_t fid;

  graft_h5_quiet ();

  if (g_stat (path, &st) != 0)
    {
      int saved = errno;

      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_IO, "%s: %s", path, g_strerror (saved));
      return NULL;
    }

  fid = H5Fopen (path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (fid < 0)
    {
      graft_h5_set_error (error, GRAFT_ERROR_CORRUPT, "%s: cannot be opened as HDF5", path);
      return NULL;
    }

  return graft_h5_file_new (fid, path, st.st_size, NULL);
}

/* The file-image callbacks let HDF5's core driver read our buffer in place:
 * it asks to "allocate" and "copy" the image, and gets the buffer itself. */
typedef struct
{
  gatomicrefcount  ref_count;
  const void      *data;
  gsize            size;
} GraftH5Image;

static void *
graft_h5_image_malloc (size_t               size,
                       H5FD_file_image_op_t op,
                       void                *udata)
{
  GraftH5Image *image = udata;

  return size == image->size ? (void *) image->data : NULL;
}

static void *
graft_h5_image_memcpy (void                *dest,
                       const void          *src,
                       size_t               size,
                       H5FD_file_image_op_t op,
                       void                *udata)
{
  GraftH5Image *image = udata;

  /* Only ever asked to copy the image onto itself. */
  return dest == image->data && src == image->data ? dest : NULL;
}

static void *
graft_h5_image_realloc (void                *ptr,
                        size_t               size,
                        H5FD_file_image_op_t op,
                        void                *udata)
{
  return NULL;   /* read-only */
}

static herr_t
graft_h5_image_free (void                *ptr,
                     H5FD_file_image_op_t op,
                     void                *udata)
{
  return 0;      /* the buffer belongs to the caller */
}

static void *
graft_h5_image_udata_copy (void *udata)
{
  GraftH5Image *image = udata;

  g_atomic_ref_count_inc (&image->ref_count);
  return image;
}

static herr_t
graft_h5_image_udata_free (void *udata)
{
  GraftH5Image *image = udata;

  if (g_atomic_ref_count_dec (&image->ref_count))
    g_free (image);
  return 0;
}

static hid_t
graft_h5_open_image_fid (const void *data,
                         gsize       size)
{
  g_auto(GraftH5Id) fapl = H5Pcreate (H5P_FILE_ACCESS);
  GraftH5Image *image = g_new0 (GraftH5Image, 1);
  H5FD_file_image_callbacks_t callbacks = {
    graft_h5_image_malloc, graft_h5_image_memcpy, graft_h5_image_realloc, graft_h5_image_free,
    graft_h5_image_udata_copy, graft_h5_image_udata_free, image,
  };
  g_autofree char *name = NULL;
  hid_t fid = H5I_INVALID_HID;

  g_atomic_ref_count_init (&image->ref_count);
  image->data = data;
  image->size = size;
  if (H5Pset_fapl_core (fapl, 64 * 1024, FALSE) >= 0 &&
      H5Pset_file_image_callbacks (fapl, &callbacks) >= 0 &&
      H5Pset_file_image (fapl, (void *) data, size) >= 0)
    {
      /* The core driver wants a name; each image gets its own. */
      name = g_strdup_printf ("graft-image-%p", data);
      fid = H5Fopen (name, H5F_ACC_RDONLY, fapl);
    }
  graft_h5_image_udata_free (image);
  return fid;
}

/**
 * graft_h5_file_open_image:
 * @image: the whole HDF5 file in memory; kept alive by the file
 * @display_name: how messages name it ("model.keras:model.weights.h5")
 */
GraftH5File *
graft_h5_file_open_image (GBytes      *image,
                          const char  *display_name,
                          GError     **error)
{
  gsize size;
  gconstpointer data = g_bytes_get_data (image, &size);
  hid_t fid;

  graft_h5_quiet ();

  if (!graft_h5_is_hdf5_signature (data, size))
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT,
                   "%s: not an HDF5 file (no HDF5 signature)", display_name);
      return NULL;
    }

  fid = graft_h5_open_image_fid (data, size);
  if (fid < 0)
    {
      graft_h5_set_error (error, GRAFT_ERROR_CORRUPT, "%s: cannot be opened as HDF5", display_name);
      return NULL;
    }

  return graft_h5_file_new (fid, display_name, size, image);
}

GraftH5File *
graft_h5_file_ref (GraftH5File *self)
{
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
graft_h5_file_unref (GraftH5File *self)
{
  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  graft_h5_quiet ();
  H5Fclose (self->fid);
  g_clear_pointer (&self->mapped, g_mapped_file_unref);
  g_clear_pointer (&self->image, g_bytes_unref);
  g_mutex_clear (&self->map_lock);
  g_hash_table_unref (self->verified);
  g_free (self->name);
  g_free (self);
}

const char *
graft_h5_file_get_name (GraftH5File *self)
{
  return self->name;
}

goffset
graft_h5_file_get_size (GraftH5File *self)
{
  return self->size;
}

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

/* Checks that every link along @path exists and is a hard link. Verified
 * paths are remembered, so walking a whole file costs one lookup per link
 * rather than one per link per weight. */
static gboolean
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
 * Returns: (transfer full) (element-type GraftH5Entry): the members
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

gboolean
graft_h5_has_attr (GraftH5File *self,
                   const char  *obj_path,
                   const char  *name)
{
  g_auto(GraftH5Id) oid = H5I_INVALID_HID;
  htri_t exists;

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
 * Returns: (transfer full): a scalar (or one-element) string attribute
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
 * Returns: (transfer full): a string-array attribute, fixed or variable
 *   length, ASCII or UTF-8; an empty numeric array gives an empty list
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

static char *
graft_h5_read_dtype_attr (hid_t did)
{
  g_auto(GraftH5Id) aid = H5I_INVALID_HID;
  g_auto(GraftH5Id) type = H5I_INVALID_HID;
  g_auto(GraftH5Id) mem = H5I_INVALID_HID;

  if (H5Aexists (did, "dtype") <= 0)
    return NULL;
  aid = H5Aopen (did, "dtype", H5P_DEFAULT);
  type = H5Aget_type (aid);
  if (H5Tget_class (type) != H5T_STRING)
    return NULL;
  mem = H5Tcopy (H5T_C_S1);
  if (H5Tis_variable_str (type) > 0)
    {
      char *value = NULL;
      char *copy;

      H5Tset_size (mem, H5T_VARIABLE);
      if (H5Aread (aid, mem, &value) < 0)
        return NULL;
      copy = g_strdup (value);
      H5free_memory (value);
      return copy;
    }
  else
    {
      char buf[64] = { 0 };
      size_t size = H5Tget_size (type);

      if (size >= sizeof buf)
        return NULL;
      H5Tset_size (mem, size);
      if (H5Aread (aid, mem, buf) < 0)
        return NULL;
      return g_strndup (buf, size);
    }
}

static gboolean
graft_h5_dtype_from_type (hid_t        type,
                          const char  *dtype_attr,
                          GraftDType  *dtype)
{
  H5T_class_t klass = H5Tget_class (type);
  size_t size = H5Tget_size (type);
  gboolean bf16 = g_strcmp0 (dtype_attr, "bfloat16") == 0;

  if (bf16 && size == 2)
    {
      *dtype = GRAFT_DTYPE_BFLOAT16;
      return TRUE;
    }
  if (klass == H5T_FLOAT)
    {
      switch (size)
        {
        case 2: *dtype = GRAFT_DTYPE_FLOAT16; return TRUE;
        case 4: *dtype = GRAFT_DTYPE_FLOAT32; return TRUE;
        case 8: *dtype = GRAFT_DTYPE_FLOAT64; return TRUE;
        default: return FALSE;
        }
    }
  if (klass == H5T_INTEGER)
    {
      gboolean is_signed = H5Tget_sign (type) == H5T_SGN_2;

      switch (size)
        {
        case 1: *dtype = is_signed ? GRAFT_DTYPE_INT8 : GRAFT_DTYPE_UINT8; return TRUE;
        case 2: *dtype = is_signed ? GRAFT_DTYPE_INT16 : GRAFT_DTYPE_UINT16; return TRUE;
        case 4: *dtype = is_signed ? GRAFT_DTYPE_INT32 : GRAFT_DTYPE_UINT32; return TRUE;
        case 8: *dtype = is_signed ? GRAFT_DTYPE_INT64 : GRAFT_DTYPE_UINT64; return TRUE;
        default: return FALSE;
        }
    }
  /* h5py stores NumPy bools as an 8-bit enum {FALSE = 0, TRUE = 1}. */
  if (klass == H5T_ENUM && size == 1 && H5Tget_nmembers (type) == 2)
    {
      *dtype = GRAFT_DTYPE_BOOL;
      return TRUE;
    }
  return FALSE;
}

static const char *
graft_h5_class_name (H5T_class_t klass)
{
  switch (klass)
    {
    case H5T_INTEGER: return "integer";
    case H5T_FLOAT: return "float";
    case H5T_STRING: return "string";
    case H5T_BITFIELD: return "bitfield";
    case H5T_OPAQUE: return "opaque";
    case H5T_COMPOUND: return "compound";
    case H5T_REFERENCE: return "reference";
    case H5T_ENUM: return "enum";
    case H5T_VLEN: return "variable-length";
    case H5T_ARRAY: return "array";
    case H5T_TIME:
    case H5T_NO_CLASS:
    case H5T_NCLASSES:
    default: return "unknown";
    }
}

void
graft_h5_dataset_info_clear (GraftH5DatasetInfo *info)
{
  g_clear_pointer (&info->filters, g_free);
}

/* Opens the dataset at @path once graft_h5_check_path() has let it through. */
static hid_t
graft_h5_open_dataset (GraftH5File  *self,
                       const char   *path,
                       GError      **error)
{
  hid_t did;

  if (!graft_h5_check_path (self, path, NULL, error))
    return H5I_INVALID_HID;
  did = H5Dopen2 (self->fid, path, H5P_DEFAULT);
  if (did < 0)
    graft_h5_set_error (error, GRAFT_ERROR_CORRUPT, "%s: cannot open dataset '%s'", self->name, path);
  return did;
}

/**
 * graft_h5_dataset_info:
 * @info: (out caller-allocates): filled in; clear it with
 *   graft_h5_dataset_info_clear()
 *
 * Reads a dataset's metadata and checks it against the file: external
 * storage and virtual layouts are refused, and a contiguous dataset must
 * lie inside the file.
 */
gboolean
graft_h5_dataset_info (GraftH5File         *self,
                       const char          *path,
                       GraftH5DatasetInfo  *info,
                       GError             **error)
{
  g_auto(GraftH5Id) did = H5I_INVALID_HID;
  g_auto(GraftH5Id) type = H5I_INVALID_HID;
  g_auto(GraftH5Id) space = H5I_INVALID_HID;
  g_auto(GraftH5Id) dcpl = H5I_INVALID_HID;
  g_autofree char *dtype_attr = NULL;
  hsize_t dims[H5S_MAX_RANK];
  H5D_layout_t layout;
  int rank, n_filters;
  guint64 n_elements = 1;

  graft_h5_quiet ();
  memset (info, 0, sizeof *info);
  info->offset = -1;

  did = graft_h5_open_dataset (self, path, error);
  if (did < 0)
    return FALSE;
  type = H5Dget_type (did);
  space = H5Dget_space (did);
  dcpl = H5Dget_create_plist (did);
  if (type < 0 || space < 0 || dcpl < 0)
    {
      graft_h5_set_error (error, GRAFT_ERROR_CORRUPT, "%s: dataset '%s' is damaged", self->name, path);
      return FALSE;
    }

  dtype_attr = graft_h5_read_dtype_attr (did);
  H5Eclear2 (H5E_DEFAULT);
  if (!graft_h5_dtype_from_type (type, dtype_attr, &info->dtype))
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED,
                   "%s: dataset '%s' has an unsupported element type (%s, %zu bytes)",
                   self->name, path, graft_h5_class_name (H5Tget_class (type)), H5Tget_size (type));
      return FALSE;
    }
  info->little_endian = H5Tget_size (type) == 1 || H5Tget_order (type) == H5T_ORDER_LE;
  H5Eclear2 (H5E_DEFAULT);

  if (H5Sget_simple_extent_type (space) == H5S_NULL)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED,
                   "%s: dataset '%s' has a null dataspace", self->name, path);
      return FALSE;
    }
  rank = H5Sget_simple_extent_ndims (space);
  if (rank < 0 || rank > GRAFT_MAX_RANK)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_LIMIT,
                   "%s: dataset '%s' has rank %d; Graft accepts at most %d",
                   self->name, path, rank, GRAFT_MAX_RANK);
      return FALSE;
    }
  H5Sget_simple_extent_dims (space, dims, NULL);
  info->rank = rank;
  for (int i = 0; i < rank; i++)
    {
      info->shape[i] = dims[i];
      if (dims[i] != 0 && n_elements > G_MAXUINT64 / 16 / dims[i])
        {
          g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_LIMIT,
                       "%s: dataset '%s' declares an impossible number of elements",
                       self->name, path);
          return FALSE;
        }
      n_elements *= dims[i];
    }
  info->n_bytes = n_elements * graft_dtype_get_size (info->dtype);

  if (H5Pget_external_count (dcpl) > 0)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSAFE,
                   "%s: dataset '%s' keeps its data in external files; Graft refuses those",
                   self->name, path);
      return FALSE;
    }
  layout = H5Pget_layout (dcpl);
  if (layout == H5D_VIRTUAL)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSAFE,
                   "%s: dataset '%s' is a virtual dataset; Graft refuses those", self->name, path);
      return FALSE;
    }
  info->chunked = layout == H5D_CHUNKED;

  n_filters = H5Pget_nfilters (dcpl);
  info->n_filters = MAX (n_filters, 0);
  if (n_filters > 0)
    {
      GString *names = g_string_new (NULL);

      for (int i = 0; i < n_filters; i++)
        {
          char fname[128] = { 0 };
          unsigned flags = 0, fconfig = 0;
          size_t n_values = 0;
          H5Z_filter_t id = H5Pget_filter2 (dcpl, i, &flags, &n_values, NULL, sizeof fname, fname,
                                            &fconfig);

          if (names->len)
            g_string_append (names, ", ");
          if (id == H5Z_FILTER_DEFLATE)
            g_string_append (names, "deflate");
          else if (id == H5Z_FILTER_SHUFFLE)
            g_string_append (names, "shuffle");
          else if (id == H5Z_FILTER_FLETCHER32)
            g_string_append (names, "fletcher32");
          else if (id == 32000)
            g_string_append (names, "lzf");
          else
            g_string_append_printf (names, "%s", fname[0] ? fname : "filter");
          if (H5Zfilter_avail (id) <= 0)
            g_string_append_printf (names, " (#%d, unavailable)", (int) id);
        }
      info->filters = g_string_free (names, FALSE);
    }
  H5Eclear2 (H5E_DEFAULT);

  if (layout == H5D_CONTIGUOUS && n_filters <= 0)
    {
      haddr_t addr = H5Dget_offset (did);

      H5Eclear2 (H5E_DEFAULT);
      info->contiguous = TRUE;
      if (addr != HADDR_UNDEF)
        {
          info->offset = (goffset) addr;
          if ((guint64) addr > (guint64) self->size ||
              info->n_bytes > (guint64) self->size - (guint64) addr)
            {
              g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_LIMIT,
                           "%s: dataset '%s' declares %" G_GSIZE_FORMAT " bytes at offset %"
                           G_GOFFSET_FORMAT ", beyond the end of the %" G_GOFFSET_FORMAT
                           "-byte file (truncated or corrupt)",
                           self->name, path, info->n_bytes, info->offset, self->size);
              return FALSE;
            }
        }
    }
  return TRUE;
}

static hid_t
graft_h5_mem_type (GraftDType dtype,
                   hid_t      file_type)
{
  switch (dtype)
    {
    case GRAFT_DTYPE_FLOAT32: return H5Tcopy (H5T_NATIVE_FLOAT);
    case GRAFT_DTYPE_FLOAT64: return H5Tcopy (H5T_NATIVE_DOUBLE);
    case GRAFT_DTYPE_INT8: return H5Tcopy (H5T_NATIVE_INT8);
    case GRAFT_DTYPE_INT16: return H5Tcopy (H5T_NATIVE_INT16);
    case GRAFT_DTYPE_INT32: return H5Tcopy (H5T_NATIVE_INT32);
    case GRAFT_DTYPE_INT64: return H5Tcopy (H5T_NATIVE_INT64);
    case GRAFT_DTYPE_UINT8: return H5Tcopy (H5T_NATIVE_UINT8);
    case GRAFT_DTYPE_UINT16: return H5Tcopy (H5T_NATIVE_UINT16);
    case GRAFT_DTYPE_UINT32: return H5Tcopy (H5T_NATIVE_UINT32);
    case GRAFT_DTYPE_UINT64: return H5Tcopy (H5T_NATIVE_UINT64);
    case GRAFT_DTYPE_FLOAT16:
    case GRAFT_DTYPE_BFLOAT16:
    case GRAFT_DTYPE_BOOL:
    case GRAFT_N_DTYPES:
    default:
      {
        /* No native half or bool type in HDF5 1.10: read the file's own
         * type, in little-endian order. */
        hid_t mem = H5Tcopy (file_type);

        if (H5Tget_class (mem) != H5T_ENUM && H5Tget_class (mem) != H5T_OPAQUE)
          H5Tset_order (mem, H5T_ORDER_LE);
        return mem;
      }
    }
}

/**
 * graft_h5_read_block:
 * @dest: (out caller-allocates): room for the product of @count elements
 *
 * Reads a hyperslab of a dataset, converted to @dtype in native order.
 */
gboolean
graft_h5_read_block (GraftH5File  *self,
                     const char   *path,
                     GraftDType    dtype,
                     guint         rank,
                     const gsize  *start,
                     const gsize  *count,
                     void         *dest,
                     GError      **error)
{
  g_auto(GraftH5Id) did = H5I_INVALID_HID;
  g_auto(GraftH5Id) ftype = H5I_INVALID_HID;
  g_auto(GraftH5Id) fspace = H5I_INVALID_HID;
  g_auto(GraftH5Id) mspace = H5I_INVALID_HID;
  g_auto(GraftH5Id) mtype = H5I_INVALID_HID;
  g_auto(GraftH5Id) dcpl = H5I_INVALID_HID;
  hsize_t hstart[H5S_MAX_RANK], hcount[H5S_MAX_RANK];
  int n_filters;

  graft_h5_quiet ();

  did = graft_h5_open_dataset (self, path, error);
  if (did < 0)
    return FALSE;

  dcpl = H5Dget_create_plist (did);
  n_filters = H5Pget_nfilters (dcpl);
  for (int i = 0; i < n_filters; i++)
    {
      char fname[128] = { 0 };
      unsigned flags = 0, fconfig = 0;
      size_t n_values = 0;
      H5Z_filter_t id = H5Pget_filter2 (dcpl, i, &flags, &n_values, NULL, sizeof fname, fname, &fconfig);

      if (H5Zfilter_avail (id) <= 0)
        {
          H5Eclear2 (H5E_DEFAULT);
          g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED,
                       "%s: dataset '%s' is compressed with the %s filter (#%d), which is not "
                       "available in this HDF5 library",
                       self->name, path, id == 32000 ? "LZF" : (fname[0] ? fname : "unknown"),
                       (int) id);
          return FALSE;
        }
    }

  ftype = H5Dget_type (did);
  fspace = H5Dget_space (did);
  if (rank > 0)
    {
      for (guint i = 0; i < rank; i++)
        {
          hstart[i] = start[i];
          hcount[i] = count[i];
        }
      if (H5Sselect_hyperslab (fspace, H5S_SELECT_SET, hstart, NULL, hcount, NULL) < 0)
        {
          graft_h5_set_error (error, GRAFT_ERROR_INVALID, "%s: bad block of dataset '%s'",
                              self->name, path);
          return FALSE;
        }
      mspace = H5Screate_simple (rank, hcount, NULL);
    }
  else
    mspace = H5Screate (H5S_SCALAR);

  mtype = graft_h5_mem_type (dtype, ftype);
  if (H5Dread (did, mtype, mspace, fspace, H5P_DEFAULT, dest) < 0)
    {
      graft_h5_set_error (error, GRAFT_ERROR_CORRUPT, "%s: cannot read dataset '%s'", self->name, path);
      return FALSE;
    }
  return TRUE;
}

/**
 * graft_h5_file_map:
 *
 * Returns: (transfer none) (nullable): @n_bytes of the file at @offset,
 *   mapped read-only (or in the in-memory image), valid while @self lives
 */
const void *
graft_h5_file_map (GraftH5File *self,
                   goffset      offset,
                   gsize        n_bytes)
{
  g_autoptr(GMutexLocker) locker = NULL;
  const guint8 *base;
  gsize size;

  if (offset < 0 || (guint64) offset > (guint64) self->size ||
      n_bytes > (guint64) self->size - (guint64) offset)
    return NULL;

  if (self->image != NULL)
    return (const guint8 *) g_bytes_get_data (self->image, NULL) + offset;

  locker = g_mutex_locker_new (&self->map_lock);
  if (self->mapped == NULL && !self->map_failed)
    {
      self->mapped = g_mapped_file_new (self->name, FALSE, NULL);
      self->map_failed = self->mapped == NULL;
    }
  if (self->mapped == NULL)
    return NULL;
  base = (const guint8 *) g_mapped_file_get_contents (self->mapped);
  size = g_mapped_file_get_length (self->mapped);
  /* The file may have shrunk since it was opened. */
  if ((guint64) offset + n_bytes > size)
    return NULL;
  return base + offset;
}

/* Lazy tensors backed by a dataset. */

typedef struct
{
  GraftH5File *file;
  char        *path;
  GraftDType   dtype;
  guint        rank;
  gboolean     mappable;
  goffset      offset;
  gsize        n_bytes;
} GraftH5Source;

static gboolean
graft_h5_source_read (gpointer      data,
                      const gsize  *start,
                      const gsize  *count,
                      void         *dest,
                      GError      **error)
{
  GraftH5Source *src = data;

  return graft_h5_read_block (src->file, src->path, src->dtype, src->rank, start, count, dest, error);
}

static const void *
graft_h5_source_map (gpointer data)
{
  GraftH5Source *src = data;

  if (!src->mappable)
    return NULL;
  return graft_h5_file_map (src->file, src->offset, src->n_bytes);
}

static void
graft_h5_source_free (gpointer data)
{
  GraftH5Source *src = data;

  graft_h5_file_unref (src->file);
  g_free (src->path);
  g_free (src);
}

static const GraftTensorSourceFuncs graft_h5_source_funcs = {
  graft_h5_source_read,
  graft_h5_source_map,
  graft_h5_source_free,
};

/**
 * graft_h5_tensor_new:
 *
 * Returns: (transfer full): a lazy tensor reading the dataset at @path
 */
GraftTensor *
graft_h5_tensor_new (GraftH5File              *file,
                     const char               *path,
                     const GraftH5DatasetInfo *info)
{
  GraftH5Source *src = g_new0 (GraftH5Source, 1);

  src->file = graft_h5_file_ref (file);
  src->path = g_strdup (path);
  src->dtype = info->dtype;
  src->rank = info->rank;
  src->offset = info->offset;
  src->n_bytes = info->n_bytes;
  /* In place only when the bytes on disk are exactly the bytes in memory. */
  src->mappable = info->contiguous && info->offset >= 0 && info->little_endian &&
                  G_BYTE_ORDER == G_LITTLE_ENDIAN;
  return graft_tensor_new_lazy (info->dtype, info->rank, info->shape, &graft_h5_source_funcs, src);
}
