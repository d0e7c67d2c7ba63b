/* graft-net-config.c: nets from Keras model configs, and from code
 *
 * Reads Sequential and Functional configs of both serializations: Keras 3
 * ("inbound_nodes": [{"args": […], "kwargs": {…}}] with __keras_tensor__
 * and keras_history) and Keras 2 ("inbound_nodes": [[["in", 0, 0, {}]]]).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-net-config"

#include "config.h"

#include "graft-net-private.h"

#include <string.h>

#include "graft-error.h"
#include "graft-keras-class.h"
#include "graft-net-graph-private.h"

/* A reference to an output by layer name, resolved once all calls exist. */
typedef struct
{
  guint  call;
  char  *layer;
  guint  node_index;
  guint  tensor_index;
  float  value;
  gboolean constant;
} GraftNetRef;

static void
graft_net_ref_clear (gpointer data)
{
  GraftNetRef *ref = data;

  g_free (ref->layer);
}

/* Collects every layer of @config that Graft cannot run, nested ones too.
 * The root is a model (graft_keras_class_is_model()) and runs as one. */
static void
graft_net_collect_unknown (JsonObject *entry,
                           gboolean    root,
                           GString    *names)
{
  const char *class_name = json_object_get_string_member_with_default (entry, "class_name", "?");
  JsonObject *config = json_object_get_member (entry, "config") != NULL &&
                       JSON_NODE_HOLDS_OBJECT (json_object_get_member (entry, "config"))
                       ? json_object_get_object_member (entry, "config") : NULL;
  JsonNode *layers = config ? json_object_get_member (config, "layers") : NULL;
  JsonNode *inner = config ? json_object_get_member (config, "layer") : NULL;

  if (!root && graft_layer_class_lookup (class_name) == NULL)
    {
      g_string_append_printf (names, "%s'%s' (%s)", names->len ? ", " : "",
                              config ? graft_config_get_string (config, "name", "?") : "?",
                              class_name);
      return;
    }
  if (layers != NULL && JSON_NODE_HOLDS_ARRAY (layers))
    {
      JsonArray *array = json_node_get_array (layers);

      for (guint i = 0; i < json_array_get_length (array); i++)
        if (JSON_NODE_HOLDS_OBJECT (json_array_get_element (array, i)))
          graft_net_collect_unknown (json_array_get_object_element (array, i), FALSE,
                                     names);
    }
  if (inner != NULL && JSON_NODE_HOLDS_OBJECT (inner))
    graft_net_collect_unknown (json_node_get_object (inner), FALSE, names);
}

/* The input shape of a Sequential model without an InputLayer entry. */
static void
graft_net_sequential_input_shape (JsonObject *config,
                                  JsonObject *first_layer,
                                  GraftShape *shape)
{
  shape->rank = 0;
  if (first_layer != NULL &&
      (graft_config_get_shape (first_layer, "batch_shape", shape) ||
       graft_config_get_shape (first_layer, "batch_input_shape", shape)))
    return;
  graft_config_get_shape (config, "build_input_shape", shape);
}

static void
graft_net_input_layer_shape (JsonObject *config,
                             GraftShape *shape)
{
  shape->rank = 0;
  if (!graft_config_get_shape (config, "batch_shape", shape))
    graft_config_get_shape (config, "batch_input_shape", shape);
}

