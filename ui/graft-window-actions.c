/* graft-window-actions.c: the win.* commands of GraftWindow
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-window"

#include "config.h"

#include <glib/gi18n.h>

#include "graft-numbers.h"
#include "graft-match-dialog.h"
#include "graft-window-private.h"

/* ---- file choosers ------------------------------------------------------- */

static void
graft_window_add_checkpoint_filters (GtkFileChooser *chooser)
{
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) any = gtk_file_filter_new ();

  gtk_file_filter_set_name (all, _("Keras Checkpoints"));
  gtk_file_filter_add_suffix (all, "keras");
  gtk_file_filter_add_suffix (all, "h5");
  gtk_file_filter_add_suffix (all, "hdf5");
  gtk_file_filter_add_pattern (all, "*.weights.json");
  gtk_file_chooser_add_filter (chooser, all);
  gtk_file_filter_set_name (any, _("All Files"));
  gtk_file_filter_add_pattern (any, "*");
  gtk_file_chooser_add_filter (chooser, any);
}

static GtkFileChooserNative *
graft_window_new_chooser (GraftWindow          *self,
                          const char           *title,
                          GtkFileChooserAction  action,
                          const char           *accept)
{
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (title, GTK_WINDOW (self), action,
                                                               accept, _("_Cancel"));

  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);
  self->chooser = GTK_NATIVE_DIALOG (chooser);
  if (self->target_path != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (self->target_path);
      g_autoptr(GFile) folder = g_file_new_for_path (dir);

      gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), folder, NULL);
    }
  return chooser;
}

static char *
graft_window_chooser_path (GtkNativeDialog *dialog)
{
  g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

  return file ? g_file_get_path (file) : NULL;
}

