/* graft-net-node.c: layer instances, their weights, and config reading
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-net-node"

#include "config.h"

#include "graft-net-private.h"

#include <string.h>

#include "graft-dtype.h"
#include "graft-error.h"
#include "graft-limits.h"
#include "graft-tensor.h"

static void
graft_node_weight_free (gpointer data)
{
  GraftNodeWeight *w = data;

  g_free (w->name);
  g_free (w->initializer);
  g_clear_pointer (&w->tensor, graft_tensor_unref);
  g_free (w);
}

/**
 * graft_node_new_for_class:
 * @config: the layer's "config" object
 *
 * Creates a node of the kind called @class_name and parses @config.
 *
 * Returns: (transfer full): the node, or %NULL with %GRAFT_ERROR_UNSUPPORTED
 *   when Graft cannot run that class, or an error from the kind's setup
 */
GraftNode *
graft_node_new_for_class (const char  *class_name,
                          JsonObject  *config,
                          GError     **error)
{
  const GraftLayerClass *klass = graft_layer_class_lookup (class_name);
  g_autoptr(GraftNode) node = NULL;

  g_return_val_if_fail (config != NULL, NULL);

  if (klass == NULL)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED,
                   "layer '%s': class '%s' cannot run in Graft",
                   graft_config_get_string (config, "name", "?"), class_name);
      return NULL;
    }

  node = g_new0 (GraftNode, 1);
  node->klass = klass;
  node->name = g_strdup (graft_config_get_string (config, "name", class_name));
  node->class_name = g_strdup (class_name);
  node->config = json_object_ref (config);
  node->weights = g_ptr_array_new_with_free_func (graft_node_weight_free);
  node->children = g_ptr_array_new_with_free_func ((GDestroyNotify) graft_node_free);
  if (!klass->setup (node, config, error))
    return NULL;
  return g_steal_pointer (&node);
}

/**
 * graft_node_new:
 * @entry: a layer entry of a model config: {"class_name", "config", …}
 *
 * Returns: (transfer full): the node, or %NULL with an error
 */
GraftNode *
graft_node_new (JsonObject  *entry,
                GError     **error)
{
  const char *class_name = graft_config_get_string (entry, "class_name", NULL);
  JsonNode *config = json_object_get_member (entry, "config");
  GraftNode *node;

  if (class_name == NULL || config == NULL || !JSON_NODE_HOLDS_OBJECT (config))
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT,
                   "layer '%s': entry has no class_name or config",
                   graft_config_get_string (entry, "name", "?"));
      return NULL;
    }
  node = graft_node_new_for_class (class_name, json_node_get_object (config), error);
  if (node == NULL)
    return NULL;
  if (json_object_has_member (entry, "name") && graft_config_get_string (entry, "name", NULL))
    {
      g_free (node->name);
      node->name = g_strdup (graft_config_get_string (entry, "name", NULL));
    }
  if (json_object_has_member (entry, "weights") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (entry, "weights")))
    node->sources = json_object_ref (json_object_get_object_member (entry, "weights"));
  return node;
}

void
graft_node_free (GraftNode *node)
{
  if (node == NULL)
    return;
  if (node->klass->clear != NULL)
    node->klass->clear (node);
  g_free (node->priv);
  g_free (node->name);
  g_free (node->class_name);
  g_clear_pointer (&node->config, json_object_unref);
  g_clear_pointer (&node->sources, json_object_unref);
  g_ptr_array_unref (node->weights);
  g_ptr_array_unref (node->children);
  g_clear_pointer (&node->net, graft_net_unref);
  g_free (node);
}

/**
 * graft_node_build:
 *
 * Declares @node's weights for inputs of shapes @in, once. Later calls
 * (a shared layer) only check that nothing changed.
 */
gboolean
graft_node_build (GraftNode        *node,
                  guint             n_in,
                  const GraftShape *in,
                  GError          **error)
{
  if (node->built)
    return TRUE;
  if (node->klass->build != NULL && !node->klass->build (node, n_in, in, error))
    return FALSE;
  node->built = TRUE;
  return TRUE;
}

