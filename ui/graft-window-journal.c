/* graft-window-journal.c: no transfer work lost when the app dies
 *
 * While the target has unsaved changes, the window keeps a journal of its
 * session (core/edit/graft-journal.c) in $XDG_STATE_HOME/graft/, replaced
 * after every transfer, undo and redo. A save, a discard or a normal close
 * removes it; only a process that died leaves it behind. On the next start
 * the app finds such journals, says which of their files changed since,
 * and offers to replay the steps that still apply, up to the undo position
 * the session had.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-window"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "graft-window-private.h"

static char *
graft_window_journal_dir (void)
{
  return g_build_filename (g_get_user_state_dir (), "graft", NULL);
}

/* Forgets the journal and its file: the session's changes are saved,
 * discarded, or there are none. */
void
graft_window_journal_forget (GraftWindow *self)
{
  if (self->journal_path != NULL)
    g_unlink (self->journal_path);
  g_clear_pointer (&self->journal, graft_journal_free);
  g_clear_pointer (&self->journal_path, g_free);
}

/**
 * graft_window_journal_start:
 *
 * Starts the journal of a new session on the files open now; nothing is
 * written until the first step.
 */
void
graft_window_journal_start (GraftWindow *self)
{
  static gint counter = 0;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = graft_window_journal_dir ();
  g_autofree char *name = NULL;

  graft_window_journal_forget (self);
  if (self->target_path == NULL)
    return;
  self->journal = graft_journal_new (self->source_path, self->target_path, &error);
  if (self->journal == NULL)
    {
      g_debug ("no session journal: %s", error->message);
      return;
    }
  name = g_strdup_printf ("session-%d-%d.json", (int) getpid (), g_atomic_int_add (&counter, 1));
  self->journal_path = g_build_filename (dir, name, NULL);
}

static void
graft_window_journal_write (GraftWindow *self)
{
  g_autoptr(GError) error = NULL;

  if (self->journal == NULL)
    return;
  if (!graft_window_get_modified (self))
    {
      /* Everything undone, or saved: nothing to lose. */
      if (self->journal_path != NULL)
        g_unlink (self->journal_path);
      return;
    }
  if (!graft_journal_save (self->journal, self->journal_path, &error))
    g_warning ("Cannot keep the session journal: %s", error->message);
}

/* One more transfer step applied. */
void
graft_window_journal_record (GraftWindow *self,
                             GPtrArray   *pairs,
                             gboolean     partial,
                             const char  *label)
{
  if (self->journal == NULL || self->replaying)
    return;
  graft_journal_add_step (self->journal, label, pairs, partial);
  graft_window_journal_write (self);
}

/* A step undone (-1) or redone (+1). */
void
graft_window_journal_move (GraftWindow *self,
                           int          delta)
{
  guint position;

  if (self->journal == NULL || self->replaying)
    return;
  position = graft_journal_get_position (self->journal);
  graft_journal_set_position (self->journal, delta < 0 && position > 0 ? position - 1
                                                                        : position + (delta > 0));
  graft_window_journal_write (self);
}

/* Whether the process that wrote a journal still runs Graft: its journal
 * is its live session, not a lost one. */
static gboolean
graft_window_journal_owner_alive (gint64 pid)
{
  g_autofree char *comm_path = NULL;
  g_autofree char *comm = NULL;

  if (pid <= 0 || pid == getpid () || kill ((pid_t) pid, 0) != 0)
    return FALSE;
  comm_path = g_strdup_printf ("/proc/%" G_GINT64_FORMAT "/comm", pid);
  return g_file_get_contents (comm_path, &comm, NULL, NULL) && g_str_has_prefix (comm, "graft");
}

/**
 * graft_window_journal_replay:
 *
 * Once the journal's files are open, applies each of its steps that still
 * applies, then undoes back to the position the session had, and says
 * what it did.
 */
void
graft_window_journal_replay (GraftWindow  *self,
                             GraftJournal *journal)
{
  g_autoptr(GString) skipped = g_string_new (NULL);
  guint n_applied = 0, n_undo = 0;
  g_autofree char *msg = NULL;

  self->replaying = TRUE;
  for (guint i = 0; i < graft_journal_get_n_steps (journal); i++)
    {
      g_autofree char *why = NULL;

      if (!graft_journal_step_applies (journal, i, self->source, self->target, &why))
        {
          g_string_append_printf (skipped, "%s%s (%s)", skipped->len ? "; " : "",
                                  graft_journal_get_label (journal, i), why);
          continue;
        }
      if (graft_window_transfer (self, graft_journal_get_pairs (journal, i),
                                 graft_journal_get_partial (journal, i),
                                 graft_journal_get_label (journal, i)))
        {
          graft_journal_add_step (self->journal, graft_journal_get_label (journal, i),
                                  graft_journal_get_pairs (journal, i),
                                  graft_journal_get_partial (journal, i));
          n_applied++;
          if (i >= graft_journal_get_position (journal))
            n_undo++;
        }
    }
  for (guint i = 0; i < n_undo; i++)
    {
      graft_edit_undo (self->edit);
      graft_journal_set_position (self->journal, graft_journal_get_position (self->journal) - 1);
    }
  self->replaying = FALSE;
  graft_window_journal_write (self);
  graft_window_refresh_selection (self);

  if (skipped->len > 0)
    msg = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                        "Restored %u step of the unsaved session; these no longer "
                                        "apply: %s",
                                        "Restored %u steps of the unsaved session; these no "
                                        "longer apply: %s", n_applied),
                           n_applied, skipped->str);
  else
    msg = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                        "Restored %u step of the unsaved session.",
                                        "Restored %u steps of the unsaved session.", n_applied),
                           n_applied);
  graft_window_show_info (self, msg);
}

