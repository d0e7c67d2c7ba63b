/* graft-net-model.c: a built net as a checkpoint's model tree, and saving it
 *
 * Where each weight goes follows the Keras paths of FORMATS.md. In Keras 3
 * files an object is a group named after its class in snake_case inside
 * its parent's layer list ("layers/dense_1"), or after the attribute that
 * holds it ("cell", "forward_layer", "query_dense"); its variables are
 * datasets 0, 1, … of its vars/ group. In legacy files a top-level layer
 * is a group named after the layer, and each weight sits at its variable
 * path below it ("conv1/sequential/conv1/kernel"): the layer names from
 * the build scope, which a Sequential model opens and a Functional one
 * does not.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-net-model"

#include "config.h"

#include "graft-net-private.h"

#include <string.h>

#include "graft-dtype.h"
#include "graft-error.h"
#include "graft-convert.h"
#include "graft-keras.h"
#include "graft-keras-class.h"
#include "graft-keras-save.h"
#include "graft-model-private.h"
#include "graft-net-graph-private.h"
#include "graft-tensor.h"

static gboolean
graft_net_model_is_input (GraftNode *node)
{
  return node->klass == graft_layer_class_get (GRAFT_LAYER_KIND_INPUT);
}

/* model.layers: a Sequential model's list leaves out its InputLayer. */
static gboolean
graft_net_model_is_listed (GraftNet  *net,
                           GraftNode *node)
{
  return !(net->sequential && graft_net_model_is_input (node));
}

static void
graft_net_model_add (GraftModel      *model,
                     GraftLayer      *layer,
                     const char      *leaf,
                     GraftNodeWeight *w,
                     gboolean         frozen)
{
  GraftTensor *tensor = graft_tensor_ref (w->tensor);

  /* A variable Keras keeps in another dtype (Normalization's int32 count)
   * is written in it. */
  if (w->dtype != GRAFT_DTYPE_FLOAT32)
    {
      gsize n = graft_tensor_get_n_elements (tensor);
      g_autofree double *values = g_new (double, MAX (n, 1));
      GraftTensor *converted = graft_tensor_new (w->dtype, w->rank, w->shape);

      graft_dtype_to_double (GRAFT_DTYPE_FLOAT32, w->data, values, n);
      graft_dtype_from_double (w->dtype, values, graft_tensor_get_data_mutable (converted), n);
      graft_tensor_unref (tensor);
      tensor = converted;
    }
  graft_model_add_weight (model, layer, leaf, NULL, tensor,
                          w->trainable && !frozen ? GRAFT_TRAINABLE_YES : GRAFT_TRAINABLE_NO);
}

static gboolean
graft_net_model_is_frozen (GraftNode *node,
                           gboolean   frozen)
{
  return frozen || !graft_config_get_bool (node->config, "trainable", TRUE);
}

static void graft_net_model_add_net (GraftModel *model,
                                     GraftNet   *net,
                                     GraftLayer *parent,
                                     gboolean    frozen);

/* @node's weights and wrapped layers below @layer, as the readers would
 * build the tree from a file: an RNN's weights in its cell, a
 * MultiHeadAttention's "query/kernel" in its sub-layer "query". */
static void
graft_net_model_add_node (GraftModel *model,
                          GraftNode  *node,
                          GraftLayer *layer,
                          gboolean    frozen)
{
  const GraftKerasClass *klass = graft_keras_class_lookup (node->class_name);
  const char *cell = graft_keras_class_get_cell_name (klass);

  frozen = graft_net_model_is_frozen (node, frozen);
  graft_layer_set_class_name (layer, node->class_name);
  if (node->net != NULL)
    {
      graft_net_model_add_net (model, node->net, layer, frozen);
      return;
    }
  if (cell != NULL && node->weights->len > 0)
    layer = graft_layer_ensure_child (layer, cell);
  for (guint i = 0; i < node->weights->len; i++)
    {
      GraftNodeWeight *w = g_ptr_array_index (node->weights, i);
      const char *slash = strrchr (w->name, '/');
      GraftLayer *owner = layer;

      if (slash != NULL)
        {
          g_autofree char *sub = g_strndup (w->name, slash - w->name);

          owner = graft_layer_ensure_child (layer, sub);
        }
      graft_net_model_add (model, owner, slash != NULL ? slash + 1 : w->name, w, frozen);
    }
  for (guint i = 0; i < node->children->len; i++)
    {
      GraftNode *child = g_ptr_array_index (node->children, i);

      graft_net_model_add_node (model, child, graft_layer_ensure_child (layer, child->name),
                                frozen);
    }
}