static GraftNet *
graft_net_new_sequential (JsonObject  *config,
                          GError     **error)
{
  g_autoptr(GraftNet) net = graft_net_new (graft_config_get_string (config, "name", "sequential"));
  JsonArray *layers = json_object_get_array_member (config, "layers");
  guint prev = G_MAXUINT;

  for (guint i = 0; i < json_array_get_length (layers); i++)
    {
      JsonObject *entry = json_array_get_object_element (layers, i);
      g_autoptr(GraftNode) node = graft_node_new (entry, error);
      GraftNetArg arg = { 0 };
      GraftShape shape;
      guint call;

      if (node == NULL)
        return NULL;
      if (node->klass == graft_layer_class_get (GRAFT_LAYER_KIND_INPUT))
        {
          graft_net_input_layer_shape (node->config, &shape);
          call = graft_net_append_call (net, node);
          graft_net_append_input (net, call, &shape);
          g_ptr_array_add (net->nodes, g_steal_pointer (&node));
          prev = call;
          continue;
        }
      if (prev == G_MAXUINT)
        {
          JsonObject *input_config = json_object_new ();
          g_autoptr(GraftNode) input = NULL;

          json_object_set_string_member (input_config, "name", "input_layer");
          input = graft_node_new_for_class ("InputLayer", input_config, error);
          json_object_unref (input_config);
          if (input == NULL)
            return NULL;
          graft_net_sequential_input_shape (config, node->config, &shape);
          prev = graft_net_append_call (net, input);
          graft_net_append_input (net, prev, &shape);
          g_ptr_array_add (net->nodes, g_steal_pointer (&input));
        }
      call = graft_net_append_call (net, node);
      arg.call = prev;
      g_array_append_val (g_array_index (net->calls, GraftNetCall, call).args, arg);
      g_ptr_array_add (net->nodes, g_steal_pointer (&node));
      prev = call;
    }

  if (prev == G_MAXUINT)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT, "model '%s' has no layers", net->name);
      return NULL;
    }
  {
    GraftNetArg out = { prev, 0, 0.0f };

    g_array_append_val (net->outputs, out);
  }
  net->sequential = TRUE;
  if (!graft_net_finish (net, error))
    return NULL;
  return g_steal_pointer (&net);
}

static gboolean
graft_net_parse_history (JsonArray   *history,
                         GraftNetRef *ref)
{
  if (json_array_get_length (history) < 3 ||
      json_node_get_value_type (json_array_get_element (history, 0)) != G_TYPE_STRING)
    return FALSE;
  ref->layer = g_strdup (json_array_get_string_element (history, 0));
  ref->node_index = json_array_get_int_element (history, 1);
  ref->tensor_index = json_array_get_int_element (history, 2);
  return TRUE;
}

/* Collects the tensors (and numeric constants) of a Keras 3 call argument
 * in order; a list of tensors (a merge layer's input) is flattened. */
static void
graft_net_collect_args (JsonNode *node,
                        GArray   *refs)
{
  GraftNetRef ref = { 0 };

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        graft_net_collect_args (json_array_get_element (array, i), refs);
    }
  else if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      JsonObject *config;

      if (g_strcmp0 (graft_config_get_string (object, "class_name", NULL), "__keras_tensor__") != 0)
        return;
      config = json_object_get_object_member (object, "config");
      if (config != NULL && json_object_has_member (config, "keras_history") &&
          graft_net_parse_history (json_object_get_array_member (config, "keras_history"), &ref))
        g_array_append_val (refs, ref);
    }
  else if (JSON_NODE_HOLDS_VALUE (node) &&
           (json_node_get_value_type (node) == G_TYPE_DOUBLE ||
            json_node_get_value_type (node) == G_TYPE_INT64))
    {
      ref.constant = TRUE;
      ref.value = (float) json_node_get_double (node);
      g_array_append_val (refs, ref);
    }
}

/* One inbound node, in either serialization, into @refs. */
static gboolean
graft_net_parse_inbound (const char  *layer,
                         JsonNode    *inbound,
                         GArray      *refs,
                         GError     **error)
{
  if (JSON_NODE_HOLDS_OBJECT (inbound))
    {
      JsonObject *object = json_node_get_object (inbound);
      JsonNode *args = json_object_get_member (object, "args");
      JsonNode *kwargs = json_object_get_member (object, "kwargs");

      if (args != NULL)
        graft_net_collect_args (args, refs);
      /* Tensors passed by keyword (MultiHeadAttention's value and key)
       * follow the positional ones, in Keras's argument order. */
      if (kwargs != NULL && JSON_NODE_HOLDS_OBJECT (kwargs))
        {
          static const char *const keys[] = { "value", "key" };

          for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
            {
              JsonNode *member = json_object_get_member (json_node_get_object (kwargs), keys[i]);

              if (member != NULL)
                graft_net_collect_args (member, refs);
            }
        }
      return TRUE;
    }
  if (JSON_NODE_HOLDS_ARRAY (inbound))
    {
      JsonArray *array = json_node_get_array (inbound);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *item = json_array_get_element (array, i);
          GraftNetRef ref = { 0 };

          if (!JSON_NODE_HOLDS_ARRAY (item) || !graft_net_parse_history (json_node_get_array (item), &ref))
            goto bad;
          g_array_append_val (refs, ref);
        }
      return TRUE;
    }
