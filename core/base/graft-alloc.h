/* graft-alloc.h: big zeroed buffers, in huge pages where the system has them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gpointer graft_alloc_big0 (gsize n_bytes) G_GNUC_MALLOC G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
