/* test-window.c: GraftWindow driven through its win.* actions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "graft-window.h"
#include "graft-ui-test.h"

typedef struct
{
  char        *tmpdir;
  char        *source_path;
  char        *target_path;
  GraftWindow *window;
} Fixture;

static gboolean
window_idle (gpointer data)
{
  Fixture *fixture = data;

  return !graft_window_get_busy (fixture->window) && graft_window_get_target (fixture->window);
}

static gboolean
window_saved (gpointer data)
{
  return !graft_window_get_busy (data);
}

static void
copy_file (const char *from,
           const char *to)
{
  g_autofree char *contents = NULL;
  gsize len;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (from, &contents, &len, &error);
  g_assert_no_error (error);
  g_file_set_contents (to, contents, len, &error);
  g_assert_no_error (error);
}

/* The bundled example pair, the target copied so that saves land apart. */
static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *target = g_test_build_filename (G_TEST_DIST, "..", "data",
                                                   "seq_conv_newhead.keras", NULL);
  g_autoptr(GError) error = NULL;

  fixture->tmpdir = g_dir_make_tmp ("graft-ui-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->source_path = g_test_build_filename (G_TEST_DIST, "..", "data", "seq_conv.keras", NULL);
  fixture->target_path = g_build_filename (fixture->tmpdir, "target.keras", NULL);
  copy_file (target, fixture->target_path);

  fixture->window = g_object_ref (graft_window_new (NULL));
  gtk_window_present (GTK_WINDOW (fixture->window));
  graft_window_open (fixture->window, fixture->source_path, fixture->target_path);
  g_assert_true (graft_ui_test_wait (window_idle, fixture, 20000));
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GDir) dir = g_dir_open (fixture->tmpdir, 0, NULL);
  const char *name;

  if (fixture->window != NULL)
    {
      graft_ui_test_drain (100);
      gtk_window_destroy (GTK_WINDOW (fixture->window));
      graft_ui_test_drain (100);
      g_assert_finalize_object (fixture->window);
    }
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fixture->tmpdir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (fixture->tmpdir);
  g_free (fixture->tmpdir);
  g_free (fixture->source_path);
  g_free (fixture->target_path);
}

static float *
weight_values (GraftModel *model,
               const char *path,
               gsize      *n)
{
  GraftWeight *weight = graft_model_find_weight (model, path);
  g_autoptr(GError) error = NULL;
  float *values;

  g_assert_nonnull (weight);
  *n = graft_tensor_get_n_elements (graft_weight_get_tensor (weight));
  values = graft_tensor_dup_float (graft_weight_get_tensor (weight), &error);
  g_assert_no_error (error);
  return values;
}

static gboolean
same_values (GraftModel *a,
             GraftModel *b,
             const char *path)
{
  gsize na, nb;
  g_autofree float *va = weight_values (a, path, &na);
  g_autofree float *vb = weight_values (b, path, &nb);

  return na == nb && memcmp (va, vb, na * sizeof (float)) == 0;
}

static gboolean
heatmap_and_stats_ready (gpointer data)
{
  GraftWindow *window = data;
  GraftHeatmapView *view = graft_heatmap_panel_get_view (graft_window_get_heatmap_panel (window));

  return graft_heatmap_view_get_texture (view) != NULL && !graft_heatmap_view_get_busy (view) &&
         graft_stats_view_get_stats (graft_window_get_stats_view (window)) != NULL;
}

static void
test_window_open_pair (Fixture       *fixture,
                       gconstpointer  data)
{
  GraftWindow *window = fixture->window;

  g_assert_nonnull (graft_window_get_source (window));
  g_assert_false (graft_window_get_modified (window));
  g_assert_nonnull (graft_layer_tree_find_item (graft_window_get_source_tree (window), "dense"));
  g_assert_nonnull (graft_layer_tree_find_item (graft_window_get_target_tree (window),
                                                "new_dense/kernel"));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "target.keras — Graft");
}

