/* graft-line-plot.h: a vector as a bar or line plot, its exact values on hover
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "graft.h"

G_BEGIN_DECLS

#define GRAFT_TYPE_LINE_PLOT (graft_line_plot_get_type ())

G_DECLARE_FINAL_TYPE (GraftLinePlot, graft_line_plot, GRAFT, LINE_PLOT, GtkWidget)

GtkWidget  *graft_line_plot_new            (void);
gboolean    graft_line_plot_set_tensor     (GraftLinePlot *self,
                                            GraftTensor   *tensor,
                                            GError       **error);
guint       graft_line_plot_get_n_values   (GraftLinePlot *self);
const double *graft_line_plot_get_values   (GraftLinePlot *self);
const char *graft_line_plot_get_hover_text (GraftLinePlot *self);
gboolean    graft_line_plot_get_point      (GraftLinePlot *self,
                                            guint          index,
                                            double        *x,
                                            double        *y);
void        graft_line_plot_hover          (GraftLinePlot *self,
                                            double         x);

G_END_DECLS
