/* graft-keras-quant-policy.c: the config a quantized layer is saved with
 *
 * After model.quantize(), Keras 3.15.1 saves each quantized layer's
 * "dtype" as a QuantizedDTypePolicy (int8) or Int4DTypePolicy (int4, its
 * mode naming the block size: "int4/128", "int4/-1") that remembers the
 * float policy it came from, and its "quantization_config" as the config
 * object quantize() was given: Int8QuantizationConfig (whose default
 * quantizes the inputs with AbsMax, ±127) or Int4QuantizationConfig (its
 * block size). An attention layer keeps its float policy and so cannot be
 * rebuilt quantized; KerasHub, and the keras-quant corpus, give it a
 * DTypePolicyMap of its quantized sub-layers instead. These build the same
 * JSON, member for member.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-keras-quant"

#include "config.h"

#include "graft-keras-quant.h"

/* {"module": …, "class_name": …, "config": @config, "registered_name": null} */
static JsonNode *
graft_keras_quant_object_new (const char *module,
                              const char *class_name,
                              JsonObject *config)
{
  JsonObject *o = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_string_member (o, "module", module);
  json_object_set_string_member (o, "class_name", class_name);
  json_object_set_object_member (o, "config", config);
  json_object_set_null_member (o, "registered_name");
  json_node_take_object (node, o);
  return node;
}

/**
 * graft_keras_quant_source_policy:
 * @layer_config: (nullable): a float layer's config
 *
 * Returns: the name of the layer's float dtype policy ("float32",
 *   "mixed_float16"), which its quantized policy keeps as source_name
 */
const char *
graft_keras_quant_source_policy (JsonObject *layer_config)
{
  JsonNode *dtype = layer_config ? json_object_get_member (layer_config, "dtype") : NULL;
  JsonObject *policy;

  if (dtype != NULL && JSON_NODE_HOLDS_VALUE (dtype) && json_node_get_string (dtype) != NULL)
    return json_node_get_string (dtype);
  if (dtype == NULL || !JSON_NODE_HOLDS_OBJECT (dtype))
    return "float32";
  policy = json_node_get_object (dtype);
  if (json_object_has_member (policy, "config") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (policy, "config")))
    {
      JsonObject *config = json_object_get_object_member (policy, "config");
      JsonNode *name = json_object_get_member (config, "name");

      if (name != NULL && JSON_NODE_HOLDS_VALUE (name) && json_node_get_string (name) != NULL)
        return json_node_get_string (name);
    }
  return "float32";
}

/**
 * graft_keras_quant_policy_new:
 * @mode: %GRAFT_QUANT_INT8 or %GRAFT_QUANT_INT4
 * @block_size: int4's group size, -1 per channel
 * @source_name: the float policy the layer had
 *
 * Returns: (transfer full): the "dtype" of a layer quantized in @mode
 */
JsonNode *
graft_keras_quant_policy_new (GraftQuantMode  mode,
                              gint            block_size,
                              const char     *source_name)
{
  JsonObject *config = json_object_new ();
  g_autofree char *int4 = g_strdup_printf ("int4/%d", block_size);

  g_return_val_if_fail (mode == GRAFT_QUANT_INT8 || mode == GRAFT_QUANT_INT4, NULL);

  json_object_set_string_member (config, "mode", mode == GRAFT_QUANT_INT8 ? "int8" : int4);
  json_object_set_string_member (config, "source_name", source_name);
  return graft_keras_quant_object_new ("keras.dtype_policies",
                                       mode == GRAFT_QUANT_INT8 ? "QuantizedDTypePolicy" : "Int4DTypePolicy",
                                       config);
}

/**
 * graft_keras_quant_config_new:
 * @mode: %GRAFT_QUANT_INT8 or %GRAFT_QUANT_INT4
 * @block_size: int4's group size, -1 per channel
 *
 * Returns: (transfer full): the "quantization_config" of a layer
 *   quantized in @mode with Keras's default quantizers
 */
JsonNode *
graft_keras_quant_config_new (GraftQuantMode mode,
                              gint           block_size)
{
  JsonObject *config = json_object_new ();

  g_return_val_if_fail (mode == GRAFT_QUANT_INT8 || mode == GRAFT_QUANT_INT4, NULL);

  json_object_set_null_member (config, "weight_quantizer");
  if (mode == GRAFT_QUANT_INT8)
    {
      /* The inputs are quantized too, per row, to ±127. */
      JsonObject *absmax = json_object_new ();
      JsonArray *range = json_array_new ();

      json_array_add_int_element (range, -127);
      json_array_add_int_element (range, 127);
      json_object_set_array_member (absmax, "value_range", range);
      json_object_set_double_member (absmax, "epsilon", 1e-7);
      json_object_set_string_member (absmax, "output_dtype", "int8");
      json_object_set_member (config, "activation_quantizer",
                              graft_keras_quant_object_new ("keras.quantizers", "AbsMaxQuantizer", absmax));
      return graft_keras_quant_object_new ("keras.quantizers", "Int8QuantizationConfig", config);
    }
  json_object_set_null_member (config, "activation_quantizer");
  json_object_set_int_member (config, "block_size", block_size);
  return graft_keras_quant_object_new ("keras.quantizers", "Int4QuantizationConfig", config);
}

/**
 * graft_keras_quant_policy_map_new:
 * @default_policy: the layer's own float policy name
 * @policy_map: (transfer full): "<layer>/<sub-layer>" → policy
 *
 * Returns: (transfer full): a DTypePolicyMap, the "dtype" of a layer
 *   whose sub-layers are quantized (attention)
 */
JsonNode *
graft_keras_quant_policy_map_new (const char *default_policy,
                                  JsonObject *policy_map)
{
  JsonObject *config = json_object_new ();

  json_object_set_string_member (config, "default_policy", default_policy);
  json_object_set_object_member (config, "policy_map", policy_map);
  return graft_keras_quant_object_new ("keras.dtype_policies", "DTypePolicyMap", config);
}
