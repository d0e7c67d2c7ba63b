/* graft-keras-archive.h: .keras archives: the weights member, and the one writer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "graft-archive.h"

G_BEGIN_DECLS

gint      graft_keras_archive_find_weights    (GraftArchive    *archive);
gboolean  graft_keras_archive_extract_weights (const char      *archive,
                                               int              dest_fd,
                                               const char      *target,
                                               GError         **error);
char     *graft_keras_archive_new_metadata    (const char      *keras_version) G_GNUC_WARN_UNUSED_RESULT;
gboolean  graft_keras_archive_write           (const char      *path,
                                               GraftArchive    *like,
                                               const char      *metadata,
                                               const char      *config,
                                               const char      *weights_path,
                                               GraftSaveFlags   flags,
                                               GError         **error);

G_END_DECLS
