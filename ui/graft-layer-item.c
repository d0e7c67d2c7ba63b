/* graft-layer-item.c: a row of the layer tree, wrapping a layer or a weight
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-layer-item"

#include "config.h"

#include "graft-layer-item.h"

#include <glib/gi18n.h>
#include <string.h>

#include "graft-numbers.h"

/* A GObject face for one node of a GraftModel's tree, so that GTK list
 * models can hold it. The item keeps the model alive; the layer or weight
 * it points to is borrowed from that model. */
struct _GraftLayerItem
{
  GObject             parent_instance;

  /* Owned */
  GraftModel         *model;
  GListStore         *children;
  char               *name;
  char               *shape;
  char               *dtype;
  char               *class_label;  /* the class, and how the layer is quantized */
  char               *params;
  char               *tooltip;
  char               *search_key;

  /* Borrowed */
  GraftLayer         *layer;
  GraftWeight        *weight;

  GraftLayerItemKind  kind;
  guint               modified : 1;
  guint               nonfinite : 1;
};

G_DEFINE_FINAL_TYPE (GraftLayerItem, graft_layer_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_PATH,
  PROP_CLASS_NAME,
  PROP_SHAPE,
  PROP_DTYPE,
  PROP_PARAMS,
  PROP_ICON_NAME,
  PROP_TOOLTIP,
  PROP_IS_WEIGHT,
  PROP_MODIFIED,
  PROP_NONFINITE,
  PROP_STATUS_ICON,
  PROP_STATUS_TOOLTIP,
  PROP_STATUS_CLASSES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
graft_layer_item_finalize (GObject *object)
{
  GraftLayerItem *self = (GraftLayerItem *) object;

  g_clear_object (&self->children);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->shape, g_free);
  g_clear_pointer (&self->dtype, g_free);
  g_clear_pointer (&self->class_label, g_free);
  g_clear_pointer (&self->params, g_free);
  g_clear_pointer (&self->tooltip, g_free);
  g_clear_pointer (&self->search_key, g_free);
  g_clear_pointer (&self->model, graft_model_unref);

  G_OBJECT_CLASS (graft_layer_item_parent_class)->finalize (object);
}

const char *
graft_layer_item_get_icon_name (GraftLayerItem *self)
{
  g_return_val_if_fail (GRAFT_IS_LAYER_ITEM (self), NULL);

  switch (self->kind)
    {
    case GRAFT_LAYER_ITEM_WEIGHT:
      return "graft-weight-symbolic";
    case GRAFT_LAYER_ITEM_GROUP:
      return "graft-state-symbolic";
    case GRAFT_LAYER_ITEM_LAYER:
    default:
      return self->children != NULL &&
             g_list_model_get_n_items (G_LIST_MODEL (self->children)) > 0 &&
             graft_layer_get_n_children (self->layer) > 0
             ? "graft-model-symbolic" : "graft-layer-symbolic";
    }
}

/* The row's status mark, in a slot of its own beside the name: a warning
 * for NaN/Inf, which matters more, else a dot for a change. */
static const char *
graft_layer_item_get_status_icon (GraftLayerItem *self)
{
  if (self->nonfinite)
    return "dialog-warning-symbolic";
  return self->modified ? "media-record-symbolic" : NULL;
}

static const char *
graft_layer_item_get_status_tooltip (GraftLayerItem *self)
{
  if (self->nonfinite && self->modified)
    return _("Holds NaN or infinite values; changed since the file was opened or saved");
  if (self->nonfinite)
    return _("Holds NaN or infinite values");
  return self->modified ? _("Changed since the file was opened or saved") : NULL;
}

static GStrv
graft_layer_item_dup_status_classes (GraftLayerItem *self)
{
  const char *name = self->nonfinite ? "graft-status-nonfinite"
                     : self->modified ? "graft-status-modified" : "graft-status-none";
  const char *classes[] = { "graft-status-mark", name, NULL };

  return g_strdupv ((char **) classes);
}

