/* graft-colormap-menu.h: colormap swatches, and the menu that picks a colormap by its picture
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "graft.h"

G_BEGIN_DECLS

GdkTexture *graft_colormap_menu_swatch     (GraftColormapKind kind,
                                            gboolean          reversed,
                                            int               width,
                                            int               height) G_GNUC_WARN_UNUSED_RESULT;
const char *graft_colormap_menu_label      (GraftColormapKind kind);
GPtrArray  *graft_colormap_menu_fill       (GtkBox           *list,
                                            GCallback         toggled,
                                            gpointer          data) G_GNUC_WARN_UNUSED_RESULT;
void        graft_colormap_menu_set_swatches (GPtrArray      *buttons,
                                            gboolean          reversed);

G_END_DECLS
