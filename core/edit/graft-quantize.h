/* graft-quantize.h: quantizing float weights as Keras's model.quantize() does
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "graft-types.h"

G_BEGIN_DECLS

gboolean graft_quantize_int8 (GraftTensor  *weight,
                              gboolean      per_row,
                              gsize         n_scales,
                              GraftTensor **q,
                              GraftTensor **scale,
                              GError      **error);

G_END_DECLS
