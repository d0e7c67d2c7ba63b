/* graft-application.c: the Graft application: windows, app.* actions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-application"

#include "config.h"

#include "graft-application.h"

#include <glib/gi18n.h>

#include "graft.h"
#include "graft-preferences.h"
#include "graft-series-window.h"
#include "graft-window.h"

struct _GraftApplication
{
  AdwApplication  parent_instance;

  gboolean        examples;  /* --examples: open the example pair */
};

G_DEFINE_FINAL_TYPE (GraftApplication, graft_application, ADW_TYPE_APPLICATION)

/* Every window starts from the user's preferences. */
static void
graft_application_window_added (GtkApplication *application,
                                GtkWindow      *window)
{
  GTK_APPLICATION_CLASS (graft_application_parent_class)->window_added (application, window);
  if (GRAFT_IS_WINDOW (window))
    {
      GraftPreferences prefs;

      graft_preferences_load (&prefs);
      graft_heatmap_panel_set_defaults (graft_window_get_heatmap_panel (GRAFT_WINDOW (window)),
                                        &prefs.style);
    }
}

static void
graft_application_startup (GApplication *application)
{
  GraftApplication *self = GRAFT_APPLICATION (application);
  g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

  G_APPLICATION_CLASS (graft_application_parent_class)->startup (application);

  graft_init ();
  g_set_application_name (_("Graft"));
  gtk_window_set_default_icon_name (APPLICATION_ID);
  gtk_css_provider_load_from_resource (css, "/org/gnome/Graft/ui/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  graft_application_actions_init (self);
  {
    GraftPreferences prefs;

    graft_preferences_load (&prefs);
    graft_preferences_apply (&prefs, NULL);
  }
}

static void
graft_application_activate (GApplication *application)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (application));

  if (window == NULL)
    {
      GraftApplication *self = GRAFT_APPLICATION (application);

      /* Without a file: the welcome page, which offers the examples;
       * with --examples, the examples themselves. */
      window = GTK_WINDOW (graft_window_new (GTK_APPLICATION (application)));
      if (self->examples)
        graft_window_open_examples (GRAFT_WINDOW (window));
      gtk_window_present (window);
      /* Work a crash left unsaved comes first. */
      graft_window_offer_restore (GRAFT_WINDOW (window));
      return;
    }
  gtk_window_present (window);
}

/* A folder is a training run: its checkpoints, in name order, as curves. */
static void
graft_application_open_series (GApplication *application,
                               const char   *folder)
{
  const char *args[] = { folder, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) paths = graft_series_list_paths (args, GRAFT_SERIES_BY_NAME, &error);
  g_autofree char *name = g_path_get_basename (folder);

  if (paths == NULL)
    {
      g_printerr ("graft: %s\n", error->message);
      return;
    }
  gtk_window_present (GTK_WINDOW (graft_series_window_new (GTK_APPLICATION (application), paths, name)));
}

/* One file opens alone; two open as source and target (the order of
 * graft-cli transfer); more open in pairs in their own windows. A folder
 * opens as a training run. */
static void
graft_application_open (GApplication  *application,
                        GFile        **files,
                        int            n_files,
                        const char    *hint)
{
  g_autoptr(GPtrArray) kept = g_ptr_array_new ();

  for (int i = 0; i < n_files; i++)
    {
      g_autofree char *path = g_file_get_path (files[i]);

      if (path != NULL && g_file_test (path, G_FILE_TEST_IS_DIR))
        graft_application_open_series (application, path);
      else
        g_ptr_array_add (kept, files[i]);
    }
  files = (GFile **) kept->pdata;
  n_files = kept->len;
  for (int i = 0; i < n_files; i += 2)
    {
      GraftWindow *window = graft_window_new (GTK_APPLICATION (application));
      g_autofree char *first = g_file_get_path (files[i]);
      g_autofree char *second = i + 1 < n_files ? g_file_get_path (files[i + 1]) : NULL;

      if (first == NULL)
        first = g_file_get_uri (files[i]);
      if (second != NULL)
        graft_window_open (window, first, second);
      else
        graft_window_open (window, NULL, first);
      gtk_window_present (GTK_WINDOW (window));
      if (i == 0)
        graft_window_offer_restore (window);
    }
}

static int
graft_application_handle_local_options (GApplication *application,
                                        GVariantDict *options)
{
  GraftApplication *self = GRAFT_APPLICATION (application);

  self->examples = g_variant_dict_contains (options, "examples");
  return -1;
}

static void
graft_application_class_init (GraftApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->startup = graft_application_startup;
  app_class->activate = graft_application_activate;
  app_class->open = graft_application_open;
  app_class->handle_local_options = graft_application_handle_local_options;
  GTK_APPLICATION_CLASS (klass)->window_added = graft_application_window_added;
}

static void
graft_application_init (GraftApplication *self)
{
  static const GOptionEntry entries[] = {
    { "examples", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("Open the bundled example models (a source and a target)"), NULL },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
}

GraftApplication *
graft_application_new (void)
{
  return g_object_new (GRAFT_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE,
                       "resource-base-path", "/org/gnome/Graft",
                       NULL);
}
