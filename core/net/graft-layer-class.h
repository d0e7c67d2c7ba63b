/* graft-layer-class.h: the table of layer kinds, and what a kind may use
 *
 * Each kind lives in layers/graft-layer-<kind>.c and exports one
 * const GraftLayerClass. graft-layer-class.c indexes them by GraftLayerKind.
 * Nothing outside the layers switches on the kind.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "graft-types.h"

G_BEGIN_DECLS

/* The most outputs one call of a layer has: a Bidirectional LSTM with
 * return_state gives the sequence and four states. */
#define GRAFT_NODE_MAX_OUTPUTS 8

typedef struct GraftNet        GraftNet;
typedef struct GraftNode       GraftNode;
typedef struct GraftLayerClass GraftLayerClass;

/* The shape of an activation, batch axis first; -1 where unknown before a run. */
typedef struct
{
  guint  rank;
  gssize dims[GRAFT_MAX_RANK];
} GraftShape;

typedef enum
{
  GRAFT_LAYER_KIND_INPUT,
  GRAFT_LAYER_KIND_SEQUENTIAL,
  GRAFT_LAYER_KIND_FUNCTIONAL,
  GRAFT_LAYER_KIND_DENSE,
  GRAFT_LAYER_KIND_CONV1D,
  GRAFT_LAYER_KIND_CONV2D,
  GRAFT_LAYER_KIND_DEPTHWISE_CONV2D,
  GRAFT_LAYER_KIND_SEPARABLE_CONV2D,
  GRAFT_LAYER_KIND_CONV2D_TRANSPOSE,
  GRAFT_LAYER_KIND_MAX_POOLING1D,
  GRAFT_LAYER_KIND_MAX_POOLING2D,
  GRAFT_LAYER_KIND_AVERAGE_POOLING1D,
  GRAFT_LAYER_KIND_AVERAGE_POOLING2D,
  GRAFT_LAYER_KIND_GLOBAL_AVERAGE_POOLING1D,
  GRAFT_LAYER_KIND_GLOBAL_AVERAGE_POOLING2D,
  GRAFT_LAYER_KIND_GLOBAL_MAX_POOLING1D,
  GRAFT_LAYER_KIND_GLOBAL_MAX_POOLING2D,
  GRAFT_LAYER_KIND_FLATTEN,
  GRAFT_LAYER_KIND_RESHAPE,
  GRAFT_LAYER_KIND_PERMUTE,
  GRAFT_LAYER_KIND_DROPOUT,
  GRAFT_LAYER_KIND_ACTIVATION,
  GRAFT_LAYER_KIND_RELU,
  GRAFT_LAYER_KIND_LEAKY_RELU,
  GRAFT_LAYER_KIND_PRELU,
  GRAFT_LAYER_KIND_ELU,
  GRAFT_LAYER_KIND_SOFTMAX,
  GRAFT_LAYER_KIND_BATCH_NORMALIZATION,
  GRAFT_LAYER_KIND_LAYER_NORMALIZATION,
  GRAFT_LAYER_KIND_NORMALIZATION,
  GRAFT_LAYER_KIND_GROUP_NORMALIZATION,
  GRAFT_LAYER_KIND_UNIT_NORMALIZATION,
  GRAFT_LAYER_KIND_RMS_NORMALIZATION,
  GRAFT_LAYER_KIND_RESCALING,
  GRAFT_LAYER_KIND_EMBEDDING,
  GRAFT_LAYER_KIND_SIMPLE_RNN,
  GRAFT_LAYER_KIND_LSTM,
  GRAFT_LAYER_KIND_GRU,
  GRAFT_LAYER_KIND_BIDIRECTIONAL,
  GRAFT_LAYER_KIND_TIME_DISTRIBUTED,
  GRAFT_LAYER_KIND_MULTI_HEAD_ATTENTION,
  GRAFT_LAYER_KIND_EINSUM_DENSE,
  GRAFT_LAYER_KIND_ADD,
  GRAFT_LAYER_KIND_SUBTRACT,
  GRAFT_LAYER_KIND_MULTIPLY,
  GRAFT_LAYER_KIND_AVERAGE,
  GRAFT_LAYER_KIND_MAXIMUM,
  GRAFT_LAYER_KIND_MINIMUM,
  GRAFT_LAYER_KIND_CONCATENATE,
  GRAFT_LAYER_KIND_ZERO_PADDING2D,
  GRAFT_LAYER_KIND_CROPPING2D,
  GRAFT_LAYER_KIND_UP_SAMPLING2D,
  GRAFT_LAYER_KIND_SCALE,
  GRAFT_N_LAYER_KINDS
} GraftLayerKind;

/**
 * GraftLayerClass:
 * @class_name: the Keras class name ("Dense")
 * @aliases: (nullable): other names of the same kind, %NULL-terminated
 * @variant: a constant that lets several kinds share one implementation
 * @setup: parses the layer config into node->priv
 * @infer: computes the output shapes from the input shapes
 * @build: (nullable): declares the weights with their shapes, once
 * @forward: computes the outputs, already allocated with @infer's shapes
 * @clear: (nullable): frees node->priv's contents
 * @compute_mask: (nullable): the mask of output @output given the masks
 *   of the inputs (Keras's compute_mask); %NULL drops every mask, as Keras
 *   does at layers that do not support masking. Masks are float32 tensors
 *   of 1 (kept) and 0 (masked), shaped like the input without its feature axis.
 * @forward_masked: (nullable): @forward for layers that consume a mask;
 *   called instead of @forward when some input has one
 */
struct GraftLayerClass
{
  const char         *class_name;
  const char *const  *aliases;
  int                 variant;
  gboolean          (*setup)   (GraftNode          *node,
                                JsonObject         *config,
                                GError            **error);
  gboolean          (*infer)   (GraftNode          *node,
                                guint               n_in,
                                const GraftShape   *in,
                                guint              *n_out,
                                GraftShape         *out,
                                GError            **error);
  gboolean          (*build)   (GraftNode          *node,
                                guint               n_in,
                                const GraftShape   *in,
                                GError            **error);
  gboolean          (*forward) (GraftNode          *node,
                                guint               n_in,
                                GraftTensor *const *in,
                                guint               n_out,
                                GraftTensor *const *out,
                                GError            **error);
  void              (*clear)   (GraftNode          *node);
  GraftTensor      *(*compute_mask)   (GraftNode          *node,
                                       guint               n_in,
                                       GraftTensor *const *in,
                                       GraftTensor *const *in_masks,
                                       guint               output);
  gboolean          (*forward_masked) (GraftNode          *node,
                                       guint               n_in,
                                       GraftTensor *const *in,
                                       GraftTensor *const *in_masks,
                                       guint               n_out,
                                       GraftTensor *const *out,
                                       GError            **error);
};

const GraftLayerClass *graft_layer_class_get    (GraftLayerKind  kind);
const GraftLayerClass *graft_layer_class_lookup (const char     *class_name);

G_END_DECLS
