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
#include "graft-window-private.h"

G_DEFINE_FINAL_TYPE (GraftWindow, graft_window, ADW_TYPE_APPLICATION_WINDOW)

char *
graft_window_display_name (const char *path)
{
  return path ? g_path_get_basename (path) : g_strdup (_("Untitled"));
}

/* The folder of @path as a person writes it: ~/models rather than
 * /home/ada/models. */
char *
graft_window_display_folder (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  const char *home = g_get_home_dir ();
  gsize n = strlen (home);

  if (n > 1 && g_str_has_prefix (dir, home) && (dir[n] == '\0' || dir[n] == G_DIR_SEPARATOR))
    return g_strconcat ("~", dir + n, NULL);
  return g_steal_pointer (&dir);
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
  adw_window_title_set_title (self->window_title, title);
  window_title = self->target ? g_strdup_printf ("%s%s — Graft", dirty ? "*" : "", name)
                              : g_strdup ("Graft");
  gtk_window_set_title (GTK_WINDOW (self), window_title);

  if (transfer)
    {
      g_autofree char *source_name = graft_window_display_name (self->source_path);
      g_autofree char *sub = self->examples
                             ? g_strdup_printf (_("Example Models · Transfer from %s"), source_name)
                             : g_strdup_printf (_("Transfer from %s"), source_name);

      adw_window_title_set_subtitle (self->window_title, sub);
    }
  else if (self->target_path != NULL)
    {
      g_autofree char *shown = graft_window_display_folder (self->target_path);

      adw_window_title_set_subtitle (self->window_title, shown);
    }
  else
    adw_window_title_set_subtitle (self->window_title, NULL);
  if (self->target != NULL)
    gtk_stack_set_visible_child_name (self->main_stack, "content");
  /* The welcome and error pages have nothing to save, match or show. */
  gtk_widget_set_visible (GTK_WIDGET (self->side_toggle), self->target != NULL);
  gtk_widget_set_visible (self->save_button, self->target != NULL);
  gtk_widget_set_visible (self->match_button, transfer);

  if (transfer != gtk_widget_get_visible (self->source_box))
    {
      gtk_widget_set_visible (self->source_box, transfer);
      graft_window_layout_update (self);
    }
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
  gtk_widget_set_visible (self->hint_bar, transfer && self->target != NULL);

  /* Saving an unchanged file would only rewrite it. */
  graft_window_action_set_enabled (self, "save", idle && dirty);
  graft_window_action_set_enabled (self, "save-as", idle && self->edit != NULL);
  graft_window_action_set_enabled (self, "undo",
                                 idle && self->edit && graft_edit_can_undo (self->edit));
  graft_window_action_set_enabled (self, "redo",
                                 idle && self->edit && graft_edit_can_redo (self->edit));
  graft_window_action_set_enabled (self, "transfer-weights", idle && transfer);
  graft_window_action_set_enabled (self, "transfer-pairs", idle && transfer);
  graft_window_action_set_enabled (self, "explain-drop", idle && transfer);
  graft_window_action_set_enabled (self, "match", idle && transfer);
  graft_window_action_set_enabled (self, "compare", idle && self->target != NULL);
  graft_window_action_set_enabled (self, "cancel", self->busy);
  graft_window_action_set_enabled (self, "export-npy",
                                 idle && selected && graft_layer_item_get_weight (selected));
  graft_window_action_set_enabled (self, "export-png",
                                 graft_heatmap_view_get_texture (
                                   graft_heatmap_panel_get_view (self->heatmap_panel)) != NULL);
}

