/* graft-layer-tree.c: the layers and weights of one checkpoint
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-layer-tree"

#include "config.h"

#include "graft-layer-tree-private.h"

#include <glib/gi18n.h>
#include <string.h>

G_DEFINE_FINAL_TYPE (GraftLayerTree, graft_layer_tree, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SELECTED_ITEM,
  PROP_DROP_HINT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

void
graft_layer_tree_notify_drop_hint (GraftLayerTree *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DROP_HINT]);
}

static gboolean
graft_layer_tree_filter_func (gpointer item,
                              gpointer user_data)
{
  GraftLayerTree *self = user_data;

  return graft_layer_item_matches (GRAFT_LAYER_ITEM (item), self->needle);
}

static GListModel *
graft_layer_tree_create_child_model_cb (gpointer item,
                                        gpointer user_data)
{
  GraftLayerTree *self = user_data;
  GListModel *children = graft_layer_item_get_children (GRAFT_LAYER_ITEM (item));

  if (children == NULL || g_list_model_get_n_items (children) == 0)
    return NULL;
  return G_LIST_MODEL (gtk_filter_list_model_new (g_object_ref (children),
                                                  GTK_FILTER (g_object_ref (self->filter))));
}

static void
graft_layer_tree_selection_changed_cb (GraftLayerTree *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_ITEM]);
}

static void
graft_layer_tree_index_items (GraftLayerTree *self,
                              GraftLayerItem *item)
{
  GListModel *children = graft_layer_item_get_children (item);
  const char *path = graft_layer_item_get_path (item);

  if (path != NULL && item != self->root && !g_hash_table_contains (self->items_by_path, path))
    g_hash_table_insert (self->items_by_path, (gpointer) path, item);
  for (guint i = 0; children != NULL && i < g_list_model_get_n_items (children); i++)
    {
      g_autoptr(GraftLayerItem) child = g_list_model_get_item (children, i);

      graft_layer_tree_index_items (self, child);
    }
}

/* The row widget (CSS node "row") and the item of a widget in the column
 * view. The name cell holds the row's GtkTreeExpander, whatever column the
 * widget is in. */
static GraftLayerItem *
graft_layer_tree_item_of (GraftLayerTree  *self,
                          GtkWidget       *widget,
                          GtkWidget      **row_out)
{
  GtkWidget *row = NULL;

  for (; widget != NULL && widget != GTK_WIDGET (self->column_view);
       widget = gtk_widget_get_parent (widget))
    if (g_strcmp0 (gtk_widget_get_css_name (widget), "row") == 0)
      {
        row = widget;
        break;
      }
  if (row_out != NULL)
    *row_out = row;
  if (row == NULL)
    return NULL;

  for (GtkWidget *cell = gtk_widget_get_first_child (row); cell != NULL;
       cell = gtk_widget_get_next_sibling (cell))
    {
      GtkWidget *child = gtk_widget_get_first_child (cell);

      if (GTK_IS_TREE_EXPANDER (child))
        return gtk_tree_expander_get_item (GTK_TREE_EXPANDER (child));
    }
  return NULL;
}

/* The same for the widget under a point of the column view. */
GraftLayerItem *
graft_layer_tree_item_at (GraftLayerTree  *self,
                          double           x,
                          double           y,
                          GtkWidget      **row_out)
{
  GtkWidget *picked = gtk_widget_pick (GTK_WIDGET (self->column_view), x, y, GTK_PICK_DEFAULT);

  return graft_layer_tree_item_of (self, picked, row_out);
}

static void graft_layer_tree_expand_layers (GraftLayerTree *self);

/* The row's tooltip anywhere on it; the status mark's over the mark (the
 * overlaid image of the name cell). */