static void
graft_net_model_add_net (GraftModel *model,
                         GraftNet   *net,
                         GraftLayer *parent,
                         gboolean    frozen)
{
  for (guint i = 0; i < net->nodes->len; i++)
    {
      GraftNode *node = g_ptr_array_index (net->nodes, i);

      if (graft_net_model_is_listed (net, node))
        graft_net_model_add_node (model, node, graft_layer_ensure_child (parent, node->name),
                                  frozen);
    }
}

/* Drops a spec's weight sources, which point into another checkpoint, and
 * gives every layer the "trainable" and "dtype" keys Keras writes for each
 * layer it saves (and by whose absence a saved config marks the raw
 * operations of a Functional model). */
static void
graft_net_model_tidy_config (JsonNode *node)
{
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        graft_net_model_tidy_config (json_array_get_element (array, i));
    }
  else if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      g_autoptr(GList) members = NULL;

      JsonObject *config = graft_config_get_object (object, "config");
      const char *class_name = graft_config_get_string (object, "class_name", NULL);

      if (class_name != NULL && json_object_has_member (object, "weights"))
        json_object_remove_member (object, "weights");
      if (class_name != NULL && config != NULL && !graft_keras_class_is_model (class_name, object))
        {
          if (!json_object_has_member (config, "trainable"))
            json_object_set_boolean_member (config, "trainable", TRUE);
          if (!json_object_has_member (config, "dtype"))
            json_object_set_string_member (config, "dtype", "float32");
        }
      members = json_object_get_members (object);
      for (GList *l = members; l != NULL; l = l->next)
        graft_net_model_tidy_config (json_object_get_member (object, l->data));
    }
}

static JsonNode *
graft_net_model_shape_node (const GraftShape *shape)
{
  JsonArray *array = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0; i < shape->rank; i++)
    {
      if (shape->dims[i] < 0)
        json_array_add_null_element (array);
      else
        json_array_add_int_element (array, shape->dims[i]);
    }
  json_node_take_array (node, array);
  return node;
}

/* The net's config as it was built: weight sources dropped, every input
 * layer given the shape it was built for. */
static JsonNode *
graft_net_model_dup_config (GraftNet *self)
{
  JsonNode *copy = graft_config_dup (self->config);
  JsonObject *config = json_object_get_object_member (json_node_get_object (copy), "config");
  JsonArray *layers = json_object_get_array_member (config, "layers");
  gboolean has_input = FALSE;

  graft_net_model_tidy_config (copy);
  for (guint i = 0; i < json_array_get_length (layers); i++)
    {
      JsonObject *entry = json_array_get_object_element (layers, i);
      JsonObject *layer_config = json_object_get_object_member (entry, "config");

      if (!g_str_equal (graft_config_get_string (entry, "class_name", ""), "InputLayer"))
        continue;
      has_input = TRUE;
      for (guint k = 0; k < self->inputs->len; k++)
        {
          GraftNetCall *call = &g_array_index (self->calls, GraftNetCall,
                                               g_array_index (self->inputs, guint, k));
          GraftShape *shape = &g_array_index (self->input_shapes, GraftShape, k);

          if (g_str_equal (call->node->name, graft_config_get_string (layer_config, "name", "")))
            {
              json_object_remove_member (layer_config, "batch_input_shape");
              json_object_set_member (layer_config, "batch_shape",
                                      graft_net_model_shape_node (shape));
            }
        }
    }
  if (!has_input && self->sequential && self->input_shapes->len == 1)
    json_object_set_member (config, "build_input_shape",
                            graft_net_model_shape_node (&g_array_index (self->input_shapes,
                                                                        GraftShape, 0)));
  return copy;
}