/* Selecting a weight draws its heatmap and fills in its statistics. */
static void
test_window_select_weight (Fixture       *fixture,
                           gconstpointer  data)
{
  GraftWindow *window = fixture->window;
  GraftHeatmapView *view = graft_heatmap_panel_get_view (graft_window_get_heatmap_panel (window));
  GraftTensor *tensor = graft_weight_get_tensor (graft_model_find_weight (graft_window_get_target (window),
                                                                          "new_dense/bias"));
  const GraftStats *shown;
  GraftStats stats;
  GdkTexture *texture;
  const GraftHeatmapFrame *frame;
  g_autoptr(GError) error = NULL;
  g_autofree guchar *pixels = NULL;
  gsize stride;
  guint x, y;

  g_assert_true (graft_layer_tree_select_path (graft_window_get_target_tree (window),
                                               "new_dense/bias"));
  g_assert_true (graft_ui_test_wait (heatmap_and_stats_ready, window, 10000));
  g_assert_true (graft_heatmap_view_get_tensor (view) == tensor);

  shown = graft_stats_view_get_stats (graft_window_get_stats_view (window));
  g_assert_true (graft_stats_compute (tensor, &stats, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (shown->count, ==, 5);
  g_assert_cmpfloat (shown->min, ==, stats.min);
  g_assert_cmpfloat (shown->max, ==, stats.max);
  g_assert_cmpfloat (shown->mean, ==, stats.mean);

  /* The texture is the core's frame, pixel for pixel: the strip's cells
   * have the colours the core chose for the bias values. */
  texture = graft_heatmap_view_get_texture (view);
  frame = graft_heatmap_view_get_frame (view);
  g_assert_cmpuint (gdk_texture_get_width (texture), ==, graft_heatmap_frame_get_width (frame));
  stride = gdk_texture_get_width (texture) * 4;
  pixels = g_malloc (stride * gdk_texture_get_height (texture));
  gdk_texture_download (texture, pixels, stride);
  for (y = 0; y < graft_heatmap_frame_get_height (frame); y += 7)
    for (x = 0; x < graft_heatmap_frame_get_width (frame); x += 5)
      {
        const guint8 *rgba = graft_heatmap_frame_get_rgba (frame) + (y * stride) + x * 4;
        guint32 argb = ((guint32) rgba[3] << 24) | ((guint32) rgba[0] << 16) |
                       ((guint32) rgba[1] << 8) | rgba[2];
        guint32 got;

        memcpy (&got, pixels + y * stride + x * 4, 4);
        g_assert_cmphex (got, ==, argb);
      }
  /* And the value under a cell is one of the bias's values. */
  {
    GraftHeatmapPixel pixel;
    gsize n;
    g_autofree float *bias = weight_values (graft_window_get_target (window), "new_dense/bias",
                                            &n);
    gboolean found = FALSE;

    for (y = 0; y < graft_heatmap_frame_get_height (frame) && !found; y++)
      for (x = 0; x < graft_heatmap_frame_get_width (frame) && !found; x++)
        {
          g_assert_true (graft_heatmap_frame_lookup (frame, x, y, &pixel, &error));
          if (pixel.valid)
            {
              g_assert_cmpuint (pixel.value_index[0], <, n);
              g_assert_cmpfloat (pixel.value, ==, bias[pixel.value_index[0]]);
              found = TRUE;
            }
        }
    g_assert_true (found);
  }
}

/* win.transfer-weights changes the target as one step; undo and redo. */
static void
test_window_transfer_undo_redo (Fixture       *fixture,
                                gconstpointer  data)
{
  GraftWindow *window = fixture->window;
  GraftModel *source = graft_window_get_source (window);
  GraftModel *target = graft_window_get_target (window);
  GraftLayerTree *tree = graft_window_get_target_tree (window);

  g_assert_false (same_values (source, target, "conv1/kernel"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.transfer-weights", "(ss)",
                                             "conv1", "conv1"));
  g_assert_true (same_values (source, target, "conv1/kernel"));
  g_assert_true (same_values (source, target, "conv1/bias"));
  g_assert_true (graft_window_get_modified (window));
  g_assert_true (graft_layer_item_get_modified (graft_layer_tree_find_item (tree, "conv1/kernel")));
  g_assert_false (graft_layer_item_get_modified (graft_layer_tree_find_item (tree,
                                                                             "new_dense/kernel")));
  g_assert_nonnull (strstr (graft_window_get_message (window), "Copied 2 weights"));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "*target.keras — Graft");
  g_assert_cmpuint (graft_edit_get_n_steps (graft_window_get_edit (window)), ==, 1);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
  g_assert_false (same_values (source, target, "conv1/kernel"));
  g_assert_false (graft_window_get_modified (window));
  g_assert_false (graft_layer_item_get_modified (graft_layer_tree_find_item (tree, "conv1/kernel")));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.redo", NULL));
  g_assert_true (same_values (source, target, "conv1/kernel"));
  g_assert_true (graft_window_get_modified (window));

  /* A refused transfer changes nothing and says why in the window. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.transfer-weights", "(ss)",
                                             "dense", "new_dense"));
  g_assert_nonnull (strstr (graft_window_get_message (window), "[5408, 10]"));
  g_assert_cmpuint (graft_edit_get_n_steps (graft_window_get_edit (window)), ==, 1);
}

/* Save writes a file the core reads back with the transferred values. */
static void
test_window_save (Fixture       *fixture,
                  gconstpointer  data)
{
  GraftWindow *window = fixture->window;
  g_autoptr(GraftModel) saved = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.transfer-pairs",
                                             "(@a(ss)b)",
                                             g_variant_new_parsed ("[('conv1/kernel', 'conv1/kernel'), "
                                                                   "('conv1/bias', 'conv1/bias')]"),
                                             FALSE));
  g_assert_true (graft_window_get_modified (window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.save", NULL));
  g_assert_true (graft_ui_test_wait (window_saved, window, 20000));
  g_assert_false (graft_window_get_modified (window));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "target.keras — Graft");

  saved = graft_keras_load (fixture->target_path, &error);
  g_assert_no_error (error);
  g_assert_true (same_values (graft_window_get_source (window), saved, "conv1/kernel"));
  g_assert_true (same_values (graft_window_get_source (window), saved, "conv1/bias"));
  g_assert_true (same_values (graft_window_get_target (window), saved, "new_dense/kernel"));
}

/* A save that fails (the file's folder is gone) reports why and loses
 * nothing: the changes stay, marked unsaved, and can still be undone. */
static void
test_window_save_fails (Fixture       *fixture,
                        gconstpointer  data)
{
  GraftWindow *window = fixture->window;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.transfer-weights", "(ss)",
                                             "conv1/bias", "conv1/bias"));
  g_assert_true (graft_window_get_modified (window));
  g_assert_cmpint (g_unlink (fixture->target_path), ==, 0);
  g_assert_cmpint (g_rmdir (fixture->tmpdir), ==, 0);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.save", NULL));
  g_assert_true (graft_ui_test_wait (window_saved, window, 20000));
  g_assert_true (graft_window_get_modified (window));
  g_assert_nonnull (graft_window_get_message (window));
  g_assert_nonnull (strstr (graft_window_get_message (window), "target.keras"));
  g_assert_true (graft_edit_can_undo (graft_window_get_edit (window)));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
  g_assert_false (graft_window_get_modified (window));
  g_assert_cmpint (g_mkdir (fixture->tmpdir, 0755), ==, 0);
}

