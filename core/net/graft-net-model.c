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
#include "graft-keras-save.h"
#include "graft-keras-write-new.h"
#include "graft-model-private.h"
#include "graft-net-graph-private.h"
#include "graft-tensor.h"

typedef struct
{
  GraftModel             *model;
  GraftFormat             format;
  GraftKerasWriteLayout  *layout;
  const char             *weights_root;   /* legacy: "" or "/model_weights" */
} GraftNetModelWalk;

/* Keras's to_snake_case(): "Conv2DTranspose" -> "conv2d_transpose",
 * "ReLU" -> "re_lu". A registered name "package>Class" uses the class. */
static char *
graft_net_model_snake_case (const char *class_name)
{
  const char *sep = strrchr (class_name, '>');
  g_autoptr(GString) word = g_string_new (NULL);
  GString *out = g_string_new (NULL);
  gsize n;

  for (const char *c = sep != NULL ? sep + 1 : class_name; *c; c++)
    if (g_ascii_isalnum (*c) || *c == '_')
      g_string_append_c (word, *c);
  n = word->len;

  /* (.)([A-Z][a-z]+) -> \1_\2, then ([a-z])([A-Z]) -> \1_\2. */
  for (gsize i = 0; i < n; i++)
    {
      char c = word->str[i];

      if (i > 0 && g_ascii_isupper (c) && i + 1 < n && g_ascii_islower (word->str[i + 1]))
        g_string_append_c (out, '_');
      else if (i > 0 && g_ascii_isupper (c) && g_ascii_islower (word->str[i - 1]))
        g_string_append_c (out, '_');
      g_string_append_c (out, g_ascii_tolower (c));
    }
  return g_string_free (out, FALSE);
}

static char *
graft_net_model_join (const char *scope,
                      const char *name)
{
  if (scope == NULL || scope[0] == '\0')
    return g_strdup (name);
  return g_strconcat (scope, "/", name, NULL);
}

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

static const char *
graft_net_model_lookup_pair (const char *const *pairs,
                             const char        *key)
{
  for (guint i = 0; pairs != NULL && pairs[i] != NULL && pairs[i + 1] != NULL; i += 2)
    if (g_str_equal (pairs[i], key))
      return pairs[i + 1];
  return key;
}

static void
graft_net_model_add (GraftNetModelWalk *walk,
                     GraftLayer        *layer,
                     const char        *leaf,
                     const char        *location,
                     GraftNodeWeight   *w,
                     gboolean           frozen)
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
  graft_model_add_weight (walk->model, layer, leaf, location, tensor,
                          w->trainable && !frozen ? GRAFT_TRAINABLE_YES : GRAFT_TRAINABLE_NO);
}

static gboolean
graft_net_model_is_frozen (GraftNode *node,
                           gboolean   frozen)
{
  return frozen || !graft_config_get_bool (node->config, "trainable", TRUE);
}

static void graft_net_model_keras3_net (GraftNetModelWalk *walk,
                                        GraftNet          *net,
                                        const char        *location,
                                        const char        *name,
                                        GraftLayer        *parent,
                                        gboolean           frozen);

/* One object of a Keras 3 file at @location: its vars/ group, its weights
 * (in a cell or in scoped sub-layers), its children. */
static void
graft_net_model_keras3_node (GraftNetModelWalk *walk,
                             GraftNode         *node,
                             const char        *location,
                             GraftLayer        *layer,
                             gboolean           frozen)
{
  const GraftLayerClass *klass = node->klass;
  g_autoptr(GHashTable) counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  frozen = graft_net_model_is_frozen (node, frozen);
  graft_layer_set_class_name (layer, node->class_name);
  graft_layer_set_location (layer, location);
  if (node->net != NULL)
    {
      graft_net_model_keras3_net (walk, node->net, location, node->name, layer, frozen);
      return;
    }
  graft_keras_write_layout_add_object (walk->layout, location, node->name);

  for (guint i = 0; i < node->weights->len; i++)
    {
      GraftNodeWeight *w = g_ptr_array_index (node->weights, i);
      const char *slash = strrchr (w->name, '/');
      g_autofree char *scope = slash != NULL ? g_strndup (w->name, slash - w->name) : NULL;
      g_autofree char *group = NULL;
      g_autofree char *dataset = NULL;
      GraftLayer *owner = layer;
      guint index;

      if (scope != NULL)
        {
          const char *attribute = graft_net_model_lookup_pair (klass->sublayer_attributes, scope);

          group = g_strconcat (location, "/", attribute, NULL);
          owner = graft_layer_ensure_child (layer, scope);
          if (!g_hash_table_contains (counts, scope))
            graft_keras_write_layout_add_object (walk->layout, group, scope);
        }
      else if (klass->cell_name != NULL)
        {
          group = g_strconcat (location, "/cell", NULL);
          owner = graft_layer_ensure_child (layer, klass->cell_name);
          if (!g_hash_table_contains (counts, ""))
            graft_keras_write_layout_add_object (walk->layout, group, klass->cell_name);
        }
      else
        group = g_strdup (location);
      graft_layer_set_location (owner, group);

      index = GPOINTER_TO_UINT (g_hash_table_lookup (counts, scope != NULL ? scope : ""));
      g_hash_table_insert (counts, g_strdup (scope != NULL ? scope : ""),
                           GUINT_TO_POINTER (index + 1));
      dataset = g_strdup_printf ("%s/vars/%u", group, index);
      graft_net_model_add (walk, owner, slash != NULL ? slash + 1 : w->name, dataset, w, frozen);
    }

  for (guint i = 0; i < node->children->len; i++)
    {
      GraftNode *child = g_ptr_array_index (node->children, i);
      const char *attribute = klass->child_attributes != NULL &&
                              i < g_strv_length ((char **) klass->child_attributes)
                              ? klass->child_attributes[i] : child->name;
      g_autofree char *sub = g_strconcat (location, "/", attribute, NULL);

      graft_net_model_keras3_node (walk, child, sub, graft_layer_ensure_child (layer, child->name),
                                   frozen);
    }
}