/**
 * graft_net_dup_model:
 *
 * Describes the net's weights as a checkpoint's model tree, the tree the
 * readers would build from a file of the net: layers named as in the
 * config, every weight sharing the net's tensor (converted to the dtype
 * Keras keeps it in), and a copy of the net's config with its inputs set
 * to the built shapes. The weights have no file locations yet: saving the
 * model places them (graft_convert_save_full()). The net is built first;
 * every weight needs values (graft_net_init_weights() or graft_net_bind()).
 *
 * Returns: (transfer full): the model, or %NULL with
 *   %GRAFT_ERROR_NOT_FOUND naming the weights without values, or
 *   %GRAFT_ERROR_UNSUPPORTED for a net built in code (it has no config)
 */
GraftModel *
graft_net_dup_model (GraftNet  *self,
                     GError   **error)
{
  g_autoptr(GraftModel) model = NULL;
  guint n;

  g_return_val_if_fail (self != NULL, NULL);

  if (self->config == NULL)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED,
                   "model '%s' was built in code and has no config to save", self->name);
      return NULL;
    }
  if (!graft_net_build (self, error))
    return NULL;
  n = graft_net_get_n_weights (self);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *path = NULL;

      if (graft_net_get_weight (self, i, &path) == NULL)
        {
          g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_NOT_FOUND,
                       "model '%s': weight '%s' has no values; initialise or bind the model first",
                       self->name, path);
          return NULL;
        }
    }

  model = graft_model_new (NULL, GRAFT_FORMAT_UNKNOWN);
  graft_model_set_versions (model, GRAFT_KERAS_WRITE_VERSION, GRAFT_KERAS_WRITE_BACKEND);
  graft_model_take_config (model, graft_net_model_dup_config (self));
  graft_layer_set_class_name (graft_model_get_root (model),
                              graft_config_get_string (json_node_get_object (self->config),
                                                       "class_name", NULL));
  graft_net_model_add_net (model, self, graft_model_get_root (model), FALSE);
  graft_model_finish (model);
  return g_steal_pointer (&model);
}

/**
 * graft_net_save:
 * @path: the file to create; it is replaced only once complete
 * @format: %GRAFT_FORMAT_KERAS, %GRAFT_FORMAT_WEIGHTS_H5,
 *   %GRAFT_FORMAT_LEGACY_H5 or %GRAFT_FORMAT_LEGACY_WEIGHTS_H5;
 *   %GRAFT_FORMAT_UNKNOWN picks one from @path's name
 *
 * Writes the net's architecture and weights as a new Keras file, in the
 * layout Keras itself writes, through the same writers as a conversion.
 *
 * Returns: %FALSE with an error naming @path when the format is unknown
 *   or sharded (%GRAFT_ERROR_INVALID, %GRAFT_ERROR_UNSUPPORTED), the net
 *   cannot be described (graft_net_dup_model()) or writing fails
 */
gboolean
graft_net_save (GraftNet     *self,
                const char   *path,
                GraftFormat   format,
                GError      **error)
{
  g_autoptr(GraftModel) model = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (format == GRAFT_FORMAT_UNKNOWN)
    format = graft_format_guess_for_path (path);
  if (format == GRAFT_FORMAT_UNKNOWN)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_INVALID,
                   "%s: name it .keras, .weights.h5 or .h5 to choose a format", path);
      return FALSE;
    }
  if (format == GRAFT_FORMAT_SHARDED || format >= GRAFT_N_FORMATS)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED,
                   "%s: model '%s': cannot write a new %s file", path, self->name,
                   format == GRAFT_FORMAT_SHARDED ? "sharded" : "unknown");
      return FALSE;
    }
  model = graft_net_dup_model (self, error);
  if (model == NULL)
    {
      g_prefix_error (error, "%s: ", path);
      return FALSE;
    }
  return graft_convert_save_full (model, NULL, path, format, GRAFT_SAVE_NONE, 0, error);
}