static void
graft_window_rendered_cb (GraftWindow *self)
{
  graft_window_action_set_enabled (self, "export-png", TRUE);
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

/* The Info tab: the file of the selected row, and its layer's settings. */
static void
graft_window_show_summary (GraftWindow    *self,
                           GraftLayerItem *item)
{
  GraftModel *model = item ? graft_layer_item_get_model (item) : self->target;
  const char *path = model == self->source ? self->source_path : self->target_path;
  GraftLayer *layer = item ? graft_layer_item_get_layer (item) : NULL;
  GraftWeight *weight = item ? graft_layer_item_get_weight (item) : NULL;

  if (layer == NULL && weight != NULL)
    layer = graft_weight_get_layer (weight);
  if (self->summary_model != model)
    {
      self->summary_model = model;
      graft_summary_view_set_model (self->summary_view, model, path);
    }
  graft_summary_view_set_layer (self->summary_view, layer);
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
                                   graft_layer_get_class_name (layer) ? graft_layer_get_class_name (layer)
                                                                      : _("module"),
                                   children ? g_list_model_get_n_items (children) : 0, params);
      else
        message = g_strdup (_("Select one of these variables to see its values."));
    }
  else if (item == NULL && self->source != NULL)
    message = g_strdup (_("Select a weight to see its values, or drag a layer or weight from "
                          "the source onto the target to copy it."));

  graft_heatmap_panel_set_weight (self->heatmap_panel, weight,
                                  reference ? graft_weight_get_values (reference) : NULL,
                                  item != NULL &&
                                    graft_format_get_framework (graft_model_get_format (
                                      graft_layer_item_get_model (item))) == GRAFT_FRAMEWORK_TORCH,
                                  message);
  graft_stats_view_set_tensor (self->stats_view, weight ? graft_weight_get_values (weight) : NULL);
  graft_spectrum_view_set_weight (self->spectrum_view, item ? graft_layer_item_get_model (item) : NULL,
                                  weight);
  graft_window_show_summary (self, item);
  graft_window_sync (self);
}

/* The statistics follow what the heatmap shows: the Δ view's target −
 * source, a quantized kernel's stored integers or its real values. */
static void
graft_window_difference_shown_cb (GraftWindow       *self,
                                  GraftTensor       *difference,
                                  GraftHeatmapPanel *panel)
{
  GraftLayerItem *item = self->selected_tree
                         ? graft_layer_tree_get_selected_item (self->selected_tree) : NULL;
  GraftWeight *weight = item ? graft_layer_item_get_weight (item) : NULL;

  GraftTensor *shown = graft_heatmap_view_get_tensor (graft_heatmap_panel_get_view (panel));

  if (difference != NULL)
    graft_stats_view_set_difference (self->stats_view, difference);
  else
    graft_stats_view_set_tensor (self->stats_view,
                                 shown ? shown : weight ? graft_weight_get_values (weight) : NULL);
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

void
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

  if (weight != NULL && graft_weight_get_values (weight) == graft_stats_view_get_tensor (view))
    graft_layer_tree_set_nonfinite (self->selected_tree, weight, nonfinite);
}

