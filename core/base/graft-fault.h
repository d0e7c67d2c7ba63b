/* graft-fault.h: failures on purpose, for the tests of every writer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean graft_fault_step (const char  *path,
                           const char  *what,
                           GError     **error);

G_END_DECLS
