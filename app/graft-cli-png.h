/* graft-cli-png.h: writing an RGBA8 picture as a PNG file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean graft_cli_png_write (const char    *path,
                              const guint8  *rgba,
                              guint          width,
                              guint          height,
                              GError       **error);

G_END_DECLS
