/* graft-convert.h: writing a model in another checkpoint format
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "graft-keras-save.h"
#include "graft-types.h"

G_BEGIN_DECLS

gboolean  graft_convert_save (GraftModel      *model,
                              const char      *path,
                              GraftFormat      format,
                              GraftSaveFlags   flags,
                              GError         **error);

G_END_DECLS
