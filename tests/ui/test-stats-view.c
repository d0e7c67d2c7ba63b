/* test-stats-view.c: GraftStatsView and its histogram
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "graft-stats-view.h"
#include "graft-ui-test.h"

#include <math.h>
#include <string.h>

static GraftTensor *
make_f32 (const float *values,
          gsize        n)
{
  gsize shape[1] = { n };

  return graft_tensor_new_take (GRAFT_DTYPE_FLOAT32, 1, shape,
                                g_memdup2 (values, n * sizeof *values));
}

static gboolean
view_idle (gpointer data)
{
  return graft_stats_view_get_stats (data) != NULL && !graft_stats_view_get_busy (data);
}

/* The view in a window of the statistics pane's size, computed. */
static GtkWidget *
show_view (int width,
           int height)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *view = graft_stats_view_new ();

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_set_child (GTK_WINDOW (window), view);
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static GraftStatsView *
window_view (GtkWidget *window)
{
  return GRAFT_STATS_VIEW (gtk_window_get_child (GTK_WINDOW (window)));
}

static void
wait_computed (GraftStatsView *view)
{
  g_assert_true (graft_ui_test_wait (view_idle, view, 10000));
  graft_ui_test_drain (200);
}

/* Small integers: one bin per integer, integer ticks, and each bar's
 * tooltip names its value and count. */
static void
test_stats_view_integers (void)
{
  const float values[] = { 0, 1, 1, 2, 2, 2, 3, 3, 3, 3, 4 };
  g_autoptr(GraftTensor) t = make_f32 (values, G_N_ELEMENTS (values));
  GtkWidget *window = show_view (280, 560);
  GraftStatsView *view = window_view (window);
  GraftHistogramView *hist = graft_stats_view_get_histogram_view (view);
  const GraftHistogram *h;
  double ticks[GRAFT_HISTOGRAM_VIEW_MAX_TICKS];
  guint n;
  int width;

  graft_stats_view_set_tensor (view, t);
  wait_computed (view);
  h = graft_histogram_view_get_histogram (hist);
  g_assert_nonnull (h);
  g_assert_cmpuint (h->n_bins, ==, 5);
  g_assert_cmpfloat (h->lo, ==, -0.5);
  g_assert_cmpuint (h->counts[3], ==, 4);
  g_assert_cmpstr (graft_stats_view_get_caption (view), ==, "");

  /* Value ticks: integers inside the range; count ticks from 0 to at most
   * the tallest bar. */
  n = graft_histogram_view_get_ticks (hist, GTK_ORIENTATION_HORIZONTAL, ticks);
  g_assert_cmpuint (n, >=, 3);
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpfloat (ticks[i], ==, round (ticks[i]));
      g_assert_cmpfloat (ticks[i], >=, h->lo);
      g_assert_cmpfloat (ticks[i], <=, h->hi);
    }
  n = graft_histogram_view_get_ticks (hist, GTK_ORIENTATION_VERTICAL, ticks);
  g_assert_cmpuint (n, >=, 2);
  g_assert_cmpfloat (ticks[0], ==, 0);
  g_assert_cmpfloat (ticks[n - 1], <=, 4);

  /* Hover: the bin under the pointer, across the plot. */
  width = gtk_widget_get_width (GTK_WIDGET (hist));
  g_assert_cmpint (graft_histogram_view_bin_at (hist, 0, 10), ==, -1);
  g_assert_cmpint (graft_histogram_view_bin_at (hist, width - 8, 10), ==, 4);
  {
    g_autofree char *text = graft_histogram_view_dup_bin_text (hist, 3);
    g_autofree char *first = graft_histogram_view_dup_bin_text (hist, 0);

    g_assert_cmpstr (text, ==, "Value 3\n4 values (36.4 %)");
    g_assert_cmpstr (first, ==, "Value 0\n1 value (9.09 %)");
  }
  gtk_window_destroy (GTK_WINDOW (window));
}

/* A trained kernel: Freedman–Diaconis bins, not a fixed 64; each bin's
 * tooltip gives its range. */
