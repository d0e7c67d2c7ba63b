/* graft-layer-item.h: a row of the layer tree, wrapping a layer or a weight
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "graft.h"

G_BEGIN_DECLS

typedef enum
{
  GRAFT_LAYER_ITEM_LAYER,
  GRAFT_LAYER_ITEM_WEIGHT,
  GRAFT_LAYER_ITEM_GROUP,  /* optimizer and training state, apart from the model's weights */
} GraftLayerItemKind;

#define GRAFT_TYPE_LAYER_ITEM (graft_layer_item_get_type ())

G_DECLARE_FINAL_TYPE (GraftLayerItem, graft_layer_item, GRAFT, LAYER_ITEM, GObject)

GraftLayerItem     *graft_layer_item_new_for_model  (GraftModel           *model);
GraftLayerItemKind  graft_layer_item_get_kind       (GraftLayerItem       *self);
GraftModel         *graft_layer_item_get_model      (GraftLayerItem       *self);
GraftLayer         *graft_layer_item_get_layer      (GraftLayerItem       *self);
GraftWeight        *graft_layer_item_get_weight     (GraftLayerItem       *self);
GListModel         *graft_layer_item_get_children   (GraftLayerItem       *self);
const char         *graft_layer_item_get_name       (GraftLayerItem       *self);
const char         *graft_layer_item_get_path       (GraftLayerItem       *self);
const char         *graft_layer_item_get_shape      (GraftLayerItem       *self);
const char         *graft_layer_item_get_class_label (GraftLayerItem       *self);
const char         *graft_layer_item_get_icon_name  (GraftLayerItem       *self);
const char         *graft_layer_item_get_dtype      (GraftLayerItem       *self);
const char         *graft_layer_item_get_params     (GraftLayerItem       *self);
gboolean            graft_layer_item_get_modified   (GraftLayerItem       *self);
void                graft_layer_item_set_modified   (GraftLayerItem       *self,
                                                     gboolean              modified);
gboolean            graft_layer_item_get_nonfinite  (GraftLayerItem       *self);
void                graft_layer_item_set_nonfinite  (GraftLayerItem       *self,
                                                     gboolean              nonfinite);
gboolean            graft_layer_item_matches        (GraftLayerItem       *self,
                                                     const char           *needle);

G_END_DECLS