static void
graft_window_run_chooser (GraftWindow          *self,
                          GtkFileChooserNative *chooser,
                          GCallback             response_cb)
{
  g_signal_connect_object (chooser, "response", response_cb, self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* Asks for a checkpoint to read; @response_cb gets the dialog's answer. */
static void
graft_window_choose_checkpoint (GraftWindow *self,
                                const char  *title,
                                const char  *accept,
                                GCallback    response_cb)
{
  GtkFileChooserNative *chooser;

  chooser = graft_window_new_chooser (self, title, GTK_FILE_CHOOSER_ACTION_OPEN, accept);
  graft_window_add_checkpoint_filters (GTK_FILE_CHOOSER (chooser));
  graft_window_run_chooser (self, chooser, response_cb);
}

/* Asks where to export, proposing @name with its slashes made underscores. */
static void
graft_window_choose_export (GraftWindow *self,
                            const char  *title,
                            char        *name,
                            GCallback    response_cb)
{
  GtkFileChooserNative *chooser;

  g_strdelimit (name, "/", '_');
  chooser = graft_window_new_chooser (self, title, GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  graft_window_run_chooser (self, chooser, response_cb);
}

/* Once the user accepted a file, runs @next on its path after any unsaved
 * changes are dealt with. */
static void
graft_window_confirm_chosen (GraftWindow         *self,
                             int                  response,
                             GtkNativeDialog     *dialog,
                             GraftWindowContinue  next)
{
  g_autofree char *path = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    path = graft_window_chooser_path (dialog);
  if (path != NULL)
    graft_window_confirm_discard (self, next, g_steal_pointer (&path), g_free);
}

static void
graft_window_open_path_cb (GraftWindow *self,
                           gpointer     data)
{
  graft_window_open (self, NULL, data);
}

static void
graft_window_open_response_cb (GraftWindow     *self,
                               int              response,
                               GtkNativeDialog *dialog)
{
  graft_window_confirm_chosen (self, response, dialog, graft_window_open_path_cb);
}

/**
 * graft_window_show_open_dialog:
 *
 * Asks for a checkpoint to open in place of the current ones.
 */
void
graft_window_show_open_dialog (GraftWindow *self)
{
  g_return_if_fail (GRAFT_IS_WINDOW (self));

  graft_window_choose_checkpoint (self, _("Open a Checkpoint"), _("_Open"),
                                  G_CALLBACK (graft_window_open_response_cb));
}

static void
graft_window_compare_with_cb (GraftWindow *self,
                              gpointer     data)
{
  g_autofree char *target = g_strdup (self->target_path);

  graft_window_open (self, data, target);
}

static void
graft_window_compare_response_cb (GraftWindow     *self,
                                  int              response,
                                  GtkNativeDialog *dialog)
{
  graft_window_confirm_chosen (self, response, dialog, graft_window_compare_with_cb);
}

static void
graft_window_compare_action (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  GraftWindow *self = GRAFT_WINDOW (widget);

  graft_window_choose_checkpoint (self, _("Choose the Source to Copy Weights From"), _("_Compare"),
                                  G_CALLBACK (graft_window_compare_response_cb));
}

static void
graft_window_open_recent_action (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *parameter)
{
  GraftWindow *self = GRAFT_WINDOW (widget);
  g_autofree char *path = g_filename_from_uri (g_variant_get_string (parameter, NULL), NULL, NULL);

  if (path != NULL)
    graft_window_confirm_discard (self, graft_window_open_path_cb, g_steal_pointer (&path), g_free);
}

/**
 * graft_window_update_recent:
 *
 * Fills Open Recent with the checkpoints opened last.
 */
void
graft_window_update_recent (GraftWindow *self)
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

/* ---- saving -------------------------------------------------------------- */

typedef struct
{
  GraftEdit   *edit;
  char        *path;
  GraftFormat  format;
  gboolean     close_after;
} GraftWindowSave;

static void
graft_window_save_free (gpointer data)
{
  GraftWindowSave *save = data;

  g_clear_pointer (&save->edit, graft_edit_unref);
  g_free (save->path);
  g_free (save);
}

static void
graft_window_save_thread (GTask        *task,
                          gpointer      source_object,
                          gpointer      task_data,
                          GCancellable *cancellable)
{
  GraftWindowSave *save = task_data;
  GError *error = NULL;

  /* The core writes a temporary file and renames it over the old one. */
  if (!graft_edit_save (save->edit, save->path, save->format, GRAFT_SAVE_NONE, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
graft_window_save_done_cb (GObject      *object,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  GraftWindow *self = GRAFT_WINDOW (object);
  GraftWindowSave *save = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  GraftWindowContinue next = self->after_save;
  gpointer next_data = self->after_save_data;
  GDestroyNotify next_free = self->after_save_free;

  self->after_save = NULL;
  self->after_save_data = NULL;
  self->after_save_free = NULL;
  graft_window_set_busy (self, NULL);

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      graft_window_show_error (self, _("Could not save"), error);
      if (next_free != NULL && next_data != NULL)
        next_free (next_data);
      return;
    }

  if (g_strcmp0 (save->path, self->target_path) != 0)
    {
      g_free (self->target_path);
      self->target_path = g_strdup (save->path);
    }
  {
    g_autofree char *uri = g_filename_to_uri (save->path, NULL, NULL);
    g_autofree char *name = g_path_get_basename (save->path);
    g_autofree char *msg = g_strdup_printf (_("Saved %s (%s)"), name,
                                            graft_format_get_name (save->format));

    if (uri != NULL)
      gtk_recent_manager_add_item (gtk_recent_manager_get_default (), uri);
    graft_window_show_info (self, msg);
  }
  graft_window_sync (self);

  if (save->close_after)
    {
      self->close_confirmed = TRUE;
      gtk_window_close (GTK_WINDOW (self));
    }
  else if (next != NULL)
    next (self, next_data);
  if (next_free != NULL && next_data != NULL)
    next_free (next_data);
}

/**
 * graft_window_save_to:
 * @close_after: close the window once saved
 *
 * Writes the target in a worker thread.
 */
void
graft_window_save_to (GraftWindow *self,
                      const char  *path,
                      GraftFormat  format,
                      gboolean     close_after)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *name = g_path_get_basename (path);
  g_autofree char *what = g_strdup_printf (_("Saving %s…"), name);
  GraftWindowSave *save;

  g_return_if_fail (self->edit != NULL);

  save = g_new0 (GraftWindowSave, 1);
  save->edit = graft_edit_ref (self->edit);
  save->path = g_strdup (path);
  save->format = format;
  save->close_after = close_after;
  task = g_task_new (self, NULL, graft_window_save_done_cb, NULL);
  g_task_set_source_tag (task, graft_window_save_to);
  g_task_set_task_data (task, save, graft_window_save_free);
  graft_window_set_busy (self, what);
  g_task_run_in_thread (task, graft_window_save_thread);
}

static void
graft_window_save_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  GraftWindow *self = GRAFT_WINDOW (widget);

  graft_window_save_to (self, self->target_path, graft_model_get_format (self->target), FALSE);
}

static void
graft_window_save_as_response_cb (GraftWindow     *self,
                                  int              response,
                                  GtkNativeDialog *dialog)
{
  g_autofree char *path = NULL;
  const char *choice;

  if (response != GTK_RESPONSE_ACCEPT || (path = graft_window_chooser_path (dialog)) == NULL)
    return;
  choice = gtk_file_chooser_get_choice (GTK_FILE_CHOOSER (dialog), "format");
  if (g_strcmp0 (choice, "auto") == 0)
    choice = NULL;
  graft_window_save_to (self, path,
                        graft_format_for_save (path,
                                               choice ? graft_format_from_name (choice)
                                                      : GRAFT_FORMAT_UNKNOWN,
                                               graft_model_get_format (self->target)),
                        FALSE);
}

static void
graft_window_save_as_action (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  GraftWindow *self = GRAFT_WINDOW (widget);
  GtkFileChooserNative *chooser;
  g_autofree char *name = self->target_path ? g_path_get_basename (self->target_path) : NULL;
  const char *ids[] = { "auto", NULL, NULL, NULL, NULL, NULL };
  const char *labels[] = { N_("From the File Name"), N_("Keras archive (.keras)"),
                           N_("Keras 3 weights (.weights.h5)"), N_("Legacy Keras model (.h5)"),
                           N_("Legacy Keras weights (.h5)"), NULL };
  const char *translated[G_N_ELEMENTS (labels)];

  ids[1] = graft_format_get_name (GRAFT_FORMAT_KERAS);
  ids[2] = graft_format_get_name (GRAFT_FORMAT_WEIGHTS_H5);
  ids[3] = graft_format_get_name (GRAFT_FORMAT_LEGACY_H5);
  ids[4] = graft_format_get_name (GRAFT_FORMAT_LEGACY_WEIGHTS_H5);
  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    translated[i] = labels[i] ? _(labels[i]) : NULL;

  chooser = graft_window_new_chooser (self, _("Save the Target As"), GTK_FILE_CHOOSER_ACTION_SAVE,
                                      _("_Save"));
  gtk_file_chooser_add_choice (GTK_FILE_CHOOSER (chooser), "format", _("Format"), ids,
                               translated);
  gtk_file_chooser_set_choice (GTK_FILE_CHOOSER (chooser), "format", "auto");
  if (name != NULL)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  graft_window_run_chooser (self, chooser, G_CALLBACK (graft_window_save_as_response_cb));
}

/* ---- exports ------------------------------------------------------------- */

static GraftWeight *
graft_window_selected_weight (GraftWindow *self)
{
  GraftLayerItem *item = self->selected_tree
                         ? graft_layer_tree_get_selected_item (self->selected_tree) : NULL;

  return item ? graft_layer_item_get_weight (item) : NULL;
}

static void
graft_window_export_npy_response_cb (GraftWindow     *self,
                                     int              response,
                                     GtkNativeDialog *dialog)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  GraftWeight *weight = graft_window_selected_weight (self);

  if (response != GTK_RESPONSE_ACCEPT || weight == NULL ||
      (path = graft_window_chooser_path (dialog)) == NULL)
    return;
  if (!graft_npy_save (graft_weight_get_tensor (weight), path, &error))
    graft_window_show_error (self, _("Could not export the tensor"), error);
  else
    {
      g_autofree char *msg = g_strdup_printf (_("Exported %s to %s"),
                                              graft_weight_get_path (weight), path);

      graft_window_show_info (self, msg);
    }
}

static void
graft_window_export_npy_action (GtkWidget  *widget,
                                const char *action_name,
                                GVariant   *parameter)
{
  GraftWindow *self = GRAFT_WINDOW (widget);
  GraftWeight *weight = graft_window_selected_weight (self);
  g_autofree char *name = NULL;

  if (weight == NULL)
    return;
  name = g_strdup_printf ("%s.npy", graft_weight_get_path (weight));
  graft_window_choose_export (self, _("Export Tensor as NumPy"), name,
                              G_CALLBACK (graft_window_export_npy_response_cb));
}

static void
graft_window_export_png_response_cb (GraftWindow     *self,
                                     int              response,
                                     GtkNativeDialog *dialog)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  if (response != GTK_RESPONSE_ACCEPT || (path = graft_window_chooser_path (dialog)) == NULL)
    return;
  if (!graft_heatmap_view_save_png (graft_heatmap_panel_get_view (self->heatmap_panel), path,
                                    &error))
    graft_window_show_error (self, _("Could not export the view"), error);
  else
    {
      g_autofree char *msg = g_strdup_printf (_("Exported the view to %s"), path);

      graft_window_show_info (self, msg);
    }
}

static void
graft_window_export_png_action (GtkWidget  *widget,
                                const char *action_name,
                                GVariant   *parameter)
{
  GraftWindow *self = GRAFT_WINDOW (widget);
  GraftWeight *weight = graft_window_selected_weight (self);
  g_autofree char *name = g_strdup_printf ("%s.png", weight ? graft_weight_get_path (weight)
                                                            : "heatmap");

  graft_window_choose_export (self, _("Export View as PNG"), name,
                              G_CALLBACK (graft_window_export_png_response_cb));
}

/* ---- editing ------------------------------------------------------------- */

/**
 * graft_window_transfer:
 * @pairs: (element-type utf8): source and target paths, alternating
 * @partial: copy the overlapping block where shapes differ
 * @what: (nullable): how to name the step in the report
 *
 * Plans and applies one transfer as one undo step, then reports what was
 * copied, or shows why nothing was.
 *
 * Returns: %TRUE when the target changed
 */
gboolean
graft_window_transfer (GraftWindow *self,
                       GPtrArray   *pairs,
                       gboolean     partial,
                       const char  *what)
{
  g_autoptr(GraftTransferPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *params_text = NULL;
  g_autofree char *msg = NULL;
  const char *first_target = NULL;
  guint n_copied = 0;
  guint64 n_params = 0;

  g_return_val_if_fail (self->source != NULL && self->edit != NULL, FALSE);
  g_return_val_if_fail (pairs->len % 2 == 0, FALSE);

  plan = graft_transfer_plan_new (self->source, self->target);
  graft_transfer_plan_set_partial (plan, partial);
  for (guint i = 0; i < pairs->len; i += 2)
    if (!graft_transfer_plan_add_layer (plan, g_ptr_array_index (pairs, i),
                                        g_ptr_array_index (pairs, i + 1), &error))
      {
        graft_window_show_error (self, _("Nothing was copied"), error);
        return FALSE;
      }
  graft_transfer_plan_finish (plan);
  if (graft_transfer_plan_get_n_copies (plan) == 0 &&
      graft_transfer_plan_count (plan, GRAFT_TRANSFER_SHAPE_MISMATCH) == 0)
    {
      g_set_error (&error, GRAFT_ERROR, GRAFT_ERROR_NOT_FOUND,
                   _("no weight of the source matches one of the target"));
      graft_window_show_error (self, _("Nothing was copied"), error);
      return FALSE;
    }
  if (!graft_transfer_plan_apply (plan, self->edit, &error))
    {
      graft_window_show_error (self, _("Nothing was copied"), error);
      return FALSE;
    }

  for (guint i = 0; i < graft_transfer_plan_get_n_pairs (plan); i++)
    {
      GraftTransferStatus status = graft_transfer_plan_get_status (plan, i);
      GraftWeight *s = graft_transfer_plan_get_source (plan, i);
      GraftWeight *t = graft_transfer_plan_get_target (plan, i);

      if (s == NULL || t == NULL)
        continue;
      if (status == GRAFT_TRANSFER_OK || status == GRAFT_TRANSFER_CONVERTED ||
          (status == GRAFT_TRANSFER_SHAPE_MISMATCH && graft_transfer_plan_get_partial (plan, i)))
        {
          g_hash_table_insert (self->transferred, t, s);
          n_copied++;
          n_params += graft_tensor_get_n_elements (graft_weight_get_tensor (t));
          if (first_target == NULL)
            first_target = graft_weight_get_path (t);
        }
    }

  params_text = graft_numbers_count (n_params);
  msg = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                      "Copied %u weight (%s values) %s. Undo with Ctrl+Z.",
                                      "Copied %u weights (%s values) %s. Undo with Ctrl+Z.",
                                      n_copied),
                         n_copied, params_text, what ? what : "");
  graft_window_show_info (self, msg);
  graft_window_sync (self);
  if (first_target != NULL && pairs->len == 2)
    graft_layer_tree_select_path (self->target_tree, g_ptr_array_index (pairs, 1));
  graft_window_refresh_selection (self);
  return TRUE;
}

