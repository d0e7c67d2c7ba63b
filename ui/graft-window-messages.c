/* graft-window-messages.c: what the window tells the user: reports, errors, progress
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-window"

#include "config.h"

#include <glib/gi18n.h>

#include "graft-window-private.h"

void
graft_window_hide_info (GraftWindow *self)
{
  g_clear_handle_id (&self->info_timeout, g_source_remove);
  gtk_info_bar_set_revealed (self->info_bar, FALSE);
}

void
graft_window_info_response_cb (GraftWindow *self,
                               int          response,
                               GtkInfoBar  *info_bar)
{
  graft_window_hide_info (self);
}

static gboolean
graft_window_info_timeout_cb (gpointer data)
{
  GraftWindow *self = data;

  self->info_timeout = 0;
  gtk_info_bar_set_revealed (self->info_bar, FALSE);
  return G_SOURCE_REMOVE;
}

void
graft_window_set_message (GraftWindow    *self,
                          GtkMessageType  type,
                          const char     *message)
{
  g_free (self->message);
  self->message = g_strdup (message);
  g_clear_handle_id (&self->info_timeout, g_source_remove);
  gtk_label_set_text (self->info_label, message);
  gtk_info_bar_set_message_type (self->info_bar, type);
  gtk_info_bar_set_revealed (self->info_bar, TRUE);
}

/**
 * graft_window_show_error:
 * @context: (nullable): what was being done, "Could not save"
 *
 * Shows the core's message in the window, where it stays until closed.
 */
void
graft_window_show_error (GraftWindow  *self,
                         const char   *context,
                         const GError *error)
{
  g_autofree char *text = context ? g_strdup_printf ("%s: %s", context, error->message)
                                  : g_strdup (error->message);

  g_debug ("%s", text);
  graft_window_set_message (self, GTK_MESSAGE_ERROR, text);
}

/* A report that goes away by itself, like a toast. */
void
graft_window_show_info (GraftWindow *self,
                        const char  *message)
{
  graft_window_set_message (self, GTK_MESSAGE_INFO, message);
  self->info_timeout = g_timeout_add_seconds (8, graft_window_info_timeout_cb, self);
}

static gboolean
graft_window_pulse_cb (gpointer data)
{
  GraftWindow *self = data;

  gtk_progress_bar_pulse (self->progress_bar);
  return G_SOURCE_CONTINUE;
}

/**
 * graft_window_set_busy:
 * @what: (nullable): what runs, or %NULL when done
 *
 * Shows progress with a Cancel button while long work runs, and disables
 * the commands that would change what that work reads.
 */
void
graft_window_set_busy (GraftWindow *self,
                       const char  *what)
{
  self->busy = what != NULL;
  g_clear_handle_id (&self->progress_pulse, g_source_remove);
  if (what != NULL)
    {
      gtk_label_set_text (self->progress_label, what);
      self->progress_pulse = g_timeout_add (80, graft_window_pulse_cb, self);
    }
  gtk_revealer_set_reveal_child (self->progress_revealer, what != NULL);
  graft_window_sync (self);
}
