/* graft-window-recent.c: Open Recent: the checkpoints opened last
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-window"

#include "config.h"

#include <glib/gi18n.h>

#include "graft-window-private.h"

void
graft_window_recent_add (const char *path)
{
  g_autofree char *uri = g_filename_to_uri (path, NULL, NULL);

  if (uri != NULL)
    gtk_recent_manager_add_item (gtk_recent_manager_get_default (), uri);
}

/* Most recently used first. */
static int
graft_window_recent_compare (GtkRecentInfo *a,
                             GtkRecentInfo *b)
{
  GDateTime *ta = gtk_recent_info_get_modified (a);
  GDateTime *tb = gtk_recent_info_get_modified (b);

  return -g_date_time_compare (ta, tb);
}

/* Menu labels take "_" as a mnemonic mark; a file name's own are doubled. */
static char *
graft_window_recent_escape (const char *text)
{
  g_auto(GStrv) parts = g_strsplit (text, "_", -1);

  return g_strjoinv ("__", parts);
}

static gboolean
graft_window_recent_is_checkpoint (const char *uri)
{
  static const char *suffixes[] = {
    ".keras", ".h5", ".hdf5", ".weights.json", ".pt", ".pth", ".bin", ".safetensors",
    ".safetensors.index.json",
  };
  g_autofree char *lower = g_ascii_strdown (uri, -1);

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    if (g_str_has_suffix (lower, suffixes[i]))
      return TRUE;
  return FALSE;
}

/**
 * graft_window_recent_update:
 *
 * Fills Open Recent with the checkpoints opened last, each with its
 * folder, so that two files of one name can be told apart. A file that
 * failed to open was taken off the list (graft-window-open.c).
 */
void
graft_window_recent_update (GraftWindow *self)
{
  GList *items = gtk_recent_manager_get_items (gtk_recent_manager_get_default ());
  guint n = 0;

  items = g_list_sort (items, (GCompareFunc) graft_window_recent_compare);
  g_menu_remove_all (self->recent_menu);
  for (GList *l = items; l != NULL && n < 10; l = l->next)
    {
      GtkRecentInfo *info = l->data;
      const char *uri = gtk_recent_info_get_uri (info);
      g_autofree char *path = NULL;
      g_autofree char *name = NULL;
      g_autofree char *folder = NULL;
      g_autofree char *label = NULL;
      g_autofree char *escaped = NULL;
      g_autoptr(GMenuItem) item = NULL;

      if (!gtk_recent_info_is_local (info) || !gtk_recent_info_exists (info) ||
          !graft_window_recent_is_checkpoint (uri) ||
          (path = g_filename_from_uri (uri, NULL, NULL)) == NULL)
        continue;
      name = g_filename_display_basename (path);
      folder = graft_window_display_folder (path);
      label = g_strdup_printf ("%s — %s", name, folder);
      escaped = graft_window_recent_escape (label);
      item = g_menu_item_new (escaped, NULL);
      g_menu_item_set_action_and_target (item, "win.open-recent", "s", uri);
      g_menu_append_item (self->recent_menu, item);
      n++;
    }
  if (n == 0)
    {
      g_autoptr(GMenuItem) item = g_menu_item_new (_("No Recent Checkpoints"), "win.none");

      g_menu_append_item (self->recent_menu, item);
    }
  g_list_free_full (items, (GDestroyNotify) gtk_recent_info_unref);
}
