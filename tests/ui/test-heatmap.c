/* test-heatmap.c: GraftHeatmapView and GraftStatsView
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "graft-heatmap-panel.h"
#include "graft-heatmap-panel-private.h"
#include "graft-heatmap-view.h"
#include "graft-numbers.h"
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
  /* The grid is a mosaic of the filters, drawn (and zoomed) as a matrix. */
  g_assert_true (graft_heatmap_view_get_grid (GRAFT_HEATMAP_VIEW (view)));
  g_assert_nonnull (graft_heatmap_view_get_mosaic (GRAFT_HEATMAP_VIEW (view)));
  g_assert_cmpint (graft_heatmap_frame_get_layout (frame), ==, GRAFT_HEATMAP_MATRIX);

  graft_heatmap_view_set_grid (GRAFT_HEATMAP_VIEW (view), FALSE);
  g_assert_true (graft_ui_test_wait (view_has_frame, view, 10000));
  frame = graft_heatmap_view_get_frame (GRAFT_HEATMAP_VIEW (view));
  g_assert_false (graft_heatmap_view_get_grid (GRAFT_HEATMAP_VIEW (view)));
  g_assert_null (graft_heatmap_view_get_mosaic (GRAFT_HEATMAP_VIEW (view)));
  g_assert_cmpint (graft_heatmap_frame_get_layout (frame), ==, GRAFT_HEATMAP_MATRIX);

  gtk_window_destroy (GTK_WINDOW (window));
  graft_ui_test_drain (50);
  g_assert_finalize_object (window);
}


static GtkWidget *
panel_window (GraftHeatmapPanel **panel,
              int                 width,
              int                 height)
{
  GtkWidget *window = gtk_window_new ();

  *panel = GRAFT_HEATMAP_PANEL (graft_heatmap_panel_new ());
  g_object_ref (window);
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (*panel));
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static void
close_window (GtkWidget *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  graft_ui_test_drain (50);
  g_assert_finalize_object (window);
}

static GraftModel *
load_fixture (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "keras", name, NULL);
  g_autoptr(GError) error = NULL;
  GraftModel *model = graft_keras_load (path, &error);

  g_assert_no_error (error);
  return model;
}

/* VGG16's block1_conv1 [3, 3, 3, 64] tiles 8 × 8 filters, not 1 × 64. */
static void
test_heatmap_mosaic_square (void)
{
  gsize shape[] = { 3, 3, 3, 64 };
  g_autoptr(GraftTensor) tensor = graft_tensor_new (GRAFT_DTYPE_FLOAT32, 4, shape);
  float *data = graft_tensor_get_data_mutable (tensor);
  GraftHeatmapMosaic m;
  gsize index[GRAFT_MAX_RANK];
  guint f, c, ky, kx;

  for (guint i = 0; i < 3 * 3 * 3 * 64; i++)
    data[i] = (float) i;
  g_assert_true (graft_heatmap_mosaic_init (&m, tensor, FALSE));
  g_assert_cmpuint (m.grid_cols, ==, 8);
  g_assert_cmpuint (m.grid_rows, ==, 8);
  /* Every place of the mosaic maps back to the kernel's own index. */
  g_assert_true (graft_heatmap_mosaic_locate (&m, m.tile_rows * 2 + 1, m.tile_cols * 3 + 2,
                                              &f, &c, &ky, &kx));
  g_assert_cmpuint (f, ==, 2 * 8 + 3);
  g_assert_cmpuint (c, ==, 0);
  g_assert_cmpuint (ky, ==, 1);
  g_assert_cmpuint (kx, ==, 2);
  graft_heatmap_mosaic_index (&m, NULL, f, c, ky, kx, index);
  g_assert_cmpuint (index[0], ==, 1);
  g_assert_cmpuint (index[1], ==, 2);
  g_assert_cmpuint (index[2], ==, 0);
  g_assert_cmpuint (index[3], ==, 19);
}

static gboolean
panel_has_frame (gpointer data)
{
  return view_has_frame (graft_heatmap_panel_get_view (data));
}

/* The grid of a real kernel zooms like any heatmap, its limits are the
 * whole tensor's, and a click on a filter opens it as a slice. */
