/* graft-atomic.h: writing a file so that it is either complete or untouched
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct GraftAtomicFile GraftAtomicFile;

GraftAtomicFile *graft_atomic_file_new       (const char       *target,
                                              GError          **error) G_GNUC_WARN_UNUSED_RESULT;
void             graft_atomic_file_set_sync  (GraftAtomicFile  *self,
                                              gboolean          sync);
const char      *graft_atomic_file_get_path  (GraftAtomicFile  *self);
int              graft_atomic_file_get_fd    (GraftAtomicFile  *self);
gboolean         graft_atomic_file_write     (GraftAtomicFile  *self,
                                              const void       *data,
                                              gsize             len,
                                              GError          **error);
gboolean         graft_atomic_file_reopen    (GraftAtomicFile  *self,
                                              GError          **error);
gboolean         graft_atomic_file_commit    (GraftAtomicFile  *self,
                                              GError          **error);
void             graft_atomic_file_free      (GraftAtomicFile  *self);

gboolean         graft_atomic_write_bytes    (const char       *target,
                                              const void       *data,
                                              gsize             len,
                                              GError          **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GraftAtomicFile, graft_atomic_file_free)

G_END_DECLS