GraftNodeWeight *
graft_node_add_weight (GraftNode   *node,
                       const char  *name,
                       guint        rank,
                       const gsize *shape,
                       const char  *initializer,
                       gboolean     trainable)
{
  GraftNodeWeight *w = g_new0 (GraftNodeWeight, 1);

  g_assert (rank <= GRAFT_MAX_RANK);
  w->name = g_strdup (name);
  w->rank = rank;
  memcpy (w->shape, shape, rank * sizeof (gsize));
  w->initializer = g_strdup (initializer);
  w->trainable = trainable;
  g_ptr_array_add (node->weights, w);
  return w;
}

GraftNodeWeight *
graft_node_find_weight (GraftNode  *node,
                        const char *name)
{
  for (guint i = 0; i < node->weights->len; i++)
    {
      GraftNodeWeight *w = g_ptr_array_index (node->weights, i);

      if (g_str_equal (w->name, name))
        return w;
    }
  return NULL;
}

/* Returns the weight's values, or NULL when the layer has no such weight
 * (a bias with use_bias=False). Unbound weights are caught before a run. */
const float *
graft_node_get_weight_data (GraftNode  *node,
                            const char *name)
{
  GraftNodeWeight *w = graft_node_find_weight (node, name);

  return w != NULL ? w->data : NULL;
}

/**
 * graft_node_weight_set:
 * @tensor: (transfer none): new values
 *
 * Binds @tensor to @weight. Float32 tensors are used in place; other
 * float types are converted once.
 *
 * Returns: %FALSE with %GRAFT_ERROR_SHAPE naming the layer, the weight and
 *   both shapes when they differ
 */
gboolean
graft_node_weight_set (GraftNode        *node,
                       GraftNodeWeight  *weight,
                       GraftTensor      *tensor,
                       GError          **error)
{
  g_autoptr(GraftTensor) owned = NULL;
  gboolean same = graft_tensor_get_rank (tensor) == weight->rank;
  const void *data;

  for (guint i = 0; same && i < weight->rank; i++)
    same = graft_tensor_get_dim (tensor, i) == weight->shape[i];
  if (!same)
    {
      g_autofree char *got = graft_tensor_format_shape (tensor);
      g_autofree char *want = graft_shape_format (weight->rank, weight->shape);

      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_SHAPE,
                   "layer '%s': %s is %s, expected %s", node->name, weight->name, got, want);
      return FALSE;
    }

  if (graft_tensor_get_dtype (tensor) == GRAFT_DTYPE_FLOAT32)
    owned = graft_tensor_ref (tensor);
  else if (graft_dtype_is_float (graft_tensor_get_dtype (tensor)) ||
           (!graft_dtype_is_float (weight->dtype) &&
            graft_tensor_get_dtype (tensor) != GRAFT_DTYPE_BOOL))
    {
      float *values = graft_tensor_dup_float (tensor, error);

      if (values == NULL)
        return FALSE;
      owned = graft_tensor_new_take (GRAFT_DTYPE_FLOAT32, weight->rank, weight->shape, values);
    }
  else
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED,
                   "layer '%s': %s has dtype %s, expected a float type", node->name,
                   weight->name, graft_dtype_get_name (graft_tensor_get_dtype (tensor)));
      return FALSE;
    }

  data = graft_tensor_get_data (owned, error);
  if (data == NULL)
    return FALSE;
  g_clear_pointer (&weight->tensor, graft_tensor_unref);
  weight->tensor = g_steal_pointer (&owned);
  weight->data = data;
  return TRUE;
}

/* Reads a list like "batch_shape": [null, 28, 28, 1]; null becomes -1. */
gboolean
graft_config_get_shape (JsonObject *config,
                        const char *key,
                        GraftShape *shape)
{
  JsonNode *node = json_object_get_member (config, key);
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return FALSE;
  array = json_node_get_array (node);
  if (json_array_get_length (array) > GRAFT_MAX_RANK)
    return FALSE;
  shape->rank = json_array_get_length (array);
  for (guint i = 0; i < shape->rank; i++)
    {
      JsonNode *dim = json_array_get_element (array, i);

      gint64 v;

      if (JSON_NODE_HOLDS_NULL (dim))
        shape->dims[i] = -1;
      else if (graft_config_node_get_count (dim, &v))
        shape->dims[i] = (gssize) v;
      else
        return FALSE;
    }
  return TRUE;
}

