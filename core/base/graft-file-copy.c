/* graft-file-copy.c: copying a whole file into another, by the kernel when it can
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-file-copy"

/* copy_file_range() is a GNU extension. */
#define _GNU_SOURCE 1

#include "config.h"

#include "graft-file-copy.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "graft-error.h"

/**
 * graft_file_copy_into:
 * @dest_fd: an empty file open for writing
 * @dest_name: its name, for messages
 *
 * Copies the whole of @src_path into @dest_fd. The kernel does the copy
 * (copy_file_range, which may even share the blocks); plain read and
 * write are the fallback for file systems that refuse.
 *
 * Returns: %FALSE with @error set (a full disk named as such) on failure
 */
gboolean
graft_file_copy_into (const char  *src_path,
                      int          dest_fd,
                      const char  *dest_name,
                      GError     **error)
{
  g_autofree guint8 *buf = NULL;
  GStatBuf st;
  goffset done = 0;
  int src;

  src = g_open (src_path, O_RDONLY | O_CLOEXEC, 0);
  if (src < 0)
    {
      graft_error_set_errno (error, errno, src_path, "cannot be read");
      return FALSE;
    }
  if (fstat (src, &st) != 0)
    {
      graft_error_set_errno (error, errno, src_path, "cannot be read");
      close (src);
      return FALSE;
    }

  while (done < st.st_size)
    {
      ssize_t n = copy_file_range (src, NULL, dest_fd, NULL, st.st_size - done, 0);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      done += n;
    }

  if (done < st.st_size)
    {
      /* copy_file_range refused (EXDEV, ENOSYS, …) or stopped: go on by hand
       * from where it stopped. */
      if (lseek (src, done, SEEK_SET) < 0 || lseek (dest_fd, done, SEEK_SET) < 0)
        {
          graft_error_set_errno (error, errno, src_path, "cannot copy");
          close (src);
          return FALSE;
        }
      buf = g_malloc (1 << 20);
      while (done < st.st_size)
        {
          ssize_t n = read (src, buf, 1 << 20);
          ssize_t w = 0;

          if (n < 0 && errno == EINTR)
            continue;
          if (n <= 0)
            {
              graft_error_set_errno (error, n < 0 ? errno : EIO, src_path, "cannot be read");
              close (src);
              return FALSE;
            }
          while (w < n)
            {
              ssize_t k = write (dest_fd, buf + w, n - w);

              if (k < 0 && errno == EINTR)
                continue;
              if (k <= 0)
                {
                  graft_error_set_errno (error, k < 0 ? errno : ENOSPC, dest_name, "cannot write");
                  close (src);
                  return FALSE;
                }
              w += k;
            }
          done += n;
        }
    }
  close (src);
  return TRUE;
}
