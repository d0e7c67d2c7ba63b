/* graft-keras-save.h: writing Keras checkpoints of every format
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "graft-format.h"
#include "graft-types.h"

G_BEGIN_DECLS

gboolean     graft_keras_save            (GraftModel      *model,
                                          const char      *path,
                                          GraftFormat      format,
                                          GraftSaveFlags   flags,
                                          GPtrArray       *changed,
                                          GError         **error);

G_END_DECLS
