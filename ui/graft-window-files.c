/* graft-window-files.c: the file choosers: open, compare, save as, export
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-window"

#include "config.h"

#include <glib/gi18n.h>

#include "graft-window-private.h"

static void
graft_window_add_checkpoint_filters (GtkFileChooser *chooser)
{
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) any = gtk_file_filter_new ();

  gtk_file_filter_set_name (all, _("Keras and PyTorch Checkpoints"));
  gtk_file_filter_add_suffix (all, "keras");
  gtk_file_filter_add_suffix (all, "h5");
  gtk_file_filter_add_suffix (all, "hdf5");
  gtk_file_filter_add_pattern (all, "*.weights.json");
  gtk_file_filter_add_suffix (all, "pt");
  gtk_file_filter_add_suffix (all, "pth");
  gtk_file_filter_add_suffix (all, "bin");
  gtk_file_filter_add_suffix (all, "safetensors");
  gtk_file_filter_add_pattern (all, "*.safetensors.index.json");
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

void
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

/* Asks for the source to copy weights from, for the checkpoint open now. */
void
graft_window_show_compare_dialog (GraftWindow *self)
{
  graft_window_choose_checkpoint (self, _("Choose the Source to Copy Weights From"), _("_Compare"),
                                  G_CALLBACK (graft_window_compare_response_cb));
}


/* Asks where to save the target, and in which format. */
void
graft_window_show_save_as_dialog (GraftWindow *self)
{
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

/* Asks where to write the selected tensor as a .npy file. */
void
graft_window_show_export_npy_dialog (GraftWindow *self)
{
  GraftWeight *weight = graft_window_selected_weight (self);
  g_autofree char *name = NULL;

  if (weight == NULL)
    return;
  name = g_strdup_printf ("%s.npy", graft_weight_get_path (weight));
  graft_window_choose_export (self, _("Export Tensor as NumPy"), name,
                              G_CALLBACK (graft_window_export_npy_response_cb));
}

/* Asks where to write the heatmap on screen as a PNG. */
void
graft_window_show_export_png_dialog (GraftWindow *self)
{
  GraftWeight *weight = graft_window_selected_weight (self);
  g_autofree char *name = g_strdup_printf ("%s.png", weight ? graft_weight_get_path (weight)
                                                            : "heatmap");

  graft_window_choose_export (self, _("Export View as PNG"), name,
                              G_CALLBACK (graft_window_export_png_response_cb));
}
