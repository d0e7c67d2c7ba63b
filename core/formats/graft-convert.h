/* graft-convert.h: writing a model in another checkpoint format
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "graft-types.h"

G_BEGIN_DECLS

gboolean  graft_convert_save (GraftModel      *model,
                              const char      *path,
                              GraftFormat      format,
                              GraftSaveFlags   flags,
                              GError         **error);

gboolean  graft_convert_save_full (GraftModel      *model,
                                   JsonNode        *config,
                                   const char      *path,
                                   GraftFormat      format,
                                   GraftSaveFlags   flags,
                                   guint64          max_shard_size,
                                   GError         **error);

G_END_DECLS
