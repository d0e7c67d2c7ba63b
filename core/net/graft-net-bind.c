/* graft-net-bind.c: giving a net the weights of a loaded checkpoint
 *
 * Layers match by name, which is what a checkpoint's tree carries in every
 * format (vars/@name in Keras 3 files, layer_names in legacy ones). Inside
 * a layer, weights match by name in Keras order; a scoped name such as
 * "query/kernel" first descends into the sub-layer "query". Cells and other
 * intermediate layers (lstm/lstm_cell/kernel) are searched through.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-net-bind"

#include "config.h"

#include "graft-net-private.h"

#include <string.h>

#include "graft-error.h"
#include "graft-model.h"
#include "graft-net-graph-private.h"
#include "graft-tensor.h"

typedef struct
{
  GraftModel  *model;
  GHashTable  *used;    /* GraftWeight * already bound */
} GraftNetBind;

static gboolean graft_net_bind_net (GraftNet      *net,
                                    GraftNetBind  *bind,
                                    GraftLayer    *scope,
                                    GError       **error);

/* A direct child called @name, else the first one in depth-first order. */
static GraftLayer *
graft_net_bind_find_layer (GraftLayer *scope,
                           const char *name)
{
  guint n = graft_layer_get_n_children (scope);

  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (graft_layer_get_name (graft_layer_get_child (scope, i)), name) == 0)
      return graft_layer_get_child (scope, i);
  for (guint i = 0; i < n; i++)
    {
      GraftLayer *found = graft_net_bind_find_layer (graft_layer_get_child (scope, i), name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The first unbound weight called @leaf in @layer's subtree, own weights first. */
static GraftWeight *
graft_net_bind_find_weight (GraftNetBind *bind,
                            GraftLayer   *layer,
                            const char   *leaf)
{
  for (guint i = 0; i < graft_layer_get_n_weights (layer); i++)
    {
      GraftWeight *w = graft_layer_get_weight (layer, i);
      const char *name = graft_weight_get_name (w);
      gsize len = strlen (leaf);

      /* TF-Keras wrote "kernel:0". */
      if (!g_hash_table_contains (bind->used, w) && strncmp (name, leaf, len) == 0 &&
          (name[len] == '\0' || g_str_equal (name + len, ":0")))
        return w;
    }
  for (guint i = 0; i < graft_layer_get_n_children (layer); i++)
    {
      GraftWeight *w = graft_net_bind_find_weight (bind, graft_layer_get_child (layer, i), leaf);

      if (w != NULL)
        return w;
    }
  return NULL;
}

/* A Keras 3 weights-only file cannot tell which optional variables a layer
 * made (a beta without its gamma when scale=False), so the reader names
 * them by index; Keras loads them by position, and so does this. */
static GraftWeight *
graft_net_bind_find_by_position (GraftNetBind *bind,
                                 GraftLayer   *layer,
                                 guint         position)
{
  g_autofree char *index = g_strdup_printf ("%u", position);
  GraftWeight *w = graft_layer_find_weight (layer, index);

  return w != NULL && !g_hash_table_contains (bind->used, w) ? w : NULL;
}

/* A model spec names where each weight comes from: a weight path or HDF5
 * location, or a list of them to try in order (one per file format). */
static GraftWeight *
graft_net_bind_find_source (GraftNetBind *bind,
                            JsonNode     *source)
{
  if (source == NULL)
    return NULL;
  if (json_node_get_value_type (source) == G_TYPE_STRING)
    return graft_model_find_weight (bind->model, json_node_get_string (source));
  if (JSON_NODE_HOLDS_ARRAY (source))
    {
      JsonArray *array = json_node_get_array (source);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          GraftWeight *w = graft_net_bind_find_source (bind, json_array_get_element (array, i));

          if (w != NULL)
            return w;
        }
    }
  return NULL;
}

static gboolean
graft_net_bind_node (GraftNode     *node,
                     GraftNetBind  *bind,
                     GraftLayer    *scope,
                     GError       **error)
{
  GraftLayer *layer = NULL;

  layer = graft_net_bind_find_layer (scope, node->name);

  if (node->net != NULL && !graft_net_bind_net (node->net, bind, layer != NULL ? layer : scope, error))
    return FALSE;
  for (guint i = 0; i < node->children->len; i++)
    if (!graft_net_bind_node (g_ptr_array_index (node->children, i), bind,
                              layer != NULL ? layer : scope, error))
      return FALSE;

  for (guint i = 0; i < node->weights->len; i++)
    {
      GraftNodeWeight *nw = g_ptr_array_index (node->weights, i);
      GraftWeight *w = NULL;

      if (node->sources != NULL)
        w = graft_net_bind_find_source (bind, json_object_get_member (node->sources, nw->name));
      if (w == NULL && layer != NULL)
        {
          g_auto(GStrv) parts = g_strsplit (nw->name, "/", -1);
          guint n = g_strv_length (parts);
          GraftLayer *sub = layer;

          for (guint p = 0; sub != NULL && p + 1 < n; p++)
            sub = graft_net_bind_find_layer (sub, parts[p]);
          if (sub != NULL)
            w = graft_net_bind_find_weight (bind, sub, parts[n - 1]);
          if (w == NULL && n == 1)
            w = graft_net_bind_find_by_position (bind, layer, i);
        }
      if (w == NULL)
        {
          g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_NOT_FOUND,
                       "layer '%s': no weight '%s' in %s", node->name, nw->name,
                       graft_model_get_filename (bind->model));
          return FALSE;
        }
      g_hash_table_add (bind->used, w);
      /* A quantized weight runs on its real values (the layer quantizes
       * its inputs as Keras does). */
      if (!graft_node_weight_set (node, nw, graft_weight_get_values (w), error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
graft_net_bind_net (GraftNet      *net,
                    GraftNetBind  *bind,
                    GraftLayer    *scope,
                    GError       **error)
{
  for (guint i = 0; i < net->nodes->len; i++)
    if (!graft_net_bind_node (g_ptr_array_index (net->nodes, i), bind, scope, error))
      return FALSE;
  return TRUE;
}

/**
 * graft_net_bind:
 * @model: a loaded checkpoint; its tensors are shared, not copied
 *
 * Builds the net if needed and takes every weight from @model, matching
 * layers by name (or by a model spec's explicit sources).
 *
 * Returns: %FALSE with %GRAFT_ERROR_NOT_FOUND naming the layer and weight
 *   that @model lacks, or %GRAFT_ERROR_SHAPE naming the layer, the weight
 *   and both shapes
 */
gboolean
graft_net_bind (GraftNet    *self,
                GraftModel  *model,
                GError     **error)
{
  GraftNetBind bind = { model, NULL };
  gboolean ok;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (model != NULL, FALSE);

  if (!graft_net_build (self, error))
    return FALSE;
  bind.used = g_hash_table_new (NULL, NULL);
  ok = graft_net_bind_net (self, &bind, graft_model_get_root (model), error);
  g_hash_table_unref (bind.used);
  return ok;
}

/**
 * graft_net_new_from_model:
 *
 * Builds the net that @model's config describes and binds its weights.
 *
 * Returns: (transfer full): a runnable net, or %NULL with an error: a
 *   subclassed model or a layer Graft cannot run is %GRAFT_ERROR_UNSUPPORTED
 */
GraftNet *
graft_net_new_from_model (GraftModel  *model,
                          GError     **error)
{
  JsonNode *config;
  g_autoptr(GraftNet) net = NULL;

  g_return_val_if_fail (model != NULL, NULL);

  config = graft_model_get_config (model);
  if (config == NULL)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED,
                   "%s holds weights only: give a model spec to run it",
                   graft_model_get_filename (model));
      return NULL;
    }
  net = graft_net_new_from_config (config, error);
  if (net == NULL || !graft_net_bind (net, model, error))
    {
      if (error != NULL && *error != NULL)
        g_prefix_error (error, "%s: ", graft_model_get_filename (model));
      return NULL;
    }
  return g_steal_pointer (&net);
}
