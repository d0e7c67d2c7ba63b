/* graft-window-dnd.c: checkpoints dropped onto GraftWindow from a file manager
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-window"

#include "config.h"

#include <glib/gi18n.h>

#include "graft-window-private.h"

static void
graft_window_dnd_open_cb (GraftWindow *self,
                          gpointer     data)
{
  char **paths = data;

  if (paths[1] != NULL)
    graft_window_open (self, paths[0], paths[1]);
  else
    graft_window_open (self, NULL, paths[0]);
}

/* One file opens alone; two open as source and target, in the order the
 * file manager gives them. */
static gboolean
graft_window_dnd_drop_cb (GraftWindow   *self,
                          const GValue  *value,
                          double         x,
                          double         y,
                          GtkDropTarget *target)
{
  GSList *files;
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;
  files = gdk_file_list_get_files (g_value_get_boxed (value));
  for (GSList *l = files; l != NULL && paths->len < 2; l = l->next)
    {
      char *path = g_file_get_path (l->data);

      if (path != NULL)
        g_ptr_array_add (paths, path);
    }
  g_slist_free (files);
  if (paths->len == 0)
    {
      g_autoptr(GError) error = g_error_new_literal (GRAFT_ERROR, GRAFT_ERROR_IO,
                                                     _("only local files can be opened"));

      graft_window_show_error (self, _("Could not open the dropped file"), error);
      return FALSE;
    }
  g_ptr_array_add (paths, NULL);
  graft_window_confirm_discard (self, graft_window_dnd_open_cb,
                                g_ptr_array_steal (paths, NULL), (GDestroyNotify) g_strfreev);
  return TRUE;
}

void
graft_window_dnd_init (GraftWindow *self)
{
  GtkDropTarget *target = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);

  g_signal_connect_object (target, "drop", G_CALLBACK (graft_window_dnd_drop_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (target));
}
