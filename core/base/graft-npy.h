/* graft-npy.h: NumPy .npy files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "graft-types.h"

G_BEGIN_DECLS

gboolean      graft_npy_save (GraftTensor  *tensor,
                              const char   *path,
                              GError      **error);
GraftTensor  *graft_npy_load (const char   *path,
                              GError      **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
