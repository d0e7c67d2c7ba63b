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

/**
 * graft_window_recent_update:
 *
 * Fills Open Recent with the checkpoints opened last.
 */
void
graft_window_recent_update (GraftWindow *self)
{
  GList *items = gtk_recent_manager_get_items (gtk_recent_manager_get_default ());
  guint n = 0;

  g_menu_remove_all (self->recent_menu);
  for (GList *l = items; l != NULL && n < 8; l = l->next)
    {
      GtkRecentInfo *info = l->data;
      const char *uri = gtk_recent_info_get_uri (info);
      g_autofree char *lower = g_ascii_strdown (uri, -1);
      g_autoptr(GMenuItem) item = NULL;

      if (!gtk_recent_info_is_local (info) || !gtk_recent_info_exists (info) ||
          !(g_str_has_suffix (lower, ".keras") || g_str_has_suffix (lower, ".h5") ||
            g_str_has_suffix (lower, ".hdf5") || g_str_has_suffix (lower, ".weights.json")))
        continue;
      item = g_menu_item_new (gtk_recent_info_get_display_name (info), NULL);
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
