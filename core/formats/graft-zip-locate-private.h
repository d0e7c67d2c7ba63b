/* graft-zip-locate-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean graft_zip_locate_stored (const guint8 *data,
                                  gsize         len,
                                  const char   *name,
                                  guint64      *offset,
                                  guint64      *size);

G_END_DECLS
