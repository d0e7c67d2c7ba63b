/* graft-error.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-error"

#include "config.h"

#include "graft-error.h"

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
