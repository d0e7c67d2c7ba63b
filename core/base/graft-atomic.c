/* graft-atomic.c
 *
 * A save goes to a temporary file in the target's folder, is fsync()ed,
 * and is renamed over the target only once complete; the folder is then
 * fsync()ed too. Any failure, or a kill at any moment, leaves the old file
 * as it was and no half-written file under the target's name.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-atomic"

#include "config.h"

#include "graft-atomic.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "graft-error.h"

struct GraftAtomicFile
{
  char     *target;
  char     *tmp_path;
  int       fd;
  gboolean  committed;
  gboolean  sync;
};

static void
graft_atomic_set_errno (GError     **error,
                        int          saved_errno,
                        const char  *what,
                        const char  *path)
{
  const char *hint = "";

  if (saved_errno == ENOSPC || saved_errno == EDQUOT)
    hint = " (the disk is full)";
  else if (saved_errno == EFBIG)
    hint = " (file size limit reached)";
  g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_IO, "%s: %s: %s%s",
               path, what, g_strerror (saved_errno), hint);
}

/**
 * graft_atomic_file_new:
 * @target: the file that will be replaced on commit
 *
 * Creates the temporary file beside @target.
 *
 * Returns: (transfer full): the open temporary file
 */
GraftAtomicFile *
graft_atomic_file_new (const char  *target,
                       GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (target);
  g_autofree char *base = g_path_get_basename (target);
  g_autofree char *tmpl = NULL;
  GraftAtomicFile *self;
  int fd;

  if (g_file_test (target, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_IO, "%s: is a folder", target);
      return NULL;
    }

  tmpl = g_strdup_printf ("%s/.%s.graft-XXXXXX", dir, base);
  fd = g_mkstemp_full (tmpl, O_RDWR | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      graft_atomic_set_errno (error, errno, "cannot create a file in its folder", target);
      return NULL;
    }

  self = g_new0 (GraftAtomicFile, 1);
  self->target = g_strdup (target);
  self->tmp_path = g_steal_pointer (&tmpl);
  self->fd = fd;
  self->sync = TRUE;
  return self;
}

/**
 * graft_atomic_file_set_sync:
 * @sync: %FALSE to skip the fsync() calls
 *
 * Without syncing, a commit is still atomic for every other program (the
 * rename replaces the file whole) but not durable across a power loss.
 * It costs about a file copy instead of a copy plus a flush.
 */
void
graft_atomic_file_set_sync (GraftAtomicFile *self,
                            gboolean         sync)
{
  self->sync = sync;
}

const char *
graft_atomic_file_get_path (GraftAtomicFile *self)
{
  return self->tmp_path;
}

int
graft_atomic_file_get_fd (GraftAtomicFile *self)
{
  return self->fd;
}

gboolean
graft_atomic_file_write (GraftAtomicFile  *self,
                         const void       *data,
                         gsize             len,
                         GError          **error)
{
  const guint8 *p = data;

  while (len > 0)
    {
      gssize n = write (self->fd, p, MIN (len, (gsize) 1 << 30));

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          graft_atomic_set_errno (error, n < 0 ? errno : ENOSPC, "cannot write", self->target);
          return FALSE;
        }
      p += n;
      len -= n;
    }
  return TRUE;
}

/**
 * graft_atomic_file_commit:
 *
 * Flushes the temporary file to disk and renames it over the target.
 */
gboolean
graft_atomic_file_commit (GraftAtomicFile  *self,
                          GError          **error)
{
  g_autofree char *dir = g_path_get_dirname (self->target);
  int dfd;

  if (self->sync && fsync (self->fd) != 0)
    {
      graft_atomic_set_errno (error, errno, "cannot flush to disk", self->target);
      return FALSE;
    }
  if (close (self->fd) != 0)
    {
      self->fd = -1;
      graft_atomic_set_errno (error, errno, "cannot close", self->target);
      return FALSE;
    }
  self->fd = -1;
  if (g_rename (self->tmp_path, self->target) != 0)
    {
      graft_atomic_set_errno (error, errno, "cannot replace", self->target);
      return FALSE;
    }
  self->committed = TRUE;

  /* Make the rename itself durable. */
  dfd = self->sync ? open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
  if (dfd >= 0)
    {
      fsync (dfd);
      close (dfd);
    }
  return TRUE;
}

/* Frees the object; an uncommitted temporary file is removed. */
void
graft_atomic_file_free (GraftAtomicFile *self)
{
  if (self->fd >= 0)
    close (self->fd);
  if (!self->committed)
    g_unlink (self->tmp_path);
  g_free (self->tmp_path);
  g_free (self->target);
  g_free (self);
}

gboolean
graft_atomic_write_bytes (const char  *target,
                          const void  *data,
                          gsize        len,
                          GError     **error)
{
  g_autoptr(GraftAtomicFile) file = graft_atomic_file_new (target, error);

  return file != NULL &&
         graft_atomic_file_write (file, data, len, error) &&
         graft_atomic_file_commit (file, error);
}
