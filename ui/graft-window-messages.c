/* graft-window-messages.c: what the window tells the user: toasts, error dialogs, progress
 *
 * Reports float over the window as toasts, so nothing moves under the
 * pointer when one comes or goes. An error the user must read stays until
 * dismissed; one that ends a command (a failed save) is a dialog.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-window"

#include "config.h"

#include <glib/gi18n.h>

#include "graft-window-private.h"

/* libadwaita 1.2's AdwToastOverlay crashes when a toast is dismissed while
 * another animates (its hide animation unrefs a freed toast), which a quick
 * drop, undo, redo does. The window shows its own toast instead: one at a
 * time, a new one replacing the old at once, styled as libadwaita's. */
static gboolean
graft_window_toast_timeout_cb (gpointer data)
{
  GraftWindow *self = data;

  self->toast_timeout = 0;
  gtk_revealer_set_reveal_child (self->toast_revealer, FALSE);
  return G_SOURCE_REMOVE;
}

void
graft_window_toast_dismiss (GraftWindow *self)
{
  g_clear_handle_id (&self->toast_timeout, g_source_remove);
  gtk_revealer_set_reveal_child (self->toast_revealer, FALSE);
}

/* As libadwaita's toasts do, one does not go while the pointer is on it
 * (on its way to the button): the timeout starts again when it leaves.
 * It counts from when the toast is fully in, not from when it was asked
 * for: a busy main loop must not eat a reader's seconds. */
static void
graft_window_toast_arm (GraftWindow *self)
{
  g_clear_handle_id (&self->toast_timeout, g_source_remove);
  if (self->toast_seconds > 0 && !self->toast_hovered &&
      gtk_revealer_get_child_revealed (self->toast_revealer))
    self->toast_timeout = g_timeout_add_seconds (self->toast_seconds,
                                                 graft_window_toast_timeout_cb, self);
}

void
graft_window_toast_revealed_cb (GraftWindow *self)
{
  if (gtk_revealer_get_reveal_child (self->toast_revealer))
    graft_window_toast_arm (self);
}

void
graft_window_toast_enter_cb (GraftWindow *self)
{
  self->toast_hovered = TRUE;
  g_clear_handle_id (&self->toast_timeout, g_source_remove);
}

void
graft_window_toast_leave_cb (GraftWindow *self)
{
  self->toast_hovered = FALSE;
  if (gtk_revealer_get_reveal_child (self->toast_revealer))
    graft_window_toast_arm (self);
}

/* The button runs its action once and the toast goes. */
void
graft_window_toast_button_cb (GraftWindow *self,
                              GtkButton   *button)
{
  g_autofree char *action = g_steal_pointer (&self->toast_action);
  g_autoptr(GVariant) target = g_steal_pointer (&self->toast_target);

  graft_window_toast_dismiss (self);
  if (action != NULL)
    g_action_group_activate_action (G_ACTION_GROUP (self), action, target);
}

static void
graft_window_remember (GraftWindow *self,
                       const char  *text)
{
  g_free (self->message);
  self->message = g_strdup (text);
  g_debug ("%s", text);
}

static void
graft_window_show_toast (GraftWindow *self,
                         const char  *text,
                         const char  *button,
                         const char  *action,
                         GVariant    *target,
                         guint        seconds)
{
  if (target != NULL)
    g_variant_ref_sink (target);
  graft_window_remember (self, text);
  g_clear_handle_id (&self->toast_timeout, g_source_remove);
  g_clear_pointer (&self->toast_action, g_free);
  g_clear_pointer (&self->toast_target, g_variant_unref);
  gtk_label_set_text (self->toast_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->toast_button), button != NULL && action != NULL);
  if (button != NULL && action != NULL)
    {
      gtk_button_set_label (self->toast_button, button);
      /* "win.undo" → the window's own "undo" */
      self->toast_action = g_strdup (g_str_has_prefix (action, "win.") ? action + 4 : action);
      self->toast_target = target ? g_variant_ref (target) : NULL;
    }
  gtk_revealer_set_reveal_child (self->toast_revealer, TRUE);
  self->toast_seconds = seconds;
  graft_window_toast_arm (self);
  g_clear_pointer (&target, g_variant_unref);
}

/**
 * graft_window_toast:
 * @button: (nullable): a button label, "_Undo"
 * @action: (nullable): the win.* action the button runs, with @target
 * @target: (nullable) (transfer floating): the action's parameter
 *
 * Shows @text as a toast that goes away by itself (6 s, or 10 s when it
 * offers a button, counted while the pointer is not on it).
 */
void
graft_window_toast (GraftWindow *self,
                    const char  *text,
                    const char  *button,
                    const char  *action,
                    GVariant    *target)
{
  graft_window_show_toast (self, text, button, action, target, button ? 10 : 6);
}

/**
 * graft_window_show_error:
 * @context: (nullable): what was being done, "Could not save"
 *
 * Shows the core's message as a toast that stays until dismissed.
 */
void
graft_window_show_error (GraftWindow  *self,
                         const char   *context,
                         const GError *error)
{
  g_autofree char *text = context ? g_strdup_printf ("%s: %s", context, error->message)
                                  : g_strdup (error->message);

  graft_window_show_toast (self, text, NULL, NULL, NULL, 0);
}

/**
 * graft_window_show_error_dialog:
 * @heading: what failed, "Could Not Save"
 * @body: the reason, in the user's words
 * @details: (nullable): the technical text, behind an expander
 *
 * An error that ends a command the user waits for.
 */
void
graft_window_show_error_dialog (GraftWindow *self,
                                const char  *heading,
                                const char  *body,
                                const char  *details)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body);

  graft_window_remember (self, body);
  if (details != NULL && g_strcmp0 (details, body) != 0)
    {
      GtkWidget *expander = gtk_expander_new (_("Details"));
      GtkWidget *label = gtk_label_new (details);

      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
      gtk_label_set_selectable (GTK_LABEL (label), TRUE);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_add_css_class (label, "monospace");
      gtk_expander_set_child (GTK_EXPANDER (expander), label);
      adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), expander);
    }
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* A report that goes away by itself. */
void
graft_window_show_info (GraftWindow *self,
                        const char  *message)
{
  graft_window_toast (self, message, NULL, NULL, NULL);
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
