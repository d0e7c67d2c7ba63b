/* graft-layer-tree-private.h: what the files of GraftLayerTree share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "graft-layer-tree.h"

G_BEGIN_DECLS

struct _GraftLayerTree
{
  GtkWidget            parent_instance;

  /* Template widgets */
  GtkLabel            *heading_label;
  GtkSearchEntry      *search_entry;
  GtkColumnView       *column_view;
  GtkColumnViewColumn *name_column;
  GtkColumnViewColumn *class_column;
  GtkColumnViewColumn *shape_column;
  GtkColumnViewColumn *dtype_column;
  GtkColumnViewColumn *params_column;
  gboolean             compact;
  gboolean             has_classes;
  gboolean             fitting;       /* the widths being set are ours, not the user's */
  gboolean             names_dirty;   /* rows opened or closed since name_width */
  int                  name_width;    /* the Name column's need over the rows shown */
  GHashTable          *text_widths;   /* "NT" flags + text -> width: a model's texts repeat */
  int                  class_width;   /* the other columns' widths, from their texts */
  int                  shape_width;
  int                  dtype_width;
  int                  params_width;
  GtkDropTarget       *drop_target;
  guint                grow_id;       /* more of the rows are given to the view */

  /* Owned */
  GraftModel          *model;
  GraftLayerItem      *root;
  GtkCustomFilter     *filter;
  GtkTreeListModel    *tree_model;
  GtkSliceListModel   *rows;           /* the tree's first rows, growing to all */
  GtkSingleSelection  *selection;
  GHashTable          *items_by_path;  /* path → GraftLayerItem (borrowed from root) */
  char                *needle;
  char                *drop_why;

  /* Borrowed */
  GtkWidget           *drop_row;
  GraftLayerItem      *drag_item;

  guint                accepts_drops : 1;
};

/* graft-layer-tree.c */
/* A tall screen's rows, which the view is given first. */
#define GRAFT_LAYER_TREE_FIRST_ROWS 64

typedef enum
{
  GRAFT_LAYER_TREE_NAME_CELL,
  GRAFT_LAYER_TREE_CLASS_CELL,
  GRAFT_LAYER_TREE_SHAPE_CELL,
  GRAFT_LAYER_TREE_DTYPE_CELL,
  GRAFT_LAYER_TREE_PARAMS_CELL,
} GraftLayerTreeCell;

GtkListItemFactory *graft_layer_tree_cell_factory_new (GraftLayerTreeCell column);

void            graft_layer_tree_notify_drop_hint (GraftLayerTree *self);
GraftLayerItem *graft_layer_tree_item_at          (GraftLayerTree *self,
                                                   double          x,
                                                   double          y,
                                                   GtkWidget     **row);

/* graft-layer-tree-columns.c: the columns' widths, and the tree's layout */
void            graft_layer_tree_update_columns   (GraftLayerTree *self);
void            graft_layer_tree_rows_changed_cb  (GraftLayerTree *self);
void            graft_layer_tree_fixed_width_cb   (GraftLayerTree      *self,
                                                   GParamSpec          *pspec,
                                                   GtkColumnViewColumn *column);
void            graft_layer_tree_measure          (GtkWidget      *widget,
                                                   GtkOrientation  orientation,
                                                   int             for_size,
                                                   int            *minimum,
                                                   int            *natural,
                                                   int            *minimum_baseline,
                                                   int            *natural_baseline);
void            graft_layer_tree_size_allocate    (GtkWidget      *widget,
                                                   int             width,
                                                   int             height,
                                                   int             baseline);

/* graft-layer-tree-dnd.c: the template's drag and drop callbacks */
void            graft_layer_tree_clear_drop_row   (GraftLayerTree *self);
void            graft_layer_tree_set_drop_hint    (GraftLayerTree *self,
                                                   const char     *hint);
GdkContentProvider *graft_layer_tree_drag_prepare_cb (GraftLayerTree *self,
                                                      double          x,
                                                      double          y,
                                                      GtkDragSource  *source);
void            graft_layer_tree_drag_begin_cb    (GraftLayerTree *self,
                                                   GdkDrag        *drag,
                                                   GtkDragSource  *source);
void            graft_layer_tree_drag_end_cb      (GraftLayerTree *self,
                                                   GdkDrag        *drag,
                                                   gboolean        delete_data,
                                                   GtkDragSource  *source);
GdkDragAction   graft_layer_tree_drop_motion_cb   (GraftLayerTree *self,
                                                   double          x,
                                                   double          y,
                                                   GtkDropTarget  *target);
void            graft_layer_tree_drop_leave_cb    (GraftLayerTree *self,
                                                   GtkDropTarget  *target);
gboolean        graft_layer_tree_drop_cb          (GraftLayerTree *self,
                                                   const GValue   *value,
                                                   double          x,
                                                   double          y,
                                                   GtkDropTarget  *target);

G_END_DECLS
