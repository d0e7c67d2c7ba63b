/* graft-layer-ops-private.h: math shared by the layer kinds
 *
 * Tiny kernels keep short names without the file prefix (STYLE.md 2).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "graft-keras-quant.h"
#include "graft-net-private.h"

G_BEGIN_DECLS

typedef enum
{
  GRAFT_ACT_LINEAR,
  GRAFT_ACT_RELU,
  GRAFT_ACT_RELU6,
  GRAFT_ACT_SIGMOID,
  GRAFT_ACT_TANH,
  GRAFT_ACT_SOFTMAX,
  GRAFT_ACT_LOG_SOFTMAX,
  GRAFT_ACT_ELU,
  GRAFT_ACT_SELU,
  GRAFT_ACT_GELU,
  GRAFT_ACT_GELU_TANH,
  GRAFT_ACT_SWISH,
  GRAFT_ACT_SOFTPLUS,
  GRAFT_ACT_SOFTSIGN,
  GRAFT_ACT_HARD_SIGMOID,
  GRAFT_ACT_HARD_SWISH,
  GRAFT_ACT_LEAKY_RELU,
  GRAFT_ACT_EXPONENTIAL,
  GRAFT_ACT_MISH,
} GraftActivation;

gboolean  graft_activation_parse     (GraftNode        *node,
                                      JsonObject       *config,
                                      const char       *key,
                                      GraftActivation  *act,
                                      GError          **error);
gboolean  graft_activation_from_name (const char       *name,
                                      GraftActivation  *act);
void      graft_activation_apply     (GraftActivation   act,
                                      float            *x,
                                      gsize             n,
                                      gsize             inner);
void      softmax_forward            (float            *x,
                                      gsize             outer,
                                      gsize             axis_len,
                                      gsize             inner);

/* Convolution geometry along one axis. */
typedef struct
{
  gssize  in;
  gssize  kernel;
  gssize  stride;
  gssize  dilation;
  gssize  pad_before;
  gssize  out;
} GraftConvAxis;

typedef enum
{
  GRAFT_PADDING_VALID,
  GRAFT_PADDING_SAME,
  GRAFT_PADDING_CAUSAL,
} GraftPadding;

gboolean  graft_padding_parse        (GraftNode        *node,
                                      JsonObject       *config,
                                      GraftPadding     *padding,
                                      GError          **error);
void      graft_conv_axis_init       (GraftConvAxis    *axis,
                                      gssize            in,
                                      gssize            kernel,
                                      gssize            stride,
                                      gssize            dilation,
                                      GraftPadding      padding);

/* 2-D convolution of channels-last input through im2col + GEMM. A 1-D
 * convolution is the same with a height of one. */
void      conv2d_forward             (const float      *in,
                                      gsize             batch,
                                      const GraftConvAxis *h,
                                      const GraftConvAxis *w,
                                      gsize             channels,
                                      const float      *kernel,
                                      const float      *bias,
                                      gsize             filters,
                                      gsize             groups,
                                      float            *out);
void      depthwise_conv2d_forward   (const float      *in,
                                      gsize             batch,
                                      const GraftConvAxis *h,
                                      const GraftConvAxis *w,
                                      gsize             channels,
                                      gsize             multiplier,
                                      const float      *kernel,
                                      const float      *bias,
                                      float            *out);

/* Moves the channel axis: [n, c, rest] <-> [n, rest, c]. */
void      transpose_channels         (const float      *in,
                                      gsize             batch,
                                      gsize             channels,
                                      gsize             spatial,
                                      gboolean          to_last,
                                      float            *out);

/* Elementwise binary ops with NumPy broadcasting. */
typedef enum
{
  GRAFT_BINARY_ADD,
  GRAFT_BINARY_SUB,
  GRAFT_BINARY_MUL,
  GRAFT_BINARY_MAX,
  GRAFT_BINARY_MIN,
} GraftBinaryOp;

gboolean  graft_broadcast_shape      (GraftNode        *node,
                                      const GraftShape *a,
                                      const GraftShape *b,
                                      GraftShape       *out,
                                      GError          **error);
void      binary_forward             (GraftBinaryOp     op,
                                      const float      *a,
                                      const GraftShape *a_shape,
                                      const float      *b,
                                      const GraftShape *b_shape,
                                      float            *out,
                                      const GraftShape *out_shape);

/* Nested nets and child nodes reuse these from a kind's forward. */
float    *graft_tensor_floats        (GraftTensor      *tensor);
const float *graft_tensor_cfloats    (GraftTensor      *tensor);

/* Class slots that many kinds share: a setup with nothing to read, one
 * output shaped like the first input, and a forward that copies it. */
gboolean  graft_layer_setup_none     (GraftNode          *node,
                                      JsonObject         *config,
                                      GError            **error);
gboolean  graft_layer_infer_same     (GraftNode          *node,
                                      guint               n_in,
                                      const GraftShape   *in,
                                      guint              *n_out,
                                      GraftShape         *out,
                                      GError            **error);
gboolean  graft_layer_forward_copy   (GraftNode          *node,
                                      guint               n_in,
                                      GraftTensor *const *in,
                                      guint               n_out,
                                      GraftTensor *const *out,
                                      GError            **error);

/* The buffers of an elementwise kind (one input, one output of its shape);
 * returns the number of elements. */
gsize     graft_layer_unary_floats   (GraftTensor *const *in,
                                      GraftTensor *const *out,
                                      const float       **x,
                                      float             **y);

/* Masks (see GraftLayerClass.compute_mask). */
GraftTensor *graft_layer_mask_keep  (GraftNode          *node,
                                     guint               n_in,
                                     GraftTensor *const *in,
                                     GraftTensor *const *in_masks,
                                     guint               output);
GraftTensor *graft_layer_mask_all   (GraftNode          *node,
                                     guint               n_in,
                                     GraftTensor *const *in,
                                     GraftTensor *const *in_masks,
                                     guint               output);
gboolean     graft_layer_mask_refuse (GraftNode          *node,
                                      guint               n_in,
                                      GraftTensor *const *in,
                                      GraftTensor *const *in_masks,
                                      guint               n_out,
                                      GraftTensor *const *out,
                                      GError            **error);

/* graft-layer-quant.c */
const float *graft_quant_layer_inputs (GraftNode        *node,
                                      GraftQuantMode    mode,
                                      const float      *x,
                                      gsize             rows,
                                      gsize             k,
                                      float           **owned);
float     graft_quant_layer_bias     (GraftQuantMode    mode,
                                      float             b);
void      graft_quant_inputs_int8    (const float      *x,
                                      gsize             rows,
                                      gsize             k,
                                      float            *out);
void      graft_quant_inputs_float8  (const float      *x,
                                      gsize             n,
                                      float             scale,
                                      float            *out);

G_END_DECLS
