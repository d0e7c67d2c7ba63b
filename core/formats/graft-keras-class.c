/* graft-keras-names.c: Keras class names, their snake_case forms, and the
 * names of their variables in creation order
 *
 * A Keras 3 file stores a layer's variables as vars/0, vars/1, …; the
 * table below gives them the names a Keras user knows (kernel, bias, …).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-keras-names"

#include "config.h"

#include "graft-keras-private.h"

#include <string.h>

#include "graft-error.h"
#include "graft-limits.h"

typedef struct
{
  const char        *class_name;
  const char * const *vars;     /* in creation order, NULL-terminated */
} GraftKerasClassInfo;

static const char * const graft_kernel_bias[] = { "kernel", "bias", NULL };
static const char * const graft_separable[] = { "depthwise_kernel", "pointwise_kernel", "bias", NULL };
static const char * const graft_batch_norm[] = { "gamma", "beta", "moving_mean", "moving_variance", NULL };
static const char * const graft_gamma_beta[] = { "gamma", "beta", NULL };
static const char * const graft_embeddings[] = { "embeddings", NULL };
static const char * const graft_recurrent[] = { "kernel", "recurrent_kernel", "bias", NULL };
static const char * const graft_normalization[] = { "mean", "variance", "count", NULL };
static const char * const graft_alpha[] = { "alpha", NULL };
static const char * const graft_none[] = { NULL };

static const GraftKerasClassInfo graft_keras_classes[] = {
  { "Dense", graft_kernel_bias },
  { "EinsumDense", graft_kernel_bias },
  { "Conv1D", graft_kernel_bias },
  { "Conv2D", graft_kernel_bias },
  { "Conv3D", graft_kernel_bias },
  { "Conv1DTranspose", graft_kernel_bias },
  { "Conv2DTranspose", graft_kernel_bias },
  { "Conv3DTranspose", graft_kernel_bias },
  { "DepthwiseConv1D", graft_kernel_bias },
  { "DepthwiseConv2D", graft_kernel_bias },
  { "SeparableConv1D", graft_separable },
  { "SeparableConv2D", graft_separable },
  { "BatchNormalization", graft_batch_norm },
  { "LayerNormalization", graft_gamma_beta },
  { "GroupNormalization", graft_gamma_beta },
  { "Normalization", graft_normalization },
  { "Embedding", graft_embeddings },
  { "LSTMCell", graft_recurrent },
  { "GRUCell", graft_recurrent },
  { "SimpleRNNCell", graft_recurrent },
  { "PReLU", graft_alpha },
  /* Containers and layers without variables of their own. */
  { "LSTM", graft_none },
  { "GRU", graft_none },
  { "SimpleRNN", graft_none },
  { "Bidirectional", graft_none },
  { "TimeDistributed", graft_none },
  { "MultiHeadAttention", graft_none },
  { "Sequential", graft_none },
  { "Functional", graft_none },
  { "InputLayer", graft_none },
  { "Flatten", graft_none },
  { "Dropout", graft_none },
  { "Activation", graft_none },
  { "MaxPooling1D", graft_none },
  { "MaxPooling2D", graft_none },
  { "AveragePooling1D", graft_none },
  { "AveragePooling2D", graft_none },
  { "GlobalAveragePooling1D", graft_none },
  { "GlobalAveragePooling2D", graft_none },
  { "GlobalMaxPooling1D", graft_none },
  { "GlobalMaxPooling2D", graft_none },
  { "Reshape", graft_none },
  { "Rescaling", graft_none },
  { "ReLU", graft_none },
  { "Add", graft_none },
  { "Multiply", graft_none },
  { "Average", graft_none },
  { "Concatenate", graft_none },
  { "UpSampling2D", graft_none },
  { "ZeroPadding2D", graft_none },
};

static const GraftKerasClassInfo *
graft_keras_class_info (const char *class_name)
{
  if (class_name == NULL)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (graft_keras_classes); i++)
    if (g_str_equal (graft_keras_classes[i].class_name, class_name))
      return &graft_keras_classes[i];
  return NULL;
}

/**
 * graft_keras_snake_case:
 *
 * Keras's to_snake_case(): "Conv2DTranspose" → "conv2d_transpose",
 * "ReLU" → "re_lu", "MultiHeadAttention" → "multi_head_attention".
 *
 * Returns: (transfer full): the snake_case name
 */
