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

#include "graft-damage.h"
#include "graft-dtype.h"
#include "graft-error.h"
#include "graft-h5-file-private.h"
#include "graft-h5-util-private.h"
#include "graft-limits.h"
#include "graft-tensor.h"

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
 *
 * Returns: (transfer full): the file, released with graft_h5_file_unref(),
 *   or %NULL with a %GRAFT_ERROR_IO error when @path cannot be looked at
 *   (missing, unreadable) or %GRAFT_ERROR_CORRUPT when libhdf5 cannot open
 *   it as HDF5
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
      g_autofree char *damage = graft_damage_describe (path);

      /* libhdf5's own words stay, in parentheses, for whoever debugs it. */
      if (damage != NULL)
        graft_h5_set_error (error, GRAFT_ERROR_CORRUPT, "%s: %s", path, damage);
      else
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
 *
 * Opens an HDF5 file held in memory (a member of a .keras archive)
 * read-only.
 *
 * Returns: (transfer full): the file, released with graft_h5_file_unref(),
 *   or %NULL with a %GRAFT_ERROR_CORRUPT error when @image does not start
 *   with the HDF5 signature or libhdf5 cannot open it
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
