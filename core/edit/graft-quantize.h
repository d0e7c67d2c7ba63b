/* graft-quantize.h: quantizing float weights as Keras's model.quantize() does
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "graft-keras-quant.h"
#include "graft-types.h"

G_BEGIN_DECLS

/**
 * GraftQuantChannels:
 * @n_channels: how many scales the kernel gets
 * @stride: per axis of the kernel, what one step along it adds to the
 *   channel index; 0 on the axes a scale is taken over
 *
 * Which int8 scale each element of a kernel belongs to: element
 * (i0, i1, …) is in channel Σ ia · stride[a].
 */
typedef struct
{
  gsize n_channels;
  gsize stride[GRAFT_MAX_RANK];
} GraftQuantChannels;

/**
 * GraftQuantized:
 * @q: int8; for int4 the integers packed two per byte along the last axis
 * @scale: float32
 * @zero: grouped int4's zero points (int8), else %NULL
 * @g_idx: grouped int4's group of each row (float32), else %NULL
 *
 * What model.quantize() stores for one kernel or embedding table.
 */
typedef struct
{
  GraftTensor *q;
  GraftTensor *scale;
  GraftTensor *zero;
  GraftTensor *g_idx;
} GraftQuantized;

void     graft_quantized_clear (GraftQuantized *self);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (GraftQuantized, graft_quantized_clear)

gboolean graft_quantize_int8 (GraftTensor  *weight,
                              gboolean      per_row,
                              gsize         n_scales,
                              GraftTensor **q,
                              GraftTensor **scale,
                              GError      **error);
gboolean graft_quantize_int8_channels (GraftTensor              *weight,
                                       const GraftQuantChannels *channels,
                                       GraftTensor             **q,
                                       GraftTensor             **scale,
                                       GError                  **error);

/* graft-quantize-int4.c */
gboolean graft_quantize_int4 (GraftTensor    *weight,
                              gsize           rows,
                              gboolean        per_row,
                              gint            block_size,
                              GraftQuantized *out,
                              GError        **error);

/* graft-quantize-einsum.c */

/**
 * GraftQuantEinsum:
 * @channels: int8: the scale of each kernel element
 * @scale_rank: int8: the rank of the stored kernel_scale
 * @scale_shape: int8: its shape (the einsum output axes; 1 where the
 *   kernel has no such axis)
 * @rows: int4: the product of the contracted kernel axes
 *
 * Where an EinsumDense kernel's scales go, as Keras lays them out.
 */
typedef struct
{
  GraftQuantChannels channels;
  guint              scale_rank;
  gsize              scale_shape[GRAFT_MAX_RANK];
  gsize              rows;
} GraftQuantEinsum;

gboolean graft_quantize_einsum_layout (const char       *equation,
                                       guint             input_rank,
                                       guint             kernel_rank,
                                       const gsize      *kernel_shape,
                                       GraftQuantEinsum *layout,
                                       GError          **error);
gboolean graft_quantize_einsum_channels (const char         *equation,
                                         guint               kernel_rank,
                                         const gsize        *kernel_shape,
                                         GraftQuantChannels *channels,
                                         GError            **error);

/* graft-quantize-layer.c */

/**
 * GraftQuantizeLayerSpec:
 * @class_name: "Dense", "EinsumDense" or "Embedding"
 * @equation: an EinsumDense's equation
 * @input_rank: an EinsumDense's input rank, batch included, when its
 *   equation has "..." (else 0)
 * @mode: %GRAFT_QUANT_INT8 or %GRAFT_QUANT_INT4
 * @block_size: int4's group size, -1 per channel
 */
typedef struct
{
  const char     *class_name;
  const char     *equation;
  guint           input_rank;
  GraftQuantMode  mode;
  gint            block_size;
} GraftQuantizeLayerSpec;

gboolean    graft_quantize_layer (GraftLayer                   *layer,
                                  const GraftQuantizeLayerSpec *spec,
                                  GPtrArray                    *names,
                                  GPtrArray                    *tensors,
                                  GError                      **error);

/* graft-quantize-model.c */
GraftModel *graft_quantize_model (GraftModel      *model,
                                  JsonNode        *config,
                                  GraftQuantMode   mode,
                                  gint             block_size,
                                  guint           *n_layers,
                                  GError         **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