static void
graft_layer_item_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  GraftLayerItem *self = GRAFT_LAYER_ITEM (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case PROP_PATH:
      g_value_set_string (value, graft_layer_item_get_path (self));
      break;

    case PROP_CLASS_NAME:
      g_value_set_string (value, self->kind == GRAFT_LAYER_ITEM_LAYER ? self->class_label : NULL);
      break;

    case PROP_SHAPE:
      g_value_set_string (value, self->shape);
      break;

    case PROP_DTYPE:
      g_value_set_string (value, self->dtype);
      break;

    case PROP_PARAMS:
      g_value_set_string (value, self->params);
      break;

    case PROP_ICON_NAME:
      g_value_set_string (value, graft_layer_item_get_icon_name (self));
      break;

    case PROP_TOOLTIP:
      g_value_set_string (value, self->tooltip);
      break;

    case PROP_IS_WEIGHT:
      g_value_set_boolean (value, self->kind == GRAFT_LAYER_ITEM_WEIGHT);
      break;

    case PROP_MODIFIED:
      g_value_set_boolean (value, self->modified);
      break;

    case PROP_NONFINITE:
      g_value_set_boolean (value, self->nonfinite);
      break;

    case PROP_STATUS_ICON:
      g_value_set_string (value, graft_layer_item_get_status_icon (self));
      break;

    case PROP_STATUS_TOOLTIP:
      g_value_set_string (value, graft_layer_item_get_status_tooltip (self));
      break;

    case PROP_STATUS_CLASSES:
      g_value_take_boxed (value, graft_layer_item_dup_status_classes (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
graft_layer_item_class_init (GraftLayerItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = graft_layer_item_finalize;
  object_class->get_property = graft_layer_item_get_property;

  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CLASS_NAME] =
    g_param_spec_string ("class-name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHAPE] =
    g_param_spec_string ("shape", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_DTYPE] =
    g_param_spec_string ("dtype", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_PARAMS] =
    g_param_spec_string ("params", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ICON_NAME] =
    g_param_spec_string ("icon-name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TOOLTIP] =
    g_param_spec_string ("tooltip", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_IS_WEIGHT] =
    g_param_spec_boolean ("is-weight", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_MODIFIED] =
    g_param_spec_boolean ("modified", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NONFINITE] =
    g_param_spec_boolean ("nonfinite", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATUS_ICON] =
    g_param_spec_string ("status-icon", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATUS_TOOLTIP] =
    g_param_spec_string ("status-tooltip", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATUS_CLASSES] =
    g_param_spec_boxed ("status-classes", NULL, NULL, G_TYPE_STRV,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
graft_layer_item_init (GraftLayerItem *self)
{
}

static GraftLayerItem *
graft_layer_item_new (GraftModel         *model,
                      GraftLayerItemKind  kind)
{
  GraftLayerItem *self = g_object_new (GRAFT_TYPE_LAYER_ITEM, NULL);

  self->model = graft_model_ref (model);
  self->kind = kind;
  return self;
}

static void
graft_layer_item_set_search_key (GraftLayerItem *self,
                                 const char     *path)
{
  g_autofree char *folded = g_utf8_casefold (path, -1);

  self->search_key = g_utf8_normalize (folded, -1, G_NORMALIZE_ALL);
}

static GraftLayerItem *
graft_layer_item_new_weight (GraftModel  *model,
                             GraftWeight *weight)
{
  GraftLayerItem *self = graft_layer_item_new (model, GRAFT_LAYER_ITEM_WEIGHT);
  GraftTensor *tensor = graft_weight_get_tensor (weight);
  GraftTrainable trainable = graft_weight_get_trainable (weight);

  self->weight = weight;
  self->layer = graft_weight_get_layer (weight);
  self->name = g_strdup (graft_weight_get_name (weight));
  self->shape = graft_tensor_format_shape (tensor);
  self->dtype = g_strdup (graft_dtype_get_name (graft_tensor_get_dtype (tensor)));
  self->params = graft_numbers_count (graft_tensor_get_n_elements (tensor));
  self->tooltip = g_strdup_printf ("%s\n%s %s%s%s%s", graft_weight_get_path (weight), self->dtype,
                                   self->shape,
                                   trainable == GRAFT_TRAINABLE_NO ? ", not trainable" : "",
                                   graft_weight_get_quantization (weight) ? "\nquantized: " : "",
                                   graft_weight_get_quantization (weight) ? graft_weight_get_quantization (weight) : "");
  graft_layer_item_set_search_key (self, graft_weight_get_path (weight));
  return self;
}

static GraftLayerItem *
graft_layer_item_new_layer (GraftModel *model,
                            GraftLayer *layer)
{
  GraftLayerItem *self = graft_layer_item_new (model, GRAFT_LAYER_ITEM_LAYER);

  self->layer = layer;
  self->name = g_strdup (graft_layer_get_name (layer));
  self->class_label = g_strdup (graft_layer_get_class_name (layer));
  for (guint i = 0; i < graft_layer_get_n_weights (layer); i++)
    {
      const char *q = graft_weight_get_quantization (graft_layer_get_weight (layer, i));

      if (q != NULL)
        {
          /* "Dense · int8": the mode, the first word of how it is stored. */
          g_autofree char *mode = g_strndup (q, strcspn (q, ", "));

          g_free (self->class_label);
          self->class_label = g_strdup_printf ("%s · %s", graft_layer_get_class_name (layer), mode);
          break;
        }
    }
  self->params = graft_numbers_count (graft_layer_count_params (layer));
  self->tooltip = g_strdup_printf ("%s\n%s", graft_layer_get_path (layer),
                                   graft_layer_get_class_name (layer));
  graft_layer_item_set_search_key (self, graft_layer_get_path (layer));

  self->children = g_list_store_new (GRAFT_TYPE_LAYER_ITEM);
  for (guint i = 0; i < graft_layer_get_n_children (layer); i++)
    {
      g_autoptr(GraftLayerItem) child =
        graft_layer_item_new_layer (model, graft_layer_get_child (layer, i));

      g_list_store_append (self->children, child);
    }
  for (guint i = 0; i < graft_layer_get_n_weights (layer); i++)
    {
      g_autoptr(GraftLayerItem) child =
        graft_layer_item_new_weight (model, graft_layer_get_weight (layer, i));

      g_list_store_append (self->children, child);
    }
  return self;
}

/**
 * graft_layer_item_new_for_model:
 *
 * Builds the items of the whole tree of @model: the root stands for the
 * model's root layer, and its children are the rows at the top of the
 * tree, followed by a group holding the optimizer state when there is any.
 *
 * Returns: (transfer full): the root item
 */
GraftLayerItem *
graft_layer_item_new_for_model (GraftModel *model)
{
  GraftLayerItem *self;
  guint n_extra;

  g_return_val_if_fail (model != NULL, NULL);

  self = graft_layer_item_new_layer (model, graft_model_get_root (model));
  n_extra = graft_model_get_n_extra_weights (model);
  if (n_extra > 0)
    {
      g_autoptr(GraftLayerItem) group = graft_layer_item_new (model, GRAFT_LAYER_ITEM_GROUP);
      guint64 n = 0;

      group->name = g_strdup ("Optimizer");
      group->tooltip = g_strdup ("Optimizer and metric variables saved with the model; "
                                 "they are not model weights");
      group->children = g_list_store_new (GRAFT_TYPE_LAYER_ITEM);
      graft_layer_item_set_search_key (group, "");
      for (guint i = 0; i < n_extra; i++)
        {
          GraftWeight *w = graft_model_get_extra_weight (model, i);
          g_autoptr(GraftLayerItem) child = graft_layer_item_new_weight (model, w);

          g_free (child->name);
          child->name = g_strdup (graft_weight_get_path (w));
          n += graft_tensor_get_n_elements (graft_weight_get_tensor (w));
          g_list_store_append (group->children, child);
        }
      group->params = graft_numbers_count (n);
      g_list_store_append (self->children, group);
    }
  return self;
}

GraftLayerItemKind
graft_layer_item_get_kind (GraftLayerItem *self)
{
  g_return_val_if_fail (GRAFT_IS_LAYER_ITEM (self), GRAFT_LAYER_ITEM_LAYER);

  return self->kind;
}

GraftModel *
graft_layer_item_get_model (GraftLayerItem *self)
{
  g_return_val_if_fail (GRAFT_IS_LAYER_ITEM (self), NULL);

  return self->model;
}

/**
 * graft_layer_item_get_layer:
 *
 * Returns: (nullable): the layer, or the layer of a weight; %NULL for a group
 */
GraftLayer *
graft_layer_item_get_layer (GraftLayerItem *self)
{
  g_return_val_if_fail (GRAFT_IS_LAYER_ITEM (self), NULL);

  return self->kind == GRAFT_LAYER_ITEM_GROUP ? NULL : self->layer;
}

/**
 * graft_layer_item_get_weight:
 *
 * Returns: (nullable): the weight, %NULL unless the item is a weight
 */
GraftWeight *
graft_layer_item_get_weight (GraftLayerItem *self)
{
  g_return_val_if_fail (GRAFT_IS_LAYER_ITEM (self), NULL);

  return self->weight;
}

/**
 * graft_layer_item_get_children:
 *
 * Returns: (nullable) (transfer none): the child items, %NULL for a weight
 */
GListModel *
graft_layer_item_get_children (GraftLayerItem *self)
{
  g_return_val_if_fail (GRAFT_IS_LAYER_ITEM (self), NULL);

  return self->children ? G_LIST_MODEL (self->children) : NULL;
}

const char *
graft_layer_item_get_name (GraftLayerItem *self)
{
  g_return_val_if_fail (GRAFT_IS_LAYER_ITEM (self), NULL);

  return self->name;
}

/**
 * graft_layer_item_get_path:
 *
 * Returns: (nullable): the path of the weight or layer in its model, as the
 *   transfer planner takes it; %NULL for a group
 */
const char *
graft_layer_item_get_path (GraftLayerItem *self)
{
  g_return_val_if_fail (GRAFT_IS_LAYER_ITEM (self), NULL);

  switch (self->kind)
    {
    case GRAFT_LAYER_ITEM_WEIGHT:
      return graft_weight_get_path (self->weight);
    case GRAFT_LAYER_ITEM_LAYER:
      return graft_layer_get_path (self->layer);
    case GRAFT_LAYER_ITEM_GROUP:
    default:
      return NULL;
    }
}

const char *
graft_layer_item_get_shape (GraftLayerItem *self)
{
  g_return_val_if_fail (GRAFT_IS_LAYER_ITEM (self), NULL);

  return self->shape;
}

static void
graft_layer_item_notify_status (GraftLayerItem *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS_ICON]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS_TOOLTIP]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS_CLASSES]);
}

/**
 * graft_layer_item_get_class_label:
 *
 * Returns: (nullable): the Class column's text: a layer's class, and how it
 *   is quantized
 */
const char *
graft_layer_item_get_class_label (GraftLayerItem *self)
{
  g_return_val_if_fail (GRAFT_IS_LAYER_ITEM (self), NULL);

  return self->kind == GRAFT_LAYER_ITEM_LAYER ? self->class_label : NULL;
}

const char *
graft_layer_item_get_dtype (GraftLayerItem *self)
{
  g_return_val_if_fail (GRAFT_IS_LAYER_ITEM (self), NULL);

  return self->dtype;
}

const char *
graft_layer_item_get_params (GraftLayerItem *self)
{
  g_return_val_if_fail (GRAFT_IS_LAYER_ITEM (self), NULL);

  return self->params;
}

gboolean
graft_layer_item_get_modified (GraftLayerItem *self)
{
  g_return_val_if_fail (GRAFT_IS_LAYER_ITEM (self), FALSE);

  return self->modified;
}

void
graft_layer_item_set_modified (GraftLayerItem *self,
                               gboolean        modified)
{
  g_return_if_fail (GRAFT_IS_LAYER_ITEM (self));

  modified = !!modified;
  if (self->modified == modified)
    return;
  self->modified = modified;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODIFIED]);
  graft_layer_item_notify_status (self);
}