static void
graft_window_transfer_weights_action (GtkWidget  *widget,
                                      const char *action_name,
                                      GVariant   *parameter)
{
  GraftWindow *self = GRAFT_WINDOW (widget);
  g_autoptr(GPtrArray) pairs = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *what = NULL;
  const char *source, *target;

  g_variant_get (parameter, "(&s&s)", &source, &target);
  g_ptr_array_add (pairs, g_strdup (source));
  g_ptr_array_add (pairs, g_strdup (target));
  what = g_strdup_printf (_("from “%s” onto “%s”"), source, target);
  graft_window_transfer (self, pairs, FALSE, what);
}

static void
graft_window_transfer_pairs_action (GtkWidget  *widget,
                                    const char *action_name,
                                    GVariant   *parameter)
{
  GraftWindow *self = GRAFT_WINDOW (widget);
  g_autoptr(GPtrArray) pairs = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GVariantIter) iter = NULL;
  const char *source, *target;
  gboolean partial;

  g_variant_get (parameter, "(a(ss)b)", &iter, &partial);
  while (g_variant_iter_next (iter, "(&s&s)", &source, &target))
    {
      g_ptr_array_add (pairs, g_strdup (source));
      g_ptr_array_add (pairs, g_strdup (target));
    }
  if (pairs->len == 0)
    return;
  graft_window_transfer (self, pairs, partial, _("from the matched pairs"));
}

