/* graft-keras-class.c: the one table of Keras classes
 *
 * Everything Graft knows about a Keras class's structure is one entry
 * here, in the manner of ggml's type_traits[]: its variables in creation
 * order, which of them Keras never trains, where an RNN keeps its cell,
 * which config keys hold wrapped layers and under which attribute a
 * Keras 3 file stores them, the sub-layers a layer builds for itself, and
 * whether the class is a model. The readers, the converter, the writer and
 * the net builder ask this table and nothing else.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-keras-class"

#include "config.h"

#include "graft-keras-class.h"
#include "graft-keras-quant.h"

#include <string.h>

#include "graft-keras-config.h"

static const char * const graft_keras_kernel_bias[] = { "kernel", "bias", NULL };
static const char * const graft_keras_separable[] = {
  "depthwise_kernel", "pointwise_kernel", "bias", NULL
};
static const char * const graft_keras_batch_norm[] = {
  "gamma", "beta", "moving_mean", "moving_variance", NULL
};
static const char * const graft_keras_moving[] = { "moving_mean", "moving_variance", NULL };
static const char * const graft_keras_gamma_beta[] = { "gamma", "beta", NULL };
static const char * const graft_keras_scale[] = { "scale", NULL };
static const char * const graft_keras_embeddings[] = { "embeddings", NULL };
static const char * const graft_keras_recurrent[] = { "kernel", "recurrent_kernel", "bias", NULL };
static const char * const graft_keras_normalization[] = { "mean", "variance", "count", NULL };
static const char * const graft_keras_alpha[] = { "alpha", NULL };

/* Bidirectional: the forward layer is config.layer, renamed "forward_…";
 * the backward one is config.backward_layer as it is, or else a copy of
 * the forward one named "backward_…". */
static const GraftKerasChild graft_keras_bidirectional_children[] = {
  { "layer", "forward_layer", "forward_", NULL, NULL },
  { "backward_layer", "backward_layer", "backward_", "layer", "forward_" },
  { NULL }
};

static const GraftKerasChild graft_keras_wrapper_children[] = {
  { "layer", "layer", NULL, NULL, NULL },
  { NULL }
};

/* MultiHeadAttention builds four EinsumDense layers and two without
 * variables; their names are Keras's automatic ones. */
static const GraftKerasSublayer graft_keras_attention_sublayers[] = {
  { "query_dense", "query", "EinsumDense" },
  { "key_dense", "key", "EinsumDense" },
  { "value_dense", "value", "EinsumDense" },
  { "output_dense", "attention_output", "EinsumDense" },
  { "_dropout_layer", "dropout", NULL },
  { "_softmax", "softmax", NULL },
  { NULL }
};

#define VARS(v) .vars = v
#define NO_VARS .vars = NULL