static gboolean
graft_layer_tree_query_tooltip_cb (GraftLayerTree *self,
                                   int             x,
                                   int             y,
                                   gboolean        keyboard,
                                   GtkTooltip     *tooltip,
                                   GtkWidget      *column_view)
{
  GtkWidget *picked = gtk_widget_pick (column_view, x, y, GTK_PICK_DEFAULT);
  GtkWidget *row = NULL, *area = NULL;
  GraftLayerItem *item;
  g_autofree char *text = NULL;
  graphene_rect_t bounds;

  if (keyboard)
    return FALSE;
  item = graft_layer_tree_item_of (self, picked, &row);
  if (item == NULL)
    return FALSE;
  if (GTK_IS_IMAGE (picked) && GTK_IS_OVERLAY (gtk_widget_get_parent (picked)) &&
      gtk_overlay_get_child (GTK_OVERLAY (gtk_widget_get_parent (picked))) != picked)
    {
      g_object_get (item, "status-tooltip", &text, NULL);
      area = picked;
    }
  if (text == NULL)
    {
      g_object_get (item, "tooltip", &text, NULL);
      area = row;
    }
  if (text == NULL)
    return FALSE;
  /* Asked again once the pointer leaves what the text is about. */
  if (gtk_widget_compute_bounds (area, column_view, &bounds))
    gtk_tooltip_set_tip_area (tooltip, &(GdkRectangle) { bounds.origin.x, bounds.origin.y,
                                                         bounds.size.width, bounds.size.height });
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
graft_layer_tree_search_changed_cb (GraftLayerTree *self,
                                    GtkSearchEntry *entry)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));
  g_autofree char *folded = g_utf8_casefold (text, -1);

  g_free (self->needle);
  self->needle = g_utf8_normalize (folded, -1, G_NORMALIZE_ALL);
  if (self->tree_model == NULL)
    return;
  /* Rows that reappear open up, so that what matched can be seen. */
  gtk_tree_list_model_set_autoexpand (self->tree_model, self->needle[0] != '\0');
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  if (self->needle[0] == '\0')
    graft_layer_tree_expand_layers (self);
}

static void
graft_layer_tree_stop_search_cb (GraftLayerTree *self,
                                 GtkSearchEntry *entry)
{
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
}

static void
graft_layer_tree_dispose (GObject *object)
{
  GraftLayerTree *self = (GraftLayerTree *) object;
  GtkWidget *child;

  graft_layer_tree_clear_drop_row (self);
  g_clear_handle_id (&self->grow_id, g_source_remove);
  if (self->column_view != NULL)
    gtk_column_view_set_model (self->column_view, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), GRAFT_TYPE_LAYER_TREE);
  /* Children the template did not name are ours to unparent. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  g_clear_object (&self->selection);
  g_clear_object (&self->rows);
  g_clear_object (&self->tree_model);
  g_clear_object (&self->filter);
  g_clear_pointer (&self->items_by_path, g_hash_table_unref);
  g_clear_pointer (&self->text_widths, g_hash_table_unref);
  g_clear_object (&self->root);
  g_clear_pointer (&self->model, graft_model_unref);
  g_clear_pointer (&self->needle, g_free);
  g_clear_pointer (&self->drop_why, g_free);

  G_OBJECT_CLASS (graft_layer_tree_parent_class)->dispose (object);
}

static void
graft_layer_tree_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  GraftLayerTree *self = GRAFT_LAYER_TREE (object);

  switch (prop_id)
    {
    case PROP_SELECTED_ITEM:
      g_value_set_object (value, graft_layer_tree_get_selected_item (self));
      break;

    case PROP_DROP_HINT:
      g_value_set_string (value, self->drop_why);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* Fonts come with the style: measure again once the tree is in a window. */
static void
graft_layer_tree_root (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (graft_layer_tree_parent_class)->root (widget);
  graft_layer_tree_update_columns (GRAFT_LAYER_TREE (widget));
}