bad:
  g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT,
               "layer '%s': inbound node is neither Keras 2 nor Keras 3 syntax", layer);
  return FALSE;
}

/* input_layers/output_layers: a bare [name, 0, 0] or a list of them. */
static gboolean
graft_net_parse_endpoints (JsonObject  *config,
                           const char  *key,
                           GArray      *refs,
                           GError     **error)
{
  JsonNode *node = json_object_get_member (config, key);
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    goto bad;
  array = json_node_get_array (node);
  if (json_array_get_length (array) > 0 &&
      json_node_get_value_type (json_array_get_element (array, 0)) == G_TYPE_STRING)
    {
      GraftNetRef ref = { 0 };

      if (!graft_net_parse_history (array, &ref))
        goto bad;
      g_array_append_val (refs, ref);
      return TRUE;
    }
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      GraftNetRef ref = { 0 };

      if (!JSON_NODE_HOLDS_ARRAY (item) || !graft_net_parse_history (json_node_get_array (item), &ref))
        goto bad;
      g_array_append_val (refs, ref);
    }
  return TRUE;
bad:
  g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT,
               "model '%s': malformed %s", graft_config_get_string (config, "name", "?"), key);
  return FALSE;
}

/* Finds the call of @ref->layer's @ref->node_index-th use. */
static gboolean
graft_net_resolve (GraftNet     *net,
                   GHashTable   *calls_of,
                   GraftNetRef  *ref,
                   GraftNetArg  *arg,
                   GError      **error)
{
  GArray *calls;

  if (ref->constant)
    {
      arg->call = GRAFT_NET_CONSTANT;
      arg->value = ref->value;
      return TRUE;
    }
  calls = g_hash_table_lookup (calls_of, ref->layer);
  if (calls == NULL || ref->node_index >= calls->len || ref->tensor_index >= GRAFT_NODE_MAX_OUTPUTS)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT,
                   "model '%s': no output %u of call %u of layer '%s'",
                   net->name, ref->tensor_index, ref->node_index, ref->layer);
      return FALSE;
    }
  arg->call = g_array_index (calls, guint, ref->node_index);
  arg->index = ref->tensor_index;
  return TRUE;
}

static GraftNet *
graft_net_new_functional (JsonObject  *config,
                          GError     **error)
{
  g_autoptr(GraftNet) net = graft_net_new (graft_config_get_string (config, "name", "functional"));
  JsonArray *layers = json_object_get_array_member (config, "layers");
  g_autoptr(GHashTable) calls_of = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                          (GDestroyNotify) g_array_unref);
  g_autoptr(GPtrArray) pending = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  g_autoptr(GArray) ends = g_array_new (FALSE, TRUE, sizeof (GraftNetRef));

  g_array_set_clear_func (ends, graft_net_ref_clear);

  /* First every node and call; arguments may name layers listed later. */
  for (guint i = 0; i < json_array_get_length (layers); i++)
    {
      JsonObject *entry = json_array_get_object_element (layers, i);
      g_autoptr(GraftNode) node = graft_node_new (entry, error);
      JsonNode *inbound;
      GArray *calls;

      if (node == NULL)
        return NULL;
      if (g_hash_table_contains (calls_of, node->name))
        {
          g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT,
                       "model '%s': two layers are called '%s'", net->name, node->name);
          return NULL;
        }
      calls = g_array_new (FALSE, FALSE, sizeof (guint));
      g_hash_table_insert (calls_of, node->name, calls);
      inbound = json_object_get_member (entry, "inbound_nodes");

      if (node->klass == graft_layer_class_get (GRAFT_LAYER_KIND_INPUT) ||
          inbound == NULL || !JSON_NODE_HOLDS_ARRAY (inbound) ||
          json_array_get_length (json_node_get_array (inbound)) == 0)
        {
          guint call = graft_net_append_call (net, node);

          g_array_append_val (calls, call);
          g_ptr_array_add (pending, g_array_new (FALSE, TRUE, sizeof (GraftNetRef)));
        }
      else
        {
          JsonArray *nodes = json_node_get_array (inbound);

          for (guint n = 0; n < json_array_get_length (nodes); n++)
            {
              GArray *refs = g_array_new (FALSE, TRUE, sizeof (GraftNetRef));
              guint call;

              g_array_set_clear_func (refs, graft_net_ref_clear);
              g_ptr_array_add (pending, refs);
              if (!graft_net_parse_inbound (node->name, json_array_get_element (nodes, n),
                                            refs, error))
                return NULL;
              call = graft_net_append_call (net, node);
              g_array_append_val (calls, call);
            }
        }
      g_ptr_array_add (net->nodes, g_steal_pointer (&node));
    }

  for (guint c = 0; c < net->calls->len; c++)
    {
      GArray *refs = g_ptr_array_index (pending, c);
      GraftNetCall *call = &g_array_index (net->calls, GraftNetCall, c);

      for (guint r = 0; r < refs->len; r++)
        {
          GraftNetArg arg = { 0 };

          if (!graft_net_resolve (net, calls_of, &g_array_index (refs, GraftNetRef, r), &arg, error))
            return NULL;
          g_array_append_val (call->args, arg);
        }
    }

  if (!graft_net_parse_endpoints (config, "input_layers", ends, error))
    return NULL;
  for (guint i = 0; i < ends->len; i++)
    {
      GraftNetArg arg = { 0 };
      GraftShape shape;
      GraftNetCall *call;

      if (!graft_net_resolve (net, calls_of, &g_array_index (ends, GraftNetRef, i), &arg, error))
        return NULL;
      call = &g_array_index (net->calls, GraftNetCall, arg.call);
      if (call->node->klass != graft_layer_class_get (GRAFT_LAYER_KIND_INPUT))
        {
          g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT,
                       "model '%s': input '%s' is not an InputLayer", net->name, call->node->name);
          return NULL;
        }
      graft_net_input_layer_shape (call->node->config, &shape);
      graft_net_append_input (net, arg.call, &shape);
    }

  g_array_set_size (ends, 0);
  if (!graft_net_parse_endpoints (config, "output_layers", ends, error))
    return NULL;
  for (guint i = 0; i < ends->len; i++)
    {
      GraftNetArg arg = { 0 };

      if (!graft_net_resolve (net, calls_of, &g_array_index (ends, GraftNetRef, i), &arg, error))
        return NULL;
      g_array_append_val (net->outputs, arg);
    }

  if (!graft_net_finish (net, error))
    return NULL;
  return g_steal_pointer (&net);
}

