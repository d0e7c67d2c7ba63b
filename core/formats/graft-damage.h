/* graft-damage.h: saying in a person's words what is wrong with a checkpoint that will not open
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *graft_damage_describe (const char *path) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