static void
graft_net_model_keras3_net (GraftNetModelWalk *walk,
                            GraftNet          *net,
                            const char        *location,
                            const char        *name,
                            GraftLayer        *parent,
                            gboolean           frozen)
{
  g_autoptr(GHashTable) counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  graft_keras_write_layout_add_object (walk->layout, location[0] ? location : "/", name);
  for (guint i = 0; i < net->nodes->len; i++)
    {
      GraftNode *node = g_ptr_array_index (net->nodes, i);
      g_autofree char *snake = NULL;
      g_autofree char *key = NULL;
      g_autofree char *sub = NULL;
      guint n;

      if (!graft_net_model_is_listed (net, node))
        continue;
      snake = graft_net_model_snake_case (node->class_name);
      n = GPOINTER_TO_UINT (g_hash_table_lookup (counts, snake));
      key = n == 0 ? g_strdup (snake) : g_strdup_printf ("%s_%u", snake, n);
      g_hash_table_insert (counts, g_strdup (snake), GUINT_TO_POINTER (n + 1));
      sub = g_strconcat (location, "/layers/", key, NULL);
      graft_net_model_keras3_node (walk, node, sub, graft_layer_ensure_child (parent, node->name),
                                   frozen);
    }
}

static void graft_net_model_legacy_net (GraftNetModelWalk *walk,
                                        GraftNet          *net,
                                        const char        *scope,
                                        const char        *group,
                                        GraftLayer        *parent,
                                        gboolean           frozen);

/* The weights of @node, below the top-level layer group @group, at their
 * variable paths in @scope. */
static void
graft_net_model_legacy_node (GraftNetModelWalk *walk,
                             GraftNode         *node,
                             const char        *scope,
                             const char        *group,
                             GraftLayer        *layer,
                             gboolean           frozen)
{
  g_autofree char *own = graft_net_model_join (scope, node->name);

  frozen = graft_net_model_is_frozen (node, frozen);
  graft_layer_set_class_name (layer, node->class_name);
  if (node->net != NULL)
    {
      /* A nested Sequential names its scope; a Functional model's layers
       * were built outside any scope. */
      graft_net_model_legacy_net (walk, node->net, scope, group, layer, frozen);
      return;
    }
  if (node->klass->cell_name != NULL)
    {
      g_autofree char *cell = graft_net_model_join (own, node->klass->cell_name);

      g_free (own);
      own = g_steal_pointer (&cell);
      layer = graft_layer_ensure_child (layer, node->klass->cell_name);
    }
  for (guint i = 0; i < node->weights->len; i++)
    {
      GraftNodeWeight *w = g_ptr_array_index (node->weights, i);
      const char *slash = strrchr (w->name, '/');
      g_autofree char *path = graft_net_model_join (own, w->name);
      g_autofree char *dataset = g_strconcat (group, "/", path, NULL);
      GraftLayer *owner = layer;

      if (slash != NULL)
        {
          g_autofree char *sub = g_strndup (w->name, slash - w->name);

          owner = graft_layer_ensure_child (layer, sub);
        }
      graft_net_model_add (walk, owner, slash != NULL ? slash + 1 : w->name, dataset, w, frozen);
    }
  for (guint i = 0; i < node->children->len; i++)
    {
      GraftNode *child = g_ptr_array_index (node->children, i);

      graft_net_model_legacy_node (walk, child, own, group,
                                   graft_layer_ensure_child (layer, child->name), frozen);
    }
}

