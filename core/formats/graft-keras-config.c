/* graft-keras-config.c: reading Keras model and layer configs
 *
 * One family of accessors for the JSON that Keras writes into config.json
 * and model_config: typed values of a layer's config with fallbacks, and
 * the structure of entries ({"class_name", "config": {"name", "layers",
 * "layer", …}}). A hostile file may put any JSON anywhere, so every
 * accessor checks the type it finds and falls back instead of failing.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-keras-config"

#include "config.h"

#include "graft-keras-config.h"

#include <string.h>

#include "graft-error.h"

static JsonNode *
graft_config_member (JsonObject *config,
                     const char *key)
{
  if (config == NULL)
    return NULL;
  return json_object_get_member (config, key);
}

gint64
graft_config_get_int (JsonObject *config,
                      const char *key,
                      gint64      fallback)
{
  JsonNode *node = graft_config_member (config, key);

  double v;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return fallback;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    v = (double) json_node_get_int (node);
  else if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    v = json_node_get_double (node);
  else
    return fallback;
  /* Out of range (or NaN) would be undefined to convert. */
  if (!(v >= -2147483648.0 && v <= 2147483647.0))
    return fallback;
  return (gint64) v;
}

double
graft_config_get_double (JsonObject *config,
                         const char *key,
                         double      fallback)
{
  JsonNode *node = graft_config_member (config, key);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return fallback;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return (double) json_node_get_int (node);
  if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    return json_node_get_double (node);
  return fallback;
}