static void
test_heatmap_panel_grid_zoom (void)
{
  g_autoptr(GraftModel) model = load_fixture ("seq_conv.keras");
  GraftWeight *kernel = graft_model_find_weight (model, "conv1/kernel");
  GraftHeatmapPanel *panel;
  GtkWidget *window = panel_window (&panel, 700, 500);
  GraftHeatmapView *view = graft_heatmap_panel_get_view (panel);
  const GraftViewport *vp = graft_heatmap_view_get_viewport (view);
  double before;

  g_assert_nonnull (kernel);
  graft_heatmap_panel_set_weight (panel, kernel, NULL, FALSE, NULL);
  g_assert_true (graft_ui_test_wait (panel_has_frame, panel, 10000));
  g_assert_nonnull (graft_heatmap_view_get_mosaic (view));
  /* The zoom buttons' actions live on the panel and are enabled. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "heatmap.zoom-in", NULL));
  g_assert_true (graft_ui_test_wait (panel_has_frame, panel, 10000));
  before = vp->extent_rows;
  g_assert_cmpfloat (before, <, vp->n_rows);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "heatmap.zoom-fit", NULL));
  g_assert_cmpfloat (vp->extent_rows, ==, vp->n_rows);

  g_signal_emit_by_name (view, "filter-activated", 5u);
  g_assert_true (graft_ui_test_wait (panel_has_frame, panel, 10000));
  g_assert_null (graft_heatmap_view_get_mosaic (view));
  {
    guint row_axis, col_axis;
    gsize index[GRAFT_MAX_RANK];

    graft_heatmap_view_get_slice (view, &row_axis, &col_axis, index);
    g_assert_cmpuint (row_axis, ==, 0);
    g_assert_cmpuint (col_axis, ==, 1);
    g_assert_cmpuint (index[3], ==, 5);
  }
  close_window (window);
}

/* ± max |x| is the whole tensor's, zoomed in or not; the visible region
 * option follows the window. */
static void
test_heatmap_whole_tensor_limits (void)
{
  gsize shape[] = { 64, 64 };
  g_autoptr(GraftTensor) tensor = graft_tensor_new (GRAFT_DTYPE_FLOAT32, 2, shape);
  float *data = graft_tensor_get_data_mutable (tensor);
  GtkWidget *window = gtk_window_new ();
  GtkWidget *view = graft_heatmap_view_new ();
  GraftHeatmapStyle style;
  const GraftColorbar *bar;

  for (guint i = 0; i < 64 * 64; i++)
    data[i] = 0.01f * sinf (i);
  data[63 * 64 + 63] = 0.0599f;  /* the largest, in the bottom-right corner */
  g_object_ref (window);
  gtk_window_set_default_size (GTK_WINDOW (window), 500, 400);
  gtk_window_set_child (GTK_WINDOW (window), view);
  gtk_window_present (GTK_WINDOW (window));
  graft_heatmap_view_set_tensor (GRAFT_HEATMAP_VIEW (view), tensor);
  g_assert_true (graft_ui_test_wait (view_has_frame, view, 10000));
  graft_heatmap_view_zoom (GRAFT_HEATMAP_VIEW (view), 4.0);
  g_assert_true (graft_ui_test_wait (view_has_frame, view, 10000));
  bar = graft_heatmap_frame_get_colorbar (graft_heatmap_view_get_frame (GRAFT_HEATMAP_VIEW (view)));
  g_assert_cmpfloat_with_epsilon (bar->vmax, 0.0599, 1e-6);

  graft_heatmap_style_init (&style);
  style.visible_limits = TRUE;
  graft_heatmap_view_set_style (GRAFT_HEATMAP_VIEW (view), &style);
  g_assert_true (graft_ui_test_wait (view_has_frame, view, 10000));
  bar = graft_heatmap_frame_get_colorbar (graft_heatmap_view_get_frame (GRAFT_HEATMAP_VIEW (view)));
  g_assert_cmpfloat (bar->vmax, <, 0.011);

  /* A short bar draws fewer labels rather than overlapping ones. */
  gtk_window_set_default_size (GTK_WINDOW (window), 500, 90);
  gtk_widget_set_size_request (view, 300, 90);
  graft_ui_test_drain (300);
  {
    guint n;
    const graphene_rect_t *r = graft_heatmap_view_get_bar_labels (GRAFT_HEATMAP_VIEW (view), &n);

    g_assert_cmpuint (n, >=, 2);
    for (guint i = 0; i < n; i++)
      for (guint j = i + 1; j < n; j++)
        g_assert_false (graphene_rect_intersection (&r[i], &r[j], NULL));
  }
  close_window (window);
}

/* A bias [10] is a plot with its numbers listed; hovering reads a value. */
static void
test_heatmap_panel_vector_plot (void)
{
  g_autoptr(GraftModel) model = load_fixture ("seq_conv.keras");
  GraftWeight *bias = graft_model_find_weight (model, "dense/bias");
  GraftHeatmapPanel *panel;
  GtkWidget *window = panel_window (&panel, 700, 500);
  GraftLinePlot *plot = graft_heatmap_panel_get_plot (panel);
  g_autofree char *expected = NULL;
  double x, y;

  graft_heatmap_panel_set_weight (panel, bias, NULL, FALSE, NULL);
  graft_ui_test_drain (200);
  g_assert_cmpstr (graft_heatmap_panel_get_page (panel), ==, "plot");
  g_assert_cmpuint (graft_line_plot_get_n_values (plot), ==, 10);
  g_assert_true (graft_line_plot_get_point (plot, 8, &x, &y));
  graft_line_plot_hover (plot, x);
  expected = g_strdup_printf ("[8] = %s", "0.2955633");
  g_assert_cmpstr (graft_line_plot_get_hover_text (plot), ==, expected);
  close_window (window);
}

/* Custom limits start from the data's range, not −1…1, and choosing them
 * moves no control: the heatmap stays where it was (issue 15, #13). */
static void
test_heatmap_panel_custom_limits (void)
{
  g_autoptr(GraftModel) model = load_fixture ("seq_conv.keras");
  GraftWeight *kernel = graft_model_find_weight (model, "conv1/kernel");
  GraftStats stats;
  g_autoptr(GError) error = NULL;
  GraftHeatmapPanel *panel;
  GtkWidget *window = panel_window (&panel, 700, 500);
  GtkWidget *view;
  graphene_rect_t before, after;

  g_assert_true (graft_stats_compute (graft_weight_get_tensor (kernel), &stats, NULL, &error));
  g_assert_no_error (error);
  graft_heatmap_panel_set_weight (panel, kernel, NULL, FALSE, NULL);
  graft_ui_test_drain (300);
  view = GTK_WIDGET (graft_heatmap_panel_get_view (panel));
  g_assert_true (gtk_widget_compute_bounds (view, GTK_WIDGET (panel), &before));

  gtk_drop_down_set_selected (panel->limits_dropdown, LIMITS_CUSTOM);
  graft_ui_test_drain (300);
  g_assert_cmpfloat_with_epsilon (gtk_spin_button_get_value (panel->min_spin),
                                  stats.min, 1e-6);
  g_assert_cmpfloat_with_epsilon (gtk_spin_button_get_value (panel->max_spin),
                                  stats.max, 1e-6);
  g_assert_true (gtk_widget_compute_bounds (view, GTK_WIDGET (panel), &after));
  g_assert_true (graphene_rect_equal (&before, &after));
  close_window (window);
}

/* The table of a 25088 × 4096 slice draws only the cells in view. */
static void
test_heatmap_value_table_virtual (void)
{
  gsize shape[] = { 25088, 4096 };
  g_autoptr(GraftTensor) tensor = graft_tensor_new (GRAFT_DTYPE_FLOAT32, 2, shape);
  float *data = graft_tensor_get_data_mutable (tensor);
  GtkWidget *window = gtk_window_new ();
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *table = graft_value_table_new ();
  g_autofree char *text = NULL;
  guint n;

  data[(gsize) 25087 * 4096 + 4095] = 1.5f;
  g_object_ref (window);
  gtk_window_set_default_size (GTK_WINDOW (window), 600, 400);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), table);
  gtk_window_set_child (GTK_WINDOW (window), scrolled);
  gtk_window_present (GTK_WINDOW (window));
  graft_value_table_set_slice (GRAFT_VALUE_TABLE (table), tensor, 0, 1, NULL);
  graft_ui_test_drain (300);
  n = graft_value_table_get_n_drawn (GRAFT_VALUE_TABLE (table));
  g_assert_cmpuint (n, >, 10);
  g_assert_cmpuint (n, <, 2000);
  text = graft_value_table_get_cell_text (GRAFT_VALUE_TABLE (table), 25087, 4095);
  g_assert_cmpstr (text, ==, "1.5");
  close_window (window);
}

