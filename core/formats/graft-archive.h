/* graft-archive.h: zip archives, read and written (the only user of libzip)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "graft-types.h"

G_BEGIN_DECLS

typedef struct GraftArchive       GraftArchive;
typedef struct GraftArchiveWriter GraftArchiveWriter;

/**
 * GraftArchiveMember:
 * @name: the member's name, as stored (UTF-8 or guessed)
 * @size: its size once inflated
 * @comp_size: its size in the archive
 * @stored: whether it is stored without compression
 * @mtime: its modification time (Unix time)
 */
typedef struct
{
  const char *name;
  guint64     size;
  guint64     comp_size;
  gboolean    stored;
  gint64      mtime;
} GraftArchiveMember;

GraftArchive       *graft_archive_open             (const char          *path,
                                                    GError             **error) G_GNUC_WARN_UNUSED_RESULT;
void                graft_archive_free             (GraftArchive        *self);
const char         *graft_archive_get_path         (const GraftArchive  *self);
guint               graft_archive_get_n_members    (const GraftArchive  *self);
gboolean            graft_archive_get_member       (GraftArchive        *self,
                                                    guint                index,
                                                    GraftArchiveMember  *member,
                                                    GError             **error);
gint                graft_archive_find             (const GraftArchive  *self,
                                                    const char          *name);
GBytes             *graft_archive_read            (GraftArchive        *self,
                                                    guint                index,
                                                    GError             **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean            graft_archive_extract          (GraftArchive        *self,
                                                    guint                index,
                                                    int                  fd,
                                                    const char          *target,
                                                    GError             **error);

GraftArchiveWriter *graft_archive_writer_new       (const char          *target,
                                                    GraftSaveFlags       flags,
                                                    GError             **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean            graft_archive_writer_add_text  (GraftArchiveWriter  *self,
                                                    const char          *name,
                                                    const char          *text,
                                                    GError             **error);
gboolean            graft_archive_writer_add_file  (GraftArchiveWriter  *self,
                                                    const char          *name,
                                                    const char          *path,
                                                    GError             **error);
gboolean            graft_archive_writer_add_file_like (GraftArchiveWriter *self,
                                                    const char          *path,
                                                    GraftArchive        *like,
                                                    guint                index,
                                                    GError             **error);
gboolean            graft_archive_writer_add_raw   (GraftArchiveWriter  *self,
                                                    GraftArchive        *source,
                                                    guint                index,
                                                    GError             **error);
gboolean            graft_archive_writer_commit    (GraftArchiveWriter  *self,
                                                    GError             **error);
void                graft_archive_writer_free      (GraftArchiveWriter  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GraftArchive, graft_archive_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GraftArchiveWriter, graft_archive_writer_free)

G_END_DECLS