static const GraftKerasClass graft_keras_classes[] = {
  { "Dense", "dense", VARS (graft_keras_kernel_bias) },
  { "EinsumDense", "einsum_dense", VARS (graft_keras_kernel_bias) },
  { "Conv1D", "conv1d", VARS (graft_keras_kernel_bias) },
  { "Conv2D", "conv2d", VARS (graft_keras_kernel_bias) },
  { "Conv3D", "conv3d", VARS (graft_keras_kernel_bias) },
  { "Conv1DTranspose", "conv1d_transpose", VARS (graft_keras_kernel_bias) },
  { "Conv2DTranspose", "conv2d_transpose", VARS (graft_keras_kernel_bias) },
  { "Conv3DTranspose", "conv3d_transpose", VARS (graft_keras_kernel_bias) },
  { "DepthwiseConv1D", "depthwise_conv1d", VARS (graft_keras_kernel_bias) },
  { "DepthwiseConv2D", "depthwise_conv2d", VARS (graft_keras_kernel_bias) },
  { "SeparableConv1D", "separable_conv1d", VARS (graft_keras_separable) },
  { "SeparableConv2D", "separable_conv2d", VARS (graft_keras_separable) },
  { "BatchNormalization", "batch_normalization", VARS (graft_keras_batch_norm),
    .frozen_vars = graft_keras_moving },
  { "LayerNormalization", "layer_normalization", VARS (graft_keras_gamma_beta) },
  { "GroupNormalization", "group_normalization", VARS (graft_keras_gamma_beta) },
  { "RMSNormalization", "rms_normalization", VARS (graft_keras_scale) },
  { "Normalization", "normalization", VARS (graft_keras_normalization), .all_frozen = TRUE },
  { "Embedding", "embedding", VARS (graft_keras_embeddings) },
  { "LSTMCell", "lstm_cell", VARS (graft_keras_recurrent) },
  { "GRUCell", "gru_cell", VARS (graft_keras_recurrent) },
  { "SimpleRNNCell", "simple_rnn_cell", VARS (graft_keras_recurrent) },
  { "PReLU", "p_re_lu", VARS (graft_keras_alpha) },
  /* Layers that keep their variables in objects of their own. */
  { "LSTM", "lstm", NO_VARS, .cell_class = "LSTMCell" },
  { "GRU", "gru", NO_VARS, .cell_class = "GRUCell" },
  { "SimpleRNN", "simple_rnn", NO_VARS, .cell_class = "SimpleRNNCell" },
  { "Bidirectional", "bidirectional", NO_VARS, .children = graft_keras_bidirectional_children },
  { "TimeDistributed", "time_distributed", NO_VARS, .children = graft_keras_wrapper_children },
  { "MultiHeadAttention", "multi_head_attention", NO_VARS,
    .sublayers = graft_keras_attention_sublayers },
  { "Sequential", "sequential", NO_VARS, .is_model = TRUE },
  { "Functional", "functional", NO_VARS, .is_model = TRUE },
  { "Model", "model", NO_VARS, .is_model = TRUE },
  /* Layers without variables. */
  { "InputLayer", "input_layer", NO_VARS },
  { "Flatten", "flatten", NO_VARS },
  { "Dropout", "dropout", NO_VARS },
  { "Activation", "activation", NO_VARS },
  { "MaxPooling1D", "max_pooling1d", NO_VARS },
  { "MaxPooling2D", "max_pooling2d", NO_VARS },
  { "AveragePooling1D", "average_pooling1d", NO_VARS },
  { "AveragePooling2D", "average_pooling2d", NO_VARS },
  { "GlobalAveragePooling1D", "global_average_pooling1d", NO_VARS },
  { "GlobalAveragePooling2D", "global_average_pooling2d", NO_VARS },
  { "GlobalMaxPooling1D", "global_max_pooling1d", NO_VARS },
  { "GlobalMaxPooling2D", "global_max_pooling2d", NO_VARS },
  { "Reshape", "reshape", NO_VARS },
  { "Rescaling", "rescaling", NO_VARS },
  { "UnitNormalization", "unit_normalization", NO_VARS },
  { "ReLU", "re_lu", NO_VARS },
  { "Add", "add", NO_VARS },
  { "Multiply", "multiply", NO_VARS },
  { "Average", "average", NO_VARS },
  { "Concatenate", "concatenate", NO_VARS },
  { "UpSampling2D", "up_sampling2d", NO_VARS },
  { "ZeroPadding2D", "zero_padding2d", NO_VARS },
};

/**
 * graft_keras_class_lookup:
 * @class_name: (nullable): a class name; the package of a registered name
 *   ("keras.layers>Dense") is ignored
 *
 * Returns: (nullable): the class's entry, or %NULL for a class the table
 *   does not know (a custom one)
 */
const GraftKerasClass *
graft_keras_class_lookup (const char *class_name)
{
  class_name = graft_config_strip_package (class_name);
  if (class_name == NULL)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (graft_keras_classes); i++)
    if (g_str_equal (graft_keras_classes[i].class_name, class_name))
      return &graft_keras_classes[i];
  return NULL;
}

/**
 * graft_keras_class_get_n / graft_keras_class_get_nth:
 *
 * The table in order, for tests and documentation.
 */
guint
graft_keras_class_get_n (void)
{
  return G_N_ELEMENTS (graft_keras_classes);
}

const GraftKerasClass *
graft_keras_class_get_nth (guint i)
{
  g_return_val_if_fail (i < G_N_ELEMENTS (graft_keras_classes), NULL);
  return &graft_keras_classes[i];
}

/**
 * graft_keras_class_is_model:
 * @class_name: (nullable): the entry's class
 * @entry: (nullable): its config entry
 *
 * Whether a config entry is a model whose layers form a list: a model
 * class of the table, or any class (a registered subclass of Model) whose
 * config carries a layer list.
 */
gboolean
graft_keras_class_is_model (const char *class_name,
                            JsonObject *entry)
{
  const GraftKerasClass *info = graft_keras_class_lookup (class_name);

  if (info != NULL && info->is_model)
    return TRUE;
  return entry != NULL && graft_config_layers (entry) != NULL;
}

/**
 * graft_keras_class_get_cell_name:
 *
 * Returns: (nullable): the layer name Keras gives an RNN's cell
 *   ("lstm_cell"), which is its class's snake name, or %NULL when
 *   @klass has no cell
 */