/* Closing with unsaved changes asks; Discard closes. */
static void
test_window_close_asks (Fixture       *fixture,
                        gconstpointer  data)
{
  GraftWindow *window = fixture->window;
  GtkWindow *question;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.transfer-weights", "(ss)",
                                             "conv1/bias", "conv1/bias"));
  g_assert_true (graft_window_get_modified (window));

  gtk_window_close (GTK_WINDOW (window));
  graft_ui_test_drain (50);
  question = graft_window_get_question (window);
  g_assert_nonnull (question);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (question)));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));

  /* Cancel keeps the window and its changes. */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_dialog_response (GTK_DIALOG (question), GTK_RESPONSE_CANCEL);
  G_GNUC_END_IGNORE_DEPRECATIONS
  g_assert_null (graft_window_get_question (window));
  g_assert_true (graft_window_get_modified (window));

  /* Discard closes it. */
  gtk_window_close (GTK_WINDOW (window));
  question = graft_window_get_question (window);
  g_assert_nonnull (question);
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_dialog_response (GTK_DIALOG (question), GTK_RESPONSE_REJECT);
  G_GNUC_END_IGNORE_DEPRECATIONS
  graft_ui_test_drain (100);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (window)));
  g_assert_finalize_object (g_steal_pointer (&fixture->window));
}

static void
test_window_open_error (void)
{
  GraftWindow *window = g_object_ref (graft_window_new (NULL));
  g_autofree char *missing = g_build_filename (g_get_tmp_dir (), "graft-no-such-file.keras", NULL);

  gtk_window_present (GTK_WINDOW (window));
  graft_window_open (window, NULL, missing);
  g_assert_true (graft_ui_test_wait (window_saved, window, 10000));
  g_assert_null (graft_window_get_target (window));
  g_assert_nonnull (graft_window_get_message (window));
  g_assert_nonnull (strstr (graft_window_get_message (window), "graft-no-such-file.keras"));
  gtk_window_destroy (GTK_WINDOW (window));
  graft_ui_test_drain (50);
  g_assert_finalize_object (window);
}

