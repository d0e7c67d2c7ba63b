/* graft-nonfinite.h: which weights of a model hold NaN or infinite values
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "graft-types.h"

G_BEGIN_DECLS

GPtrArray *graft_nonfinite_scan (GraftModel    *model,
                                 guint64        max_elements,
                                 GCancellable  *cancellable,
                                 GError       **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
