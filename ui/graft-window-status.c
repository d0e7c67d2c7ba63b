/* graft-window-status.c: the window's status page: the welcome and a checkpoint that failed to open
 *
 * When nothing is open the window is one status page: at first start it
 * offers Open… and the example models; after a failed open it says what is
 * wrong with the file in a person's words, with the libraries' own text
 * behind "Details".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-window"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "graft-window-private.h"

/**
 * graft_window_show_welcome:
 *
 * The first start, or a window with nothing open.
 */
void
graft_window_show_welcome (GraftWindow *self)
{
  adw_status_page_set_icon_name (self->status_page, APPLICATION_ID);
  adw_status_page_set_title (self->status_page, _("Look Inside a Checkpoint"));
  adw_status_page_set_description (self->status_page,
                                   _("Open a Keras or PyTorch checkpoint to browse its layers and "
                                     "see its weights, or drop one onto this window. Open two to "
                                     "copy weights from one into the other."));
  gtk_widget_set_visible (self->status_examples_button, TRUE);
  gtk_widget_set_visible (self->status_details, FALSE);
  gtk_stack_set_visible_child_name (self->main_stack, "status");
}

/* The core's message without the leading "PATH: ", which the page's title
 * already names. */
static const char *
graft_window_strip_path (const char *message,
                         const char *path)
{
  if (path != NULL && g_str_has_prefix (message, path) && strncmp (message + strlen (path), ": ", 2) == 0)
    return message + strlen (path) + 2;
  return message;
}

/**
 * graft_window_describe_error:
 * @path: (nullable): the file the error is about
 * @opening: whether @path failed to open (and may be damaged)
 *
 * What went wrong, for a person: the damage found in the file when there
 * is some (a truncated download), else the core's sentence without the
 * path, with a first capital and a full stop.
 *
 * Returns: (transfer full): one or two sentences
 */
char *
graft_window_describe_error (const char   *path,
                             const GError *error,
                             gboolean      opening)
{
  g_autofree char *damage = path && opening ? graft_damage_describe (path) : NULL;
  const char *text = damage ? damage : graft_window_strip_path (error->message, path);
  g_autofree char *lead = NULL;
  g_autofree char *sentence = NULL;
  const char *paren;
  gsize len;

  /* The core appends libhdf5's and libzip's words in parentheses; they
   * belong in Details. */
  paren = damage ? NULL : strstr (text, " (");
  len = paren && g_str_has_suffix (text, ")") ? (gsize) (paren - text) : strlen (text);
  sentence = g_strndup (text, len);
  if (sentence[0] == '\0')
    return g_strdup (error->message);
  lead = g_utf8_strup (sentence, g_utf8_next_char (sentence) - sentence);
  return g_strdup_printf ("%s%s%s", lead, g_utf8_next_char (sentence),
                          g_str_has_suffix (sentence, ".") || g_str_has_suffix (sentence, "?")
                          ? "" : ".");
}

/**
 * graft_window_show_open_error:
 * @path: the checkpoint that failed
 *
 * A failed open with nothing else open: a status page that names the file,
 * says what is wrong and offers Open… again, rather than an empty shell of
 * disabled controls.
 */
void
graft_window_show_open_error (GraftWindow  *self,
                              const char   *path,
                              const GError *error)
{
  g_autofree char *name = graft_window_display_name (path);
  g_autofree char *title = g_strdup_printf (_("Could Not Open “%s”"), name);
  g_autofree char *described = graft_window_describe_error (path, error, TRUE);

  g_free (self->message);
  self->message = g_strdup_printf ("%s: %s", title, described);
  if (self->target != NULL)
    {
      /* Something is open: keep it, and say what failed in a dialog. */
      graft_window_show_error_dialog (self, title, described, error->message);
      return;
    }
  adw_status_page_set_icon_name (self->status_page, "dialog-error-symbolic");
  adw_status_page_set_title (self->status_page, title);
  adw_status_page_set_description (self->status_page, described);
  gtk_label_set_text (self->status_details_label, error->message);
  gtk_widget_set_visible (self->status_details, TRUE);
  gtk_widget_set_visible (self->status_examples_button, FALSE);
  gtk_stack_set_visible_child_name (self->main_stack, "status");
}
