/* graft-series-window.h: a training run's checkpoints as small multiples
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "graft.h"

G_BEGIN_DECLS

#define GRAFT_TYPE_SERIES_WINDOW (graft_series_window_get_type ())

G_DECLARE_FINAL_TYPE (GraftSeriesWindow, graft_series_window, GRAFT, SERIES_WINDOW, GtkApplicationWindow)

GraftSeriesWindow *graft_series_window_new       (GtkApplication    *application,
                                                  GPtrArray         *paths,
                                                  const char        *title);
GraftSeries       *graft_series_window_get_series (GraftSeriesWindow *self);
void               graft_series_window_open_point (GraftSeriesWindow *self,
                                                  guint              weight,
                                                  guint              figure,
                                                  guint              checkpoint);

G_END_DECLS