static void
graft_layer_tree_class_init (GraftLayerTreeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = graft_layer_tree_dispose;
  object_class->get_property = graft_layer_tree_get_property;
  widget_class->measure = graft_layer_tree_measure;
  widget_class->size_allocate = graft_layer_tree_size_allocate;
  widget_class->root = graft_layer_tree_root;

  properties[PROP_SELECTED_ITEM] =
    g_param_spec_object ("selected-item", NULL, NULL, GRAFT_TYPE_LAYER_ITEM,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_DROP_HINT] =
    g_param_spec_string ("drop-hint", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/gnome/Graft/ui/graft-layer-tree.ui");
  gtk_widget_class_bind_template_child (widget_class, GraftLayerTree, heading_label);
  gtk_widget_class_bind_template_child (widget_class, GraftLayerTree, search_entry);
  gtk_widget_class_bind_template_child (widget_class, GraftLayerTree, column_view);
  gtk_widget_class_bind_template_child (widget_class, GraftLayerTree, name_column);
  gtk_widget_class_bind_template_child (widget_class, GraftLayerTree, class_column);
  gtk_widget_class_bind_template_child (widget_class, GraftLayerTree, shape_column);
  gtk_widget_class_bind_template_child (widget_class, GraftLayerTree, dtype_column);
  gtk_widget_class_bind_template_child (widget_class, GraftLayerTree, params_column);
  gtk_widget_class_bind_template_child (widget_class, GraftLayerTree, drop_target);
  gtk_widget_class_bind_template_callback (widget_class, graft_layer_tree_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, graft_layer_tree_stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, graft_layer_tree_drag_prepare_cb);
  gtk_widget_class_bind_template_callback (widget_class, graft_layer_tree_drag_begin_cb);
  gtk_widget_class_bind_template_callback (widget_class, graft_layer_tree_drag_end_cb);
  gtk_widget_class_bind_template_callback (widget_class, graft_layer_tree_drop_motion_cb);
  gtk_widget_class_bind_template_callback (widget_class, graft_layer_tree_drop_leave_cb);
  gtk_widget_class_bind_template_callback (widget_class, graft_layer_tree_drop_cb);
  gtk_widget_class_bind_template_callback (widget_class, graft_layer_tree_query_tooltip_cb);

  gtk_widget_class_set_css_name (widget_class, "graftlayertree");
}

static void
graft_layer_tree_init (GraftLayerTree *self)
{
  GType types[] = { GRAFT_TYPE_LAYER_ITEM };
  GtkColumnViewColumn *columns[5];

  gtk_widget_init_template (GTK_WIDGET (self));
  columns[0] = self->name_column;
  columns[1] = self->class_column;
  columns[2] = self->shape_column;
  columns[3] = self->dtype_column;
  columns[4] = self->params_column;

  gtk_drop_target_set_gtypes (self->drop_target, types, G_N_ELEMENTS (types));
  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      g_autoptr(GtkListItemFactory) factory = graft_layer_tree_cell_factory_new (i);

      gtk_column_view_column_set_factory (columns[i], factory);
    }
  /* Widths the user drags are kept while the tree fits the others. */
  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    g_signal_connect_object (columns[i], "notify::fixed-width",
                             G_CALLBACK (graft_layer_tree_fixed_width_cb), self,
                             G_CONNECT_SWAPPED);
  self->filter = gtk_custom_filter_new (graft_layer_tree_filter_func, self, NULL);
  self->items_by_path = g_hash_table_new (g_str_hash, g_str_equal);
}

GtkWidget *
graft_layer_tree_new (void)
{
  return g_object_new (GRAFT_TYPE_LAYER_TREE, NULL);
}

/* Opens every layer, so that weights show at once, but not the optimizer
 * state, which is long and rarely what one looks for. */
static void
graft_layer_tree_expand_layers (GraftLayerTree *self)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->tree_model)); i++)
    {
      g_autoptr(GtkTreeListRow) row = gtk_tree_list_model_get_row (self->tree_model, i);
      g_autoptr(GraftLayerItem) item = gtk_tree_list_row_get_item (row);

      if (graft_layer_item_get_kind (item) == GRAFT_LAYER_ITEM_LAYER)
        gtk_tree_list_row_set_expanded (row, TRUE);
    }
}

