/* graft-probe.h: trying a checkpoint in another process before opening it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

gboolean graft_probe_checkpoint (const char    *path,
                                 GCancellable  *cancellable,
                                 GError       **error);

G_END_DECLS
