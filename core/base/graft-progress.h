/* graft-progress.h: a count of the work done, for a watchdog to see it move
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void    graft_progress_tick (void);
guint64 graft_progress_get  (void);
void    graft_progress_hold (void);
void    graft_progress_release (void);
gboolean graft_progress_is_held (void);

G_END_DECLS
