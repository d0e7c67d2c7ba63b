/* graft-background.h: work off the main thread, below its priority
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

void graft_background_run (GTask           *task,
                           GTaskThreadFunc  func);

G_END_DECLS
