/* graft-h5-write-private.h: the writing side of the HDF5 wrapper
 *
 * Only graft-h5*.c include hdf5.h. Paths are absolute HDF5 paths ("/a/b").
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "graft-types.h"

G_BEGIN_DECLS

typedef struct GraftH5Writer GraftH5Writer;

GraftH5Writer *graft_h5_writer_open            (const char      *path,
                                                GError         **error) G_GNUC_WARN_UNUSED_RESULT;
GraftH5Writer *graft_h5_writer_create          (const char      *path,
                                                GError         **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean       graft_h5_writer_close           (GraftH5Writer   *self,
                                                GError         **error);
void           graft_h5_writer_free            (GraftH5Writer   *self);

gboolean       graft_h5_writer_overwrite       (GraftH5Writer   *self,
                                                const char      *path,
                                                GraftTensor     *tensor,
                                                GError         **error);
gboolean       graft_h5_writer_add_dataset     (GraftH5Writer   *self,
                                                const char      *path,
                                                GraftTensor     *tensor,
                                                GError         **error);
gboolean       graft_h5_writer_ensure_group    (GraftH5Writer   *self,
                                                const char      *path,
                                                GError         **error);
gboolean       graft_h5_writer_exists          (GraftH5Writer   *self,
                                                const char      *path);
gboolean       graft_h5_writer_delete          (GraftH5Writer   *self,
                                                const char      *path,
                                                GError         **error);
gboolean       graft_h5_writer_delete_attr     (GraftH5Writer   *self,
                                                const char      *obj_path,
                                                const char      *name,
                                                GError         **error);
gboolean       graft_h5_writer_set_attr_string (GraftH5Writer   *self,
                                                const char      *obj_path,
                                                const char      *name,
                                                const char      *value,
                                                gboolean         utf8,
                                                GError         **error);
gboolean       graft_h5_writer_set_attr_strings (GraftH5Writer  *self,
                                                const char      *obj_path,
                                                const char      *name,
                                                const char * const *values,
                                                GError         **error);
gboolean       graft_h5_writer_copy_from       (GraftH5Writer   *self,
                                                const char      *src_file,
                                                const char      *src_path,
                                                const char      *dst_path,
                                                GError         **error);
gboolean       graft_h5_writer_copy_attrs_from (GraftH5Writer   *self,
                                                const char      *src_file,
                                                const char      *src_path,
                                                const char      *dst_path,
                                                const char * const *skip,
                                                GError         **error);

gboolean       graft_h5_writer_copy_members_from (GraftH5Writer *self,
                                                const char      *src_file,
                                                const char      *src_group,
                                                const char      *dst_group,
                                                GError         **error);
gboolean       graft_h5_writer_merge_from      (GraftH5Writer   *self,
                                                const char      *src_file,
                                                gboolean         skip_state,
                                                GError         **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GraftH5Writer, graft_h5_writer_free)

G_END_DECLS