char *
graft_keras_snake_case (const char *class_name)
{
  g_autoptr(GString) word = g_string_new (NULL);
  g_autoptr(GString) step = g_string_new (NULL);
  GString *out = g_string_new (NULL);
  gsize n;

  /* Drop non-word characters. */
  for (const char *p = class_name; *p; p++)
    if (g_ascii_isalnum (*p) || *p == '_')
      g_string_append_c (word, *p);
  n = word->len;

  /* (.)([A-Z][a-z]+) → \1_\2, scanning left to right without overlap. */
  for (gsize i = 0; i < n; i++)
    {
      const char *s = word->str;

      if (i > 0 && g_ascii_isupper (s[i]) && i + 1 < n && g_ascii_islower (s[i + 1]))
        {
          gsize j = i + 1;

          while (j < n && g_ascii_islower (s[j]))
            j++;
          g_string_append_c (step, '_');
          g_string_append_len (step, s + i, j - i);
          i = j - 1;
          continue;
        }
      g_string_append_c (step, s[i]);
    }
  /* ([a-z])([A-Z]) → \1_\2 */
  for (gsize i = 0; i < step->len; i++)
    {
      g_string_append_c (out, g_ascii_tolower (step->str[i]));
      if (g_ascii_islower (step->str[i]) && i + 1 < step->len && g_ascii_isupper (step->str[i + 1]))
        g_string_append_c (out, '_');
    }
  return g_string_free (out, FALSE);
}

/**
 * graft_keras_class_from_snake:
 * @snake: a group or layer name such as "batch_normalization_10" or "gru_cell"
 *
 * Returns: (nullable): the Keras class whose snake_case name @snake is,
 *   ignoring a numeric "_N" suffix, or %NULL
 */
const char *
graft_keras_class_from_snake (const char *snake)
{
  g_autofree char *base = g_strdup (snake);
  char *us = strrchr (base, '_');

  if (us != NULL && us[1] != '\0' && strspn (us + 1, "0123456789") == strlen (us + 1))
    *us = '\0';

  for (guint i = 0; i < G_N_ELEMENTS (graft_keras_classes); i++)
    {
      g_autofree char *s = graft_keras_snake_case (graft_keras_classes[i].class_name);

      if (g_str_equal (s, base))
        return graft_keras_classes[i].class_name;
    }
  /* Cells as Keras 3 names them. */
  if (g_str_equal (base, "lstm_cell"))
    return "LSTMCell";
  if (g_str_equal (base, "gru_cell"))
    return "GRUCell";
  if (g_str_equal (base, "simple_rnn_cell"))
    return "SimpleRNNCell";
  return NULL;
}

/* "oracle>CustomDense" → "CustomDense" */
const char *
graft_keras_class_strip_package (const char *class_name)
{
  const char *gt;

  if (class_name == NULL)
    return NULL;
  gt = strrchr (class_name, '>');
  return gt ? gt + 1 : class_name;
}

static gboolean
graft_keras_config_flag (JsonObject *config,
                         const char *key,
                         gboolean    fallback)
{
  JsonNode *node;

  if (config == NULL || !json_object_has_member (config, key))
    return fallback;
  node = json_object_get_member (config, key);
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    return json_node_get_boolean (node);
  return fallback;
}

/**
 * graft_keras_var_names:
 * @layer_config: (nullable): the layer's "config" object
 * @n_vars: how many variables the file holds for the layer
 *
 * Names the variables vars/0 … vars/n-1 of a layer. Flags such as
 * use_bias, center and scale remove names; when the count still does not
 * fit, the indices are the names.
 *
 * Returns: (transfer full): @n_vars names
 */
char **
graft_keras_var_names (const char *class_name,
                       JsonObject *layer_config,
                       guint       n_vars)
{
  const GraftKerasClassInfo *info = graft_keras_class_info (class_name);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  if (info != NULL)
    {
      for (guint i = 0; info->vars[i] != NULL; i++)
        {
          const char *v = info->vars[i];

          if (g_str_equal (v, "bias") && !graft_keras_config_flag (layer_config, "use_bias", TRUE))
            continue;
          if (g_str_equal (v, "gamma") && !graft_keras_config_flag (layer_config, "scale", TRUE))
            continue;
          if (g_str_equal (v, "beta") && !graft_keras_config_flag (layer_config, "center", TRUE))
            continue;
          g_ptr_array_add (names, g_strdup (v));
        }
      /* Without a config, a kernel-and-bias layer may simply lack its bias. */
      if (layer_config == NULL && info->vars == graft_kernel_bias && n_vars == 1)
        g_ptr_array_set_size (names, 1);
    }

  if (names->len != n_vars)
    {
      g_ptr_array_set_size (names, 0);
      for (guint i = 0; i < n_vars; i++)
        g_ptr_array_add (names, g_strdup_printf ("%u", i));
    }
  g_ptr_array_add (names, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&names), FALSE);
}

/**
 * graft_keras_var_names_from_shapes:
 * @infos: (array length=n_vars): the variables' datasets
 *
 * Names the variables of a layer whose class is unknown from the shapes
 * Keras's common layers give them: a kernel and its bias (Dense, Conv*),
 * a recurrent cell's kernel, recurrent kernel and bias, BatchNormalization's
 * four vectors, a normalisation's gamma and beta. Anything else keeps its
 * index as its name.
 *
 * Returns: (transfer full): @n_vars names
 */