/* A bar of the Spectrum tab's overview: show that weight. */
static void
graft_window_spectrum_activated_cb (GraftWindow       *self,
                                    const char        *path,
                                    GraftSpectrumView *view)
{
  GraftLayerTree *tree = self->selected_tree ? self->selected_tree : self->target_tree;

  graft_layer_tree_select_path (tree, path);
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

static void
graft_window_size_allocate (GtkWidget *widget,
                            int        width,
                            int        height,
                            int        baseline)
{
  GTK_WIDGET_CLASS (graft_window_parent_class)->size_allocate (widget, width, height, baseline);
  graft_window_layout_allocated (GRAFT_WINDOW (widget), width);
}

static void
graft_window_dispose (GObject *object)
{
  GraftWindow *self = (GraftWindow *) object;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->scan_cancellable != NULL)
    g_cancellable_cancel (self->scan_cancellable);
  g_clear_handle_id (&self->progress_pulse, g_source_remove);
  g_clear_handle_id (&self->opened_idle, g_source_remove);
  graft_window_debug_dispose (self);
  g_clear_handle_id (&self->toast_timeout, g_source_remove);
  g_clear_pointer (&self->toast_action, g_free);
  g_clear_pointer (&self->toast_target, g_variant_unref);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);
  self->selected_tree = NULL;
  /* Closed by the user: whatever was not saved was let go on purpose. */
  graft_window_journal_forget (self);
  g_clear_pointer (&self->pending_journal, graft_journal_free);
  g_clear_pointer (&self->pending_select, g_free);

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
  widget_class->size_allocate = graft_window_size_allocate;

  g_type_ensure (GRAFT_TYPE_LAYER_TREE);
  g_type_ensure (GRAFT_TYPE_HEATMAP_PANEL);
  g_type_ensure (GRAFT_TYPE_STATS_VIEW);
  g_type_ensure (GRAFT_TYPE_SPECTRUM_VIEW);
  g_type_ensure (GRAFT_TYPE_SUMMARY_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/gnome/Graft/ui/graft-window.ui");
  gtk_widget_class_bind_template_child (widget_class, GraftWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, GraftWindow, toast_revealer);
  gtk_widget_class_bind_template_child (widget_class, GraftWindow, toast_label);
  gtk_widget_class_bind_template_child (widget_class, GraftWindow, toast_button);
  gtk_widget_class_bind_template_child (widget_class, GraftWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, GraftWindow, status_page);
  gtk_widget_class_bind_template_child (widget_class, GraftWindow, status_examples_button);
  gtk_widget_class_bind_template_child (widget_class, GraftWindow, status_details);
  gtk_widget_class_bind_template_child (widget_class, GraftWindow, status_details_label);
  gtk_widget_class_bind_template_child (widget_class, GraftWindow, side_pane);
  gtk_widget_class_bind_template_child (widget_class, GraftWindow, content_overlay);
  gtk_widget_class_bind_template_child (widget_class, GraftWindow, side_paned);
  gtk_widget_class_bind_template_child (widget_class, GraftWindow, side_toggle);
  gtk_widget_class_bind_template_child (widget_class, GraftWindow, save_button);
  gtk_widget_class_bind_template_child (widget_class, GraftWindow, match_button);
  gtk_widget_class_bind_template_child (widget_class, GraftWindow, progress_revealer);
  gtk_widget_class_bind_template_child (widget_class, GraftWindow, progress_label);
  gtk_widget_class_bind_template_child (widget_class, GraftWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, GraftWindow, source_box);
  gtk_widget_class_bind_template_child (widget_class, GraftWindow, source_tree);
  gtk_widget_class_bind_template_child (widget_class, GraftWindow, target_tree);
  gtk_widget_class_bind_template_child (widget_class, GraftWindow, heatmap_panel);
  gtk_widget_class_bind_template_child (widget_class, GraftWindow, stats_view);
  gtk_widget_class_bind_template_child (widget_class, GraftWindow, spectrum_view);
  gtk_widget_class_bind_template_child (widget_class, GraftWindow, summary_view);
  gtk_widget_class_bind_template_child (widget_class, GraftWindow, side_stack);
  gtk_widget_class_bind_template_child (widget_class, GraftWindow, hint_label);
  gtk_widget_class_bind_template_child (widget_class, GraftWindow, hint_bar);
  gtk_widget_class_bind_template_child (widget_class, GraftWindow, recent_menu);
  gtk_widget_class_bind_template_child (widget_class, GraftWindow, main_paned);
  gtk_widget_class_bind_template_callback (widget_class, graft_window_selection_cb);
  gtk_widget_class_bind_template_callback (widget_class, graft_window_toast_dismiss);
  gtk_widget_class_bind_template_callback (widget_class, graft_window_toast_revealed_cb);
  gtk_widget_class_bind_template_callback (widget_class, graft_window_toast_enter_cb);
  gtk_widget_class_bind_template_callback (widget_class, graft_window_toast_leave_cb);
  gtk_widget_class_bind_template_callback (widget_class, graft_window_toast_button_cb);
  gtk_widget_class_bind_template_callback (widget_class, graft_window_drop_hint_cb);
  gtk_widget_class_bind_template_callback (widget_class, graft_window_stats_computed_cb);
  gtk_widget_class_bind_template_callback (widget_class, graft_window_spectrum_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, graft_window_difference_shown_cb);

  graft_window_actions_class_init (widget_class);
}

static void
graft_window_init (GraftWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  graft_window_actions_init (self);

  self->transferred = g_hash_table_new (NULL, NULL);
  graft_layer_tree_set_heading (self->source_tree, _("Source"));
  graft_layer_tree_set_heading (self->target_tree, _("Layers"));
  g_signal_connect_object (graft_heatmap_panel_get_view (self->heatmap_panel), "rendered",
                           G_CALLBACK (graft_window_rendered_cb), self, G_CONNECT_SWAPPED);
  graft_window_dnd_init (self);
  graft_window_recent_update (self);
  g_signal_connect_object (gtk_recent_manager_get_default (), "changed",
                           G_CALLBACK (graft_window_recent_update), self, G_CONNECT_SWAPPED);
  graft_window_drop_hint_cb (self, NULL, self->target_tree);
  graft_window_layout_init (self);
  graft_window_show_welcome (self);
  graft_window_debug_init (self);
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