/* A tensor that must be read (as a compressed dataset is), read by blocks. */
typedef struct
{
  gsize shape[3];
  guint n_reads;
  gsize largest;
} BlockSource;

static gboolean
block_source_read (gpointer      data,
                   const gsize  *start,
                   const gsize  *count,
                   void         *dest,
                   GError      **error)
{
  BlockSource *src = data;
  float *out = dest;
  gsize k = 0;

  src->n_reads++;
  src->largest = MAX (src->largest, count[0] * count[1] * count[2]);
  for (gsize i = start[0]; i < start[0] + count[0]; i++)
    for (gsize j = start[1]; j < start[1] + count[1]; j++)
      for (gsize l = start[2]; l < start[2] + count[2]; l++)
        out[k++] = (float) (i * 1000000 + j * 1000 + l);
  return TRUE;
}

static void
block_source_free (gpointer data)
{
}

/* The table of a tensor that is not in memory reads the cells it shows,
 * a block at a time, any slice of it, and leaves no copy with the tensor. */
static void
test_heatmap_value_table_reads_blocks (void)
{
  static const GraftTensorSourceFuncs funcs = { block_source_read, NULL, block_source_free };
  BlockSource src = { { 4, 700, 300 }, 0, 0 };
  g_autoptr(GraftTensor) tensor = graft_tensor_new_lazy (GRAFT_DTYPE_FLOAT32, 3, src.shape, &funcs, &src);
  GtkWidget *window = gtk_window_new ();
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *table = graft_value_table_new ();
  gsize index[GRAFT_MAX_RANK] = { 2, 0, 0 };
  static const gsize cells[][2] = { { 0, 0 }, { 127, 31 }, { 128, 32 }, { 699, 299 }, { 5, 290 } };

  g_object_ref (window);
  gtk_window_set_default_size (GTK_WINDOW (window), 600, 400);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), table);
  gtk_window_set_child (GTK_WINDOW (window), scrolled);
  gtk_window_present (GTK_WINDOW (window));
  graft_value_table_set_slice (GRAFT_VALUE_TABLE (table), tensor, 1, 2, index);
  graft_ui_test_drain (300);
  g_assert_cmpuint (graft_value_table_get_n_drawn (GRAFT_VALUE_TABLE (table)), >, 10);
  g_assert_cmpuint (src.n_reads, >=, 1);
  g_assert_cmpuint (src.largest, <=, 128 * 32);
  for (guint i = 0; i < G_N_ELEMENTS (cells); i++)
    {
      g_autofree char *text = graft_value_table_get_cell_text (GRAFT_VALUE_TABLE (table),
                                                               cells[i][0], cells[i][1]);
      g_autofree char *want = graft_numbers_value (2000000.0 + cells[i][0] * 1000 + cells[i][1]);

      g_assert_cmpstr (text, ==, want);
    }
  /* Transposed: the tensor's columns down the table. */
  graft_value_table_set_slice (GRAFT_VALUE_TABLE (table), tensor, 2, 1, index);
  for (guint i = 0; i < G_N_ELEMENTS (cells); i++)
    {
      g_autofree char *text = graft_value_table_get_cell_text (GRAFT_VALUE_TABLE (table),
                                                               cells[i][1], cells[i][0]);
      g_autofree char *want = graft_numbers_value (2000000.0 + cells[i][0] * 1000 + cells[i][1]);

      g_assert_cmpstr (text, ==, want);
    }
  g_assert_cmpuint (src.largest, <=, 128 * 32);
  g_assert_null (graft_tensor_get_data_in_place (tensor));
  close_window (window);
}

