/* test-viewport.c: zooming, panning and fitting, checked without a display
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "graft.h"

static void
assert_window (const GraftViewport *vp,
               gsize                r0,
               gsize                r1,
               gsize                c0,
               gsize                c1)
{
  GraftHeatmapWindow w;

  graft_viewport_get_window (vp, &w);
  g_assert_cmpuint (w.row_start, ==, r0);
  g_assert_cmpuint (w.row_end, ==, r1);
  g_assert_cmpuint (w.col_start, ==, c0);
  g_assert_cmpuint (w.col_end, ==, c1);
}

static void
test_viewport_reset (void)
{
  GraftViewport vp;

  graft_viewport_reset (&vp, 25088, 4096);
  g_assert_true (graft_viewport_is_fit (&vp));
  assert_window (&vp, 0, 25088, 0, 4096);
  /* An empty slice still has one element to show. */
  graft_viewport_reset (&vp, 0, 7);
  assert_window (&vp, 0, 1, 0, 7);
}

static void
test_viewport_zoom_center (void)
{
  GraftViewport vp;

  graft_viewport_reset (&vp, 100, 200);
  graft_viewport_zoom_at (&vp, 2.0, NAN, NAN);
  g_assert_false (graft_viewport_is_fit (&vp));
  assert_window (&vp, 25, 75, 50, 150);
  graft_viewport_zoom_at (&vp, 0.5, NAN, NAN);
  g_assert_true (graft_viewport_is_fit (&vp));
  assert_window (&vp, 0, 100, 0, 200);
}

/* The element under the pointer stays under the pointer. */
static void
test_viewport_zoom_at_point (void)
{
  GraftViewport vp;
  GraftHeatmapWindow w;
  double before, after;

  graft_viewport_reset (&vp, 1000, 1000);
  /* Element (800, 300) sits 80 % down and 30 % across. */
  graft_viewport_zoom_at (&vp, 4.0, 800, 300);
  graft_viewport_get_window (&vp, &w);
  g_assert_cmpuint (w.row_end - w.row_start, ==, 250);
  before = 0.8;
  after = (800.0 - w.row_start) / (w.row_end - w.row_start);
  g_assert_cmpfloat_with_epsilon (after, before, 0.01);
  after = (300.0 - w.col_start) / (w.col_end - w.col_start);
  g_assert_cmpfloat_with_epsilon (after, 0.3, 0.01);
}

/* Zooming out stops at the whole slice, zooming in at one element. */
static void
test_viewport_zoom_limits (void)
{
  GraftViewport vp;

  graft_viewport_reset (&vp, 64, 48);
  for (guint i = 0; i < 20; i++)
    graft_viewport_zoom_at (&vp, 0.5, 10, 10);
  g_assert_true (graft_viewport_is_fit (&vp));
  assert_window (&vp, 0, 64, 0, 48);
  for (guint i = 0; i < 20; i++)
    graft_viewport_zoom_at (&vp, 2.0, 10, 10);
  g_assert_cmpfloat (vp.extent_rows, ==, 1.0);
  g_assert_cmpfloat (vp.extent_cols, ==, 1.0);
  assert_window (&vp, 10, 11, 10, 11);
}

static void
test_viewport_pan_edges (void)
{
  GraftViewport vp;

  graft_viewport_reset (&vp, 100, 100);
  graft_viewport_zoom_at (&vp, 10.0, NAN, NAN);
  assert_window (&vp, 45, 55, 45, 55);
  graft_viewport_pan (&vp, 20, -7);
  assert_window (&vp, 65, 75, 38, 48);
  graft_viewport_pan (&vp, 1000, -1000);
  assert_window (&vp, 90, 100, 0, 10);
  /* A fitted view does not move. */
  graft_viewport_reset (&vp, 100, 100);
  graft_viewport_pan (&vp, 30, 30);
  assert_window (&vp, 0, 100, 0, 100);
}

static void
test_viewport_image_size (void)
{
  guint w, h;

  /* More elements than pixels: the area is filled. */
  graft_viewport_image_size (25088, 4096, 800, 600, &w, &h);
  g_assert_cmpuint (w, ==, 800);
  g_assert_cmpuint (h, ==, 600);
  /* Few on both axes: square cells of whole pixels. */
  graft_viewport_image_size (3, 10, 800, 600, &w, &h);
  g_assert_cmpuint (w, ==, 800);
  g_assert_cmpuint (h, ==, 240);
  /* Few rows, many columns: rows get whole pixels, columns fill. */
  graft_viewport_image_size (4, 5000, 800, 600, &w, &h);
  g_assert_cmpuint (w, ==, 800);
  g_assert_cmpuint (h, ==, 600);
}

static void
test_viewport_pixel_element (void)
{
  GraftHeatmapWindow w = { 100, 200, 0, 50 };
  double row, col;

  graft_viewport_pixel_element (&w, 500, 1000, 0, 0, &row, &col);
  g_assert_cmpfloat_with_epsilon (row, 100.05, 1e-9);
  g_assert_cmpfloat_with_epsilon (col, 0.05, 1e-9);
  graft_viewport_pixel_element (&w, 500, 1000, 499, 999, &row, &col);
  g_assert_cmpfloat_with_epsilon (row, 199.95, 1e-9);
  g_assert_cmpfloat_with_epsilon (col, 49.95, 1e-9);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/viewport/reset", test_viewport_reset);
  g_test_add_func ("/viewport/zoom/center", test_viewport_zoom_center);
  g_test_add_func ("/viewport/zoom/keeps-the-point", test_viewport_zoom_at_point);
  g_test_add_func ("/viewport/zoom/limits", test_viewport_zoom_limits);
  g_test_add_func ("/viewport/pan/edges", test_viewport_pan_edges);
  g_test_add_func ("/viewport/image-size", test_viewport_image_size);
  g_test_add_func ("/viewport/pixel-element", test_viewport_pixel_element);
  return g_test_run ();
}
