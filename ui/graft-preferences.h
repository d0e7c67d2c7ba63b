/* graft-preferences.h: the defaults a user sets once: heatmap look and the colour scheme
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "graft.h"

G_BEGIN_DECLS

/**
 * GraftPreferences:
 * @style: how a weight's heatmap starts
 * @scheme: 0 follows the system, 1 light, 2 dark
 */
typedef struct
{
  GraftHeatmapStyle style;
  guint             scheme;
} GraftPreferences;

void       graft_preferences_load       (GraftPreferences       *prefs);
void       graft_preferences_apply      (const GraftPreferences *prefs,
                                         GtkApplication         *application);
GtkWindow *graft_preferences_window_new (GtkWindow              *parent);

G_END_DECLS
