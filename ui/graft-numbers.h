/* graft-numbers.h: numbers as the user interface shows them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *graft_numbers_count (guint64  n) G_GNUC_WARN_UNUSED_RESULT;
char *graft_numbers_value (double   value) G_GNUC_WARN_UNUSED_RESULT;
char *graft_numbers_index (guint         rank,
                          const gsize  *index) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