gboolean
graft_layer_item_get_nonfinite (GraftLayerItem *self)
{
  g_return_val_if_fail (GRAFT_IS_LAYER_ITEM (self), FALSE);

  return self->nonfinite;
}

void
graft_layer_item_set_nonfinite (GraftLayerItem *self,
                                gboolean        nonfinite)
{
  g_return_if_fail (GRAFT_IS_LAYER_ITEM (self));

  nonfinite = !!nonfinite;
  if (self->nonfinite == nonfinite)
    return;
  self->nonfinite = nonfinite;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NONFINITE]);
  graft_layer_item_notify_status (self);
}

/**
 * graft_layer_item_matches:
 * @needle: casefolded, normalised text
 *
 * Returns: %TRUE when @needle is empty or part of the item's path, or of
 *   the path of any item below it
 */
gboolean
graft_layer_item_matches (GraftLayerItem *self,
                          const char     *needle)
{
  g_return_val_if_fail (GRAFT_IS_LAYER_ITEM (self), FALSE);

  if (needle == NULL || needle[0] == '\0' || strstr (self->search_key, needle) != NULL)
    return TRUE;
  if (self->children == NULL)
    return FALSE;
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->children)); i++)
    {
      g_autoptr(GraftLayerItem) child = g_list_model_get_item (G_LIST_MODEL (self->children), i);

      if (graft_layer_item_matches (child, needle))
        return TRUE;
    }
  return FALSE;
}
