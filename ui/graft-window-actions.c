/* graft-window-actions.c: the win.* commands of GraftWindow
 *
 * One table of actions; each handler checks its window and hands off to
 * the file that does the work. Menus, shortcuts, buttons and drops all
 * activate these, so no command has a second path.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-window"

#include "config.h"

#include <glib/gi18n.h>

#include "graft-match-dialog.h"
#include "graft-window-private.h"

static void
graft_window_actions_save (GSimpleAction *action,
                           GVariant      *parameter,
                           gpointer       user_data)
{
  GraftWindow *self = user_data;

  g_assert (GRAFT_IS_WINDOW (self));

  graft_window_save_to (self, self->target_path, graft_model_get_format (self->target), FALSE);
}

static void
graft_window_actions_save_as (GSimpleAction *action,
                              GVariant      *parameter,
                              gpointer       user_data)
{
  GraftWindow *self = user_data;

  g_assert (GRAFT_IS_WINDOW (self));

  graft_window_show_save_as_dialog (self);
}

static void
graft_window_actions_export_npy (GSimpleAction *action,
                                 GVariant      *parameter,
                                 gpointer       user_data)
{
  GraftWindow *self = user_data;

  g_assert (GRAFT_IS_WINDOW (self));

  graft_window_show_export_npy_dialog (self);
}

static void
graft_window_actions_export_png (GSimpleAction *action,
                                 GVariant      *parameter,
                                 gpointer       user_data)
{
  GraftWindow *self = user_data;

  g_assert (GRAFT_IS_WINDOW (self));

  graft_window_show_export_png_dialog (self);
}

static void
graft_window_actions_undo (GSimpleAction *action,
                           GVariant      *parameter,
                           gpointer       user_data)
{
  GraftWindow *self = user_data;

  g_assert (GRAFT_IS_WINDOW (self));

  graft_window_undo (self, g_str_equal (g_action_get_name (G_ACTION (action)), "redo"));
}

static void
graft_window_actions_transfer_weights (GSimpleAction *action,
                                       GVariant      *parameter,
                                       gpointer       user_data)
{
  GraftWindow *self = user_data;
  g_autoptr(GPtrArray) pairs = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *what = NULL;
  const char *source, *target;

  g_assert (GRAFT_IS_WINDOW (self));

  g_variant_get (parameter, "(&s&s)", &source, &target);
  g_ptr_array_add (pairs, g_strdup (source));
  g_ptr_array_add (pairs, g_strdup (target));
  what = g_strdup_printf (_("from “%s” onto “%s”"), source, target);
  graft_window_transfer (self, pairs, FALSE, what);
}

static void
graft_window_actions_explain_drop (GSimpleAction *action,
                                   GVariant      *parameter,
                                   gpointer       user_data)
{
  GraftWindow *self = user_data;
  const char *source, *target;

  g_assert (GRAFT_IS_WINDOW (self));

  g_variant_get (parameter, "(&s&s)", &source, &target);
  graft_window_explain_drop (self, source, target);
}

static void
graft_window_actions_transfer_pairs (GSimpleAction *action,
                                     GVariant      *parameter,
                                     gpointer       user_data)
{
  GraftWindow *self = user_data;
  g_autoptr(GPtrArray) pairs = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GVariantIter) iter = NULL;
  const char *source, *target;
  gboolean partial;

  g_assert (GRAFT_IS_WINDOW (self));

  g_variant_get (parameter, "(a(ss)b)", &iter, &partial);
  while (g_variant_iter_next (iter, "(&s&s)", &source, &target))
    {
      g_ptr_array_add (pairs, g_strdup (source));
      g_ptr_array_add (pairs, g_strdup (target));
    }
  if (pairs->len > 0)
    graft_window_transfer (self, pairs, partial, _("from the matched pairs"));
}

static void
graft_window_actions_match (GSimpleAction *action,
                            GVariant      *parameter,
                            gpointer       user_data)
{
  GraftWindow *self = user_data;

  g_assert (GRAFT_IS_WINDOW (self));

  gtk_window_present (graft_match_dialog_new (GTK_WINDOW (self), self->source, self->target));
}

static void
graft_window_actions_compare (GSimpleAction *action,
                              GVariant      *parameter,
                              gpointer       user_data)
{
  GraftWindow *self = user_data;

  g_assert (GRAFT_IS_WINDOW (self));

  graft_window_show_compare_dialog (self);
}

static void
graft_window_actions_open_recent (GSimpleAction *action,
                                  GVariant      *parameter,
                                  gpointer       user_data)
{
  GraftWindow *self = user_data;
  g_autofree char *path = g_filename_from_uri (g_variant_get_string (parameter, NULL), NULL, NULL);

  g_assert (GRAFT_IS_WINDOW (self));

  if (path != NULL)
    graft_window_confirm_discard (self, graft_window_open_path_cb, g_steal_pointer (&path), g_free);
}

static void
graft_window_actions_open_examples_cb (GraftWindow *self,
                                       gpointer     data)
{
  graft_window_open_examples (self);
}

static void
graft_window_actions_open_examples (GSimpleAction *action,
                                    GVariant      *parameter,
                                    gpointer       user_data)
{
  GraftWindow *self = user_data;

  g_assert (GRAFT_IS_WINDOW (self));

  graft_window_confirm_discard (self, graft_window_actions_open_examples_cb, NULL, NULL);
}

static void
graft_window_actions_cancel (GSimpleAction *action,
                             GVariant      *parameter,
                             gpointer       user_data)
{
  GraftWindow *self = user_data;

  g_assert (GRAFT_IS_WINDOW (self));

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}

static void
graft_window_actions_find (GSimpleAction *action,
                           GVariant      *parameter,
                           gpointer       user_data)
{
  GraftWindow *self = user_data;
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

  g_assert (GRAFT_IS_WINDOW (self));

  if (focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (self->source_tree)))
    graft_layer_tree_focus_search (self->source_tree);
  else
    graft_layer_tree_focus_search (self->target_tree);
}

static void
graft_window_actions_close (GSimpleAction *action,
                            GVariant      *parameter,
                            gpointer       user_data)
{
  GraftWindow *self = user_data;

  g_assert (GRAFT_IS_WINDOW (self));

  gtk_window_close (GTK_WINDOW (self));
}

static const GActionEntry graft_window_action_entries[] = {
  { "save", graft_window_actions_save },
  { "save-as", graft_window_actions_save_as },
  { "export-npy", graft_window_actions_export_npy },
  { "export-png", graft_window_actions_export_png },
  { "undo", graft_window_actions_undo },
  { "redo", graft_window_actions_undo },
  { "transfer-weights", graft_window_actions_transfer_weights, "(ss)" },
  { "transfer-pairs", graft_window_actions_transfer_pairs, "(a(ss)b)" },
  { "explain-drop", graft_window_actions_explain_drop, "(ss)" },
  { "match", graft_window_actions_match },
  { "compare", graft_window_actions_compare },
  { "open-recent", graft_window_actions_open_recent, "s" },
  { "open-examples", graft_window_actions_open_examples },
  { "cancel", graft_window_actions_cancel },
  { "find", graft_window_actions_find },
  { "close", graft_window_actions_close },
};

/**
 * graft_window_action_set_enabled:
 * @name: an action of the table, without "win."
 */
