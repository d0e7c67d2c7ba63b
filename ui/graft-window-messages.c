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

/* A toast's title is one line in libadwaita 1.2; ours can be two
 * sentences, so it gets a label that wraps. */
static AdwToast *
graft_window_toast_new (const char *text)
{
  AdwToast *toast = adw_toast_new ("");
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 70);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  adw_toast_set_custom_title (toast, label);
  return toast;
}

static void
graft_window_toast_dismissed_cb (GraftWindow *self,
                                 AdwToast    *toast)
{
  if (self->toast == toast)
    g_clear_object (&self->toast);
}

/* One report at a time: a new one replaces the one showing, rather than
 * waiting in libadwaita's queue behind it. */
static void
graft_window_present_toast (GraftWindow *self,
                            AdwToast    *toast)
{
  if (self->toast != NULL)
    adw_toast_dismiss (self->toast);
  g_set_object (&self->toast, toast);
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (graft_window_toast_dismissed_cb), self,
                           G_CONNECT_SWAPPED);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
graft_window_remember (GraftWindow *self,
                       const char  *text)
{
  g_free (self->message);
  self->message = g_strdup (text);
  g_debug ("%s", text);
}

/**
 * graft_window_toast:
 * @button: (nullable): a button label, "_Undo"
 * @action: (nullable): the action the button runs, with @target
 *
 * Shows @text as a toast that goes away by itself (after 8 s, or longer
 * when it offers a button).
 */
void
graft_window_toast (GraftWindow *self,
                    const char  *text,
                    const char  *button,
                    const char  *action,
                    GVariant    *target)
{
  AdwToast *toast = graft_window_toast_new (text);

  graft_window_remember (self, text);
  adw_toast_set_timeout (toast, button ? 10 : 6);
  if (button != NULL)
    {
      adw_toast_set_button_label (toast, button);
      adw_toast_set_action_name (toast, action);
      if (target != NULL)
        adw_toast_set_action_target_value (toast, target);
    }
  else if (target != NULL)
    g_variant_unref (g_variant_ref_sink (target));
  graft_window_present_toast (self, toast);
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
  AdwToast *toast = graft_window_toast_new (text);

  graft_window_remember (self, text);
  adw_toast_set_timeout (toast, 0);
  graft_window_present_toast (self, toast);
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
