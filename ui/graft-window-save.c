/* graft-window-save.c: saving the target in a worker thread, and asking before changes are lost
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-window"

#include "config.h"

#include <glib/gi18n.h>

#include "graft-background.h"
#include "graft-window-private.h"

typedef struct
{
  GraftEdit   *edit;
  char        *path;
  GraftFormat  format;
  gboolean     close_after;
} GraftWindowSave;

static void
graft_window_save_free (gpointer data)
{
  GraftWindowSave *save = data;

  g_clear_pointer (&save->edit, graft_edit_unref);
  g_free (save->path);
  g_free (save);
}

static void
graft_window_save_thread (GTask        *task,
                          gpointer      source_object,
                          gpointer      task_data,
                          GCancellable *cancellable)
{
  GraftWindowSave *save = task_data;
  GError *error = NULL;

  /* The core writes a temporary file and renames it over the old one. */
  if (!graft_edit_save (save->edit, save->path, save->format, GRAFT_SAVE_NONE, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
graft_window_save_done_cb (GObject      *object,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  GraftWindow *self = GRAFT_WINDOW (object);
  GraftWindowSave *save = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  GraftWindowContinue next = self->after_save;
  gpointer next_data = self->after_save_data;
  GDestroyNotify next_free = self->after_save_free;

  self->after_save = NULL;
  self->after_save_data = NULL;
  self->after_save_free = NULL;
  graft_window_set_busy (self, NULL);

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_autofree char *body = graft_window_describe_error (save->path, error, FALSE);

      graft_window_show_error_dialog (self, _("Could Not Save"), body, error->message);
      if (next_free != NULL && next_data != NULL)
        next_free (next_data);
      return;
    }

  if (g_strcmp0 (save->path, self->target_path) != 0)
    {
      g_free (self->target_path);
      self->target_path = g_strdup (save->path);
    }
  {
    g_autofree char *uri = g_filename_to_uri (save->path, NULL, NULL);
    g_autofree char *name = g_path_get_basename (save->path);
    g_autofree char *msg = g_strdup_printf (_("Saved %s (%s)"), name,
                                            graft_format_get_name (save->format));

    if (uri != NULL)
      gtk_recent_manager_add_item (gtk_recent_manager_get_default (), uri);
    graft_window_show_info (self, msg);
  }
  /* The changes are in the file now: a new session starts from it. */
  graft_window_journal_start (self);
  graft_window_sync (self);

  if (save->close_after)
    {
      self->close_confirmed = TRUE;
      gtk_window_close (GTK_WINDOW (self));
    }
  else if (next != NULL)
    next (self, next_data);
  if (next_free != NULL && next_data != NULL)
    next_free (next_data);
}

/**
 * graft_window_save_to:
 * @close_after: close the window once saved
 *
 * Writes the target in a worker thread.
 */
void
graft_window_save_to (GraftWindow *self,
                      const char  *path,
                      GraftFormat  format,
                      gboolean     close_after)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *name = g_path_get_basename (path);
  g_autofree char *what = g_strdup_printf (_("Saving %s…"), name);
  GraftWindowSave *save;

  g_return_if_fail (self->edit != NULL);

  save = g_new0 (GraftWindowSave, 1);
  save->edit = graft_edit_ref (self->edit);
  save->path = g_strdup (path);
  save->format = format;
  save->close_after = close_after;
  task = g_task_new (self, NULL, graft_window_save_done_cb, NULL);
  g_task_set_source_tag (task, graft_window_save_to);
  g_task_set_task_data (task, save, graft_window_save_free);
  graft_window_set_busy (self, what);
  graft_background_run (task, graft_window_save_thread);
}

typedef struct
{
  GraftWindowContinue next;
  gpointer            data;
  GDestroyNotify      data_free;
} GraftWindowPending;

static void
graft_window_question_response_cb (GtkDialog *dialog,
                                   int        response,
                                   gpointer   user_data)
{
  GraftWindow *self = GRAFT_WINDOW (gtk_window_get_transient_for (GTK_WINDOW (dialog)));
  GraftWindowPending *pending = user_data;

  self->question = NULL;
  gtk_window_destroy (GTK_WINDOW (dialog));

  if (response == GTK_RESPONSE_ACCEPT)
    {
      /* Save first, then go on: only a close waits for the save. */
      if (pending->next == NULL)
        graft_window_save_to (self, self->target_path, graft_model_get_format (self->target),
                              TRUE);
      else
        {
          self->after_save = pending->next;
          self->after_save_data = g_steal_pointer (&pending->data);
          self->after_save_free = pending->data_free;
          graft_window_save_to (self, self->target_path, graft_model_get_format (self->target),
                                FALSE);
        }
    }
  else if (response == GTK_RESPONSE_REJECT)
    {
      if (pending->next != NULL)
        pending->next (self, pending->data);
      else
        {
          self->close_confirmed = TRUE;
          gtk_window_close (GTK_WINDOW (self));
        }
    }
  if (pending->data_free != NULL && pending->data != NULL)
    pending->data_free (pending->data);
  g_free (pending);
}

/**
 * graft_window_confirm_discard:
 * @next: (nullable): what to do once the changes are saved or discarded;
 *   %NULL to close the window
 *
 * Asks what to do with unsaved changes, or goes on at once when there are
 * none.
 */
void
graft_window_confirm_discard (GraftWindow         *self,
                              GraftWindowContinue  next,
                              gpointer             data,
                              GDestroyNotify       data_free)
{
  GtkWidget *dialog;
  GraftWindowPending *pending;
  g_autofree char *name = NULL;
  guint n_changed = 0;

  if (!graft_window_get_modified (self))
    {
      if (next != NULL)
        next (self, data);
      if (data_free != NULL)
        data_free (data);
      return;
    }
  if (self->question != NULL)
    {
      gtk_window_present (self->question);
      if (data_free != NULL)
        data_free (data);
      return;
    }

  {
    g_autoptr(GPtrArray) changed = graft_edit_dup_changed (self->edit);

    n_changed = changed->len;
  }
  name = graft_window_display_name (self->target_path);
  pending = g_new0 (GraftWindowPending, 1);
  pending->next = next;
  pending->data = data;
  pending->data_free = data_free;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  dialog = gtk_message_dialog_new (GTK_WINDOW (self), GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                   GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE,
                                   _("Save changes to “%s”?"), name);
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog),
                                            g_dngettext (GETTEXT_PACKAGE,
                                                         "%u weight was changed. Without saving, "
                                                         "the change is lost.",
                                                         "%u weights were changed. Without "
                                                         "saving, the changes are lost.",
                                                         n_changed),
                                            n_changed);
  gtk_dialog_add_buttons (GTK_DIALOG (dialog),
                          _("_Cancel"), GTK_RESPONSE_CANCEL,
                          _("_Discard"), GTK_RESPONSE_REJECT,
                          _("_Save"), GTK_RESPONSE_ACCEPT,
                          NULL);
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT);
  gtk_widget_add_css_class (gtk_dialog_get_widget_for_response (GTK_DIALOG (dialog),
                                                                GTK_RESPONSE_REJECT),
                            "destructive-action");
  gtk_widget_add_css_class (gtk_dialog_get_widget_for_response (GTK_DIALOG (dialog),
                                                                GTK_RESPONSE_ACCEPT),
                            "suggested-action");
  G_GNUC_END_IGNORE_DEPRECATIONS
  g_signal_connect (dialog, "response", G_CALLBACK (graft_window_question_response_cb), pending);
  self->question = GTK_WINDOW (dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}
