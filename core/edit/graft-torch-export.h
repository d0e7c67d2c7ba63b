/* graft-torch-export.h: a Keras model's weights in PyTorch's names and layouts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "graft-types.h"

G_BEGIN_DECLS

gboolean graft_torch_export (GraftModel  *keras,
                             GraftModel  *reference,
                             const char  *path,
                             gboolean     sync,
                             guint       *n_converted,
                             guint       *n_kept,
                             GError     **error);

G_END_DECLS
