/* graft-h5-patch-private.h: a copy of an HDF5 checkpoint with some datasets overwritten
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "graft-types.h"

G_BEGIN_DECLS

gboolean graft_h5_patch                        (GraftModel      *model,
                                                const char      *path,
                                                int              fd,
                                                GPtrArray       *changed,
                                                const char      *target,
                                                GError         **error);
gboolean graft_h5_patch_copy                   (GraftModel      *model,
                                                const char      *src_path,
                                                const char      *dest_path,
                                                int              dest_fd,
                                                GraftSaveFlags   flags,
                                                GPtrArray       *changed,
                                                const char      *target,
                                                GError         **error);
gboolean graft_h5_patch_copy_without_optimizer (const char      *src_path,
                                                const char      *dest_path,
                                                GError         **error);

G_END_DECLS
