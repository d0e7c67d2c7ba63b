/* graft-error.c: the one error domain, and the words for I/O failures
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-error"

#include "config.h"

#include "graft-error.h"

#include <errno.h>
#include <string.h>

G_DEFINE_QUARK (graft-error-quark, graft_error)

/**
 * graft_error_add_context:
 * @filename: the file the message should start with
 *
 * Adds context (the layer and weight) after the file name, so messages
 * read "model.h5: layer 'dense', weight 'kernel': …".
 */
void
graft_error_add_context (GError     **error,
                          const char  *filename,
                          const char  *format,
                          ...)
{
  g_autofree char *context = NULL;
  g_autofree char *rest = NULL;
  g_autofree char *file_prefix = NULL;
  va_list args;

  if (error == NULL || *error == NULL)
    return;
  va_start (args, format);
  context = g_strdup_vprintf (format, args);
  va_end (args);

  file_prefix = g_strconcat (filename, ": ", NULL);
  if (g_str_has_prefix ((*error)->message, file_prefix))
    rest = g_strdup ((*error)->message + strlen (file_prefix));
  else
    rest = g_strdup ((*error)->message);
  g_free ((*error)->message);
  (*error)->message = g_strdup_printf ("%s: %s: %s", filename, context, rest);
}

/**
 * graft_error_set_errno:
 * @saved_errno: the errno of the failed call
 * @path: the file the message names
 * @what: what failed ("cannot write")
 *
 * Sets a %GRAFT_ERROR_IO error "path: what: reason", with a hint when the
 * disk or the user's quota is full: every writer reports a full disk in
 * the same words. A file size limit (RLIMIT_FSIZE) is named too.
 */
void
graft_error_set_errno (GError     **error,
                       int          saved_errno,
                       const char  *path,
                       const char  *what)
{
  const char *hint = "";

  if (saved_errno == ENOSPC || saved_errno == EDQUOT)
    hint = " (the disk is full)";
  else if (saved_errno == EFBIG)
    hint = " (file size limit reached)";
  g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_IO, "%s: %s: %s%s", path, what,
               g_strerror (saved_errno), hint);
}