/* A file that sends libhdf5 into an endless loop is tried in a helper
 * process first: the window reports it within two seconds and stays
 * usable. */
static void
test_window_open_hostile (void)
{
  GraftWindow *window = g_object_ref (graft_window_new (NULL));
  g_autofree char *hostile = g_test_build_filename (G_TEST_DIST, "data", "broken", "fuzz",
                                                     "hdf5-upstream", "global-heap-endless-loop.h5",
                                                     NULL);

  gint64 t0;

  gtk_window_present (GTK_WINDOW (window));
  t0 = g_get_monotonic_time ();
  graft_window_open (window, NULL, hostile);
  g_assert_true (graft_ui_test_wait (window_saved, window, 20000));
  g_assert_cmpint (g_get_monotonic_time () - t0, <, 2500 * 1000);
  g_assert_null (graft_window_get_target (window));
  g_assert_nonnull (graft_window_get_message (window));
  g_assert_nonnull (strstr (graft_window_get_message (window), "stopped making progress"));
  gtk_window_destroy (GTK_WINDOW (window));
  graft_ui_test_drain (50);
  g_assert_finalize_object (window);
}

/* An open that takes long can be given up: Cancel is enabled while it
 * runs, and the window is ready again at once, empty. The reader is a
 * stand-in for graft-cli that never answers. */
static void
test_window_open_cancel (void)
{
  GraftWindow *window = g_object_ref (graft_window_new (NULL));
  g_autofree char *dir = g_dir_make_tmp ("graft-cancel-XXXXXX", NULL);
  g_autofree char *slow = g_build_filename (dir, "graft-cli", NULL);
  g_autofree char *file = g_test_build_filename (G_TEST_DIST, "data", "keras",
                                                  "mlp_functional.keras", NULL);
  g_autofree char *cli = g_strdup (g_getenv ("GRAFT_CLI"));

  g_assert_true (g_file_set_contents (slow, "#!/bin/sh\nexec sleep 60\n", -1, NULL));
  g_assert_cmpint (g_chmod (slow, 0755), ==, 0);
  g_setenv ("GRAFT_CLI", slow, TRUE);
  gtk_window_present (GTK_WINDOW (window));
  graft_window_open (window, NULL, file);
  graft_ui_test_drain (300);
  if (!graft_window_get_busy (window))
    g_test_message ("not busy after 300 ms; the window says: %s", graft_window_get_message (window));
  g_assert_true (graft_window_get_busy (window));
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "cancel"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.cancel", NULL));
  graft_ui_test_drain (50);
  g_assert_false (graft_window_get_busy (window));
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "cancel"));
  g_assert_null (graft_window_get_target (window));
  gtk_window_destroy (GTK_WINDOW (window));
  graft_ui_test_drain (50);
  g_assert_finalize_object (window);
  if (cli != NULL)
    g_setenv ("GRAFT_CLI", cli, TRUE);
  else
    g_unsetenv ("GRAFT_CLI");
  g_unlink (slow);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  graft_init ();
  graft_ui_test_setup_display ();

  g_test_add ("/window/open/pair", Fixture, NULL, fixture_setup, test_window_open_pair,
              fixture_teardown);
  g_test_add ("/window/select/heatmap-and-stats", Fixture, NULL, fixture_setup,
              test_window_select_weight, fixture_teardown);
  g_test_add ("/window/transfer/undo-redo", Fixture, NULL, fixture_setup,
              test_window_transfer_undo_redo, fixture_teardown);
  g_test_add ("/window/save/reads-back", Fixture, NULL, fixture_setup, test_window_save,
              fixture_teardown);
  g_test_add ("/window/close/asks-when-modified", Fixture, NULL, fixture_setup,
              test_window_close_asks, fixture_teardown);
  g_test_add ("/window/save/failure-keeps-changes", Fixture, NULL, fixture_setup,
              test_window_save_fails, fixture_teardown);
  g_test_add_func ("/window/open/missing-file", test_window_open_error);
  g_test_add_func ("/window/open/hostile-file", test_window_open_hostile);
  g_test_add_func ("/window/open/cancel", test_window_open_cancel);

  return g_test_run ();
}
