/* graft-window.c: the main window: one checkpoint, or a source and a target
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-window"

#include "config.h"

#include "graft-window.h"

#include <glib/gi18n.h>
#include <string.h>

#include "graft-numbers.h"
#include "graft-probe.h"
#include "graft-window-private.h"

/* Tensors larger than this are not read just to look for NaN and Inf
 * badges; their statistics still show them when selected. */
#define GRAFT_WINDOW_SCAN_MAX_ELEMENTS (4u << 20)

G_DEFINE_FINAL_TYPE (GraftWindow, graft_window, GTK_TYPE_APPLICATION_WINDOW)

/* ---- messages ------------------------------------------------------------ */

static void
graft_window_hide_info (GraftWindow *self)
{
  g_clear_handle_id (&self->info_timeout, g_source_remove);
  gtk_info_bar_set_revealed (self->info_bar, FALSE);
}

static void
graft_window_info_response_cb (GraftWindow *self,
                               int          response,
                               GtkInfoBar  *info_bar)
{
  graft_window_hide_info (self);
}

static gboolean
graft_window_info_timeout_cb (gpointer data)
{
  GraftWindow *self = data;

  self->info_timeout = 0;
  gtk_info_bar_set_revealed (self->info_bar, FALSE);
  return G_SOURCE_REMOVE;
}

static void
graft_window_set_message (GraftWindow    *self,
                          GtkMessageType  type,
                          const char     *message)
{
  g_free (self->message);
  self->message = g_strdup (message);
  g_clear_handle_id (&self->info_timeout, g_source_remove);
  gtk_label_set_text (self->info_label, message);
  gtk_info_bar_set_message_type (self->info_bar, type);
  gtk_info_bar_set_revealed (self->info_bar, TRUE);
}

/**
 * graft_window_show_error:
 * @context: (nullable): what was being done, "Could not save"
 *
 * Shows the core's message in the window, where it stays until closed.
 */
void
graft_window_show_error (GraftWindow  *self,
                         const char   *context,
                         const GError *error)
{
  g_autofree char *text = context ? g_strdup_printf ("%s: %s", context, error->message)
                                  : g_strdup (error->message);

  g_debug ("%s", text);
  graft_window_set_message (self, GTK_MESSAGE_ERROR, text);
}

/* A report that goes away by itself, like a toast. */
void
graft_window_show_info (GraftWindow *self,
                        const char  *message)
{
  graft_window_set_message (self, GTK_MESSAGE_INFO, message);
  self->info_timeout = g_timeout_add_seconds (8, graft_window_info_timeout_cb, self);
}

/* ---- busy state ---------------------------------------------------------- */

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

/* ---- state --------------------------------------------------------------- */

static char *
graft_window_display_name (const char *path)
{
  return path ? g_path_get_basename (path) : g_strdup (_("Untitled"));
}

/**
 * graft_window_sync:
 *
 * Brings the title, the enabled commands and the badges in line with the
 * models and the edit session.
 */
