/* graft-preferences.c: the defaults a user sets once: heatmap look and the colour scheme
 *
 * Kept in $XDG_CONFIG_HOME/graft/settings.ini (a key file: no GSettings
 * schema to install for an app run from its build folder), read at start,
 * written at each change, applied to every open window.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-preferences"

#include "config.h"

#include "graft-preferences.h"

#include <glib/gi18n.h>

#include "graft-window.h"

static const char *graft_preferences_limits_names[] = { "whole-tensor", "visible-region", "robust" };
static const char *graft_preferences_reduce_names[] = { "extreme", "mean" };
static const char *graft_preferences_scheme_names[] = { "system", "light", "dark" };

static char *
graft_preferences_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "graft", "settings.ini", NULL);
}

static guint
graft_preferences_index (const char  *value,
                         const char **names,
                         guint        n)
{
  for (guint i = 0; value != NULL && i < n; i++)
    if (g_str_equal (value, names[i]))
      return i;
  return 0;
}

/**
 * graft_preferences_load:
 * @prefs: (out): the saved preferences, or the defaults
 *
 * Reads the settings file; a missing or unreadable one gives the defaults.
 */
void
graft_preferences_load (GraftPreferences *prefs)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autofree char *path = graft_preferences_path ();
  g_autofree char *colormap = NULL, *scale = NULL, *limits = NULL, *reduce = NULL, *scheme = NULL;

  memset (prefs, 0, sizeof *prefs);
  graft_heatmap_style_init (&prefs->style);
  if (!g_key_file_load_from_file (file, path, G_KEY_FILE_NONE, NULL))
    return;
  colormap = g_key_file_get_string (file, "heatmap", "colormap", NULL);
  scale = g_key_file_get_string (file, "heatmap", "scale", NULL);
  limits = g_key_file_get_string (file, "heatmap", "limits", NULL);
  reduce = g_key_file_get_string (file, "heatmap", "reduce", NULL);
  scheme = g_key_file_get_string (file, "appearance", "color-scheme", NULL);
  if (colormap != NULL)
    graft_colormap_kind_from_name (colormap, &prefs->style.colormap);
  if (scale != NULL)
    graft_scale_from_name (scale, &prefs->style.scale);
  prefs->style.reversed = g_key_file_get_boolean (file, "heatmap", "reversed", NULL);
  switch (graft_preferences_index (limits, graft_preferences_limits_names, 3))
    {
    case 1:
      prefs->style.visible_limits = TRUE;
      break;
    case 2:
      prefs->style.limits = GRAFT_LIMITS_ROBUST;
      break;
    default:
      break;
    }
  prefs->style.reduce = graft_preferences_index (reduce, graft_preferences_reduce_names, 2) == 1
                        ? GRAFT_REDUCE_MEAN : GRAFT_REDUCE_EXTREME;
  prefs->scheme = graft_preferences_index (scheme, graft_preferences_scheme_names, 3);
}

static gboolean
graft_preferences_save (const GraftPreferences  *prefs,
                        GError                 **error)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autofree char *path = graft_preferences_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  guint limits = prefs->style.limits == GRAFT_LIMITS_ROBUST ? 2 : prefs->style.visible_limits;

  g_key_file_set_string (file, "heatmap", "colormap",
                         graft_colormap_kind_get_name (prefs->style.colormap));
  g_key_file_set_boolean (file, "heatmap", "reversed", prefs->style.reversed);
  g_key_file_set_string (file, "heatmap", "scale", graft_scale_get_name (prefs->style.scale));
  g_key_file_set_string (file, "heatmap", "limits", graft_preferences_limits_names[limits]);
  g_key_file_set_string (file, "heatmap", "reduce",
                         graft_preferences_reduce_names[prefs->style.reduce == GRAFT_REDUCE_MEAN]);
  g_key_file_set_string (file, "appearance", "color-scheme",
                         graft_preferences_scheme_names[MIN (prefs->scheme, 2u)]);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s: %s", dir,
                   g_strerror (saved));
      return FALSE;
    }
  /* g_key_file_save_to_file writes a temporary file and renames it. */
  return g_key_file_save_to_file (file, path, error);
}

/**
 * graft_preferences_apply:
 *
 * Applies @prefs to the colour scheme and to every window of @application.
 */
void
graft_preferences_apply (const GraftPreferences *prefs,
                         GtkApplication         *application)
{
  static const AdwColorScheme schemes[] = {
    ADW_COLOR_SCHEME_DEFAULT, ADW_COLOR_SCHEME_FORCE_LIGHT, ADW_COLOR_SCHEME_FORCE_DARK,
  };

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      schemes[MIN (prefs->scheme, 2u)]);
  if (application == NULL)
    return;
  for (GList *l = gtk_application_get_windows (application); l != NULL; l = l->next)
    if (GRAFT_IS_WINDOW (l->data))
      graft_heatmap_panel_set_defaults (graft_window_get_heatmap_panel (l->data), &prefs->style);
}

typedef struct
{
  GraftPreferences  prefs;
  GtkApplication   *application;  /* weak */
  AdwComboRow      *colormap;
  GtkSwitch        *reversed;
  AdwComboRow      *limits;
  AdwComboRow      *scale;
  AdwComboRow      *reduce;
  AdwComboRow      *scheme;
} GraftPreferencesWindow;

static void
graft_preferences_window_free (gpointer data)
{
  GraftPreferencesWindow *self = data;

  g_clear_weak_pointer (&self->application);
  g_free (self);
}

