/* graft-tensor-view.h: a lazy tensor over a strided window of bytes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "graft-types.h"

G_BEGIN_DECLS

GraftTensor *graft_tensor_new_view (GBytes        *bytes,
                                    gsize          first,
                                    GraftDType     dtype,
                                    guint          rank,
                                    const gsize   *shape,
                                    const gint64  *stride,
                                    GError       **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
