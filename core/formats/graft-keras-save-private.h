/* graft-keras-save-private.h: saving in a checkpoint's own format, per format
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "graft-types.h"

G_BEGIN_DECLS

gboolean graft_keras_save_sharded (GraftModel      *model,
                                   const char      *path,
                                   GraftSaveFlags   flags,
                                   GPtrArray       *changed,
                                   GError         **error);

G_END_DECLS
