/* graft-layer-tree-cells.c: the widgets of the layer tree's cells
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The cells are made in C rather than from builder templates with
 * property bindings: a big model's tree opens with a couple of hundred
 * rows of five cells each, and a template with its expressions cost four
 * times as much per cell, most of a main-loop turn in all. An item's texts
 * never change; only its status mark does, which the name cell follows for
 * as long as it shows the item.
 */
#define G_LOG_DOMAIN "graft-layer-tree"

#include "config.h"

#include "graft-layer-tree-private.h"

typedef struct
{
  const char *(*text) (GraftLayerItem *item);
  float       xalign;
  const char *css_class;
  gboolean    ellipsize;
} GraftTextCell;

static const GraftTextCell text_cells[] = {
  [GRAFT_LAYER_TREE_CLASS_CELL] = { graft_layer_item_get_class_label, 0, "dim-label", TRUE },
  [GRAFT_LAYER_TREE_SHAPE_CELL] = { graft_layer_item_get_shape, 0, "numeric", FALSE },
  [GRAFT_LAYER_TREE_DTYPE_CELL] = { graft_layer_item_get_dtype, 0, "dim-label", FALSE },
  [GRAFT_LAYER_TREE_PARAMS_CELL] = { graft_layer_item_get_params, 1, "numeric", FALSE },
};

/* The name cell: expander > box > (overlay: icon + status mark), label */
typedef struct
{
  GtkTreeExpander *expander;
  GtkImage        *icon;
  GtkImage        *mark;
  GtkLabel        *label;
  GraftLayerItem  *item;        /* while bound */
  gulong           status_id;
} GraftNameCell;

/* Also when the list item goes while still bound. */
static void
graft_name_cell_free (gpointer data)
{
  GraftNameCell *cell = data;

  if (cell->item != NULL)
    g_clear_signal_handler (&cell->status_id, cell->item);
  g_clear_object (&cell->item);
  g_free (cell);
}

static void
graft_name_cell_show_status (GraftNameCell *cell)
{
  g_autofree char *icon = NULL;
  g_auto(GStrv) classes = NULL;

  g_object_get (cell->item, "status-icon", &icon, "status-classes", &classes, NULL);
  gtk_image_set_from_icon_name (cell->mark, icon);
  gtk_widget_set_css_classes (GTK_WIDGET (cell->mark), (const char **) classes);
}

static void
graft_name_cell_setup_cb (GtkSignalListItemFactory *factory,
                          GtkListItem              *list_item,
                          gpointer                  user_data)
{
  GraftNameCell *cell = g_new0 (GraftNameCell, 1);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *overlay = gtk_overlay_new ();

  cell->expander = GTK_TREE_EXPANDER (gtk_tree_expander_new ());
  cell->icon = GTK_IMAGE (gtk_image_new ());
  gtk_widget_add_css_class (GTK_WIDGET (cell->icon), "dim-label");
  /* The mark of a changed or non-finite weight sits on the icon's corner,
   * so that it takes no width from the columns. */
  cell->mark = GTK_IMAGE (gtk_image_new ());
  gtk_image_set_pixel_size (cell->mark, 9);
  gtk_widget_set_halign (GTK_WIDGET (cell->mark), GTK_ALIGN_END);
  gtk_widget_set_valign (GTK_WIDGET (cell->mark), GTK_ALIGN_END);
  gtk_widget_set_can_target (GTK_WIDGET (cell->mark), TRUE);
  gtk_overlay_set_child (GTK_OVERLAY (overlay), GTK_WIDGET (cell->icon));
  gtk_overlay_add_overlay (GTK_OVERLAY (overlay), GTK_WIDGET (cell->mark));

  cell->label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (cell->label, 0);
  gtk_label_set_ellipsize (cell->label, PANGO_ELLIPSIZE_MIDDLE);
  gtk_widget_set_hexpand (GTK_WIDGET (cell->label), TRUE);

  gtk_box_append (GTK_BOX (box), overlay);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (cell->label));
  gtk_tree_expander_set_child (cell->expander, box);
  gtk_list_item_set_child (list_item, GTK_WIDGET (cell->expander));
  g_object_set_data_full (G_OBJECT (list_item), "graft-name-cell", cell, graft_name_cell_free);
}

static void
graft_name_cell_bind_cb (GtkSignalListItemFactory *factory,
                         GtkListItem              *list_item,
                         gpointer                  user_data)
{
  GraftNameCell *cell = g_object_get_data (G_OBJECT (list_item), "graft-name-cell");
  GtkTreeListRow *row = gtk_list_item_get_item (list_item);

  gtk_tree_expander_set_list_row (cell->expander, row);
  cell->item = gtk_tree_list_row_get_item (row);
  gtk_image_set_from_icon_name (cell->icon, graft_layer_item_get_icon_name (cell->item));
  gtk_label_set_label (cell->label, graft_layer_item_get_name (cell->item));
  graft_name_cell_show_status (cell);
  cell->status_id = g_signal_connect_swapped (cell->item, "notify::status-icon",
                                              G_CALLBACK (graft_name_cell_show_status), cell);
}

static void
graft_name_cell_unbind_cb (GtkSignalListItemFactory *factory,
                           GtkListItem              *list_item,
                           gpointer                  user_data)
{
  GraftNameCell *cell = g_object_get_data (G_OBJECT (list_item), "graft-name-cell");

  g_clear_signal_handler (&cell->status_id, cell->item);
  g_clear_object (&cell->item);
  gtk_tree_expander_set_list_row (cell->expander, NULL);
}

static void
graft_text_cell_setup_cb (GtkSignalListItemFactory *factory,
                          GtkListItem              *list_item,
                          const GraftTextCell      *kind)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), kind->xalign);
  if (kind->ellipsize)
    gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (label, kind->css_class);
  gtk_list_item_set_child (list_item, label);
}

static void
graft_text_cell_bind_cb (GtkSignalListItemFactory *factory,
                         GtkListItem              *list_item,
                         const GraftTextCell      *kind)
{
  GtkTreeListRow *row = gtk_list_item_get_item (list_item);
  g_autoptr(GraftLayerItem) item = gtk_tree_list_row_get_item (row);

  gtk_label_set_label (GTK_LABEL (gtk_list_item_get_child (list_item)), kind->text (item));
}

/* A new factory for the cells of @column. */
GtkListItemFactory *
graft_layer_tree_cell_factory_new (GraftLayerTreeCell column)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  if (column == GRAFT_LAYER_TREE_NAME_CELL)
    {
      g_signal_connect (factory, "setup", G_CALLBACK (graft_name_cell_setup_cb), NULL);
      g_signal_connect (factory, "bind", G_CALLBACK (graft_name_cell_bind_cb), NULL);
      g_signal_connect (factory, "unbind", G_CALLBACK (graft_name_cell_unbind_cb), NULL);
      return factory;
    }
  g_return_val_if_fail (column < G_N_ELEMENTS (text_cells), factory);
  g_signal_connect (factory, "setup", G_CALLBACK (graft_text_cell_setup_cb),
                    (gpointer) &text_cells[column]);
  g_signal_connect (factory, "bind", G_CALLBACK (graft_text_cell_bind_cb),
                    (gpointer) &text_cells[column]);
  return factory;
}
