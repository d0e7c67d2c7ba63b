/* graft-application-actions.c: the app.* commands
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-application"

#include "config.h"

#include <glib/gi18n.h>

#include "graft-application.h"

#include "graft-preferences.h"
#include "graft-window.h"

static void
graft_application_open_action (GSimpleAction *action,
                               GVariant      *parameter,
                               gpointer       user_data)
{
  GtkApplication *app = user_data;
  GtkWindow *window = gtk_application_get_active_window (app);

  if (!GRAFT_IS_WINDOW (window))
    {
      window = GTK_WINDOW (graft_window_new (app));
      gtk_window_present (window);
    }
  graft_window_show_open_dialog (GRAFT_WINDOW (window));
}

static void
graft_application_open_series_response (GtkNativeDialog *chooser,
                                        int              response,
                                        gpointer         user_data)
{
  GtkApplication *app = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) folder = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (folder != NULL)
        g_application_open (G_APPLICATION (app), &folder, 1, "");
    }
  g_object_unref (chooser);
}

/* A folder of checkpoints saved during training, shown as curves. */
static void
graft_application_open_series_action (GSimpleAction *action,
                                      GVariant      *parameter,
                                      gpointer       user_data)
{
  GtkApplication *app = user_data;
  GtkFileChooserNative *chooser =
    gtk_file_chooser_native_new (_("Open a Training Run’s Folder"),
                                 gtk_application_get_active_window (app),
                                 GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _("_Open"), _("_Cancel"));

  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (graft_application_open_series_response), app);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* Closes every window; those with unsaved changes ask first, and the
 * application ends, with status 0, when the last one is gone. */
static void
graft_application_quit_action (GSimpleAction *action,
                               GVariant      *parameter,
                               gpointer       user_data)
{
  GtkApplication *app = user_data;
  GList *windows = g_list_copy (gtk_application_get_windows (app));

  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);
  g_list_free (windows);
}

static void
graft_application_about_action (GSimpleAction *action,
                                GVariant      *parameter,
                                gpointer       user_data)
{
  GtkApplication *app = user_data;
  const char *developers[] = { "The Graft authors", NULL };
  GtkWidget *about = adw_about_window_new ();

  adw_about_window_set_application_name (ADW_ABOUT_WINDOW (about), _("Graft"));
  adw_about_window_set_application_icon (ADW_ABOUT_WINDOW (about), APPLICATION_ID);
  adw_about_window_set_version (ADW_ABOUT_WINDOW (about), PACKAGE_VERSION);
  adw_about_window_set_comments (ADW_ABOUT_WINDOW (about),
                                 _("Look inside Keras and PyTorch checkpoints, see their weights, "
                                   "and transplant weights between models."));
  adw_about_window_set_developers (ADW_ABOUT_WINDOW (about), developers);
  adw_about_window_set_license_type (ADW_ABOUT_WINDOW (about), GTK_LICENSE_GPL_3_0);
  adw_about_window_set_developer_name (ADW_ABOUT_WINDOW (about), _("The Graft authors"));
  gtk_window_set_transient_for (GTK_WINDOW (about), gtk_application_get_active_window (app));
  gtk_window_present (GTK_WINDOW (about));
}

static void
graft_application_preferences_action (GSimpleAction *action,
                                      GVariant      *parameter,
                                      gpointer       user_data)
{
  GtkApplication *app = user_data;

  gtk_window_present (graft_preferences_window_new (gtk_application_get_active_window (app)));
}

static void
graft_application_shortcuts_action (GSimpleAction *action,
                                    GVariant      *parameter,
                                    gpointer       user_data)
{
  GtkApplication *app = user_data;
  GtkWindow *window = gtk_application_get_active_window (app);

  if (window != NULL)
    gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL);
}

static const GActionEntry graft_application_entries[] = {
  { "open", graft_application_open_action },
  { "open-series", graft_application_open_series_action },
  { "quit", graft_application_quit_action },
  { "about", graft_application_about_action },
  { "preferences", graft_application_preferences_action },
  { "shortcuts", graft_application_shortcuts_action },
};

void
graft_application_actions_init (GraftApplication *self)
{
  const char *open_accels[] = { "<Control>o", NULL };
  const char *quit_accels[] = { "<Control>q", NULL };
  const char *preferences_accels[] = { "<Control>comma", NULL };
  const char *shortcuts_accels[] = { "<Control>question", NULL };

  g_action_map_add_action_entries (G_ACTION_MAP (self), graft_application_entries,
                                   G_N_ELEMENTS (graft_application_entries), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.open", open_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences",
                                         preferences_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.shortcuts",
                                         shortcuts_accels);
}
