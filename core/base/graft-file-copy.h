/* graft-file-copy.h: copying a whole file into another, by the kernel when it can
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean graft_file_copy_into (const char  *src_path,
                               int          dest_fd,
                               const char  *dest_name,
                               GError     **error);

G_END_DECLS
