/* graft-viewport.c: the zoom window over a 2-D slice, as plain numbers
 *
 * The view keeps a centre and an extent per axis in element coordinates;
 * the window it shows is the whole elements around the centre, kept inside
 * the slice. Zooming changes the extents around a fixed element (the one
 * under the pointer) and never beyond the whole slice; panning moves the
 * centre and stops at the edges.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-viewport"

#include "config.h"

#include "graft-viewport.h"

#include <math.h>

/**
 * graft_viewport_reset:
 *
 * Looks at a slice of @n_rows × @n_cols, all of it (at least one element
 * per axis).
 */
void
graft_viewport_reset (GraftViewport *self,
                      gsize          n_rows,
                      gsize          n_cols)
{
  self->n_rows = MAX (n_rows, 1);
  self->n_cols = MAX (n_cols, 1);
  self->extent_rows = self->n_rows;
  self->extent_cols = self->n_cols;
  self->center_row = self->n_rows / 2.0;
  self->center_col = self->n_cols / 2.0;
}

/**
 * graft_viewport_is_fit:
 *
 * Returns: %TRUE when the whole slice is in view
 */
gboolean
graft_viewport_is_fit (const GraftViewport *self)
{
  return self->extent_rows >= self->n_rows && self->extent_cols >= self->n_cols;
}

static void
graft_viewport_window_axis (double  center,
                            double  extent,
                            gsize   total,
                            gsize  *start,
                            gsize  *end)
{
  gsize n = (gsize) CLAMP (round (extent), 1, (double) total);
  double first = round (center - n / 2.0);

  *start = (gsize) CLAMP (first, 0, (double) (total - n));
  *end = *start + n;
}

/**
 * graft_viewport_get_window:
 * @window: (out caller-allocates): the window in whole elements
 *
 * The elements in view: @extent rounded to whole elements around the
 * centre, inside the slice.
 */
void
graft_viewport_get_window (const GraftViewport *self,
                           GraftHeatmapWindow  *window)
{
  graft_viewport_window_axis (self->center_row, self->extent_rows, self->n_rows,
                              &window->row_start, &window->row_end);
  graft_viewport_window_axis (self->center_col, self->extent_cols, self->n_cols,
                              &window->col_start, &window->col_end);
}

static void
graft_viewport_clamp_center (GraftViewport *self)
{
  self->center_row = CLAMP (self->center_row, self->extent_rows / 2,
                            self->n_rows - self->extent_rows / 2);
  self->center_col = CLAMP (self->center_col, self->extent_cols / 2,
                            self->n_cols - self->extent_cols / 2);
}

/**
 * graft_viewport_zoom_at:
 * @factor: > 1 zooms in, < 1 zooms out
 * @row: the element (in rows) that stays where it is on screen, or NaN
 *   for the centre
 * @col: the same in columns
 *
 * Zooming in stops at one element per axis; zooming out stops at the whole
 * slice.
 */
void
graft_viewport_zoom_at (GraftViewport *self,
                        double         factor,
                        double         row,
                        double         col)
{
  double old_r = self->extent_rows, old_c = self->extent_cols;

  g_return_if_fail (factor > 0);

  if (isnan (row) || isnan (col))
    {
      row = self->center_row;
      col = self->center_col;
    }
  self->extent_rows = CLAMP (old_r / factor, MIN (1, self->n_rows), (double) self->n_rows);
  self->extent_cols = CLAMP (old_c / factor, MIN (1, self->n_cols), (double) self->n_cols);
  /* Keep the element under the pointer where it is. */
  self->center_row = row + (self->center_row - row) * self->extent_rows / old_r;
  self->center_col = col + (self->center_col - col) * self->extent_cols / old_c;
  graft_viewport_clamp_center (self);
}

/**
 * graft_viewport_pan:
 *
 * Moves the view by @drow rows and @dcol columns, stopping at the edges.
 */
void
graft_viewport_pan (GraftViewport *self,
                    double         drow,
                    double         dcol)
{
  self->center_row += drow;
  self->center_col += dcol;
  graft_viewport_clamp_center (self);
}

/**
 * graft_viewport_image_size:
 *
 * The frame size, in device pixels, for a window of @n_rows × @n_cols
 * elements in an area of @width × @height: an axis with more elements than
 * pixels fills the area, one with fewer gets whole pixels per element, and
 * when both have room the cells are square.
 */
void
graft_viewport_image_size (gsize  n_rows,
                           gsize  n_cols,
                           int    width,
                           int    height,
                           guint *out_width,
                           guint *out_height)
{
  gsize cell_r = n_rows <= (gsize) height ? (gsize) height / n_rows : 0;
  gsize cell_c = n_cols <= (gsize) width ? (gsize) width / n_cols : 0;

  if (cell_r > 0 && cell_c > 0)
    cell_r = cell_c = MIN (cell_r, cell_c);
  *out_height = cell_r > 0 ? (guint) (cell_r * n_rows) : (guint) height;
  *out_width = cell_c > 0 ? (guint) (cell_c * n_cols) : (guint) width;
}

/**
 * graft_viewport_pixel_element:
 * @window: the window a frame of @frame_width × @frame_height shows
 *
 * The element coordinates (fractional: the middle of the pixel) behind the
 * frame pixel (@px, @py).
 */
void
graft_viewport_pixel_element (const GraftHeatmapWindow *window,
                              guint                     frame_width,
                              guint                     frame_height,
                              guint                     px,
                              guint                     py,
                              double                   *row,
                              double                   *col)
{
  *row = window->row_start + (py + 0.5) * (window->row_end - window->row_start) /
         MAX (frame_height, 1);
  *col = window->col_start + (px + 0.5) * (window->col_end - window->col_start) /
         MAX (frame_width, 1);
}
