/* test-cli.c: graft-cli as scripts use it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "graft.h"

typedef struct
{
  int   status;
  char *out;
  char *err;
} CliRun;

static void
cli_run_clear (CliRun *run)
{
  g_free (run->out);
  g_free (run->err);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CliRun, cli_run_clear)

static void
cli_run (CliRun     *run,
         const char *first,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *cli = g_getenv ("GRAFT_CLI");
  va_list args;

  g_assert_nonnull (cli);
  g_ptr_array_add (argv, (gpointer) cli);
  va_start (args, first);
  for (const char *a = first; a != NULL; a = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) a);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               &run->out, &run->err, &run->status, &error));
  g_assert_no_error (error);
}

static char *
fixture (const char *dir,
         const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", dir, name, NULL);
}

static void
test_cli_inspect_json (void)
{
  g_autofree char *path = fixture ("keras", "nested_functional.legacy.h5");
  g_auto(CliRun) run = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root, *weight;
  JsonArray *layers;
  guint n_weights = 0;

  cli_run (&run, "inspect", "--json", path, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.err, ==, "");
  g_assert_true (json_parser_load_from_data (parser, run.out, -1, &error));
  g_assert_no_error (error);

  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (root, "format"), ==, "legacy-h5");
  g_assert_cmpstr (json_object_get_string_member (root, "keras_version"), ==, "3.15.1");
  g_assert_cmpstr (json_object_get_string_member (root, "backend"), ==, "numpy");
  g_assert_cmpint (json_object_get_int_member (root, "n_weights"), ==, 10);
  /* fe_conv 3×3×3×8 + 8, fe_bn 4×8, fe_conv2 1×1×8×6 + 6, classifier 6×3 + 3 */
  g_assert_cmpint (json_object_get_int_member (root, "n_params"), ==,
                   3 * 3 * 3 * 8 + 8 + 4 * 8 + 8 * 6 + 6 + 6 * 3 + 3);
  layers = json_object_get_array_member (root, "layers");
  for (guint i = 0; i < json_array_get_length (layers); i++)
    n_weights += json_array_get_length (json_object_get_array_member (json_array_get_object_element (layers, i),
                                                                      "weights"));
  g_assert_cmpuint (n_weights, ==, 10);

  /* Nested layers appear with their full path. */
  weight = NULL;
  for (guint i = 0; i < json_array_get_length (layers) && weight == NULL; i++)
    {
      JsonObject *layer = json_array_get_object_element (layers, i);

      if (g_strcmp0 (json_object_get_string_member (layer, "path"), "feature_extractor/fe_conv") == 0)
        weight = json_array_get_object_element (json_object_get_array_member (layer, "weights"), 0);
    }
  g_assert_nonnull (weight);
  g_assert_cmpstr (json_object_get_string_member (weight, "path"), ==, "feature_extractor/fe_conv/kernel");
  g_assert_cmpstr (json_object_get_string_member (weight, "location"), ==,
                   "/model_weights/feature_extractor/feature_extractor/fe_conv/kernel");
  g_assert_cmpstr (json_object_get_string_member (weight, "dtype"), ==, "float32");
  g_assert_false (json_object_get_boolean_member (weight, "trainable"));
}

static void
test_cli_export (void)
{
  g_autofree char *path = fixture ("keras", "mlp_functional.keras");
  g_autofree char *dir = g_dir_make_tmp ("graft-cli-XXXXXX", NULL);
  g_autofree char *out = g_build_filename (dir, "bias.npy", NULL);
  g_autoptr(GraftModel) model = NULL;
  g_autoptr(GraftTensor) back = NULL;
  g_auto(CliRun) run = { 0 };
  GraftTensor *bias;

  /* By HDF5 location this time. */
  cli_run (&run, "export", path, "/layers/dense_1/vars/1", "-o", out, NULL);
  g_assert_cmpint (run.status, ==, 0);

  model = graft_keras_load (path, NULL);
  bias = graft_weight_get_tensor (graft_model_find_weight (model, "dense2/bias"));
  back = graft_npy_load (out, NULL);
  g_assert_nonnull (back);
  g_assert_true (graft_tensor_same_shape (bias, back));
  g_assert_cmpmem (graft_tensor_get_data (bias, NULL), graft_tensor_get_n_bytes (bias),
                   graft_tensor_get_data (back, NULL), graft_tensor_get_n_bytes (back));
}

static void
assert_one_line_error (const CliRun *run,
                       const char   *prefix)
{
  const char *nl;

  g_assert_cmpint (run->status, !=, 0);
  g_assert_cmpstr (run->out, ==, "");
  g_assert_true (g_str_has_prefix (run->err, prefix));
  nl = strchr (run->err, '\n');
  g_assert_nonnull (nl);
  g_assert_cmpstr (nl + 1, ==, "");
  /* Never HDF5's raw error stack. */
  g_assert_null (strstr (run->err, "HDF5-DIAG"));
}

static void
test_cli_broken (gconstpointer data)
{
  const char *name = data;
  g_autofree char *path = fixture ("broken", name);
  g_autofree char *prefix = g_strdup_printf ("graft-cli: %s: ", path);
  g_auto(CliRun) run = { 0 };

  cli_run (&run, "inspect", path, NULL);
  assert_one_line_error (&run, prefix);
}

static void
test_cli_unknown_weight (void)
{
  g_autofree char *path = fixture ("keras", "mlp_functional.keras");
  g_autofree char *prefix = g_strdup_printf ("graft-cli: %s: no weight 'dense3/kernel'", path);
  g_auto(CliRun) run = { 0 };

  cli_run (&run, "export", path, "dense3/kernel", "-o", "/nonexistent/x.npy", NULL);
  assert_one_line_error (&run, prefix);
}

static void
test_cli_bad_usage (void)
{
  g_auto(CliRun) run = { 0 };

  cli_run (&run, "inspect", NULL);
  g_assert_cmpint (run.status, ==, 2 << 8);
  g_assert_nonnull (strstr (run.err, "expected one FILE"));
}

int
main (int    argc,
      char **argv)
{
  static const char * const broken[] = {
    "missing.h5", "empty.h5", "truncated.h5", "html-page.h5", "page.xml.h5", "lfs-pointer.h5",
    "duplicate-members.keras", "npz-weights.keras", "bad-config.keras", "zip-bomb.keras",
    "zip-bomb-declared.keras", "external-link.h5", "soft-link.h5", "absurd-size.h5",
    "bad-model-config.h5", "deep-nesting.h5",
  };

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/cli/inspect/json", test_cli_inspect_json);
  g_test_add_func ("/cli/export/by-location", test_cli_export);
  g_test_add_func ("/cli/export/unknown-weight", test_cli_unknown_weight);
  g_test_add_func ("/cli/usage", test_cli_bad_usage);
  for (guint i = 0; i < G_N_ELEMENTS (broken); i++)
    {
      g_autofree char *name = g_strdup_printf ("/cli/inspect/broken/%s", broken[i]);
      g_test_add_data_func (name, broken[i], test_cli_broken);
    }
  return g_test_run ();
}
