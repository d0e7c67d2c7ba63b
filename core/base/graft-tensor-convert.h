/* graft-tensor-convert.h: tensors in another dtype, and one tensor's block laid over another's
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "graft-tensor.h"

G_BEGIN_DECLS

GraftTensor *graft_tensor_convert     (GraftTensor  *tensor,
                                       GraftDType    dtype,
                                       GError      **error) G_GNUC_WARN_UNUSED_RESULT;
GraftTensor *graft_tensor_new_overlay (GraftTensor  *base,
                                       GraftTensor  *block,
                                       GError      **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