static void
graft_window_undo_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  GraftWindow *self = GRAFT_WINDOW (widget);
  gboolean redo = g_str_equal (action_name, "win.redo");
  g_autofree char *label = g_strdup (redo ? graft_edit_get_redo_label (self->edit)
                                          : graft_edit_get_undo_label (self->edit));

  if (redo ? !graft_edit_redo (self->edit) : !graft_edit_undo (self->edit))
    return;
  if (label != NULL)
    {
      g_autofree char *msg = g_strdup_printf (redo ? _("Redone: %s") : _("Undone: %s"), label);

      graft_window_show_info (self, msg);
    }
  graft_window_refresh_selection (self);
}

static void
graft_window_match_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  GraftWindow *self = GRAFT_WINDOW (widget);
  GtkWindow *dialog = graft_match_dialog_new (GTK_WINDOW (self), self->source, self->target);

  gtk_window_present (dialog);
}

static void
graft_window_cancel_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  GraftWindow *self = GRAFT_WINDOW (widget);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}

static void
graft_window_find_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  GraftWindow *self = GRAFT_WINDOW (widget);
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

  if (focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (self->source_tree)))
    graft_layer_tree_focus_search (self->source_tree);
  else
    graft_layer_tree_focus_search (self->target_tree);
}

static void
graft_window_close_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  gtk_window_close (GTK_WINDOW (widget));
}

