/* graft-viewport.h: the zoom window over a 2-D slice, as plain numbers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "graft-heatmap.h"

G_BEGIN_DECLS

/**
 * GraftViewport:
 * @n_rows: rows of the slice shown
 * @n_cols: columns of the slice shown
 * @center_row: the element at the middle of the view, in rows
 * @center_col: the same, in columns
 * @extent_rows: how many rows the view spans (fractional while zooming)
 * @extent_cols: how many columns it spans
 *
 * Where a heatmap view looks, in element coordinates, with no widget
 * behind it: what zooming, panning and fitting do is plain arithmetic
 * that tests check without a display.
 */
typedef struct
{
  gsize  n_rows;
  gsize  n_cols;
  double center_row;
  double center_col;
  double extent_rows;
  double extent_cols;
} GraftViewport;

void     graft_viewport_reset         (GraftViewport      *self,
                                       gsize               n_rows,
                                       gsize               n_cols);
gboolean graft_viewport_is_fit        (const GraftViewport *self);
void     graft_viewport_get_window    (const GraftViewport *self,
                                       GraftHeatmapWindow *window);
void     graft_viewport_zoom_at       (GraftViewport      *self,
                                       double              factor,
                                       double              row,
                                       double              col);
void     graft_viewport_pan           (GraftViewport      *self,
                                       double              drow,
                                       double              dcol);
void     graft_viewport_image_size    (gsize               n_rows,
                                       gsize               n_cols,
                                       int                 width,
                                       int                 height,
                                       guint              *out_width,
                                       guint              *out_height);
void     graft_viewport_pixel_element (const GraftHeatmapWindow *window,
                                       guint               frame_width,
                                       guint               frame_height,
                                       guint               px,
                                       guint               py,
                                       double             *row,
                                       double             *col);

G_END_DECLS