/**
 * graft_net_new_from_layers_config:
 * @config: the "config" object of a Sequential or Functional model
 *
 * Returns: (transfer full): the net, unbuilt, or %NULL with an error
 */
GraftNet *
graft_net_new_from_layers_config (JsonObject  *config,
                                  gboolean     sequential,
                                  GError     **error)
{
  JsonNode *layers = json_object_get_member (config, "layers");

  if (layers == NULL || !JSON_NODE_HOLDS_ARRAY (layers))
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT,
                   "model '%s': config has no layer list", graft_config_get_string (config, "name", "?"));
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (json_node_get_array (layers)); i++)
    if (!JSON_NODE_HOLDS_OBJECT (json_array_get_element (json_node_get_array (layers), i)))
      {
        g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT,
                     "model '%s': layer %u is not an object", graft_config_get_string (config, "name", "?"), i);
        return NULL;
      }
  if (sequential)
    return graft_net_new_sequential (config, error);
  return graft_net_new_functional (config, error);
}

/**
 * graft_net_new_from_config:
 * @config: a model config: {"class_name": "Sequential" | "Functional", "config": {…}}
 *   as in a .keras config.json, a legacy model_config, or a model spec
 *
 * Every layer that cannot run is reported, by name, in one error.
 *
 * Returns: (transfer full): an unbuilt net, or %NULL with an error
 */
GraftNet *
graft_net_new_from_config (JsonNode  *config,
                           GError   **error)
{
  JsonObject *root;
  const char *class_name;
  g_autoptr(GString) unknown = g_string_new (NULL);
  GraftNet *net;

  g_return_val_if_fail (config != NULL, NULL);

  if (!JSON_NODE_HOLDS_OBJECT (config))
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT, "model config is not a JSON object");
      return NULL;
    }
  root = json_node_get_object (config);
  class_name = graft_config_get_string (root, "class_name", NULL);
  if (!graft_keras_class_is_model (class_name, root))
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED,
                   "model class '%s' is subclassed: its architecture is not in the file; "
                   "describe it with a model spec", class_name ? class_name : "?");
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (json_object_get_member (root, "config")))
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT, "model config has no config object");
      return NULL;
    }
  graft_net_collect_unknown (root, TRUE, unknown);
  if (unknown->len > 0)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED,
                   "cannot run layers %s", unknown->str);
      return NULL;
    }
  net = graft_net_new_from_layers_config (json_object_get_object_member (root, "config"),
                                          g_str_equal (class_name, "Sequential"), error);
  if (net != NULL)
    net->config = graft_config_dup (config);
  return net;
}

