/* graft-keras-save-private.h: saving helpers the conversion files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "graft-types.h"

G_BEGIN_DECLS

gboolean  graft_keras_save_copy_file        (const char  *src_path,
                                             int          dest_fd,
                                             const char  *dest_name,
                                             GError     **error);
gboolean  graft_keras_save_extract_weights  (const char  *archive,
                                             int          dest_fd,
                                             const char  *target,
                                             GError     **error);

G_END_DECLS
