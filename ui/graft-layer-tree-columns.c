/* graft-layer-tree-columns.c: fitting a layer tree's columns to its width
 *
 * Every column but the name's is as wide as its widest text over all the
 * rows, measured with the cells' fonts; the tree lays out its children
 * itself, so that at each width it shows the columns that fit whole and
 * leaves the others out, never cutting one.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-layer-tree"

#include "config.h"

#include "graft-layer-tree-private.h"

/* Horizontal padding of a cell and of a column title (libadwaita's
 * data-table cells: 6 px each side), and a pixel for rounding. */
#define GRAFT_LAYER_TREE_CELL_PADDING 13
/* Where a top-level row's name starts in its cell, and the indent of each
 * level below (libadwaita 1.2: expander, icon and spacing; indent). */
#define GRAFT_LAYER_TREE_NAME_START 42
#define GRAFT_LAYER_TREE_INDENT 20

/* The width of @text as a cell shows it: tabular figures for numbers, and
 * a title's font for a title. */
static int
graft_layer_tree_text_width (GraftLayerTree *self,
                             const char     *text,
                             gboolean        numeric,
                             gboolean        title)
{
  g_autoptr(PangoLayout) layout = NULL;
  PangoAttrList *attrs;
  char *key;
  gpointer known;
  int width = 0;

  if (text == NULL || text[0] == '\0')
    return 0;
  /* The blocks of a big model repeat their names, classes and shapes: each
   * text is laid out once per update of the columns. */
  if (self->text_widths == NULL)
    self->text_widths = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  key = g_strdup_printf ("%d%d%s", !!numeric, !!title, text);
  if (g_hash_table_lookup_extended (self->text_widths, key, NULL, &known))
    {
      g_free (key);
      return GPOINTER_TO_INT (known);
    }
  layout = gtk_widget_create_pango_layout (GTK_WIDGET (self->column_view), text);
  attrs = pango_attr_list_new ();
  if (numeric)
    pango_attr_list_insert (attrs, pango_attr_font_features_new ("tnum=1"));
  if (title)
    {
      /* libadwaita's column titles: bold, 9 pt. */
      pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
      pango_attr_list_insert (attrs, pango_attr_size_new (9 * PANGO_SCALE));
    }
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);
  pango_layout_get_pixel_size (layout, &width, NULL);
  g_hash_table_insert (self->text_widths, key, GINT_TO_POINTER (width));
  return width;
}

static void
graft_layer_tree_measure_items (GraftLayerTree *self,
                                GraftLayerItem *item)
{
  GListModel *children = graft_layer_item_get_children (item);

  if (item != self->root)
    {
      const char *class_label = graft_layer_item_get_class_label (item);
      const char *shape = graft_layer_item_get_shape (item);
      const char *dtype = graft_layer_item_get_dtype (item);
      const char *params = graft_layer_item_get_params (item);

      self->class_width = MAX (self->class_width,
                               graft_layer_tree_text_width (self, class_label, FALSE, FALSE));
      self->shape_width = MAX (self->shape_width,
                               graft_layer_tree_text_width (self, shape, TRUE, FALSE));
      self->dtype_width = MAX (self->dtype_width,
                               graft_layer_tree_text_width (self, dtype, FALSE, FALSE));
      self->params_width = MAX (self->params_width,
                                graft_layer_tree_text_width (self, params, TRUE, FALSE));
    }
  for (guint i = 0; children != NULL && i < g_list_model_get_n_items (children); i++)
    {
      g_autoptr(GraftLayerItem) child = g_list_model_get_item (children, i);

      graft_layer_tree_measure_items (self, child);
    }
}

static int
graft_layer_tree_column_width (GraftLayerTree      *self,
                               GtkColumnViewColumn *column,
                               int                  content)
{
  int title = graft_layer_tree_text_width (self, gtk_column_view_column_get_title (column),
                                           FALSE, TRUE);

  return MAX (content, title) + GRAFT_LAYER_TREE_CELL_PADDING;
}

/* What the Name column needs for the rows shown: the indent of each level,
 * the expander and the icon before the name (libadwaita 1.2's sizes). */
static void
graft_layer_tree_measure_names (GraftLayerTree *self)
{
  GListModel *rows = self->tree_model ? G_LIST_MODEL (self->tree_model) : NULL;
  int width = 0;

  for (guint i = 0; rows != NULL && i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (rows, i);
      g_autoptr(GraftLayerItem) item = gtk_tree_list_row_get_item (row);
      const char *name = graft_layer_item_get_name (item);
      int text = graft_layer_tree_text_width (self, name, FALSE, FALSE);

      width = MAX (width, GRAFT_LAYER_TREE_NAME_START
                          + GRAFT_LAYER_TREE_INDENT * (int) gtk_tree_list_row_get_depth (row)
                          + text);
    }
  self->name_width = MAX (width + GRAFT_LAYER_TREE_CELL_PADDING,
                          graft_layer_tree_column_width (self, self->name_column, 0));
  self->names_dirty = FALSE;
}

/* A width the user gave a column by dragging its edge wins over ours. */
static int
graft_layer_tree_chosen_width (GtkColumnViewColumn *column,
                               int                  measured)
{
  int chosen = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (column), "graft-user-width"));

  return chosen > 0 ? chosen : measured;
}