/**
 * graft_net_add_input:
 * @shape: the input's shape without the batch axis; -1 where unknown
 *
 * Returns: the id of the input tensor, for graft_net_add_layer()
 */
guint
graft_net_add_input (GraftNet     *self,
                     const char   *name,
                     guint         rank,
                     const gssize *shape)
{
  JsonObject *config = json_object_new ();
  GraftShape input = { 0 };
  GraftNode *node;
  guint call;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (rank < GRAFT_MAX_RANK, 0);

  json_object_set_string_member (config, "name", name);
  node = graft_node_new_for_class ("InputLayer", config, NULL);
  json_object_unref (config);
  g_ptr_array_add (self->nodes, node);
  input.rank = rank + 1;
  input.dims[0] = -1;
  for (guint i = 0; i < rank; i++)
    input.dims[i + 1] = shape[i];
  call = graft_net_append_call (self, node);
  graft_net_append_input (self, call, &input);
  self->finished = FALSE;
  return call * GRAFT_NODE_MAX_OUTPUTS;
}

/**
 * graft_net_add_layer:
 * @config_json: (nullable): the layer's Keras config as JSON text
 * @in: ids of the input tensors
 * @out: (out) (optional): the id of the layer's first output; the others follow
 *
 * Adds a layer and calls it on @in. A layer named like an existing one is
 * that layer called again (a shared layer).
 *
 * Returns: %FALSE with @error set when @config_json is not JSON (json-glib's
 *   error) or not an object (%GRAFT_ERROR_INVALID), or the layer cannot be
 *   made from it (the class cannot run, a value is out of range; the
 *   error names the layer)
 */
gboolean
graft_net_add_layer (GraftNet     *self,
                     const char   *class_name,
                     const char   *config_json,
                     guint         n_in,
                     const guint  *in,
                     guint        *out,
                     GError      **error)
{
  g_autoptr(JsonNode) root = NULL;
  GraftNode *node = NULL;
  const char *name;
  guint call;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (class_name != NULL, FALSE);

  root = json_from_string (config_json != NULL ? config_json : "{}", error);
  if (root == NULL)
    return FALSE;
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_INVALID, "layer config is not a JSON object");
      return FALSE;
    }
  name = graft_config_get_string (json_node_get_object (root), "name", NULL);
  if (name != NULL)
    node = graft_net_find_node (self, name);
  if (node == NULL)
    {
      if (name == NULL)
        {
          g_autofree char *auto_name = g_strdup_printf ("%s_%u", class_name, self->nodes->len);

          json_object_set_string_member (json_node_get_object (root), "name", auto_name);
        }
      node = graft_node_new_for_class (class_name, json_node_get_object (root), error);
      if (node == NULL)
        return FALSE;
      g_ptr_array_add (self->nodes, node);
    }

  call = graft_net_append_call (self, node);
  for (guint i = 0; i < n_in; i++)
    {
      GraftNetArg arg = { in[i] / GRAFT_NODE_MAX_OUTPUTS, in[i] % GRAFT_NODE_MAX_OUTPUTS, 0.0f };

      g_return_val_if_fail (arg.call < call, FALSE);
      g_array_append_val (g_array_index (self->calls, GraftNetCall, call).args, arg);
    }
  self->finished = FALSE;
  if (out != NULL)
    *out = call * GRAFT_NODE_MAX_OUTPUTS;
  return TRUE;
}

/**
 * graft_net_set_outputs:
 * @out: ids of the tensors the net returns, in order
 */
void
graft_net_set_outputs (GraftNet    *self,
                       guint        n_out,
                       const guint *out)
{
  g_return_if_fail (self != NULL);

  g_array_set_size (self->outputs, 0);
  for (guint i = 0; i < n_out; i++)
    {
      GraftNetArg arg = { out[i] / GRAFT_NODE_MAX_OUTPUTS, out[i] % GRAFT_NODE_MAX_OUTPUTS, 0.0f };

      g_array_append_val (self->outputs, arg);
    }
  self->finished = FALSE;
}