/* The view is given a screenful of rows first, then twice as many each
 * main-loop turn: it makes the widgets of the rows it is given, up to 200,
 * and measures them all at the next frame, which for a big model was 70 ms
 * and then 95 ms at once on top of the opening's other work. Past the
 * widgets it makes, more rows cost it little, so a tree of 100,000 rows
 * is whole in a dozen turns. Rows come at the end, below what shows, so
 * nothing moves under the pointer. */
static gboolean
graft_layer_tree_grow_cb (gpointer data)
{
  GraftLayerTree *self = data;
  guint size = gtk_slice_list_model_get_size (self->rows);

  if (size >= g_list_model_get_n_items (G_LIST_MODEL (self->tree_model)))
    {
      gtk_slice_list_model_set_size (self->rows, G_MAXUINT);
      self->grow_id = 0;
      return G_SOURCE_REMOVE;
    }
  gtk_slice_list_model_set_size (self->rows, size > G_MAXUINT / 2 ? G_MAXUINT : 2 * size);
  return G_SOURCE_CONTINUE;
}

/* Row @position of the tree, given to the view now if it was still to come. */
static void
graft_layer_tree_ensure_row (GraftLayerTree *self,
                             guint           position)
{
  if (position >= gtk_slice_list_model_get_size (self->rows))
    gtk_slice_list_model_set_size (self->rows, position + GRAFT_LAYER_TREE_FIRST_ROWS);
}

/**
 * graft_layer_tree_select_first_weight:
 *
 * Selects the first weight row, if any.
 */
void
graft_layer_tree_select_first_weight (GraftLayerTree *self)
{
  g_return_if_fail (GRAFT_IS_LAYER_TREE (self));

  if (self->tree_model == NULL)
    return;
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->tree_model)); i++)
    {
      g_autoptr(GtkTreeListRow) row = gtk_tree_list_model_get_row (self->tree_model, i);
      g_autoptr(GraftLayerItem) item = gtk_tree_list_row_get_item (row);

      if (graft_layer_item_get_kind (item) == GRAFT_LAYER_ITEM_WEIGHT)
        {
          graft_layer_tree_ensure_row (self, i);
          gtk_single_selection_set_selected (self->selection, i);
          return;
        }
    }
}

static gboolean
graft_layer_tree_any_class (GraftLayer *layer)
{
  if (graft_layer_get_class_name (layer) != NULL && graft_layer_get_parent (layer) != NULL)
    return TRUE;
  for (guint i = 0; i < graft_layer_get_n_children (layer); i++)
    if (graft_layer_tree_any_class (graft_layer_get_child (layer, i)))
      return TRUE;
  return FALSE;
}

/**
 * graft_layer_tree_set_model:
 * @model: (nullable): the checkpoint to show
 *
 * Shows the tree of @model, opened one level deep.
 */
void
graft_layer_tree_set_model (GraftLayerTree *self,
                            GraftModel     *model)
{
  GtkFilterListModel *roots;

  g_return_if_fail (GRAFT_IS_LAYER_TREE (self));

  if (model == self->model)
    return;

  g_clear_handle_id (&self->grow_id, g_source_remove);
  gtk_column_view_set_model (self->column_view, NULL);
  g_clear_object (&self->selection);
  g_clear_object (&self->rows);
  g_clear_object (&self->tree_model);
  g_hash_table_remove_all (self->items_by_path);
  g_clear_object (&self->root);
  g_clear_pointer (&self->model, graft_model_unref);

  if (model != NULL)
    {
      self->model = graft_model_ref (model);
      self->root = graft_layer_item_new_for_model (model);
      graft_layer_tree_index_items (self, self->root);

      roots = gtk_filter_list_model_new (g_object_ref (graft_layer_item_get_children (self->root)),
                                         GTK_FILTER (g_object_ref (self->filter)));
      self->tree_model = gtk_tree_list_model_new (G_LIST_MODEL (roots), FALSE,
                                                  self->needle != NULL && self->needle[0] != '\0',
                                                  graft_layer_tree_create_child_model_cb,
                                                  self, NULL);
      self->rows = gtk_slice_list_model_new (g_object_ref (G_LIST_MODEL (self->tree_model)), 0,
                                             GRAFT_LAYER_TREE_FIRST_ROWS);
      self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->rows)));
      gtk_single_selection_set_autoselect (self->selection, FALSE);
      gtk_single_selection_set_can_unselect (self->selection, TRUE);
      gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
      g_signal_connect_object (self->selection, "selection-changed",
                               G_CALLBACK (graft_layer_tree_selection_changed_cb), self,
                               G_CONNECT_SWAPPED);
      /* Opened before the view sees the rows: opened after, every layer
       * opened is a change the view lays out its rows again for. */
      graft_layer_tree_expand_layers (self);
      gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
      self->grow_id = g_idle_add (graft_layer_tree_grow_cb, self);
      g_signal_connect_object (self->tree_model, "items-changed",
                               G_CALLBACK (graft_layer_tree_rows_changed_cb), self,
                               G_CONNECT_SWAPPED);
    }
  self->has_classes = model != NULL && graft_layer_tree_any_class (graft_model_get_root (model));
  graft_layer_tree_update_columns (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_ITEM]);
}