void
graft_window_sync (GraftWindow *self)
{
  gboolean dirty = graft_window_get_modified (self);
  gboolean idle = !self->busy;
  gboolean transfer = self->source != NULL && self->target != NULL;
  g_autofree char *name = graft_window_display_name (self->target_path);
  g_autofree char *title = NULL;
  g_autofree char *window_title = NULL;
  GraftLayerItem *selected = self->selected_tree
                             ? graft_layer_tree_get_selected_item (self->selected_tree) : NULL;

  if (self->target == NULL)
    title = g_strdup ("Graft");
  else
    title = g_strdup_printf ("%s%s", dirty ? "• " : "", name);
  gtk_label_set_text (self->title_label, title);
  window_title = self->target ? g_strdup_printf ("%s%s — Graft", dirty ? "*" : "", name)
                              : g_strdup ("Graft");
  gtk_window_set_title (GTK_WINDOW (self), window_title);

  if (transfer)
    {
      g_autofree char *source_name = graft_window_display_name (self->source_path);
      g_autofree char *sub = g_strdup_printf (_("Transfer from %s"), source_name);

      gtk_label_set_text (self->subtitle_label, sub);
    }
  else if (self->target_path != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (self->target_path);
      const char *home = g_get_home_dir ();
      g_autofree char *shown = g_str_has_prefix (dir, home)
                               ? g_strconcat ("~", dir + strlen (home), NULL) : g_strdup (dir);

      gtk_label_set_text (self->subtitle_label, shown);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->subtitle_label), self->target != NULL);

  if (transfer != gtk_widget_get_visible (self->source_box))
    gtk_paned_set_position (self->main_paned, transfer ? 620 : 440);
  gtk_widget_set_visible (self->source_box, transfer);
  graft_layer_tree_set_compact (self->source_tree, transfer);
  graft_layer_tree_set_compact (self->target_tree, transfer);
  if (transfer)
    {
      g_autofree char *source_name = graft_window_display_name (self->source_path);
      g_autofree char *heading = g_strdup_printf (_("Source · %s"), source_name);
      g_autofree char *target_heading = g_strdup_printf (_("Target · %s"), name);

      graft_layer_tree_set_heading (self->source_tree, heading);
      graft_layer_tree_set_heading (self->target_tree, target_heading);
    }
  else
    graft_layer_tree_set_heading (self->target_tree, _("Layers"));
  graft_layer_tree_set_accepts_drops (self->target_tree, transfer);
  graft_layer_tree_update_modified (self->target_tree, self->edit);
  gtk_widget_set_visible (self->hint_bar, transfer);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.save", idle && self->edit != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.save-as", idle && self->edit != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.undo",
                                 idle && self->edit && graft_edit_can_undo (self->edit));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.redo",
                                 idle && self->edit && graft_edit_can_redo (self->edit));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.transfer-weights", idle && transfer);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.transfer-pairs", idle && transfer);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.match", idle && transfer);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.compare", idle && self->target != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.cancel", self->busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export-npy",
                                 idle && selected && graft_layer_item_get_weight (selected));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export-png",
                                 graft_heatmap_view_get_texture (
                                   graft_heatmap_panel_get_view (self->heatmap_panel)) != NULL);
}

static void
graft_window_rendered_cb (GraftWindow *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export-png", TRUE);
}

/* The source weight a target weight is compared with: the one last
 * transferred onto it, else the one of the same path. */
static GraftWeight *
graft_window_reference_for (GraftWindow *self,
                            GraftWeight *weight)
{
  GraftWeight *source;

  if (self->source == NULL || graft_weight_get_layer (weight) == NULL)
    return NULL;
  source = g_hash_table_lookup (self->transferred, weight);
  if (source == NULL)
    source = graft_model_find_weight (self->source, graft_weight_get_path (weight));
  return source;
}

/**
 * graft_window_refresh_selection:
 *
 * Shows the heatmap and statistics of the selected weight, as it is now
 * (after an undo, its tensor is another one).
 */
void
graft_window_refresh_selection (GraftWindow *self)
{
  GraftLayerItem *item = self->selected_tree
                         ? graft_layer_tree_get_selected_item (self->selected_tree) : NULL;
  GraftWeight *weight = item ? graft_layer_item_get_weight (item) : NULL;
  GraftWeight *reference = NULL;
  g_autofree char *message = NULL;

  if (weight != NULL && self->selected_tree == self->target_tree)
    reference = graft_window_reference_for (self, weight);

  if (item != NULL && weight == NULL)
    {
      GListModel *children = graft_layer_item_get_children (item);
      g_autofree char *params = NULL;
      GraftLayer *layer = graft_layer_item_get_layer (item);

      params = layer ? graft_numbers_count (graft_layer_count_params (layer)) : NULL;
      if (layer != NULL)
        message = g_strdup_printf (_("%s (%s): %u items, %s parameters.\nSelect one of its "
                                     "weights to see its values."),
                                   graft_layer_item_get_name (item),
                                   graft_layer_get_class_name (layer),
                                   children ? g_list_model_get_n_items (children) : 0, params);
      else
        message = g_strdup (_("Select one of these variables to see its values."));
    }
  else if (item == NULL && self->source != NULL)
    message = g_strdup (_("Select a weight to see its values, or drag a layer or weight from "
                          "the source onto the target to copy it."));

  graft_heatmap_panel_set_weight (self->heatmap_panel, weight,
                                  reference ? graft_weight_get_tensor (reference) : NULL,
                                  message);
  graft_stats_view_set_tensor (self->stats_view, weight ? graft_weight_get_tensor (weight) : NULL);
  graft_window_sync (self);
}