static void
test_stats_view_real_weight (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "data", "seq_conv.keras",
                                                 NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GraftModel) model = graft_keras_load (path, &error);
  GtkWidget *window = show_view (280, 560);
  GraftStatsView *view = window_view (window);
  GraftHistogramView *hist = graft_stats_view_get_histogram_view (view);
  const GraftHistogram *h;
  double ticks[GRAFT_HISTOGRAM_VIEW_MAX_TICKS];
  g_autofree char *text = NULL;
  g_autofree char *prefix = NULL;
  GraftWeight *weight;
  guint n;

  g_assert_no_error (error);
  weight = graft_model_find_weight (model, "conv1/kernel");
  graft_stats_view_set_tensor (view, graft_weight_get_values (weight));
  wait_computed (view);
  h = graft_histogram_view_get_histogram (hist);
  /* 288 values: Freedman–Diaconis picks a dozen or so. */
  g_assert_cmpuint (h->n_bins, >=, 8);
  g_assert_cmpuint (h->n_bins, <, 64);
  n = graft_histogram_view_get_ticks (hist, GTK_ORIENTATION_HORIZONTAL, ticks);
  g_assert_cmpuint (n, >=, 2);
  /* The first bin starts at the minimum the table shows. */
  text = graft_histogram_view_dup_bin_text (hist, 0);
  prefix = g_strdup_printf ("[%s, ", graft_stats_view_get_figure (view, "min"));
  g_assert_true (g_str_has_prefix (text, prefix));
  g_assert_nonnull (strstr (text, " value"));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The Δ view: says what it shows; all zeros say "Identical". */
static void
test_stats_view_difference (void)
{
  const float zeros[] = { 0, 0, 0, 0, 0, 0 };
  const float delta[] = { 0, 0.5f, -0.25f, 0, 0, 1 };
  g_autoptr(GraftTensor) same = make_f32 (zeros, G_N_ELEMENTS (zeros));
  g_autoptr(GraftTensor) changed = make_f32 (delta, G_N_ELEMENTS (delta));
  GtkWidget *window = show_view (280, 560);
  GraftStatsView *view = window_view (window);

  graft_stats_view_set_difference (view, same);
  wait_computed (view);
  g_assert_cmpstr (graft_stats_view_get_caption (view), ==, "Δ target − source");
  g_assert_true (graft_stats_view_get_identical (view));

  graft_stats_view_set_difference (view, changed);
  wait_computed (view);
  g_assert_cmpstr (graft_stats_view_get_caption (view), ==, "Δ target − source");
  g_assert_false (graft_stats_view_get_identical (view));
  g_assert_nonnull (graft_histogram_view_get_histogram (
    graft_stats_view_get_histogram_view (view)));

  /* The same zeros as a weight of its own are not a difference. */
  graft_stats_view_set_tensor (view, same);
  wait_computed (view);
  g_assert_cmpstr (graft_stats_view_get_caption (view), ==, "");
  g_assert_false (graft_stats_view_get_identical (view));
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
collect_mapped (GtkWidget *widget,
                GPtrArray *out)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (gtk_widget_get_mapped (child))
      g_ptr_array_add (out, child);
}

/* In the pane a 900×600 window leaves it (short and narrow, scrolled as
 * the window scrolls it), the parts stack without overlapping, inside the
 * view, the histogram keeping room. */
static void
test_stats_view_small (void)
{
  const float delta[] = { 0, 0.5f, -0.25f, 0, 0, 1, 2, -3 };
  g_autoptr(GraftTensor) t = make_f32 (delta, G_N_ELEMENTS (delta));
  GtkWidget *window = gtk_window_new ();
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GraftStatsView *view = GRAFT_STATS_VIEW (graft_stats_view_new ());
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();
  double bottom = 0;

  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_widget_set_size_request (GTK_WIDGET (view), 210, -1);
  gtk_widget_set_margin_start (GTK_WIDGET (view), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (view), 12);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (view));
  gtk_window_set_child (GTK_WINDOW (window), scroller);
  gtk_window_set_default_size (GTK_WINDOW (window), 234, 470);
  gtk_window_present (GTK_WINDOW (window));
  graft_stats_view_set_difference (view, t);
  wait_computed (view);
  graft_ui_test_drain (300);
  collect_mapped (GTK_WIDGET (view), parts);
  g_assert_cmpuint (parts->len, >=, 5);
  for (guint i = 0; i < parts->len; i++)
    {
      GtkWidget *part = g_ptr_array_index (parts, i);
      graphene_rect_t b;

      g_assert_true (gtk_widget_compute_bounds (part, GTK_WIDGET (view), &b));
      g_assert_cmpfloat (b.origin.y, >=, bottom - 0.5);
      g_assert_cmpfloat (b.origin.x + b.size.width, <=, gtk_widget_get_width (GTK_WIDGET (view)));
      g_assert_cmpfloat (b.origin.y + b.size.height, <=,
                         gtk_widget_get_height (GTK_WIDGET (view)) + 0.5);
      bottom = b.origin.y + b.size.height;
    }
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (graft_stats_view_get_histogram_view (view))),
                   >=, 100);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  graft_init ();
  graft_ui_test_setup_display ();

  g_test_add_func ("/stats-view/integers", test_stats_view_integers);
  g_test_add_func ("/stats-view/real-weight", test_stats_view_real_weight);
  g_test_add_func ("/stats-view/difference", test_stats_view_difference);
  g_test_add_func ("/stats-view/small", test_stats_view_small);

  return g_test_run ();
}
