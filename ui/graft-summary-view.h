/* graft-summary-view.h: a checkpoint's figures, or one layer's config
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "graft.h"

G_BEGIN_DECLS

#define GRAFT_TYPE_SUMMARY_VIEW (graft_summary_view_get_type ())

G_DECLARE_FINAL_TYPE (GraftSummaryView, graft_summary_view, GRAFT, SUMMARY_VIEW, GtkWidget)

GtkWidget  *graft_summary_view_new       (void);
void        graft_summary_view_set_model (GraftSummaryView *self,
                                          GraftModel       *model,
                                          const char       *file_path);
void        graft_summary_view_set_layer (GraftSummaryView *self,
                                          GraftLayer       *layer);
GraftLayer *graft_summary_view_get_layer (GraftSummaryView *self);
const char *graft_summary_view_get_value (GraftSummaryView *self,
                                          const char       *key);
char       *graft_summary_view_format_config_value (JsonNode *node) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
