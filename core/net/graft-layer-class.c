/* graft-layer-class.c: the one table of layer kinds
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-layer-class"

#include "config.h"

#include "graft-layer-class.h"

#include <assert.h>
#include <string.h>

extern const GraftLayerClass graft_layer_input_class;
extern const GraftLayerClass graft_layer_sequential_class;
extern const GraftLayerClass graft_layer_functional_class;
extern const GraftLayerClass graft_layer_dense_class;
extern const GraftLayerClass graft_layer_conv1d_class;
extern const GraftLayerClass graft_layer_conv2d_class;
extern const GraftLayerClass graft_layer_depthwise_conv2d_class;
extern const GraftLayerClass graft_layer_separable_conv2d_class;
extern const GraftLayerClass graft_layer_conv2d_transpose_class;
extern const GraftLayerClass graft_layer_max_pooling1d_class;
extern const GraftLayerClass graft_layer_max_pooling2d_class;
extern const GraftLayerClass graft_layer_average_pooling1d_class;
extern const GraftLayerClass graft_layer_average_pooling2d_class;
extern const GraftLayerClass graft_layer_global_average_pooling1d_class;
extern const GraftLayerClass graft_layer_global_average_pooling2d_class;
extern const GraftLayerClass graft_layer_global_max_pooling1d_class;
extern const GraftLayerClass graft_layer_global_max_pooling2d_class;
extern const GraftLayerClass graft_layer_flatten_class;
extern const GraftLayerClass graft_layer_reshape_class;
extern const GraftLayerClass graft_layer_permute_class;
extern const GraftLayerClass graft_layer_dropout_class;
extern const GraftLayerClass graft_layer_activation_class;
extern const GraftLayerClass graft_layer_relu_class;
extern const GraftLayerClass graft_layer_leaky_relu_class;
extern const GraftLayerClass graft_layer_prelu_class;
extern const GraftLayerClass graft_layer_elu_class;
extern const GraftLayerClass graft_layer_softmax_class;
extern const GraftLayerClass graft_layer_batch_normalization_class;
extern const GraftLayerClass graft_layer_layer_normalization_class;
extern const GraftLayerClass graft_layer_normalization_class;
extern const GraftLayerClass graft_layer_group_normalization_class;
extern const GraftLayerClass graft_layer_unit_normalization_class;
extern const GraftLayerClass graft_layer_rms_normalization_class;
extern const GraftLayerClass graft_layer_rescaling_class;
extern const GraftLayerClass graft_layer_embedding_class;
extern const GraftLayerClass graft_layer_simple_rnn_class;
extern const GraftLayerClass graft_layer_lstm_class;
extern const GraftLayerClass graft_layer_gru_class;
extern const GraftLayerClass graft_layer_bidirectional_class;
extern const GraftLayerClass graft_layer_time_distributed_class;
extern const GraftLayerClass graft_layer_multi_head_attention_class;
extern const GraftLayerClass graft_layer_einsum_dense_class;
extern const GraftLayerClass graft_layer_add_class;
extern const GraftLayerClass graft_layer_subtract_class;
extern const GraftLayerClass graft_layer_multiply_class;
extern const GraftLayerClass graft_layer_average_class;
extern const GraftLayerClass graft_layer_maximum_class;
extern const GraftLayerClass graft_layer_minimum_class;
extern const GraftLayerClass graft_layer_concatenate_class;
extern const GraftLayerClass graft_layer_zero_padding2d_class;
extern const GraftLayerClass graft_layer_cropping2d_class;
extern const GraftLayerClass graft_layer_up_sampling2d_class;
extern const GraftLayerClass graft_layer_scale_class;

static const GraftLayerClass *const graft_layer_classes[] = {
  [GRAFT_LAYER_KIND_INPUT] = &graft_layer_input_class,
  [GRAFT_LAYER_KIND_SEQUENTIAL] = &graft_layer_sequential_class,
  [GRAFT_LAYER_KIND_FUNCTIONAL] = &graft_layer_functional_class,
  [GRAFT_LAYER_KIND_DENSE] = &graft_layer_dense_class,
  [GRAFT_LAYER_KIND_CONV1D] = &graft_layer_conv1d_class,
  [GRAFT_LAYER_KIND_CONV2D] = &graft_layer_conv2d_class,
  [GRAFT_LAYER_KIND_DEPTHWISE_CONV2D] = &graft_layer_depthwise_conv2d_class,
  [GRAFT_LAYER_KIND_SEPARABLE_CONV2D] = &graft_layer_separable_conv2d_class,
  [GRAFT_LAYER_KIND_CONV2D_TRANSPOSE] = &graft_layer_conv2d_transpose_class,
  [GRAFT_LAYER_KIND_MAX_POOLING1D] = &graft_layer_max_pooling1d_class,
  [GRAFT_LAYER_KIND_MAX_POOLING2D] = &graft_layer_max_pooling2d_class,
  [GRAFT_LAYER_KIND_AVERAGE_POOLING1D] = &graft_layer_average_pooling1d_class,
  [GRAFT_LAYER_KIND_AVERAGE_POOLING2D] = &graft_layer_average_pooling2d_class,
  [GRAFT_LAYER_KIND_GLOBAL_AVERAGE_POOLING1D] = &graft_layer_global_average_pooling1d_class,
  [GRAFT_LAYER_KIND_GLOBAL_AVERAGE_POOLING2D] = &graft_layer_global_average_pooling2d_class,
  [GRAFT_LAYER_KIND_GLOBAL_MAX_POOLING1D] = &graft_layer_global_max_pooling1d_class,
  [GRAFT_LAYER_KIND_GLOBAL_MAX_POOLING2D] = &graft_layer_global_max_pooling2d_class,
  [GRAFT_LAYER_KIND_FLATTEN] = &graft_layer_flatten_class,
  [GRAFT_LAYER_KIND_RESHAPE] = &graft_layer_reshape_class,
  [GRAFT_LAYER_KIND_PERMUTE] = &graft_layer_permute_class,
  [GRAFT_LAYER_KIND_DROPOUT] = &graft_layer_dropout_class,
  [GRAFT_LAYER_KIND_ACTIVATION] = &graft_layer_activation_class,
  [GRAFT_LAYER_KIND_RELU] = &graft_layer_relu_class,
  [GRAFT_LAYER_KIND_LEAKY_RELU] = &graft_layer_leaky_relu_class,
  [GRAFT_LAYER_KIND_PRELU] = &graft_layer_prelu_class,
  [GRAFT_LAYER_KIND_ELU] = &graft_layer_elu_class,
  [GRAFT_LAYER_KIND_SOFTMAX] = &graft_layer_softmax_class,
  [GRAFT_LAYER_KIND_BATCH_NORMALIZATION] = &graft_layer_batch_normalization_class,
  [GRAFT_LAYER_KIND_LAYER_NORMALIZATION] = &graft_layer_layer_normalization_class,
  [GRAFT_LAYER_KIND_NORMALIZATION] = &graft_layer_normalization_class,
  [GRAFT_LAYER_KIND_GROUP_NORMALIZATION] = &graft_layer_group_normalization_class,
  [GRAFT_LAYER_KIND_UNIT_NORMALIZATION] = &graft_layer_unit_normalization_class,
  [GRAFT_LAYER_KIND_RMS_NORMALIZATION] = &graft_layer_rms_normalization_class,
  [GRAFT_LAYER_KIND_RESCALING] = &graft_layer_rescaling_class,
  [GRAFT_LAYER_KIND_EMBEDDING] = &graft_layer_embedding_class,
  [GRAFT_LAYER_KIND_SIMPLE_RNN] = &graft_layer_simple_rnn_class,
  [GRAFT_LAYER_KIND_LSTM] = &graft_layer_lstm_class,
  [GRAFT_LAYER_KIND_GRU] = &graft_layer_gru_class,
  [GRAFT_LAYER_KIND_BIDIRECTIONAL] = &graft_layer_bidirectional_class,
  [GRAFT_LAYER_KIND_TIME_DISTRIBUTED] = &graft_layer_time_distributed_class,
  [GRAFT_LAYER_KIND_MULTI_HEAD_ATTENTION] = &graft_layer_multi_head_attention_class,
  [GRAFT_LAYER_KIND_EINSUM_DENSE] = &graft_layer_einsum_dense_class,
  [GRAFT_LAYER_KIND_ADD] = &graft_layer_add_class,
  [GRAFT_LAYER_KIND_SUBTRACT] = &graft_layer_subtract_class,
  [GRAFT_LAYER_KIND_MULTIPLY] = &graft_layer_multiply_class,
  [GRAFT_LAYER_KIND_AVERAGE] = &graft_layer_average_class,
  [GRAFT_LAYER_KIND_MAXIMUM] = &graft_layer_maximum_class,
  [GRAFT_LAYER_KIND_MINIMUM] = &graft_layer_minimum_class,
  [GRAFT_LAYER_KIND_CONCATENATE] = &graft_layer_concatenate_class,
  [GRAFT_LAYER_KIND_ZERO_PADDING2D] = &graft_layer_zero_padding2d_class,
  [GRAFT_LAYER_KIND_CROPPING2D] = &graft_layer_cropping2d_class,
  [GRAFT_LAYER_KIND_UP_SAMPLING2D] = &graft_layer_up_sampling2d_class,
  [GRAFT_LAYER_KIND_SCALE] = &graft_layer_scale_class,
};

static_assert (G_N_ELEMENTS (graft_layer_classes) == GRAFT_N_LAYER_KINDS,
               "every GraftLayerKind needs exactly one class");

const GraftLayerClass *
graft_layer_class_get (GraftLayerKind kind)
{
  g_return_val_if_fail (kind < GRAFT_N_LAYER_KINDS, NULL);
  return graft_layer_classes[kind];
}

/**
 * graft_layer_class_lookup:
 * @class_name: a Keras class name; a registered name such as
 *   "keras.layers>Dense" is accepted too
 *
 * Returns: (nullable): the kind's class, or %NULL when Graft cannot run it
 */
const GraftLayerClass *
graft_layer_class_lookup (const char *class_name)
{
  const char *sep;

  if (class_name == NULL)
    return NULL;
  /* Only Keras's own packages: "oracle>CustomDense" stays unknown. */
  sep = strchr (class_name, '>');
  if (sep != NULL)
    {
      if (!g_str_has_prefix (class_name, "keras"))
        return NULL;
      class_name = sep + 1;
    }
  for (guint i = 0; i < G_N_ELEMENTS (graft_layer_classes); i++)
    {
      const GraftLayerClass *klass = graft_layer_classes[i];

      if (g_str_equal (klass->class_name, class_name))
        return klass;
      for (guint a = 0; klass->aliases != NULL && klass->aliases[a] != NULL; a++)
        if (g_str_equal (klass->aliases[a], class_name))
          return klass;
    }
  return NULL;
}