static void
graft_preferences_window_changed_cb (GraftPreferencesWindow *self)
{
  g_autoptr(GError) error = NULL;
  guint limits = adw_combo_row_get_selected (self->limits);

  self->prefs.style.colormap = adw_combo_row_get_selected (self->colormap);
  self->prefs.style.reversed = gtk_switch_get_active (self->reversed);
  self->prefs.style.limits = limits == 2 ? GRAFT_LIMITS_ROBUST : GRAFT_LIMITS_SYMMETRIC;
  self->prefs.style.visible_limits = limits == 1;
  self->prefs.style.scale = adw_combo_row_get_selected (self->scale);
  self->prefs.style.reduce = adw_combo_row_get_selected (self->reduce) == 1 ? GRAFT_REDUCE_MEAN
                                                                              : GRAFT_REDUCE_EXTREME;
  self->prefs.scheme = adw_combo_row_get_selected (self->scheme);
  if (!graft_preferences_save (&self->prefs, &error))
    g_warning ("Could not save the preferences: %s", error->message);
  graft_preferences_apply (&self->prefs, self->application);
}

static AdwComboRow *
graft_preferences_combo (AdwPreferencesGroup    *group,
                         const char             *title,
                         const char             *subtitle,
                         const char * const     *items,
                         guint                   selected,
                         GraftPreferencesWindow *self)
{
  GtkWidget *row = adw_combo_row_new ();
  g_autoptr(GtkStringList) model = gtk_string_list_new (items);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (model));
  adw_combo_row_set_selected (ADW_COMBO_ROW (row), selected);
  g_signal_connect_swapped (row, "notify::selected",
                            G_CALLBACK (graft_preferences_window_changed_cb), self);
  adw_preferences_group_add (group, row);
  return ADW_COMBO_ROW (row);
}

/**
 * graft_preferences_window_new:
 * @parent: (nullable): the window it belongs to
 *
 * Returns: (transfer none): the preferences window, to present
 */
GtkWindow *
graft_preferences_window_new (GtkWindow *parent)
{
  const char *colormaps[GRAFT_N_COLORMAPS + 1] = { NULL };
  const char *limits[] = { _("± max |x| of the whole tensor"), _("± max |x| of the visible region"),
                           _("Robust (99.5th percentile of |x|)"), NULL };
  const char *scales[] = { _("Linear"), _("Symmetric log"), _("Log"), NULL };
  const char *reduce[] = { _("Keep extremes"), _("Mean"), NULL };
  const char *schemes[] = { _("Follow System"), _("Light"), _("Dark"), NULL };
  GraftPreferencesWindow *self = g_new0 (GraftPreferencesWindow, 1);
  GtkWidget *window = adw_preferences_window_new ();
  GtkWidget *page = adw_preferences_page_new ();
  GtkWidget *heatmap = adw_preferences_group_new ();
  GtkWidget *appearance = adw_preferences_group_new ();
  GtkWidget *row = adw_action_row_new ();
  guint limit;

  graft_preferences_load (&self->prefs);
  if (parent != NULL)
    g_set_weak_pointer (&self->application, gtk_window_get_application (parent));
  for (guint i = 0; i < GRAFT_N_COLORMAPS; i++)
    colormaps[i] = graft_colormap_kind_get_name (i);
  limit = self->prefs.style.limits == GRAFT_LIMITS_ROBUST ? 2 : self->prefs.style.visible_limits;

  gtk_window_set_title (GTK_WINDOW (window), _("Preferences"));
  if (parent != NULL)
    {
      gtk_window_set_transient_for (GTK_WINDOW (window), parent);
      gtk_window_set_modal (GTK_WINDOW (window), TRUE);
    }
  adw_preferences_window_set_search_enabled (ADW_PREFERENCES_WINDOW (window), FALSE);
  adw_preferences_page_set_title (ADW_PREFERENCES_PAGE (page), _("General"));
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (heatmap), _("Heatmaps"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (heatmap),
                                         _("How a weight looks when it is first shown"));
  self->colormap = graft_preferences_combo (ADW_PREFERENCES_GROUP (heatmap), _("Colormap"), NULL,
                                            colormaps, self->prefs.style.colormap, self);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Reverse Colormap"));
  self->reversed = GTK_SWITCH (gtk_switch_new ());
  gtk_switch_set_active (self->reversed, self->prefs.style.reversed);
  gtk_widget_set_valign (GTK_WIDGET (self->reversed), GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), GTK_WIDGET (self->reversed));
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), GTK_WIDGET (self->reversed));
  g_signal_connect_swapped (self->reversed, "notify::active",
                            G_CALLBACK (graft_preferences_window_changed_cb), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (heatmap), row);
  self->limits = graft_preferences_combo (ADW_PREFERENCES_GROUP (heatmap), _("Colour Limits"),
                                          NULL, limits, limit, self);
  self->scale = graft_preferences_combo (ADW_PREFERENCES_GROUP (heatmap), _("Scale"), NULL, scales,
                                         self->prefs.style.scale, self);
  self->reduce = graft_preferences_combo (ADW_PREFERENCES_GROUP (heatmap), _("Zoomed Out"),
                                          _("How many values become one pixel"), reduce,
                                          self->prefs.style.reduce == GRAFT_REDUCE_MEAN, self);
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (appearance), _("Appearance"));
  self->scheme = graft_preferences_combo (ADW_PREFERENCES_GROUP (appearance), _("Style"), NULL,
                                          schemes, self->prefs.scheme, self);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (heatmap));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (appearance));
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (window), ADW_PREFERENCES_PAGE (page));
  g_object_set_data_full (G_OBJECT (window), "graft-preferences", self,
                          graft_preferences_window_free);
  return GTK_WINDOW (window);
}
