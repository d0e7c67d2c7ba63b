/* graft-stats-view.h: the figures and histogram of one tensor
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "graft.h"
#include "graft-histogram-view.h"

G_BEGIN_DECLS

#define GRAFT_TYPE_STATS_VIEW (graft_stats_view_get_type ())

G_DECLARE_FINAL_TYPE (GraftStatsView, graft_stats_view, GRAFT, STATS_VIEW, GtkWidget)

GtkWidget        *graft_stats_view_new        (void);
void              graft_stats_view_set_tensor (GraftStatsView *self,
                                               GraftTensor    *tensor);
void              graft_stats_view_set_difference (GraftStatsView *self,
                                                   GraftTensor    *difference);
GraftTensor      *graft_stats_view_get_tensor (GraftStatsView *self);
gboolean          graft_stats_view_get_identical (GraftStatsView *self);
const char       *graft_stats_view_get_caption (GraftStatsView *self);
GraftHistogramView *graft_stats_view_get_histogram_view (GraftStatsView *self);
const GraftStats *graft_stats_view_get_stats  (GraftStatsView *self);
gboolean          graft_stats_view_get_busy   (GraftStatsView *self);
const char       *graft_stats_view_get_figure (GraftStatsView *self,
                                               const char     *name);

G_END_DECLS