/* Δ of a weight equal to its source says so, instead of a blank map. */
static gboolean
panel_identical (gpointer data)
{
  return g_strcmp0 (graft_heatmap_panel_get_page (data), "identical") == 0;
}

static void
test_heatmap_panel_identical (void)
{
  g_autoptr(GraftModel) model = load_fixture ("seq_conv.keras");
  GraftWeight *kernel = graft_model_find_weight (model, "dense/kernel");
  GraftHeatmapPanel *panel;
  GtkWidget *window = panel_window (&panel, 700, 500);
  GraftHeatmapStyle defaults;

  graft_heatmap_panel_set_weight (panel, kernel, graft_weight_get_values (kernel), FALSE, NULL);
  graft_heatmap_panel_set_delta (panel, TRUE);
  g_assert_true (graft_ui_test_wait (panel_identical, panel, 10000));

  /* Defaults apply to the weight selected next. */
  graft_heatmap_style_init (&defaults);
  defaults.colormap = GRAFT_COLORMAP_MAGMA;
  defaults.reduce = GRAFT_REDUCE_MEAN;
  graft_heatmap_panel_set_defaults (panel, &defaults);
  graft_heatmap_panel_set_weight (panel, kernel, NULL, FALSE, NULL);
  g_assert_cmpint (graft_heatmap_view_get_style (graft_heatmap_panel_get_view (panel))->colormap,
                   ==, GRAFT_COLORMAP_MAGMA);
  g_assert_cmpint (graft_heatmap_view_get_style (graft_heatmap_panel_get_view (panel))->reduce,
                   ==, GRAFT_REDUCE_MEAN);
  close_window (window);
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
  g_test_add_func ("/heatmap/mosaic-square", test_heatmap_mosaic_square);
  g_test_add_func ("/heatmap/panel-grid-zoom", test_heatmap_panel_grid_zoom);
  g_test_add_func ("/heatmap/whole-tensor-limits", test_heatmap_whole_tensor_limits);
  g_test_add_func ("/heatmap/panel-vector-plot", test_heatmap_panel_vector_plot);
  g_test_add_func ("/heatmap/panel-custom-limits", test_heatmap_panel_custom_limits);
  g_test_add_func ("/heatmap/value-table-virtual", test_heatmap_value_table_virtual);
  g_test_add_func ("/heatmap/value-table-reads-blocks", test_heatmap_value_table_reads_blocks);
  g_test_add_func ("/heatmap/panel-identical", test_heatmap_panel_identical);
  g_test_add_func ("/stats-view/figures", test_stats_view_figures);

  return g_test_run ();
}