typedef struct
{
  GraftJournal *journal;
  char         *path;
} GraftWindowRestore;

static void
graft_window_restore_free (GraftWindowRestore *restore)
{
  graft_journal_free (restore->journal);
  g_free (restore->path);
  g_free (restore);
}

static void
graft_window_restore_response_cb (GtkDialog          *dialog,
                                  int                 response,
                                  GraftWindowRestore *restore)
{
  GraftWindow *self = GRAFT_WINDOW (gtk_window_get_transient_for (GTK_WINDOW (dialog)));

  gtk_window_destroy (GTK_WINDOW (dialog));
  if (response == GTK_RESPONSE_ACCEPT)
    {
      /* The journal's file goes once the replay has written a new one. */
      self->pending_journal = g_steal_pointer (&restore->journal);
      graft_window_open (self, graft_journal_get_path (self->pending_journal,
                                                       GRAFT_JOURNAL_SOURCE),
                         graft_journal_get_path (self->pending_journal, GRAFT_JOURNAL_TARGET));
    }
  if (response == GTK_RESPONSE_ACCEPT || response == GTK_RESPONSE_REJECT)
    g_unlink (restore->path);
  graft_window_restore_free (restore);
}

/* Asks whether to restore @journal, naming the files that changed. */
static void
graft_window_ask_restore (GraftWindow  *self,
                          GraftJournal *journal,
                          const char   *path)
{
  GraftWindowRestore *restore = g_new0 (GraftWindowRestore, 1);
  g_autofree char *target = g_path_get_basename (graft_journal_get_path (journal,
                                                                        GRAFT_JOURNAL_TARGET));
  g_autoptr(GString) detail = g_string_new (NULL);
  GtkWidget *dialog;
  guint n = graft_journal_get_position (journal);

  g_string_append_printf (detail, g_dngettext (GETTEXT_PACKAGE,
                                               "Graft closed before %u transfer into “%s” was "
                                               "saved.",
                                               "Graft closed before %u transfers into “%s” were "
                                               "saved.", n), n, target);
  for (GraftJournalFile f = 0; f < GRAFT_JOURNAL_N_FILES; f++)
    if (graft_journal_get_path (journal, f) != NULL && graft_journal_file_changed (journal, f))
      {
        g_autofree char *name = g_path_get_basename (graft_journal_get_path (journal, f));

        g_string_append_printf (detail, " ");
        g_string_append_printf (detail, f == GRAFT_JOURNAL_SOURCE
                                ? _("The source “%s” changed since: the steps that still apply "
                                    "copy its current values.")
                                : _("The target “%s” changed since: the steps that still apply "
                                    "change it as it is now."), name);
      }

  restore->journal = journal;
  restore->path = g_strdup (path);
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  dialog = gtk_message_dialog_new (GTK_WINDOW (self), GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                   GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE,
                                   _("Restore Unsaved Work?"));
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s", detail->str);
  gtk_dialog_add_buttons (GTK_DIALOG (dialog), _("_Discard"), GTK_RESPONSE_REJECT,
                          _("_Restore"), GTK_RESPONSE_ACCEPT, NULL);
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT);
  gtk_widget_add_css_class (gtk_dialog_get_widget_for_response (GTK_DIALOG (dialog),
                                                                GTK_RESPONSE_ACCEPT),
                            "suggested-action");
  G_GNUC_END_IGNORE_DEPRECATIONS
  gtk_window_set_title (GTK_WINDOW (dialog), _("Restore Unsaved Work"));
  g_signal_connect (dialog, "response", G_CALLBACK (graft_window_restore_response_cb), restore);
  gtk_window_present (GTK_WINDOW (dialog));
}

/**
 * graft_window_offer_restore:
 *
 * Looks for the journal of a session whose process died, and offers to
 * restore it. Returns at once; the question comes as a dialog.
 *
 * Returns: %TRUE when a journal was found and the question asked
 */
gboolean
graft_window_offer_restore (GraftWindow *self)
{
  g_autofree char *dir = graft_window_journal_dir ();
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  g_return_val_if_fail (GRAFT_IS_WINDOW (self), FALSE);

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autoptr(GraftJournal) journal = NULL;
      g_autoptr(GError) error = NULL;

      if (!g_str_has_prefix (name, "session-") || !g_str_has_suffix (name, ".json"))
        continue;
      path = g_build_filename (dir, name, NULL);
      journal = graft_journal_load (path, &error);
      if (journal == NULL)
        {
          g_debug ("ignoring %s: %s", path, error->message);
          continue;
        }
      if (graft_window_journal_owner_alive (graft_journal_get_pid (journal)))
        continue;
      if (graft_journal_get_position (journal) == 0)
        {
          g_unlink (path);
          continue;
        }
      graft_window_ask_restore (self, g_steal_pointer (&journal), path);
      return TRUE;
    }
  return FALSE;
}
