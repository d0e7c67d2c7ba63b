/* graft-h5-private.h: the small HDF5 API the rest of the core uses
 *
 * Only graft-h5*.c include hdf5.h. Paths are absolute HDF5 paths ("/a/b").
 * Every function that walks a path refuses soft and external links, so a
 * hostile file can never make Graft read outside itself.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "graft-types.h"

G_BEGIN_DECLS

typedef struct GraftH5File GraftH5File;

typedef enum
{
  GRAFT_H5_GROUP,
  GRAFT_H5_DATASET,
  GRAFT_H5_OTHER,          /* a named datatype, say */
  GRAFT_H5_SOFT_LINK,
  GRAFT_H5_EXTERNAL_LINK,
} GraftH5Kind;

typedef struct
{
  char        *name;
  GraftH5Kind  kind;
} GraftH5Entry;

typedef struct
{
  GraftDType dtype;
  guint      rank;
  gsize      shape[GRAFT_MAX_RANK];
  gsize      n_bytes;          /* of the whole tensor in memory */
  gboolean   contiguous;       /* layout is contiguous and unfiltered */
  gboolean   chunked;
  guint      n_filters;
  char      *filters;          /* comma-separated filter names, or NULL */
  goffset    offset;           /* file offset of contiguous data, -1 if unallocated */
  gboolean   little_endian;
} GraftH5DatasetInfo;

void          graft_h5_init                  (void);

GraftH5File  *graft_h5_file_open             (const char          *path,
                                              GError             **error);
GraftH5File  *graft_h5_file_open_image       (GBytes              *image,
                                              const char          *display_name,
                                              GError             **error);
GraftH5File  *graft_h5_file_ref              (GraftH5File         *self);
void          graft_h5_file_unref            (GraftH5File         *self);
const char   *graft_h5_file_get_name         (GraftH5File         *self);
goffset       graft_h5_file_get_size         (GraftH5File         *self);
gboolean      graft_h5_is_hdf5_signature     (const guint8        *head,
                                              gsize                len);

gboolean      graft_h5_exists                (GraftH5File         *self,
                                              const char          *path,
                                              GraftH5Kind         *kind);
GPtrArray    *graft_h5_list                  (GraftH5File         *self,
                                              const char          *group_path,
                                              GError             **error);

gboolean      graft_h5_has_attr              (GraftH5File         *self,
                                              const char          *obj_path,
                                              const char          *name);
char         *graft_h5_read_attr_string      (GraftH5File         *self,
                                              const char          *obj_path,
                                              const char          *name,
                                              GError             **error);
GStrv         graft_h5_read_attr_strings     (GraftH5File         *self,
                                              const char          *obj_path,
                                              const char          *name,
                                              GError             **error);

gboolean      graft_h5_dataset_info          (GraftH5File         *self,
                                              const char          *path,
                                              GraftH5DatasetInfo  *info,
                                              GError             **error);
void          graft_h5_dataset_info_clear    (GraftH5DatasetInfo  *info);
gboolean      graft_h5_read_block            (GraftH5File         *self,
                                              const char          *path,
                                              GraftDType           dtype,
                                              guint                rank,
                                              const gsize         *start,
                                              const gsize         *count,
                                              void                *dest,
                                              GError             **error);
const void   *graft_h5_file_map              (GraftH5File         *self,
                                              goffset              offset,
                                              gsize                n_bytes);

GraftTensor  *graft_h5_tensor_new            (GraftH5File         *file,
                                              const char          *path,
                                              const GraftH5DatasetInfo *info);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GraftH5File, graft_h5_file_unref)

G_END_DECLS
