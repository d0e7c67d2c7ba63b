/* graft-safetensors-write.h: writing safetensors files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "graft-types.h"

G_BEGIN_DECLS

gboolean graft_safetensors_save (const char   *path,
                                 GPtrArray    *names,
                                 GPtrArray    *tensors,
                                 const char   *format_tag,
                                 gboolean      sync,
                                 GError      **error);

G_END_DECLS