void
graft_window_actions_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.save", NULL, graft_window_save_action);
  gtk_widget_class_install_action (widget_class, "win.save-as", NULL,
                                   graft_window_save_as_action);
  gtk_widget_class_install_action (widget_class, "win.export-npy", NULL,
                                   graft_window_export_npy_action);
  gtk_widget_class_install_action (widget_class, "win.export-png", NULL,
                                   graft_window_export_png_action);
  gtk_widget_class_install_action (widget_class, "win.undo", NULL, graft_window_undo_action);
  gtk_widget_class_install_action (widget_class, "win.redo", NULL, graft_window_undo_action);
  gtk_widget_class_install_action (widget_class, "win.transfer-weights", "(ss)",
                                   graft_window_transfer_weights_action);
  gtk_widget_class_install_action (widget_class, "win.transfer-pairs", "(a(ss)b)",
                                   graft_window_transfer_pairs_action);
  gtk_widget_class_install_action (widget_class, "win.match", NULL, graft_window_match_action);
  gtk_widget_class_install_action (widget_class, "win.compare", NULL,
                                   graft_window_compare_action);
  gtk_widget_class_install_action (widget_class, "win.open-recent", "s",
                                   graft_window_open_recent_action);
  gtk_widget_class_install_action (widget_class, "win.cancel", NULL, graft_window_cancel_action);
  gtk_widget_class_install_action (widget_class, "win.find", NULL, graft_window_find_action);
  gtk_widget_class_install_action (widget_class, "win.close", NULL, graft_window_close_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "win.save",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s,
                                       GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.save-as", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_S,
                                       GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.save-as", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "win.undo",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z,
                                       GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Z,
                                       GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.find",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_m, GDK_CONTROL_MASK, "win.match",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "win.close",
                                       NULL);
}
