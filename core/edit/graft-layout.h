/* graft-layout.h: converting tensors between PyTorch's and Keras's layouts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "graft-types.h"

G_BEGIN_DECLS

typedef struct GraftLayout GraftLayout;

/**
 * GraftLayoutParams:
 * @part: multi-head attention: 0 query, 1 key, 2 value
 * @heads: multi-head attention: number of heads
 * @head_dim: multi-head attention: size of each head
 * @chw: the flatten reorder: the feature map (channels, height, width)
 *   that PyTorch flattened in that order and Keras in height, width,
 *   channels order
 * @in_channels: depthwise convolution: input channels
 */
typedef struct
{
  guint part;
  guint heads;
  guint head_dim;
  gsize chw[3];
  guint in_channels;
} GraftLayoutParams;

const GraftLayout *graft_layout_find         (const char              *name);
const char        *graft_layout_get_name     (const GraftLayout       *layout);
guint              graft_layout_get_n_sources (const GraftLayout      *layout);
gboolean           graft_layout_get_shape    (const GraftLayout       *layout,
                                              const GraftLayoutParams *params,
                                              GraftTensor             *source,
                                              guint                   *rank,
                                              gsize                   *shape);
char              *graft_layout_describe     (const GraftLayout       *layout,
                                              const GraftLayoutParams *params) G_GNUC_WARN_UNUSED_RESULT;
GraftTensor       *graft_layout_apply        (const GraftLayout       *layout,
                                              const GraftLayoutParams *params,
                                              GraftTensor             *source,
                                              GraftTensor             *source2,
                                              GError                 **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean           graft_layout_scatter      (const GraftLayout       *layout,
                                              const GraftLayoutParams *params,
                                              GraftTensor             *keras,
                                              guint                    rank,
                                              const gsize             *torch_shape,
                                              float                   *torch,
                                              float                   *torch2,
                                              GError                 **error);

G_END_DECLS