gboolean
graft_config_channels_first (JsonObject *config)
{
  return g_strcmp0 (graft_config_get_string (config, "data_format", NULL), "channels_first") == 0;
}

/**
 * graft_shape_check_size:
 *
 * Refuses a shape whose known dimensions multiply to more float32 values
 * than the memory limit allows (a hostile config can ask for 2^190).
 */
gboolean
graft_shape_check_size (const char        *layer,
                        const char        *what,
                        guint              rank,
                        const gssize      *dims,
                        GError           **error)
{
  guint64 n = 1;
  guint64 max = graft_limits_get_max_alloc () / sizeof (float);

  for (guint i = 0; i < rank; i++)
    {
      if (dims[i] <= 0)
        continue;
      if ((guint64) dims[i] > max / n)
        {
          g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_LIMIT,
                       "layer '%s': %s would need more than the memory limit of %" G_GUINT64_FORMAT
                       " bytes", layer, what, graft_limits_get_max_alloc ());
          return FALSE;
        }
      n *= (guint64) dims[i];
    }
  return TRUE;
}

gsize
graft_shape_n_elements (const GraftShape *shape)
{
  gsize n = 1;

  for (guint i = 0; i < shape->rank; i++)
    n *= (gsize) MAX (shape->dims[i], 0);
  return n;
}

char *
graft_shape_to_string (const GraftShape *shape)
{
  GString *s = g_string_new ("[");

  for (guint i = 0; i < shape->rank; i++)
    {
      if (i > 0)
        g_string_append (s, ", ");
      if (shape->dims[i] < 0)
        g_string_append (s, "None");
      else
        g_string_append_printf (s, "%" G_GSSIZE_FORMAT, shape->dims[i]);
    }
  g_string_append_c (s, ']');
  return g_string_free (s, FALSE);
}

void
graft_shape_from_tensor (GraftShape        *shape,
                         const GraftTensor *tensor)
{
  shape->rank = graft_tensor_get_rank (tensor);
  for (guint i = 0; i < shape->rank; i++)
    shape->dims[i] = (gssize) graft_tensor_get_dim (tensor, i);
}

GraftTensor *
graft_shape_new_tensor (const GraftShape *shape)
{
  gsize dims[GRAFT_MAX_RANK];

  for (guint i = 0; i < shape->rank; i++)
    {
      g_assert (shape->dims[i] >= 0);
      dims[i] = (gsize) shape->dims[i];
    }
  return graft_tensor_new (GRAFT_DTYPE_FLOAT32, shape->rank, dims);
}

gboolean
graft_shape_check_rank (GraftNode        *node,
                        const GraftShape *shape,
                        guint             min_rank,
                        guint             max_rank,
                        GError          **error)
{
  g_autofree char *text = NULL;

  if (shape->rank >= min_rank && shape->rank <= max_rank)
    return TRUE;
  text = graft_shape_to_string (shape);
  if (min_rank == max_rank)
    g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_SHAPE,
                 "layer '%s': input is %s, expected rank %u", node->name, text, min_rank);
  else
    g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_SHAPE,
                 "layer '%s': input is %s, expected rank %u to %u", node->name, text,
                 min_rank, max_rank);
  return FALSE;
}

gboolean
graft_shape_check_known (GraftNode        *node,
                         const GraftShape *shape,
                         guint             axis,
                         GError          **error)
{
  g_autofree char *text = NULL;

  if (axis < shape->rank && shape->dims[axis] >= 0)
    return TRUE;
  text = graft_shape_to_string (shape);
  g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_SHAPE,
               "layer '%s': input is %s, axis %u must be known to build the layer",
               node->name, text, axis);
  return FALSE;
}
