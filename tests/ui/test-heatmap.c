/* test-heatmap.c: GraftHeatmapView and GraftStatsView
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "graft-heatmap-view.h"
#include "graft-stats-view.h"
#include "graft-ui-test.h"

static gboolean
view_has_frame (gpointer data)
{
  GraftHeatmapView *view = data;

  return graft_heatmap_view_get_texture (view) != NULL && !graft_heatmap_view_get_busy (view);
}

static gboolean
stats_done (gpointer data)
{
  return graft_stats_view_get_stats (data) != NULL;
}

static guint32
texture_pixel (GdkTexture *texture,
               guint       x,
               guint       y)
{
  gsize stride = (gsize) gdk_texture_get_width (texture) * 4;
  g_autofree guchar *data = g_malloc (stride * gdk_texture_get_height (texture));
  guint32 pixel;

  /* Downloads as native-endian ARGB32 (cairo's layout). */
  gdk_texture_download (texture, data, stride);
  memcpy (&pixel, data + y * stride + x * 4, 4);
  return pixel;
}

static guint32
expected_pixel (double value)
{
  g_autoptr(GraftColormap) cmap = graft_colormap_new (GRAFT_COLORMAP_DIVERGING, FALSE);
  guint8 rgba[4];

  g_assert_true (graft_colormap_set_scale (cmap, GRAFT_SCALE_LINEAR, -4, 4, 0, NULL));
  graft_colormap_map (cmap, value, rgba);
  return ((guint32) rgba[3] << 24) | ((guint32) rgba[0] << 16) | ((guint32) rgba[1] << 8) | rgba[2];
}

/* A 2 × 3 matrix, -4 at the top left and +4 at the bottom right, drawn in
 * a window: each value gets a square block of pixels of its colour, and
 * the blocks meet exactly at the pixel edges. */
static void
test_heatmap_matrix_pixels (void)
{
  float values[] = { -4, 0, 1, 2, 3, 4 };
  gsize shape[] = { 2, 3 };
  g_autoptr(GraftTensor) tensor = graft_tensor_new_take (GRAFT_DTYPE_FLOAT32, 2, shape,
                                                         g_memdup2 (values, sizeof values));
  GtkWidget *window = gtk_window_new ();
  GtkWidget *view = graft_heatmap_view_new ();
  GdkTexture *texture;
  const GraftHeatmapFrame *frame;
  guint w, h, cell;
  GraftHeatmapPixel pixel;
  g_autoptr(GError) error = NULL;

  g_object_ref (window);
  gtk_window_set_default_size (GTK_WINDOW (window), 500, 300);
  gtk_window_set_child (GTK_WINDOW (window), view);
  gtk_window_present (GTK_WINDOW (window));
  graft_heatmap_view_set_tensor (GRAFT_HEATMAP_VIEW (view), tensor);
  g_assert_true (graft_ui_test_wait (view_has_frame, view, 10000));

  texture = graft_heatmap_view_get_texture (GRAFT_HEATMAP_VIEW (view));
  frame = graft_heatmap_view_get_frame (GRAFT_HEATMAP_VIEW (view));
  w = gdk_texture_get_width (texture);
  h = gdk_texture_get_height (texture);
  g_assert_cmpuint (w, ==, graft_heatmap_frame_get_width (frame));
  g_assert_cmpuint (h, ==, graft_heatmap_frame_get_height (frame));
  /* Square cells of whole pixels: 3 wide, 2 high. */
  cell = h / 2;
  g_assert_cmpuint (h, ==, 2 * cell);
  g_assert_cmpuint (w, ==, 3 * cell);
  g_assert_cmpuint (cell, >, 10);

  g_assert_cmphex (texture_pixel (texture, 0, 0), ==, expected_pixel (-4));
  g_assert_cmphex (texture_pixel (texture, cell - 1, cell - 1), ==, expected_pixel (-4));
  g_assert_cmphex (texture_pixel (texture, cell, 0), ==, expected_pixel (0));
  g_assert_cmphex (texture_pixel (texture, 2 * cell + 1, cell + 1), ==, expected_pixel (4));
  g_assert_cmphex (texture_pixel (texture, w - 1, h - 1), ==, expected_pixel (4));
  g_assert_cmphex (texture_pixel (texture, 0, h - 1), ==, expected_pixel (2));

  /* The value under a pixel is the tensor's own. */
  g_assert_true (graft_heatmap_frame_lookup (frame, w - 1, 0, &pixel, &error));
  g_assert_no_error (error);
  g_assert_true (pixel.valid);
  g_assert_cmpfloat (pixel.value, ==, 1);
  g_assert_cmpuint (pixel.value_index[0], ==, 0);
  g_assert_cmpuint (pixel.value_index[1], ==, 2);

  /* Zooming in shows fewer elements in bigger cells. */
  graft_heatmap_view_zoom (GRAFT_HEATMAP_VIEW (view), 2.0);
  g_assert_true (graft_ui_test_wait (view_has_frame, view, 10000));
  {
    GraftHeatmapWindow win;

    graft_heatmap_frame_get_window (graft_heatmap_view_get_frame (GRAFT_HEATMAP_VIEW (view)),
                                    &win);
    g_assert_cmpuint (win.row_end - win.row_start, ==, 1);
    g_assert_cmpuint (win.col_end - win.col_start, <=, 2);
  }

  gtk_window_destroy (GTK_WINDOW (window));
  graft_ui_test_drain (50);
  g_assert_finalize_object (window);
}

