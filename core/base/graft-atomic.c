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
#include "graft-fault.h"

struct GraftAtomicFile
{
  char     *target;
  char     *tmp_path;
  int       fd;
  gboolean  committed;
  gboolean  sync;
};

/**
 * graft_atomic_file_new:
 * @target: the file that will be replaced on commit
 *
 * Creates the temporary file beside @target.
 *
 * Returns: (transfer full): the open temporary file, or %NULL with a
 *   %GRAFT_ERROR_IO error when @target is a folder or its folder refuses a
 *   new file (missing, read-only, full)
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
      graft_error_set_errno (error, errno, target, "cannot create a file in its folder");
      return NULL;
    }

  self = g_new0 (GraftAtomicFile, 1);
  self->target = g_strdup (target);
  self->tmp_path = g_steal_pointer (&tmpl);
  self->fd = fd;
  self->sync = TRUE;
  if (!graft_fault_step (target, "create the temporary file", error))
    {
      graft_atomic_file_free (self);
      return NULL;
    }
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

/**
 * graft_atomic_file_write:
 *
 * Appends @len bytes of @data to the temporary file.
 *
 * Returns: %FALSE with a %GRAFT_ERROR_IO error naming the target when the
 *   write fails (a full disk named as such)
 */
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
          graft_error_set_errno (error, n < 0 ? errno : ENOSPC, self->target, "cannot write");
          return FALSE;
        }
      p += n;
      len -= n;
    }
  return TRUE;
}

/**
 * graft_atomic_file_reopen:
 *
 * Takes the file now at the temporary path, after a writer that renames
 * its own temporary file over the path it was given (libzip does) has
 * replaced the one this object created; the commit then flushes that file.
 *
 * Returns: %FALSE with @error set when the file cannot be opened
 */
gboolean
graft_atomic_file_reopen (GraftAtomicFile  *self,
                          GError          **error)
{
  int fd = g_open (self->tmp_path, O_RDWR | O_CLOEXEC, 0);

  if (fd < 0)
    {
      graft_error_set_errno (error, errno, self->target, "cannot reopen the temporary file");
      return FALSE;
    }
  if (self->fd >= 0)
    close (self->fd);
  self->fd = fd;
  return TRUE;
}

/**
 * graft_atomic_file_commit:
 *
 * Flushes the temporary file to disk and renames it over the target.
 *
 * Returns: %FALSE with a %GRAFT_ERROR_IO error naming the target (a full
 *   disk named as such) when flushing, closing or renaming fails; the
 *   target is then as it was, and freeing @self removes the temporary file
 */
gboolean
graft_atomic_file_commit (GraftAtomicFile  *self,
                          GError          **error)
{
  g_autofree char *dir = g_path_get_dirname (self->target);
  int dfd;

  if (!graft_fault_step (self->target, "flush", error))
    return FALSE;
  if (self->sync && fsync (self->fd) != 0)
    {
      graft_error_set_errno (error, errno, self->target, "cannot flush to disk");
      return FALSE;
    }
  if (close (self->fd) != 0)
    {
      self->fd = -1;
      graft_error_set_errno (error, errno, self->target, "cannot close");
      return FALSE;
    }
  self->fd = -1;
  if (!graft_fault_step (self->target, "rename", error))
    return FALSE;
  if (g_rename (self->tmp_path, self->target) != 0)
    {
      graft_error_set_errno (error, errno, self->target, "cannot replace");
      return FALSE;
    }
  self->committed = TRUE;

  /* Make the rename itself durable. The target is complete from here on,
   * so a failure to flush the folder is not an error. */
  graft_fault_step (self->target, "flush the folder", NULL);
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

/**
 * graft_atomic_write_bytes:
 *
 * Replaces @target with @len bytes of @data, atomically and flushed.
 *
 * Returns: %FALSE with a %GRAFT_ERROR_IO error when the file cannot be
 *   created, written or renamed; @target is then as it was
 */
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