void
graft_window_action_set_enabled (GraftWindow *self,
                                 const char  *name,
                                 gboolean     enabled)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), name);

  g_assert (G_IS_SIMPLE_ACTION (action));
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
}

/* The shortcuts, on the class: they work wherever the focus is. */
void
graft_window_actions_class_init (GtkWidgetClass *widget_class)
{
  static const struct
  {
    guint            key;
    GdkModifierType  mods;
    const char      *action;
  } shortcuts[] = {
    { GDK_KEY_s, GDK_CONTROL_MASK, "win.save" },
    { GDK_KEY_s, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.save-as" },
    { GDK_KEY_S, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.save-as" },
    { GDK_KEY_z, GDK_CONTROL_MASK, "win.undo" },
    { GDK_KEY_z, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.redo" },
    { GDK_KEY_Z, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.redo" },
    { GDK_KEY_f, GDK_CONTROL_MASK, "win.find" },
    { GDK_KEY_m, GDK_CONTROL_MASK, "win.match" },
    { GDK_KEY_w, GDK_CONTROL_MASK, "win.close" },
    { GDK_KEY_F9, 0, "win.show-side-pane" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (shortcuts); i++)
    gtk_widget_class_add_binding_action (widget_class, shortcuts[i].key, shortcuts[i].mods,
                                         shortcuts[i].action, NULL);
}

void
graft_window_actions_init (GraftWindow *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self), graft_window_action_entries,
                                   G_N_ELEMENTS (graft_window_action_entries), self);
}
