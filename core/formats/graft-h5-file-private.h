/* graft-h5-file-private.h: an open HDF5 file, for the graft-h5*.c that read it
 *
 * This header needs hdf5.h, so only graft-h5*.c may include it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <hdf5.h>

#include "graft-h5-private.h"

G_BEGIN_DECLS

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

struct GraftH5Writer
{
  hid_t  fid;
  char  *name;
};

/* graft-h5-walk.c: every link along @path exists and is a hard link. */
gboolean graft_h5_check_path (GraftH5File  *self,
                              const char   *path,
                              GraftH5Kind  *kind,
                              GError      **error);

/* graft-h5-write.c: link creation properties that create missing groups. */
hid_t    graft_h5_write_lcpl (void);

G_END_DECLS
