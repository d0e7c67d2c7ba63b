/* test-summary-view.c: GraftSummaryView against `graft-cli inspect --json`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "graft-summary-view.h"
#include "graft-ui-test.h"

#include <string.h>

static GraftModel *
load (const char *folder,
      const char *name,
      char      **path_out)
{
  g_autofree char *path = folder ? g_test_build_filename (G_TEST_DIST, "data", folder, name, NULL)
                                 : g_test_build_filename (G_TEST_DIST, "..", "data", name, NULL);
  g_autoptr(GError) error = NULL;
  GraftModel *model = graft_keras_load (path, &error);

  g_assert_no_error (error);
  if (path_out != NULL)
    *path_out = g_steal_pointer (&path);
  return model;
}

/* What `graft-cli inspect --json` says of @path. */
static JsonObject *
inspect_json (const char *path)
{
  const char *cli = g_getenv ("GRAFT_CLI");
  const char *argv[] = { cli, "inspect", "--json", path, NULL };
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  int status;

  g_assert_nonnull (cli);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out,
                               NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* "54 090" → 54090: the figures are grouped with thin spaces. */
static guint64
digits_of (const char *text)
{
  guint64 n = 0;

  g_assert_nonnull (text);
  for (const char *p = text; *p; p++)
    if (g_ascii_isdigit (*p))
      n = n * 10 + (*p - '0');
  return n;
}

static guint64
weight_count (JsonObject *weight)
{
  JsonArray *shape = json_object_get_array_member (weight, "shape");
  guint64 n = 1;

  for (guint i = 0; i < json_array_get_length (shape); i++)
    n *= json_array_get_int_element (shape, i);
  return n;
}

static void
test_summary_view_file (void)
{
  g_autofree char *path = NULL;
  g_autoptr(GraftModel) model = load ("keras", "nested_functional.keras", &path);
  g_autoptr(JsonObject) json = inspect_json (path);
  GtkWidget *view = g_object_ref_sink (graft_summary_view_new ());
  GraftSummaryView *sv = GRAFT_SUMMARY_VIEW (view);
  JsonArray *layers = json_object_get_array_member (json, "layers");
  JsonArray *other = json_object_get_array_member (json, "other_state");
  guint64 frozen = 0, trainable = 0, other_values = 0;

  graft_summary_view_set_model (sv, model, path);
  g_assert_null (graft_summary_view_get_layer (sv));
  g_assert_cmpstr (graft_summary_view_get_value (sv, "file"), ==, "nested_functional.keras");
  g_assert_cmpstr (graft_summary_view_get_value (sv, "format"), ==, "Keras 3 archive (.keras)");
  g_assert_cmpstr (graft_summary_view_get_value (sv, "keras-version"), ==,
                   json_object_get_string_member (json, "keras_version"));
  g_assert_cmpstr (graft_summary_view_get_value (sv, "model-class"), ==,
                   json_object_get_string_member (json, "model_class"));
  g_assert_cmpuint (digits_of (graft_summary_view_get_value (sv, "total-params")), ==,
                    json_object_get_int_member (json, "n_params"));
  g_assert_cmpuint (digits_of (graft_summary_view_get_value (sv, "weights")), ==,
                    json_object_get_int_member (json, "n_weights"));
  /* Each layer of the JSON's flat list is a row of the tree. */
  g_assert_cmpuint (digits_of (graft_summary_view_get_value (sv, "layers")), ==,
                    json_array_get_length (layers));

  /* Trainable and not, as the weights say. */
  for (guint i = 0; i < json_array_get_length (layers); i++)
    {
      JsonArray *weights = json_object_get_array_member (json_array_get_object_element (layers, i),
                                                         "weights");

      for (guint j = 0; j < json_array_get_length (weights); j++)
        {
          JsonObject *w = json_array_get_object_element (weights, j);

          if (json_object_get_boolean_member (w, "trainable"))
            trainable += weight_count (w);
          else
            frozen += weight_count (w);
        }
    }
  g_assert_cmpuint (frozen, >, 0);
  g_assert_cmpuint (digits_of (graft_summary_view_get_value (sv, "trainable-params")), ==,
                    trainable);
  g_assert_cmpuint (digits_of (graft_summary_view_get_value (sv, "non-trainable-params")), ==,
                    frozen);

  /* Optimizer state: its values, then its size in bytes. */
  for (guint i = 0; i < json_array_get_length (other); i++)
    other_values += weight_count (json_array_get_object_element (other, i));
  g_assert_cmpuint (json_array_get_length (other), >, 0);
  {
    const char *shown = graft_summary_view_get_value (sv, "optimizer-state");
    const char *end = strstr (shown, " values, ");
    g_autofree char *count = NULL;

    g_assert_nonnull (end);
    count = g_strndup (shown, end - shown);
    g_assert_cmpuint (digits_of (count), ==, other_values);
  }
  g_assert_nonnull (graft_summary_view_get_value (sv, "file-size"));
  g_assert_nonnull (strstr (graft_summary_view_get_value (sv, "file-size"), "bytes"));

  g_assert_finalize_object (view);
}

static void
test_summary_view_layer (void)
{
  g_autofree char *path = NULL;
  g_autoptr(GraftModel) model = load (NULL, "seq_conv.keras", &path);
  GtkWidget *view = g_object_ref_sink (graft_summary_view_new ());
  GraftSummaryView *sv = GRAFT_SUMMARY_VIEW (view);
  GraftLayer *conv = graft_model_find_layer (model, "conv1");

  graft_summary_view_set_model (sv, model, path);
  graft_summary_view_set_layer (sv, conv);
  g_assert_true (graft_summary_view_get_layer (sv) == conv);
  g_assert_null (graft_summary_view_get_value (sv, "format"));
  g_assert_cmpstr (graft_summary_view_get_value (sv, "class"), ==, "Conv2D");
  g_assert_cmpstr (graft_summary_view_get_value (sv, "params"), ==, "320");
  /* Every scalar setting of the config, readably; lists as tuples,
   * initializers by class, a dtype policy by its dtype. */
  g_assert_cmpstr (graft_summary_view_get_value (sv, "config:activation"), ==, "relu");
  g_assert_cmpstr (graft_summary_view_get_value (sv, "config:padding"), ==, "valid");
  g_assert_cmpstr (graft_summary_view_get_value (sv, "config:filters"), ==, "32");
  g_assert_cmpstr (graft_summary_view_get_value (sv, "config:use_bias"), ==, "Yes");
  g_assert_cmpstr (graft_summary_view_get_value (sv, "config:strides"), ==, "(1, 1)");
  g_assert_cmpstr (graft_summary_view_get_value (sv, "config:kernel_size"), ==, "(3, 3)");
  g_assert_cmpstr (graft_summary_view_get_value (sv, "config:kernel_initializer"), ==,
                   "GlorotUniform");
  g_assert_cmpstr (graft_summary_view_get_value (sv, "config:dtype"), ==, "float32");
  g_assert_null (graft_summary_view_get_value (sv, "config:name"));
  /* Its weights, with shapes and counts. */
  g_assert_cmpstr (graft_summary_view_get_value (sv, "weight:kernel"), ==, "[3, 3, 1, 32] · 288");
  g_assert_cmpstr (graft_summary_view_get_value (sv, "weight:bias"), ==, "[32] · 32");

  /* Back to the file. */
  graft_summary_view_set_layer (sv, NULL);
  g_assert_cmpstr (graft_summary_view_get_value (sv, "format"), ==, "Keras 3 archive (.keras)");
  g_assert_null (graft_summary_view_get_value (sv, "class"));
  graft_summary_view_set_model (sv, NULL, NULL);
  g_assert_null (graft_summary_view_get_value (sv, "format"));

  g_assert_finalize_object (view);
}

/* A weights-only file does not say what trains; the page says so. */
static void
test_summary_view_weights_only (void)
{
  g_autofree char *path = NULL;
  g_autoptr(GraftModel) model = load ("keras", "seq_conv_newhead.weights.h5", &path);
  GtkWidget *view = g_object_ref_sink (graft_summary_view_new ());
  GraftSummaryView *sv = GRAFT_SUMMARY_VIEW (view);

  graft_summary_view_set_model (sv, model, path);
  g_assert_cmpuint (digits_of (graft_summary_view_get_value (sv, "total-params")), ==,
                    graft_model_get_n_params (model));
  g_assert_nonnull (graft_summary_view_get_value (sv, "trainable-params"));
  g_assert_nonnull (graft_summary_view_get_value (sv, "optimizer-state"));
  g_assert_finalize_object (view);
}

static gboolean
window_drawn (gpointer data)
{
  return gtk_widget_get_mapped (data) && gtk_widget_get_width (data) > 0;
}

/* With GRAFT_TEST_SHOTS set: the file page and a layer's page as the
 * window's right pane would show them, as PNG files to look at. */
static void
test_summary_view_shots (void)
{
  const char *dir = g_getenv ("GRAFT_TEST_SHOTS");
  g_autofree char *path = NULL;
  g_autoptr(GraftModel) model = NULL;
  GtkWidget *window, *view;

  if (dir == NULL)
    {
      g_test_skip ("GRAFT_TEST_SHOTS is not set");
      return;
    }
  model = load (NULL, "seq_conv.keras", &path);
  window = gtk_window_new ();
  view = graft_summary_view_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 290, 760);
  gtk_window_set_child (GTK_WINDOW (window), view);
  graft_summary_view_set_model (GRAFT_SUMMARY_VIEW (view), model, path);
  gtk_window_present (GTK_WINDOW (window));
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GdkPaintable) paintable = NULL;
      g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
      g_autoptr(GskRenderNode) node = NULL;
      g_autoptr(GdkTexture) texture = NULL;
      g_autofree char *file = g_strdup_printf ("%s/summary-%s.png", dir,
                                               i == 0 ? "file" : "layer");

      if (i == 1)
        graft_summary_view_set_layer (GRAFT_SUMMARY_VIEW (view),
                                      graft_model_find_layer (model, "conv1"));
      g_assert_true (graft_ui_test_wait (window_drawn, view, 5000));
      graft_ui_test_drain (300);
      paintable = gtk_widget_paintable_new (window);
      gdk_paintable_snapshot (paintable, snapshot, gtk_widget_get_width (window),
                              gtk_widget_get_height (window));
      node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
      texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                             NULL);
      g_assert_true (gdk_texture_save_to_png (texture, file));
    }
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  graft_init ();
  graft_ui_test_setup_display ();

  g_test_add_func ("/summary-view/file", test_summary_view_file);
  g_test_add_func ("/summary-view/layer", test_summary_view_layer);
  g_test_add_func ("/summary-view/weights-only", test_summary_view_weights_only);
  g_test_add_func ("/summary-view/shots", test_summary_view_shots);

  return g_test_run ();
}