const char *
graft_keras_class_get_cell_name (const GraftKerasClass *klass)
{
  const GraftKerasClass *cell;

  if (klass == NULL || klass->cell_class == NULL)
    return NULL;
  cell = graft_keras_class_lookup (klass->cell_class);
  g_assert (cell != NULL);
  return cell->snake;
}

/**
 * graft_keras_child_name:
 * @name: the name in the wrapped layer's config entry
 * @mirrored: the entry came from @child's mirror_key
 *
 * Returns: (transfer full): the name the wrapper gives the layer
 */
char *
graft_keras_child_name (const GraftKerasChild *child,
                        const char            *name,
                        gboolean               mirrored)
{
  const char *strip = mirrored ? child->mirror_strip : child->prefix;

  if (name == NULL)
    name = "";
  if (child->prefix == NULL || (!mirrored && child->mirror_key != NULL))
    return g_strdup (name);
  if (strip != NULL && g_str_has_prefix (name, strip))
    name += strlen (strip);
  return g_strconcat (child->prefix, name, NULL);
}

/**
 * graft_keras_class_find_sublayer:
 * @attribute: a group name below the layer's in a Keras 3 file
 *
 * Returns: (nullable): the sub-layer stored at @attribute, or %NULL
 */
const GraftKerasSublayer *
graft_keras_class_find_sublayer (const GraftKerasClass *klass,
                                 const char            *attribute)
{
  for (guint i = 0; klass != NULL && klass->sublayers != NULL &&
                    klass->sublayers[i].attribute != NULL; i++)
    if (g_str_equal (klass->sublayers[i].attribute, attribute))
      return &klass->sublayers[i];
  return NULL;
}

/**
 * graft_keras_snake_case:
 * @class_name: a class name, or a registered name "package>Class"
 *
 * Keras's to_snake_case() of the class, which names a layer's group in
 * Keras 3 files and its automatic layer name: "Conv2DTranspose" →
 * "conv2d_transpose", "ReLU" → "re_lu". Keras applies it to the Python
 * class's __name__, which a registered name "keras.layers>Dense" or
 * "oracle>CustomDense" carries after the '>', so the package is dropped.
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
  for (const char *p = graft_config_strip_package (class_name); *p; p++)
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
    if (g_str_equal (graft_keras_classes[i].snake, base))
      return graft_keras_classes[i].class_name;
  return NULL;
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
  const GraftKerasClass *info = graft_keras_class_lookup (class_name);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  char **quantized = graft_keras_quant_vars (class_name, layer_config);

  /* A quantized layer saves other variables, in another order. */
  if (quantized != NULL && g_strv_length (quantized) == n_vars)
    return quantized;
  g_strfreev (quantized);
  if (info != NULL && info->vars != NULL)
    {
      for (guint i = 0; info->vars[i] != NULL; i++)
        {
          const char *v = info->vars[i];

          if (g_str_equal (v, "bias") && !graft_config_get_bool (layer_config, "use_bias", TRUE))
            continue;
          if (g_str_equal (v, "gamma") && !graft_config_get_bool (layer_config, "scale", TRUE))
            continue;
          if (g_str_equal (v, "beta") && !graft_config_get_bool (layer_config, "center", TRUE))
            continue;
          g_ptr_array_add (names, g_strdup (v));
        }
      /* Without a config, a kernel-and-bias layer may simply lack its bias. */
      if (layer_config == NULL && info->vars == graft_keras_kernel_bias && n_vars == 1)
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
 * graft_keras_var_is_non_trainable:
 *
 * Whether Keras never trains the variable @var_name of a @class_name
 * layer, whatever the layer's trainable flag says: BatchNormalization's
 * moving statistics, all of Normalization's state, and the running
 * statistics old files name.
 */
gboolean
graft_keras_var_is_non_trainable (const char *class_name,
                                  const char *var_name)
{
  static const char * const keras1[] = { "running_mean", "running_std", NULL };
  const GraftKerasClass *info = graft_keras_class_lookup (class_name);

  if (g_strv_contains (keras1, var_name))
    return TRUE;
  /* A quantized layer's scales, zero points, group index and float8
   * histories are state, not trained weights. */
  if (g_str_has_suffix (var_name, "_scale") || g_str_has_suffix (var_name, "_zero") ||
      g_str_has_suffix (var_name, "_amax_history") || g_str_equal (var_name, "g_idx"))
    return TRUE;
  if (info == NULL)
    return g_str_equal (var_name, "moving_mean") || g_str_equal (var_name, "moving_variance");
  if (info->all_frozen)
    return TRUE;
  return info->frozen_vars != NULL && g_strv_contains (info->frozen_vars, var_name);
}