char **
graft_keras_var_names_from_shapes (const GraftH5DatasetInfo *infos,
                                   guint                     n_vars)
{
  const char *names[4] = { NULL };
  char **out = g_new0 (char *, n_vars + 1);
  gboolean vectors = TRUE;

  for (guint i = 0; i < n_vars; i++)
    vectors = vectors && infos[i].rank == 1 && infos[i].shape[0] == infos[0].shape[0];

  if (n_vars >= 1 && n_vars <= 2 && infos[0].rank >= 2 &&
      (n_vars == 1 || (infos[1].rank == 1 && infos[1].shape[0] == infos[0].shape[infos[0].rank - 1])))
    {
      names[0] = "kernel";
      names[1] = "bias";
    }
  else if (n_vars == 3 && infos[0].rank == 2 && infos[1].rank == 2 &&
           infos[0].shape[1] == infos[1].shape[1] &&
           infos[2].shape[infos[2].rank - 1] == infos[0].shape[1])
    {
      names[0] = "kernel";
      names[1] = "recurrent_kernel";
      names[2] = "bias";
    }
  else if (n_vars == 4 && vectors)
    {
      names[0] = "gamma";
      names[1] = "beta";
      names[2] = "moving_mean";
      names[3] = "moving_variance";
    }
  else if (n_vars == 2 && vectors)
    {
      names[0] = "gamma";
      names[1] = "beta";
    }

  for (guint i = 0; i < n_vars; i++)
    out[i] = names[0] != NULL ? g_strdup (names[i]) : g_strdup_printf ("%u", i);
  return out;
}

/* Variables that Keras never trains, whatever the layer's flag says. */
gboolean
graft_keras_var_is_non_trainable (const char *class_name,
                                  const char *var_name)
{
  static const char * const always[] = {
    "moving_mean", "moving_variance", "running_mean", "running_std", NULL,
  };

  if (g_strv_contains (always, var_name))
    return TRUE;
  if (g_strcmp0 (class_name, "Normalization") == 0)
    return TRUE;
  return FALSE;
}

/* Config entries are {"class_name": …, "config": {…}, "name": …}. */
JsonObject *
graft_keras_config_entry_config (JsonObject *entry)
{
  JsonNode *node;

  if (entry == NULL || !json_object_has_member (entry, "config"))
    return NULL;
  node = json_object_get_member (entry, "config");
  return JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

const char *
graft_keras_config_entry_name (JsonObject *entry)
{
  JsonObject *config = graft_keras_config_entry_config (entry);
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
graft_keras_config_entry_class (JsonObject *entry)
{
  JsonNode *node;

  if (entry == NULL || !json_object_has_member (entry, "class_name"))
    return NULL;
  node = json_object_get_member (entry, "class_name");
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return graft_keras_class_strip_package (json_node_get_string (node));
  return NULL;
}

/**
 * graft_keras_config_layers:
 *
 * Returns: (transfer none) (nullable): the layer list of a model entry:
 *   config.layers, or config itself when it is a list (Keras 1 Sequential)
 */
JsonArray *
graft_keras_config_layers (JsonObject *entry)
{
  JsonObject *config = graft_keras_config_entry_config (entry);
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
 * graft_keras_config_find_child:
 *
 * Finds the entry of a sub-layer called @name inside a model entry
 * (config.layers) or a wrapper (config.layer, config.forward_layer,
 * config.backward_layer, config.cell).
 *
 * Returns: (transfer none) (nullable): the child's entry
 */
JsonObject *
graft_keras_config_find_child (JsonObject *entry,
                               const char *name)
{
  static const char * const wrapped[] = { "layer", "forward_layer", "backward_layer", "cell", NULL };
  JsonArray *layers = graft_keras_config_layers (entry);
  JsonObject *config = graft_keras_config_entry_config (entry);

  if (layers != NULL)
    for (guint i = 0; i < json_array_get_length (layers); i++)
      {
        JsonNode *node = json_array_get_element (layers, i);

        if (JSON_NODE_HOLDS_OBJECT (node) &&
            g_strcmp0 (graft_keras_config_entry_name (json_node_get_object (node)), name) == 0)
          return json_node_get_object (node);
      }
  for (guint i = 0; config != NULL && wrapped[i] != NULL; i++)
    {
      JsonNode *node;

      if (!json_object_has_member (config, wrapped[i]))
        continue;
      node = json_object_get_member (config, wrapped[i]);
      if (JSON_NODE_HOLDS_OBJECT (node) &&
          g_strcmp0 (graft_keras_config_entry_name (json_node_get_object (node)), name) == 0)
        return json_node_get_object (node);
    }
  return NULL;
}

gboolean
graft_keras_config_is_frozen (JsonObject *entry)
{
  return !graft_keras_config_flag (graft_keras_config_entry_config (entry), "trainable", TRUE);
}