GraftModel *
graft_layer_tree_get_model (GraftLayerTree *self)
{
  g_return_val_if_fail (GRAFT_IS_LAYER_TREE (self), NULL);

  return self->model;
}

void
graft_layer_tree_set_heading (GraftLayerTree *self,
                              const char     *heading)
{
  g_return_if_fail (GRAFT_IS_LAYER_TREE (self));

  gtk_label_set_text (self->heading_label, heading);
}

void
graft_layer_tree_set_accepts_drops (GraftLayerTree *self,
                                    gboolean        accepts_drops)
{
  g_return_if_fail (GRAFT_IS_LAYER_TREE (self));

  self->accepts_drops = !!accepts_drops;
}

/**
 * graft_layer_tree_set_compact:
 *
 * Hides the class and dtype columns, for when two trees share the window.
 */
void
graft_layer_tree_set_compact (GraftLayerTree *self,
                              gboolean        compact)
{
  g_return_if_fail (GRAFT_IS_LAYER_TREE (self));

  self->compact = compact;
  graft_layer_tree_update_columns (self);
}

/**
 * graft_layer_tree_get_rows:
 *
 * Returns: (transfer none) (nullable): the visible rows, #GtkTreeListRow
 *   items holding #GraftLayerItem
 */
GListModel *
graft_layer_tree_get_rows (GraftLayerTree *self)
{
  g_return_val_if_fail (GRAFT_IS_LAYER_TREE (self), NULL);

  return self->tree_model ? G_LIST_MODEL (self->tree_model) : NULL;
}

/**
 * graft_layer_tree_get_selected_item:
 *
 * Returns: (transfer none) (nullable): the selected row's item
 */
GraftLayerItem *
graft_layer_tree_get_selected_item (GraftLayerTree *self)
{
  GtkTreeListRow *row;
  GraftLayerItem *item;

  g_return_val_if_fail (GRAFT_IS_LAYER_TREE (self), NULL);

  if (self->selection == NULL)
    return NULL;
  row = gtk_single_selection_get_selected_item (self->selection);
  if (row == NULL)
    return NULL;
  item = gtk_tree_list_row_get_item (row);
  /* The row keeps its own reference for as long as it is selected. */
  g_object_unref (item);
  return item;
}

void
graft_layer_tree_unselect (GraftLayerTree *self)
{
  g_return_if_fail (GRAFT_IS_LAYER_TREE (self));

  if (self->selection != NULL)
    gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
}

/**
 * graft_layer_tree_find_item:
 *
 * Returns: (transfer none) (nullable): the item of a layer or weight path
 */
GraftLayerItem *
graft_layer_tree_find_item (GraftLayerTree *self,
                            const char     *path)
{
  g_return_val_if_fail (GRAFT_IS_LAYER_TREE (self), NULL);

  return g_hash_table_lookup (self->items_by_path, path);
}

/**
 * graft_layer_tree_select_path:
 *
 * Selects the row of a layer or weight path, opening its parents, and
 * scrolls it into view.
 *
 * Returns: %TRUE when the path is in the tree and passes the filter
 */