gboolean
graft_config_get_bool (JsonObject *config,
                       const char *key,
                       gboolean    fallback)
{
  JsonNode *node = graft_config_member (config, key);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return fallback;
  if (json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    return json_node_get_boolean (node);
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return json_node_get_int (node) != 0;
  return fallback;
}

const char *
graft_config_get_string (JsonObject *config,
                         const char *key,
                         const char *fallback)
{
  JsonNode *node = graft_config_member (config, key);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return fallback;
  return json_node_get_string (node);
}

/* A config number that must be a whole count: never cast NaN, infinities
 * or huge values from a hostile file to an integer. */
gboolean
graft_config_node_get_count (JsonNode *node,
                             gint64   *value)
{
  double v;

  if (!JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    v = (double) json_node_get_int (node);
  else if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    v = json_node_get_double (node);
  else
    return FALSE;
  if (!(v >= 0 && v <= (1 << 24)))
    return FALSE;
  *value = (gint64) v;
  return TRUE;
}

/**
 * graft_config_get_ints:
 * @values: (out caller-allocates): @n integers
 *
 * Reads a Keras int-or-tuple argument ("strides": 2 or [2, 2]). A missing
 * key leaves @values untouched, so callers fill in defaults first.
 *
 * Returns: %FALSE when the value is not a whole number from 0 to 2^24 or
 *   a list of @n of them (%GRAFT_ERROR_CORRUPT naming the layer and key)
 */
gboolean
graft_config_get_ints (JsonObject  *config,
                       const char  *key,
                       guint        n,
                       gint64      *values,
                       GError     **error)
{
  JsonNode *node = graft_config_member (config, key);
  gboolean ok = FALSE;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (JSON_NODE_HOLDS_VALUE (node))
    {
      ok = graft_config_node_get_count (node, &values[0]);
      for (guint i = 1; ok && i < n; i++)
        values[i] = values[0];
    }
  else if (JSON_NODE_HOLDS_ARRAY (node) && json_array_get_length (json_node_get_array (node)) == n)
    {
      JsonArray *array = json_node_get_array (node);

      ok = TRUE;
      for (guint i = 0; ok && i < n; i++)
        ok = graft_config_node_get_count (json_array_get_element (array, i), &values[i]);
    }
  if (!ok)
    g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT,
                 "layer '%s': '%s' must be a whole number from 0 to %d, or a list of %u of them",
                 graft_config_get_string (config, "name", "?"), key, 1 << 24, n);
  return ok;
}

/**
 * graft_config_strip_package:
 *
 * Returns: (transfer none): @class_name after the package of a registered
 *   name ("oracle>CustomDense" → "CustomDense"), or @class_name itself
 */
const char *
graft_config_strip_package (const char *class_name)
{
  const char *gt;

  if (class_name == NULL)
    return NULL;
  gt = strrchr (class_name, '>');
  return gt ? gt + 1 : class_name;
}

/**
 * graft_config_get_object:
 *
 * Returns: (transfer none) (nullable): the object at @key of @config, or
 *   %NULL when @config is %NULL or @key holds no object
 */
JsonObject *
graft_config_get_object (JsonObject *config,
                         const char *key)
{
  JsonNode *node;

  if (config == NULL || !json_object_has_member (config, key))
    return NULL;
  node = json_object_get_member (config, key);
  return JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* Config entries are {"class_name": …, "config": {…}, "name": …}. */
JsonObject *
graft_config_entry_config (JsonObject *entry)
{
  JsonNode *node;

  if (entry == NULL || !json_object_has_member (entry, "config"))
    return NULL;
  node = json_object_get_member (entry, "config");
  return JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

const char *
graft_config_entry_name (JsonObject *entry)
{
  JsonObject *config = graft_config_entry_config (entry);
  JsonNode *node = NULL;

  if (config != NULL && json_object_has_member (config, "name"))
    node = json_object_get_member (config, "name");
  else if (entry != NULL && json_object_has_member (entry, "name"))
    node = json_object_get_member (entry, "name");
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return json_node_get_string (node);
  return NULL;
}

const char *
graft_config_entry_class (JsonObject *entry)
{
  JsonNode *node;

  if (entry == NULL || !json_object_has_member (entry, "class_name"))
    return NULL;
  node = json_object_get_member (entry, "class_name");
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return graft_config_strip_package (json_node_get_string (node));
  return NULL;
}

/**
 * graft_config_layers:
 *
 * Returns: (transfer none) (nullable): the layer list of a model entry:
 *   config.layers, or config itself when it is a list (Keras 1 Sequential)
 */
JsonArray *
graft_config_layers (JsonObject *entry)
{
  JsonObject *config = graft_config_entry_config (entry);
  JsonNode *node;

  if (config == NULL)
    {
      if (entry != NULL && json_object_has_member (entry, "config"))
        {
          node = json_object_get_member (entry, "config");
          if (JSON_NODE_HOLDS_ARRAY (node))
            return json_node_get_array (node);
        }
      return NULL;
    }
  if (!json_object_has_member (config, "layers"))
    return NULL;
  node = json_object_get_member (config, "layers");
  return JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

/**
 * graft_config_find_child:
 *
 * Finds the entry of a sub-layer called @name inside a model entry
 * (config.layers) or a wrapper (config.layer, config.forward_layer,
 * config.backward_layer, config.cell).
 *
 * Returns: (transfer none) (nullable): the child's entry
 */
JsonObject *
graft_config_find_child (JsonObject *entry,
                               const char *name)
{
  static const char * const wrapped[] = { "layer", "forward_layer", "backward_layer", "cell", NULL };
  JsonArray *layers = graft_config_layers (entry);
  JsonObject *config = graft_config_entry_config (entry);

  if (layers != NULL)
    for (guint i = 0; i < json_array_get_length (layers); i++)
      {
        JsonNode *node = json_array_get_element (layers, i);

        if (JSON_NODE_HOLDS_OBJECT (node) &&
            g_strcmp0 (graft_config_entry_name (json_node_get_object (node)), name) == 0)
          return json_node_get_object (node);
      }
  for (guint i = 0; config != NULL && wrapped[i] != NULL; i++)
    {
      JsonNode *node;

      if (!json_object_has_member (config, wrapped[i]))
        continue;
      node = json_object_get_member (config, wrapped[i]);
      if (JSON_NODE_HOLDS_OBJECT (node) &&
          g_strcmp0 (graft_config_entry_name (json_node_get_object (node)), name) == 0)
        return json_node_get_object (node);
    }
  return NULL;
}

gboolean
graft_config_is_frozen (JsonObject *entry)
{
  return !graft_config_get_bool (graft_config_entry_config (entry), "trainable", TRUE);
}

/* A deep copy: json_node_copy() shares the objects and arrays inside, so
 * editing its result would edit the original too. */
JsonNode *
graft_config_dup (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *text = NULL;

  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, NULL);
  if (!json_parser_load_from_data (parser, text, -1, NULL))
    g_assert_not_reached ();
  return json_node_copy (json_parser_get_root (parser));
}
