/* graft-layer-tree.h: the layers and weights of one checkpoint
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "graft-layer-item.h"

G_BEGIN_DECLS

#define GRAFT_TYPE_LAYER_TREE (graft_layer_tree_get_type ())

G_DECLARE_FINAL_TYPE (GraftLayerTree, graft_layer_tree, GRAFT, LAYER_TREE, GtkWidget)

GtkWidget       *graft_layer_tree_new               (void);
void             graft_layer_tree_set_model         (GraftLayerTree  *self,
                                                     GraftModel      *model);
GraftModel      *graft_layer_tree_get_model         (GraftLayerTree  *self);
void             graft_layer_tree_set_heading       (GraftLayerTree  *self,
                                                     const char      *heading);
void             graft_layer_tree_set_accepts_drops (GraftLayerTree  *self,
                                                     gboolean         accepts_drops);
void             graft_layer_tree_set_compact       (GraftLayerTree  *self,
                                                     gboolean         compact);
GListModel      *graft_layer_tree_get_rows          (GraftLayerTree  *self);
GraftLayerItem  *graft_layer_tree_get_selected_item (GraftLayerTree  *self);
gboolean         graft_layer_tree_select_path       (GraftLayerTree  *self,
                                                     const char      *path);
void             graft_layer_tree_select_first_weight (GraftLayerTree *self);
void             graft_layer_tree_unselect          (GraftLayerTree  *self);
GraftLayerItem  *graft_layer_tree_find_item         (GraftLayerTree  *self,
                                                     const char      *path);
void             graft_layer_tree_update_modified   (GraftLayerTree  *self,
                                                     GraftEdit       *edit);
void             graft_layer_tree_set_nonfinite     (GraftLayerTree  *self,
                                                     GraftWeight     *weight,
                                                     gboolean         nonfinite);
void             graft_layer_tree_focus_search      (GraftLayerTree  *self);
void             graft_layer_tree_set_search_text   (GraftLayerTree  *self,
                                                     const char      *text);
gboolean         graft_layer_tree_check_drop        (GraftLayerTree  *self,
                                                     GraftLayerItem  *source,
                                                     GraftLayerItem  *target,
                                                     char           **why);

G_END_DECLS