gboolean
graft_layer_tree_select_path (GraftLayerTree *self,
                              const char     *path)
{
  g_autofree char *prefix = NULL;

  g_return_val_if_fail (GRAFT_IS_LAYER_TREE (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (self->tree_model == NULL)
    return FALSE;

  prefix = g_strconcat (path, "/", NULL);
  /* Rows of opened parents appear right after them, so one pass suffices. */
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->tree_model)); i++)
    {
      g_autoptr(GtkTreeListRow) row = gtk_tree_list_model_get_row (self->tree_model, i);
      g_autoptr(GraftLayerItem) item = gtk_tree_list_row_get_item (row);
      const char *item_path = graft_layer_item_get_path (item);
      g_autofree char *item_prefix = NULL;

      if (item_path == NULL)
        continue;
      if (strcmp (item_path, path) == 0)
        {
          graft_layer_tree_ensure_row (self, i);
          gtk_single_selection_set_selected (self->selection, i);
          gtk_widget_activate_action (GTK_WIDGET (self->column_view), "list.scroll-to-item", "u",
                                      i);
          return TRUE;
        }
      item_prefix = g_strconcat (item_path, "/", NULL);
      if (g_str_has_prefix (path, item_prefix))
        gtk_tree_list_row_set_expanded (row, TRUE);
    }
  return FALSE;
}

static gboolean
graft_layer_tree_update_item (GraftLayerItem *item,
                              GraftEdit      *edit)
{
  GListModel *children = graft_layer_item_get_children (item);
  GraftWeight *weight = graft_layer_item_get_weight (item);
  gboolean modified = FALSE;

  if (weight != NULL)
    modified = edit != NULL && graft_edit_weight_is_modified (edit, weight);
  for (guint i = 0; children != NULL && i < g_list_model_get_n_items (children); i++)
    {
      g_autoptr(GraftLayerItem) child = g_list_model_get_item (children, i);

      modified |= graft_layer_tree_update_item (child, edit);
    }
  graft_layer_item_set_modified (item, modified);
  return modified;
}

/**
 * graft_layer_tree_update_modified:
 * @edit: (nullable): the edit session of the tree's model
 *
 * Marks the weights @edit changed since the last save, and their layers.
 */
void
graft_layer_tree_update_modified (GraftLayerTree *self,
                                  GraftEdit      *edit)
{
  g_return_if_fail (GRAFT_IS_LAYER_TREE (self));

  if (self->root != NULL)
    graft_layer_tree_update_item (self->root, edit);
}

void
graft_layer_tree_set_nonfinite (GraftLayerTree *self,
                                GraftWeight    *weight,
                                gboolean        nonfinite)
{
  GraftLayerItem *item;

  g_return_if_fail (GRAFT_IS_LAYER_TREE (self));

  item = g_hash_table_lookup (self->items_by_path, graft_weight_get_path (weight));
  if (item == NULL || graft_layer_item_get_weight (item) != weight)
    return;
  graft_layer_item_set_nonfinite (item, nonfinite);
  /* The layers above show it too, so that a collapsed tree still tells. */
  if (nonfinite)
    for (GraftLayer *layer = graft_weight_get_layer (weight); layer != NULL;
         layer = graft_layer_get_parent (layer))
      {
        GraftLayerItem *parent = g_hash_table_lookup (self->items_by_path,
                                                      graft_layer_get_path (layer));

        if (parent != NULL)
          graft_layer_item_set_nonfinite (parent, TRUE);
      }
}

void
graft_layer_tree_focus_search (GraftLayerTree *self)
{
  g_return_if_fail (GRAFT_IS_LAYER_TREE (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

void
graft_layer_tree_set_search_text (GraftLayerTree *self,
                                  const char     *text)
{
  g_return_if_fail (GRAFT_IS_LAYER_TREE (self));

  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text);
  /* Filter now rather than after the entry's delay. */
  graft_layer_tree_search_changed_cb (self, self->search_entry);
}
