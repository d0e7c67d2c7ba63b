/* graft-layer-families-private.h: implementations shared by related kinds
 *
 * Conv1D and Conv2D, the poolings, the merges, the recurrent layers, and
 * ZeroPadding2D and Cropping2D differ only in a constant
 * (GraftLayerClass.variant), so each family has one implementation and each
 * kind file holds just its class.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "graft-layer-ops-private.h"

G_BEGIN_DECLS

typedef enum
{
  GRAFT_CONV_1D,
  GRAFT_CONV_2D,
  GRAFT_CONV_DEPTHWISE,
  GRAFT_CONV_SEPARABLE,
  GRAFT_CONV_TRANSPOSE,
} GraftConvVariant;

/* Pool variants: bit 0 max (else average), bit 1 global, bit 2 one-dimensional. */
#define GRAFT_POOL_MAX    1
#define GRAFT_POOL_GLOBAL 2
#define GRAFT_POOL_1D     4

typedef enum
{
  GRAFT_MERGE_ADD,
  GRAFT_MERGE_SUBTRACT,
  GRAFT_MERGE_MULTIPLY,
  GRAFT_MERGE_AVERAGE,
  GRAFT_MERGE_MAXIMUM,
  GRAFT_MERGE_MINIMUM,
} GraftMergeVariant;

typedef enum
{
  GRAFT_RNN_SIMPLE,
  GRAFT_RNN_LSTM,
  GRAFT_RNN_GRU,
} GraftRnnVariant;

typedef enum
{
  GRAFT_PAD2D_ZERO,
  GRAFT_PAD2D_CROP,
} GraftPad2dVariant;

#define GRAFT_LAYER_FAMILY(family) \
  gboolean graft_layer_##family##_setup   (GraftNode *node, JsonObject *config, GError **error); \
  gboolean graft_layer_##family##_infer   (GraftNode *node, guint n_in, const GraftShape *in, \
                                           guint *n_out, GraftShape *out, GError **error); \
  gboolean graft_layer_##family##_build   (GraftNode *node, guint n_in, const GraftShape *in, \
                                           GError **error); \
  gboolean graft_layer_##family##_forward (GraftNode *node, guint n_in, GraftTensor *const *in, \
                                           guint n_out, GraftTensor *const *out, GError **error);

GRAFT_LAYER_FAMILY (conv)
GRAFT_LAYER_FAMILY (pool)
GRAFT_LAYER_FAMILY (merge)
GRAFT_LAYER_FAMILY (rnn)
GRAFT_LAYER_FAMILY (model)

#undef GRAFT_LAYER_FAMILY

void     graft_layer_model_clear (GraftNode *node);

/* ZeroPadding2D and Cropping2D have no weights, so no build. */
gboolean graft_layer_pad2d_setup   (GraftNode          *node,
                                    JsonObject         *config,
                                    GError            **error);
gboolean graft_layer_pad2d_infer   (GraftNode          *node,
                                    guint               n_in,
                                    const GraftShape   *in,
                                    guint              *n_out,
                                    GraftShape         *out,
                                    GError            **error);
gboolean graft_layer_pad2d_forward (GraftNode          *node,
                                    guint               n_in,
                                    GraftTensor *const *in,
                                    guint               n_out,
                                    GraftTensor *const *out,
                                    GError            **error);

/* Recurrent layers inside wrappers (Bidirectional) run one direction. */
gboolean graft_layer_rnn_run     (GraftNode          *node,
                                  const GraftTensor  *in,
                                  GraftTensor        *mask,
                                  gboolean            zero_masked,
                                  gboolean            reverse,
                                  guint               n_out,
                                  GraftTensor *const *out,
                                  GError            **error);
gboolean graft_layer_rnn_forward_masked (GraftNode          *node,
                                         guint               n_in,
                                         GraftTensor *const *in,
                                         GraftTensor *const *in_masks,
                                         guint               n_out,
                                         GraftTensor *const *out,
                                         GError            **error);
GraftTensor *graft_layer_rnn_compute_mask (GraftNode          *node,
                                           guint               n_in,
                                           GraftTensor *const *in,
                                           GraftTensor *const *in_masks,
                                           guint               output);

G_END_DECLS