static void
graft_window_selection_cb (GraftWindow    *self,
                           GParamSpec     *pspec,
                           GraftLayerTree *tree)
{
  if (graft_layer_tree_get_selected_item (tree) != NULL)
    {
      GraftLayerTree *other = tree == self->source_tree ? self->target_tree : self->source_tree;

      self->selected_tree = tree;
      /* One selection across both trees: the heatmap shows one weight. */
      if (graft_layer_tree_get_selected_item (other) != NULL)
        graft_layer_tree_unselect (other);
    }
  else if (self->selected_tree == tree)
    self->selected_tree = NULL;
  else
    return;
  graft_window_refresh_selection (self);
}

static void
graft_window_drop_hint_cb (GraftWindow    *self,
                           GParamSpec     *pspec,
                           GraftLayerTree *tree)
{
  g_autofree char *hint = NULL;

  g_object_get (tree, "drop-hint", &hint, NULL);
  gtk_label_set_text (self->hint_label,
                      hint ? hint : _("Drag a layer, a nested model or one weight from the "
                                      "source onto a target row to copy its weights; Match… "
                                      "pairs them all at once."));
  gtk_widget_remove_css_class (self->hint_bar, "drop-refused");
  gtk_widget_remove_css_class (self->hint_bar, "drop-ok");
}

static void
graft_window_stats_computed_cb (GraftWindow    *self,
                                gboolean        nonfinite,
                                GraftStatsView *view)
{
  GraftLayerItem *item = self->selected_tree
                         ? graft_layer_tree_get_selected_item (self->selected_tree) : NULL;
  GraftWeight *weight = item ? graft_layer_item_get_weight (item) : NULL;

  if (weight != NULL && graft_weight_get_tensor (weight) == graft_stats_view_get_tensor (view))
    graft_layer_tree_set_nonfinite (self->selected_tree, weight, nonfinite);
}

/* ---- NaN / Inf scan ------------------------------------------------------ */

typedef struct
{
  GraftModel *model;
  GPtrArray  *found;  /* GraftWeight, borrowed from model */
} GraftWindowScan;

static void
graft_window_scan_free (gpointer data)
{
  GraftWindowScan *scan = data;

  g_clear_pointer (&scan->model, graft_model_unref);
  g_clear_pointer (&scan->found, g_ptr_array_unref);
  g_free (scan);
}