/* Remembers a width the user chose; ours are set while self->fitting. */
void
graft_layer_tree_fixed_width_cb (GraftLayerTree      *self,
                                 GParamSpec          *pspec,
                                 GtkColumnViewColumn *column)
{
  int width = gtk_column_view_column_get_fixed_width (column);

  if (self->fitting || width <= 0)
    return;
  g_object_set_data (G_OBJECT (column), "graft-user-width", GINT_TO_POINTER (width));
  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

static void
graft_layer_tree_show_column (GraftLayerTree      *self,
                              GtkColumnViewColumn *column,
                              gboolean             visible,
                              int                  width)
{
  self->fitting = TRUE;
  /* A hidden column must have no fixed width, or the view keeps its room
   * empty (GTK 4.8). */
  if (gtk_column_view_column_get_visible (column) != visible)
    gtk_column_view_column_set_visible (column, visible);
  if (gtk_column_view_column_get_fixed_width (column) != (visible ? width : -1))
    gtk_column_view_column_set_fixed_width (column, visible ? width : -1);
  self->fitting = FALSE;
}

/* Fits the columns into @width: the name always, then the shape, the
 * parameters, the class and the dtype while they fit whole (a narrow
 * window keeps names readable before shapes). A column that
 * does not fit is left out rather than cut; the row's tooltip still
 * tells. A weights-only file names no classes: its empty Class column would
 * only take room from the names. */
static void
graft_layer_tree_fit_columns (GraftLayerTree *self,
                              int             width)
{
  int name_w = graft_layer_tree_chosen_width (self->name_column, self->name_width);
  int shape_w = graft_layer_tree_chosen_width (self->shape_column, self->shape_width);
  int params_w = graft_layer_tree_chosen_width (self->params_column, self->params_width);
  int class_w = graft_layer_tree_chosen_width (self->class_column, self->class_width);
  int dtype_w = graft_layer_tree_chosen_width (self->dtype_column, self->dtype_width);
  gboolean shape = name_w + shape_w <= width;
  int used = name_w + (shape ? shape_w : 0);
  gboolean params, show_class, dtype;

  params = shape && used + params_w <= width;
  used += params ? params_w : 0;
  show_class = !self->compact && self->has_classes && used + class_w <= width;
  used += show_class ? class_w : 0;
  dtype = !self->compact && used + dtype_w <= width;

  graft_layer_tree_show_column (self, self->shape_column, shape, shape_w);
  graft_layer_tree_show_column (self, self->params_column, params, params_w);
  graft_layer_tree_show_column (self, self->class_column, show_class, class_w);
  graft_layer_tree_show_column (self, self->dtype_column, dtype, dtype_w);
}

/* Every column but the name's is as wide as its widest text, over all the
 * rows and not only those on screen, so that the widths hold still while
 * scrolling; the name takes the rest. */
void
graft_layer_tree_update_columns (GraftLayerTree *self)
{
  self->class_width = self->shape_width = self->dtype_width = self->params_width = 0;
  /* Measured afresh: the font may have changed since. */
  if (self->text_widths != NULL)
    g_hash_table_remove_all (self->text_widths);
  if (self->root != NULL)
    graft_layer_tree_measure_items (self, self->root);
  self->class_width = graft_layer_tree_column_width (self, self->class_column, self->class_width);
  self->shape_width = graft_layer_tree_column_width (self, self->shape_column, self->shape_width);
  self->dtype_width = graft_layer_tree_column_width (self, self->dtype_column, self->dtype_width);
  self->params_width = graft_layer_tree_column_width (self, self->params_column,
                                                      self->params_width);
  graft_layer_tree_measure_names (self);
  graft_layer_tree_fit_columns (self, gtk_widget_get_width (GTK_WIDGET (self)) > 0
                                      ? gtk_widget_get_width (GTK_WIDGET (self)) : G_MAXINT / 2);
}

/* Rows open and close one by one (opening every layer of a model is one
 * change per layer): measure the names once, when laying out next. */
void
graft_layer_tree_rows_changed_cb (GraftLayerTree *self)
{
  self->names_dirty = TRUE;
  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

/* A vertical box: the heading and search entry, then the list taking the
 * rest. */
void
graft_layer_tree_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  *minimum = *natural = 0;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      int min = 0, nat = 0;

      if (!gtk_widget_should_layout (child))
        continue;
      gtk_widget_measure (child, orientation,
                          orientation == GTK_ORIENTATION_VERTICAL ? for_size : -1,
                          &min, &nat, NULL, NULL);
      if (orientation == GTK_ORIENTATION_VERTICAL)
        {
          *minimum += min;
          *natural += nat;
        }
      else
        {
          *minimum = MAX (*minimum, min);
          *natural = MAX (*natural, nat);
        }
    }
}

void
graft_layer_tree_size_allocate (GtkWidget *widget,
                                int        width,
                                int        height,
                                int        baseline)
{
  GraftLayerTree *self = GRAFT_LAYER_TREE (widget);
  int y = 0;

  if (self->names_dirty)
    graft_layer_tree_measure_names (self);
  graft_layer_tree_fit_columns (self, width);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      int child_height = 0;

      if (!gtk_widget_should_layout (child))
        continue;
      if (gtk_widget_get_next_sibling (child) != NULL)
        gtk_widget_measure (child, GTK_ORIENTATION_VERTICAL, width, NULL, &child_height, NULL,
                            NULL);
      else
        child_height = MAX (0, height - y);
      gtk_widget_allocate (child, width, child_height, -1, gsk_transform_translate (NULL,
                           &GRAPHENE_POINT_INIT (0, y)));
      y += child_height;
    }
}
