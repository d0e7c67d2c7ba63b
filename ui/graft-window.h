/* graft-window.h: the main window: one checkpoint, or a source and a target
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "graft.h"
#include "graft-heatmap-panel.h"
#include "graft-layer-tree.h"
#include "graft-spectrum-view.h"
#include "graft-stats-view.h"
#include "graft-summary-view.h"

G_BEGIN_DECLS

#define GRAFT_TYPE_WINDOW (graft_window_get_type ())

G_DECLARE_FINAL_TYPE (GraftWindow, graft_window, GRAFT, WINDOW, AdwApplicationWindow)

GraftWindow       *graft_window_new               (GtkApplication *application);
void               graft_window_open_at           (GraftWindow    *self,
                                                   const char     *source_path,
                                                   const char     *target_path,
                                                   const char     *weight_path);
void               graft_window_open              (GraftWindow    *self,
                                                   const char     *source_path,
                                                   const char     *target_path);
void               graft_window_open_examples     (GraftWindow    *self);
gboolean           graft_window_get_busy          (GraftWindow    *self);
gboolean           graft_window_get_modified      (GraftWindow    *self);
GraftModel        *graft_window_get_source        (GraftWindow    *self);
GraftModel        *graft_window_get_target        (GraftWindow    *self);
GraftEdit         *graft_window_get_edit          (GraftWindow    *self);
const char        *graft_window_get_target_path   (GraftWindow    *self);
GraftLayerTree    *graft_window_get_source_tree   (GraftWindow    *self);
GraftLayerTree    *graft_window_get_target_tree   (GraftWindow    *self);
GraftHeatmapPanel *graft_window_get_heatmap_panel (GraftWindow    *self);
GraftStatsView    *graft_window_get_stats_view    (GraftWindow    *self);
GtkWindow         *graft_window_get_question      (GraftWindow    *self);
const char        *graft_window_get_message       (GraftWindow    *self);
void               graft_window_show_open_dialog  (GraftWindow    *self);
gboolean           graft_window_offer_restore     (GraftWindow    *self);

G_END_DECLS
