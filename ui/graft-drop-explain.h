/* graft-drop-explain.h: why a drop of one layer onto another copies nothing, in a person's words
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "graft.h"

G_BEGIN_DECLS

char *graft_drop_explain (GraftModel  *source,
                          GraftModel  *target,
                          const char  *source_path,
                          const char  *target_path,
                          gboolean    *partial_possible) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