static void
graft_net_model_legacy_net (GraftNetModelWalk *walk,
                            GraftNet          *net,
                            const char        *scope,
                            const char        *group,
                            GraftLayer        *parent,
                            gboolean           frozen)
{
  g_autofree char *inner = net->sequential ? graft_net_model_join (scope, net->name)
                                           : g_strdup ("");

  for (guint i = 0; i < net->nodes->len; i++)
    {
      GraftNode *node = g_ptr_array_index (net->nodes, i);
      GraftLayer *layer;
      g_autofree char *top = NULL;

      if (!graft_net_model_is_listed (net, node))
        continue;
      layer = graft_layer_ensure_child (parent, node->name);
      if (group == NULL)
        {
          /* A top-level layer: one entry of layer_names and one group. */
          top = g_strconcat (walk->weights_root, "/", node->name, NULL);
          graft_keras_write_layout_add_layer (walk->layout, node->name);
          graft_layer_set_location (layer, top);
        }
      graft_net_model_legacy_node (walk, node, inner, group != NULL ? group : top, layer, frozen);
    }
}

static void
graft_net_model_strip_sources (JsonNode *node)
{
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        graft_net_model_strip_sources (json_array_get_element (array, i));
    }
  else if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      g_autoptr(GList) members = NULL;

      /* A spec's weight sources point into another checkpoint. */
      if (json_object_has_member (object, "class_name") &&
          json_object_has_member (object, "weights"))
        json_object_remove_member (object, "weights");
      members = json_object_get_members (object);
      for (GList *l = members; l != NULL; l = l->next)
        graft_net_model_strip_sources (json_object_get_member (object, l->data));
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

  graft_net_model_strip_sources (copy);
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
 * @format: the file format whose weight locations the model gets
 *
 * Describes the net's weights as a checkpoint's model tree: layers named
 * as in the config, every weight sharing the net's tensor and located
 * where Keras writes it in @format, and a copy of the net's config (its
 * inputs set to the built shapes). The net is built first; every weight
 * needs values (graft_net_init_weights() or graft_net_bind()).
 *
 * Returns: (transfer full): the model, or %NULL with
 *   %GRAFT_ERROR_NOT_FOUND naming the weights without values,
 *   %GRAFT_ERROR_UNSUPPORTED for a net built in code (it has no config)
 *   or for the sharded format
 */
GraftModel *
graft_net_dup_model (GraftNet     *self,
                     GraftFormat   format,
                     GError      **error)
{
  g_autoptr(GraftKerasWriteLayout) layout = NULL;

  return graft_net_dup_model_with_layout (self, format, &layout, error);
}

/**
 * graft_net_dup_model_with_layout: (skip)
 * @layout: (out) (transfer full): what a fresh file needs beyond the
 *   weights: the Keras 3 objects without weights, the legacy layer list
 *
 * graft_net_dup_model(), for graft_net_save().
 */
GraftModel *
graft_net_dup_model_with_layout (GraftNet                *self,
                                 GraftFormat              format,
                                 GraftKerasWriteLayout  **layout,
                                 GError                 **error)
{
  g_autoptr(GraftModel) model = NULL;
  GraftNetModelWalk walk = { 0 };
  guint n;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (layout != NULL && *layout == NULL, NULL);

  if (format == GRAFT_FORMAT_SHARDED || format == GRAFT_FORMAT_UNKNOWN || format >= GRAFT_N_FORMATS)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED,
                   "model '%s': cannot write a new %s file", self->name,
                   format == GRAFT_FORMAT_SHARDED ? "sharded" : "unknown");
      return NULL;
    }
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

  model = graft_model_new (NULL, format);
  graft_model_set_versions (model, GRAFT_KERAS_WRITE_VERSION, GRAFT_KERAS_WRITE_BACKEND);
  graft_model_take_config (model, graft_net_model_dup_config (self));
  graft_layer_set_class_name (graft_model_get_root (model),
                              graft_config_get_string (json_node_get_object (self->config),
                                                       "class_name", NULL));

  walk.model = model;
  walk.format = format;
  walk.layout = graft_keras_write_layout_new ();
  walk.weights_root = format == GRAFT_FORMAT_LEGACY_H5 ? "/model_weights" : "";
  if (format == GRAFT_FORMAT_LEGACY_H5 || format == GRAFT_FORMAT_LEGACY_WEIGHTS_H5)
    graft_net_model_legacy_net (&walk, self, "", NULL, graft_model_get_root (model), FALSE);
  else
    {
      graft_layer_set_location (graft_model_get_root (model), "/");
      graft_net_model_keras3_net (&walk, self, "", self->name, graft_model_get_root (model), FALSE);
    }
  graft_model_finish (model);
  *layout = walk.layout;
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
 * layout Keras itself writes (see graft_net_dup_model()).
 *
 * Returns: %FALSE with an error naming @path on failure
 */
gboolean
graft_net_save (GraftNet     *self,
                const char   *path,
                GraftFormat   format,
                GError      **error)
{
  g_autoptr(GraftKerasWriteLayout) layout = NULL;
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
  model = graft_net_dup_model_with_layout (self, format, &layout, error);
  if (model == NULL)
    {
      g_prefix_error (error, "%s: ", path);
      return FALSE;
    }
  return graft_keras_write_new (model, layout, path, format, error);
}
