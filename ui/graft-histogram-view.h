/* graft-histogram-view.h: a histogram with value and count axes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "graft.h"

G_BEGIN_DECLS

#define GRAFT_TYPE_HISTOGRAM_VIEW (graft_histogram_view_get_type ())

G_DECLARE_FINAL_TYPE (GraftHistogramView, graft_histogram_view, GRAFT, HISTOGRAM_VIEW, GtkWidget)

/* Most ticks graft_histogram_view_nice_ticks() returns. */
#define GRAFT_HISTOGRAM_VIEW_MAX_TICKS 12

GtkWidget            *graft_histogram_view_new           (void);
void                  graft_histogram_view_set_histogram (GraftHistogramView   *self,
                                                          GraftHistogram       *histogram,
                                                          gboolean              per_integer);
const GraftHistogram *graft_histogram_view_get_histogram (GraftHistogramView   *self);
int                   graft_histogram_view_bin_at        (GraftHistogramView   *self,
                                                          double                x,
                                                          double                y);
char                 *graft_histogram_view_dup_bin_text  (GraftHistogramView   *self,
                                                          guint                 bin)
                                                          G_GNUC_WARN_UNUSED_RESULT;
guint                 graft_histogram_view_get_ticks     (GraftHistogramView   *self,
                                                          GtkOrientation        orientation,
                                                          double               *ticks);
guint                 graft_histogram_view_nice_ticks    (double                lo,
                                                          double                hi,
                                                          guint                 max_ticks,
                                                          double               *ticks,
                                                          double               *step);
char                 *graft_histogram_view_format_tick   (double                value,
                                                          double                step)
                                                          G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