/* A conv kernel [kh, kw, cin, cout] starts as a grid of filters. */
static void
test_heatmap_conv_grid (void)
{
  gsize shape[] = { 3, 3, 2, 4 };
  g_autoptr(GraftTensor) tensor = graft_tensor_new (GRAFT_DTYPE_FLOAT32, 4, shape);
  float *data = graft_tensor_get_data_mutable (tensor);
  GtkWidget *window = gtk_window_new ();
  GtkWidget *view = graft_heatmap_view_new ();
  const GraftHeatmapFrame *frame;

  for (guint i = 0; i < 72; i++)
    data[i] = (float) i - 36;
  g_object_ref (window);
  gtk_window_set_default_size (GTK_WINDOW (window), 400, 300);
  gtk_window_set_child (GTK_WINDOW (window), view);
  gtk_window_present (GTK_WINDOW (window));
  graft_heatmap_view_set_tensor (GRAFT_HEATMAP_VIEW (view), tensor);
  g_assert_true (graft_heatmap_view_can_grid (GRAFT_HEATMAP_VIEW (view)));
  g_assert_true (graft_ui_test_wait (view_has_frame, view, 10000));
  frame = graft_heatmap_view_get_frame (GRAFT_HEATMAP_VIEW (view));
  g_assert_cmpint (graft_heatmap_frame_get_layout (frame), ==, GRAFT_HEATMAP_GRID);

  graft_heatmap_view_set_grid (GRAFT_HEATMAP_VIEW (view), FALSE);
  g_assert_true (graft_ui_test_wait (view_has_frame, view, 10000));
  frame = graft_heatmap_view_get_frame (GRAFT_HEATMAP_VIEW (view));
  g_assert_cmpint (graft_heatmap_frame_get_layout (frame), ==, GRAFT_HEATMAP_MATRIX);

  gtk_window_destroy (GTK_WINDOW (window));
  graft_ui_test_drain (50);
  g_assert_finalize_object (window);
}

static void
test_stats_view_figures (void)
{
  float values[] = { -2, 0, 1, 5, NAN };
  gsize shape[] = { 5 };
  g_autoptr(GraftTensor) tensor = graft_tensor_new_take (GRAFT_DTYPE_FLOAT32, 1, shape,
                                                         g_memdup2 (values, sizeof values));
  GtkWidget *view = g_object_ref_sink (graft_stats_view_new ());
  const GraftStats *stats;
  graft_stats_view_set_tensor (GRAFT_STATS_VIEW (view), tensor);
  g_assert_true (graft_ui_test_wait (stats_done, view, 10000));
  stats = graft_stats_view_get_stats (GRAFT_STATS_VIEW (view));
  g_assert_cmpuint (stats->count, ==, 5);
  g_assert_cmpuint (stats->nan, ==, 1);
  g_assert_cmpfloat (stats->min, ==, -2);
  g_assert_cmpfloat (stats->max, ==, 5);
  g_assert_cmpstr (graft_stats_view_get_figure (GRAFT_STATS_VIEW (view), "min"), ==, "−2");
  g_assert_cmpstr (graft_stats_view_get_figure (GRAFT_STATS_VIEW (view), "max"), ==, "5");
  g_assert_cmpstr (graft_stats_view_get_figure (GRAFT_STATS_VIEW (view), "elements"), ==, "5");

  graft_stats_view_set_tensor (GRAFT_STATS_VIEW (view), NULL);
  g_assert_null (graft_stats_view_get_stats (GRAFT_STATS_VIEW (view)));
  graft_ui_test_drain (20);
  g_assert_finalize_object (view);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  graft_init ();
  graft_ui_test_setup_display ();

  g_test_add_func ("/heatmap/matrix-pixels", test_heatmap_matrix_pixels);
  g_test_add_func ("/heatmap/conv-grid", test_heatmap_conv_grid);
  g_test_add_func ("/stats-view/figures", test_stats_view_figures);

  return g_test_run ();
}
