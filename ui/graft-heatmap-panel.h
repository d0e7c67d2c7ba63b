/* graft-heatmap-panel.h: the heatmap of the selected weight with its controls
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "graft-heatmap-view.h"
#include "graft-line-plot.h"
#include "graft-value-table.h"

G_BEGIN_DECLS

#define GRAFT_TYPE_HEATMAP_PANEL (graft_heatmap_panel_get_type ())

G_DECLARE_FINAL_TYPE (GraftHeatmapPanel, graft_heatmap_panel, GRAFT, HEATMAP_PANEL, GtkWidget)

GtkWidget        *graft_heatmap_panel_new        (void);
void              graft_heatmap_panel_set_weight (GraftHeatmapPanel *self,
                                                  GraftWeight       *weight,
                                                  GraftTensor       *reference,
                                                  gboolean           channels_first,
                                                  const char        *message);
GraftHeatmapView *graft_heatmap_panel_get_view   (GraftHeatmapPanel *self);
void              graft_heatmap_panel_set_delta  (GraftHeatmapPanel *self,
                                                  gboolean           delta);
gboolean          graft_heatmap_panel_get_delta  (GraftHeatmapPanel *self);
void              graft_heatmap_panel_set_defaults (GraftHeatmapPanel       *self,
                                                    const GraftHeatmapStyle *style);
GraftLinePlot    *graft_heatmap_panel_get_plot   (GraftHeatmapPanel *self);
GraftValueTable  *graft_heatmap_panel_get_table  (GraftHeatmapPanel *self);
void              graft_heatmap_panel_set_mode   (GraftHeatmapPanel *self,
                                                  const char        *mode);
const char       *graft_heatmap_panel_get_page   (GraftHeatmapPanel *self);

G_END_DECLS