static void
graft_window_scan_thread (GTask        *task,
                          gpointer      source_object,
                          gpointer      task_data,
                          GCancellable *cancellable)
{
  GraftWindowScan *scan = task_data;
  GError *error = NULL;

  scan->found = graft_nonfinite_scan (scan->model, GRAFT_WINDOW_SCAN_MAX_ELEMENTS, cancellable,
                                      &error);
  if (scan->found == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
graft_window_scan_done_cb (GObject      *object,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  GraftWindow *self = GRAFT_WINDOW (object);
  GraftWindowScan *scan = g_task_get_task_data (G_TASK (result));
  GraftLayerTree *tree;

  if (!g_task_propagate_boolean (G_TASK (result), NULL))
    return;
  tree = scan->model == self->target ? self->target_tree
         : scan->model == self->source ? self->source_tree : NULL;
  for (guint i = 0; tree != NULL && i < scan->found->len; i++)
    graft_layer_tree_set_nonfinite (tree, g_ptr_array_index (scan->found, i), TRUE);
}

static void
graft_window_scan (GraftWindow *self,
                   GraftModel  *model)
{
  g_autoptr(GTask) task = NULL;
  GraftWindowScan *scan = g_new0 (GraftWindowScan, 1);

  scan->model = graft_model_ref (model);
  task = g_task_new (self, self->scan_cancellable, graft_window_scan_done_cb, NULL);
  g_task_set_task_data (task, scan, graft_window_scan_free);
  g_task_run_in_thread (task, graft_window_scan_thread);
}

/* ---- opening ------------------------------------------------------------- */

typedef struct
{
  char       *source_path;
  char       *target_path;
  GraftModel *source;
  GraftModel *target;
} GraftWindowLoad;

static void
graft_window_load_free (gpointer data)
{
  GraftWindowLoad *load = data;

  g_free (load->source_path);
  g_free (load->target_path);
  g_clear_pointer (&load->source, graft_model_unref);
  g_clear_pointer (&load->target, graft_model_unref);
  g_free (load);
}

static void
graft_window_load_thread (GTask        *task,
                          gpointer      source_object,
                          gpointer      task_data,
                          GCancellable *cancellable)
{
  GraftWindowLoad *load = task_data;
  GError *error = NULL;

  /* A file that crashes or hangs libhdf5 must not take the app, and the
   * unsaved work in it, down: a helper process reads it first. */
  if ((load->source_path != NULL && !graft_probe_checkpoint (load->source_path, cancellable, &error)) ||
      !graft_probe_checkpoint (load->target_path, cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  /* Opening reads metadata only; values come later, when shown. */
  if (load->source_path != NULL)
    {
      load->source = graft_keras_load (load->source_path, &error);
      if (load->source == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
    }
  load->target = graft_keras_load (load->target_path, &error);
  if (load->target == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
graft_window_add_recent (const char *path)
{
  g_autofree char *uri = g_filename_to_uri (path, NULL, NULL);

  if (uri != NULL)
    gtk_recent_manager_add_item (gtk_recent_manager_get_default (), uri);
}

static void
graft_window_load_done_cb (GObject      *object,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  GraftWindow *self = GRAFT_WINDOW (object);
  GraftWindowLoad *load = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable = g_task_get_cancellable (G_TASK (result));

  if (g_cancellable_is_cancelled (cancellable))
    {
      /* Abandoned by the user: the models, if any, are dropped with the task. */
      if (cancellable == self->cancellable)
        graft_window_set_busy (self, NULL);
      return;
    }
  graft_window_set_busy (self, NULL);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      graft_window_show_error (self, _("Could not open the checkpoint"), error);
      return;
    }

  if (self->scan_cancellable != NULL)
    g_cancellable_cancel (self->scan_cancellable);
  g_clear_object (&self->scan_cancellable);
  self->scan_cancellable = g_cancellable_new ();

  self->selected_tree = NULL;
  graft_layer_tree_set_model (self->source_tree, NULL);
  graft_layer_tree_set_model (self->target_tree, NULL);
  g_hash_table_remove_all (self->transferred);
  g_clear_pointer (&self->edit, graft_edit_unref);
  g_clear_pointer (&self->source, graft_model_unref);
  g_clear_pointer (&self->target, graft_model_unref);
  g_clear_pointer (&self->source_path, g_free);
  g_clear_pointer (&self->target_path, g_free);

  self->source = g_steal_pointer (&load->source);
  self->target = g_steal_pointer (&load->target);
  self->source_path = g_strdup (load->source_path);
  self->target_path = g_strdup (load->target_path);
  self->edit = graft_edit_new (self->target);

  if (self->source != NULL)
    {
      graft_layer_tree_set_model (self->source_tree, self->source);
      graft_window_add_recent (self->source_path);
      graft_window_scan (self, self->source);
    }
  graft_layer_tree_set_model (self->target_tree, self->target);
  graft_window_add_recent (self->target_path);
  graft_window_scan (self, self->target);
  graft_window_hide_info (self);
  graft_window_drop_hint_cb (self, NULL, self->target_tree);
  /* Something to look at straight away: the target's first weight. */
  graft_layer_tree_select_first_weight (self->target_tree);
  graft_window_refresh_selection (self);
}

/**
 * graft_window_open:
 * @source_path: (nullable): the checkpoint to copy from; with it, the window
 *   is in transfer mode
 * @target_path: the checkpoint to look at, edit and save
 *
 * Opens checkpoints in a worker thread; errors appear in the window.
 */
void
graft_window_open (GraftWindow *self,
                   const char  *source_path,
                   const char  *target_path)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *name = NULL;
  g_autofree char *what = NULL;
  GraftWindowLoad *load;

  g_return_if_fail (GRAFT_IS_WINDOW (self));
  g_return_if_fail (target_path != NULL);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  load = g_new0 (GraftWindowLoad, 1);
  load->source_path = g_strdup (source_path);
  load->target_path = g_strdup (target_path);
  task = g_task_new (self, self->cancellable, graft_window_load_done_cb, NULL);
  g_task_set_source_tag (task, graft_window_open);
  g_task_set_task_data (task, load, graft_window_load_free);
  /* Cancel cannot stop the reader, but the window stops waiting for it. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_run_in_thread (task, graft_window_load_thread);

  name = graft_window_display_name (target_path);
  what = g_strdup_printf (_("Opening %s…"), name);
  graft_window_set_busy (self, what);
}

/**
 * graft_window_open_examples:
 *
 * Opens the example pair shipped with Graft in transfer mode: a trained
 * trunk as the source and a model with a new head as the target.
 * GRAFT_EXAMPLES_DIR overrides where they are looked for.
 */
void
graft_window_open_examples (GraftWindow *self)
{
  const char *dirs[] = {
    g_getenv ("GRAFT_EXAMPLES_DIR"),
    GRAFT_SOURCE_DATADIR,
    GRAFT_DATADIR "/examples",
  };

  g_return_if_fail (GRAFT_IS_WINDOW (self));

  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_autofree char *source = NULL;
      g_autofree char *target = NULL;

      if (dirs[i] == NULL || dirs[i][0] == '\0')
        continue;
      source = g_build_filename (dirs[i], "seq_conv.keras", NULL);
      target = g_build_filename (dirs[i], "seq_conv_newhead.keras", NULL);
      if (g_file_test (source, G_FILE_TEST_IS_REGULAR) &&
          g_file_test (target, G_FILE_TEST_IS_REGULAR))
        {
          graft_window_open (self, source, target);
          return;
        }
    }
  graft_window_set_message (self, GTK_MESSAGE_INFO,
                            _("Open a Keras checkpoint (.keras, .weights.h5, .h5) to start."));
}

/* ---- unsaved changes ----------------------------------------------------- */

typedef struct
{
  GraftWindowContinue next;
  gpointer            data;
  GDestroyNotify      data_free;
} GraftWindowPending;

static void
graft_window_question_response_cb (GtkDialog *dialog,
                                   int        response,
                                   gpointer   user_data)
{
  GraftWindow *self = GRAFT_WINDOW (gtk_window_get_transient_for (GTK_WINDOW (dialog)));
  GraftWindowPending *pending = user_data;

  self->question = NULL;
  gtk_window_destroy (GTK_WINDOW (dialog));

  if (response == GTK_RESPONSE_ACCEPT)
    {
      /* Save first, then go on: only a close waits for the save. */
      if (pending->next == NULL)
        graft_window_save_to (self, self->target_path, graft_model_get_format (self->target),
                              TRUE);
      else
        {
          self->after_save = pending->next;
          self->after_save_data = g_steal_pointer (&pending->data);
          self->after_save_free = pending->data_free;
          graft_window_save_to (self, self->target_path, graft_model_get_format (self->target),
                                FALSE);
        }
    }
  else if (response == GTK_RESPONSE_REJECT)
    {
      if (pending->next != NULL)
        pending->next (self, pending->data);
      else
        {
          self->close_confirmed = TRUE;
          gtk_window_close (GTK_WINDOW (self));
        }
    }
  if (pending->data_free != NULL && pending->data != NULL)
    pending->data_free (pending->data);
  g_free (pending);
}

/**
 * graft_window_confirm_discard:
 * @next: (nullable): what to do once the changes are saved or discarded;
 *   %NULL to close the window
 *
 * Asks what to do with unsaved changes, or goes on at once when there are
 * none.
 */
void
graft_window_confirm_discard (GraftWindow         *self,
                              GraftWindowContinue  next,
                              gpointer             data,
                              GDestroyNotify       data_free)
{
  GtkWidget *dialog;
  GraftWindowPending *pending;
  g_autofree char *name = NULL;
  guint n_changed = 0;

  if (!graft_window_get_modified (self))
    {
      if (next != NULL)
        next (self, data);
      if (data_free != NULL)
        data_free (data);
      return;
    }
  if (self->question != NULL)
    {
      gtk_window_present (self->question);
      if (data_free != NULL)
        data_free (data);
      return;
    }

  {
    g_autoptr(GPtrArray) changed = graft_edit_dup_changed (self->edit);

    n_changed = changed->len;
  }
  name = graft_window_display_name (self->target_path);
  pending = g_new0 (GraftWindowPending, 1);
  pending->next = next;
  pending->data = data;
  pending->data_free = data_free;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  dialog = gtk_message_dialog_new (GTK_WINDOW (self), GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                   GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE,
                                   _("Save changes to “%s”?"), name);
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog),
                                            g_dngettext (GETTEXT_PACKAGE,
                                                         "%u weight was changed. Without saving, "
                                                         "the change is lost.",
                                                         "%u weights were changed. Without "
                                                         "saving, the changes are lost.",
                                                         n_changed),
                                            n_changed);
  gtk_dialog_add_buttons (GTK_DIALOG (dialog),
                          _("_Cancel"), GTK_RESPONSE_CANCEL,
                          _("_Discard"), GTK_RESPONSE_REJECT,
                          _("_Save"), GTK_RESPONSE_ACCEPT,
                          NULL);
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT);
  gtk_widget_add_css_class (gtk_dialog_get_widget_for_response (GTK_DIALOG (dialog),
                                                                GTK_RESPONSE_REJECT),
                            "destructive-action");
  gtk_widget_add_css_class (gtk_dialog_get_widget_for_response (GTK_DIALOG (dialog),
                                                                GTK_RESPONSE_ACCEPT),
                            "suggested-action");
  G_GNUC_END_IGNORE_DEPRECATIONS
  g_signal_connect (dialog, "response", G_CALLBACK (graft_window_question_response_cb), pending);
  self->question = GTK_WINDOW (dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

static gboolean
graft_window_close_request (GtkWindow *window)
{
  GraftWindow *self = GRAFT_WINDOW (window);

  if (self->close_confirmed || !graft_window_get_modified (self))
    return GTK_WINDOW_CLASS (graft_window_parent_class)->close_request (window);
  graft_window_confirm_discard (self, NULL, NULL, NULL);
  return TRUE;
}

/* ---- GObject ------------------------------------------------------------- */

static void
graft_window_dispose (GObject *object)
{
  GraftWindow *self = (GraftWindow *) object;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->scan_cancellable != NULL)
    g_cancellable_cancel (self->scan_cancellable);
  g_clear_handle_id (&self->progress_pulse, g_source_remove);
  g_clear_handle_id (&self->info_timeout, g_source_remove);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);
  self->selected_tree = NULL;

  gtk_widget_dispose_template (GTK_WIDGET (self), GRAFT_TYPE_WINDOW);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->scan_cancellable);
  g_clear_pointer (&self->transferred, g_hash_table_unref);
  g_clear_pointer (&self->edit, graft_edit_unref);
  g_clear_pointer (&self->source, graft_model_unref);
  g_clear_pointer (&self->target, graft_model_unref);
  g_clear_pointer (&self->source_path, g_free);
  g_clear_pointer (&self->target_path, g_free);
  g_clear_pointer (&self->message, g_free);

  G_OBJECT_CLASS (graft_window_parent_class)->dispose (object);
}

static void
graft_window_class_init (GraftWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = graft_window_dispose;
  window_class->close_request = graft_window_close_request;

  g_type_ensure (GRAFT_TYPE_LAYER_TREE);
  g_type_ensure (GRAFT_TYPE_HEATMAP_PANEL);
  g_type_ensure (GRAFT_TYPE_STATS_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/gnome/Graft/ui/graft-window.ui");
  gtk_widget_class_bind_template_child (widget_class, GraftWindow, title_label);
  gtk_widget_class_bind_template_child (widget_class, GraftWindow, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, GraftWindow, info_bar);
  gtk_widget_class_bind_template_child (widget_class, GraftWindow, info_label);
  gtk_widget_class_bind_template_child (widget_class, GraftWindow, progress_revealer);
  gtk_widget_class_bind_template_child (widget_class, GraftWindow, progress_label);
  gtk_widget_class_bind_template_child (widget_class, GraftWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, GraftWindow, source_box);
  gtk_widget_class_bind_template_child (widget_class, GraftWindow, source_tree);
  gtk_widget_class_bind_template_child (widget_class, GraftWindow, target_tree);
  gtk_widget_class_bind_template_child (widget_class, GraftWindow, heatmap_panel);
  gtk_widget_class_bind_template_child (widget_class, GraftWindow, stats_view);
  gtk_widget_class_bind_template_child (widget_class, GraftWindow, hint_label);
  gtk_widget_class_bind_template_child (widget_class, GraftWindow, hint_bar);
  gtk_widget_class_bind_template_child (widget_class, GraftWindow, recent_menu);
  gtk_widget_class_bind_template_child (widget_class, GraftWindow, main_paned);
  gtk_widget_class_bind_template_callback (widget_class, graft_window_info_response_cb);
  gtk_widget_class_bind_template_callback (widget_class, graft_window_selection_cb);
  gtk_widget_class_bind_template_callback (widget_class, graft_window_drop_hint_cb);
  gtk_widget_class_bind_template_callback (widget_class, graft_window_stats_computed_cb);

  graft_window_actions_init (widget_class);
}

static void
graft_window_init (GraftWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->transferred = g_hash_table_new (NULL, NULL);
  graft_layer_tree_set_heading (self->source_tree, _("Source"));
  graft_layer_tree_set_heading (self->target_tree, _("Layers"));
  g_signal_connect_object (graft_heatmap_panel_get_view (self->heatmap_panel), "rendered",
                           G_CALLBACK (graft_window_rendered_cb), self, G_CONNECT_SWAPPED);
  graft_window_dnd_init (self);
  graft_window_update_recent (self);
  g_signal_connect_object (gtk_recent_manager_get_default (), "changed",
                           G_CALLBACK (graft_window_update_recent), self, G_CONNECT_SWAPPED);
  graft_window_drop_hint_cb (self, NULL, self->target_tree);
  graft_window_sync (self);
}

GraftWindow *
graft_window_new (GtkApplication *application)
{
  return g_object_new (GRAFT_TYPE_WINDOW, "application", application, NULL);
}

gboolean
graft_window_get_busy (GraftWindow *self)
{
  g_return_val_if_fail (GRAFT_IS_WINDOW (self), FALSE);

  return self->busy;
}

gboolean
graft_window_get_modified (GraftWindow *self)
{
  g_return_val_if_fail (GRAFT_IS_WINDOW (self), FALSE);

  return self->edit != NULL && graft_edit_is_dirty (self->edit);
}

GraftModel *
graft_window_get_source (GraftWindow *self)
{
  g_return_val_if_fail (GRAFT_IS_WINDOW (self), NULL);

  return self->source;
}

GraftModel *
graft_window_get_target (GraftWindow *self)
{
  g_return_val_if_fail (GRAFT_IS_WINDOW (self), NULL);

  return self->target;
}

GraftEdit *
graft_window_get_edit (GraftWindow *self)
{
  g_return_val_if_fail (GRAFT_IS_WINDOW (self), NULL);

  return self->edit;
}

const char *
graft_window_get_target_path (GraftWindow *self)
{
  g_return_val_if_fail (GRAFT_IS_WINDOW (self), NULL);

  return self->target_path;
}

GraftLayerTree *
graft_window_get_source_tree (GraftWindow *self)
{
  g_return_val_if_fail (GRAFT_IS_WINDOW (self), NULL);

  return self->source_tree;
}

GraftLayerTree *
graft_window_get_target_tree (GraftWindow *self)
{
  g_return_val_if_fail (GRAFT_IS_WINDOW (self), NULL);

  return self->target_tree;
}

GraftHeatmapPanel *
graft_window_get_heatmap_panel (GraftWindow *self)
{
  g_return_val_if_fail (GRAFT_IS_WINDOW (self), NULL);

  return self->heatmap_panel;
}

GraftStatsView *
graft_window_get_stats_view (GraftWindow *self)
{
  g_return_val_if_fail (GRAFT_IS_WINDOW (self), NULL);

  return self->stats_view;
}

/**
 * graft_window_get_question:
 *
 * Returns: (nullable) (transfer none): the unsaved-changes dialog, while
 *   it is open
 */
GtkWindow *
graft_window_get_question (GraftWindow *self)
{
  g_return_val_if_fail (GRAFT_IS_WINDOW (self), NULL);

  return self->question;
}

/**
 * graft_window_get_message:
 *
 * Returns: (nullable): the last error or report shown in the window
 */
const char *
graft_window_get_message (GraftWindow *self)
{
  g_return_val_if_fail (GRAFT_IS_WINDOW (self), NULL);

  return self->message;
}
