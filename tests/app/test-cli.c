/* test-cli.c: graft-cli as scripts use it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "graft.h"
#include "test-util.h"

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

/* Every variable of @want, with the same bytes, at the same path in @got. */
static void
assert_same_variables (const char *got,
                       const char *want)
{
  g_autoptr(GraftModel) a = test_util_load_path (got);
  g_autoptr(GraftModel) b = test_util_load_path (want);

  g_assert_cmpuint (graft_model_get_n_weights (a), ==, graft_model_get_n_weights (b));
  for (guint i = 0; i < graft_model_get_n_weights (b); i++)
    {
      GraftWeight *w = graft_model_get_weight (b, i);
      GraftWeight *g = graft_model_find_weight (a, graft_weight_get_path (w));
      GraftTensor *tg, *tw = graft_weight_get_tensor (w);

      g_assert_nonnull (g);
      tg = graft_weight_get_tensor (g);
      g_assert_cmpstr (graft_weight_get_location (g), ==, graft_weight_get_location (w));
      g_assert_cmpint (graft_tensor_get_dtype (tg), ==, graft_tensor_get_dtype (tw));
      g_assert_true (graft_tensor_same_shape (tg, tw));
      g_assert_cmpmem (graft_tensor_get_data (tg, NULL), graft_tensor_get_n_bytes (tg),
                       graft_tensor_get_data (tw, NULL), graft_tensor_get_n_bytes (tw));
    }
}

/* convert --quantize: a float model becomes the file Keras writes after
 * model.quantize(), which Graft opens and runs to Keras's outputs. */
static void
test_cli_convert_quantize (gconstpointer data)
{
  const char *const *args = data; /* name, mode, block size or NULL, what stdout says */
  g_autofree char *fname = g_strdup_printf ("%s.float.keras", args[0]);
  g_autofree char *kname = g_strdup_printf ("%s.keras", args[0]);
  g_autofree char *xname = g_strdup_printf ("%s.input.npy", args[0]);
  g_autofree char *yname = g_strdup_printf ("%s.output.npy", args[0]);
  g_autofree char *in = fixture ("keras-quant", fname);
  g_autofree char *want = fixture ("keras-quant", kname);
  g_autofree char *x = fixture ("keras-quant", xname);
  g_autofree char *y = fixture ("keras-quant", yname);
  g_autofree char *dir = g_dir_make_tmp ("graft-cli-XXXXXX", NULL);
  g_autofree char *out = g_build_filename (dir, kname, NULL);
  g_autoptr(GraftModel) back = NULL;
  g_auto(CliRun) run = { 0 };

  if (args[2] != NULL)
    cli_run (&run, "convert", in, out, "--quantize", args[1], "--block-size", args[2], "--no-sync", NULL);
  else
    cli_run (&run, "convert", in, out, "--quantize", args[1], "--no-sync", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.err, ==, "");
  g_assert_nonnull (strstr (run.out, args[3]));
  assert_same_variables (out, want);
  back = test_util_load_path (out);
  test_util_assert_predicts (back, x, y, 1e-4);
  g_assert_cmpint (g_remove (out), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_cli_convert_quantize_usage (void)
{
  g_autofree char *in = fixture ("keras-quant", "mlp_int8.float.keras");
  g_autofree char *quantized = fixture ("keras-quant", "mlp_int8.keras");
  g_autofree char *dir = g_dir_make_tmp ("graft-cli-XXXXXX", NULL);
  g_autofree char *keras = g_build_filename (dir, "out.keras", NULL);
  g_autofree char *legacy = g_build_filename (dir, "out.h5", NULL);
  g_autofree char *prefix = g_strdup_printf ("graft-cli: %s: layer 'd1' (Dense) is quantized already",
                                             quantized);
  static const struct
  {
    const char *option;
    const char *value;
    const char *says;
  } bad[] = {
    { "--quantize", "int3", "unknown --quantize 'int3' (int8, int4)" },
    { "--block-size", "8", "--block-size goes with --quantize int4" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_auto(CliRun) run = { 0 };

      cli_run (&run, "convert", in, keras, bad[i].option, bad[i].value, NULL);
      g_assert_cmpint (run.status, ==, 2 << 8);
      g_assert_nonnull (strstr (run.err, bad[i].says));
    }
  {
    g_auto(CliRun) run = { 0 };

    cli_run (&run, "convert", in, keras, "--quantize", "int4", "--block-size", "0", NULL);
    g_assert_cmpint (run.status, ==, 2 << 8);
    g_assert_nonnull (strstr (run.err, "bad --block-size 0"));
  }
  {
    g_auto(CliRun) run = { 0 };

    cli_run (&run, "convert", in, legacy, "--quantize", "int8", NULL);
    g_assert_cmpint (run.status, ==, 2 << 8);
    g_assert_nonnull (strstr (run.err, "--quantize writes .keras or .weights.h5, not legacy-h5"));
  }
  {
    g_auto(CliRun) run = { 0 };

    /* Quantizing twice: one line naming the file and the layer. */
    cli_run (&run, "convert", quantized, keras, "--quantize", "int8", NULL);
    assert_one_line_error (&run, prefix);
    g_assert_false (g_file_test (keras, G_FILE_TEST_EXISTS));
  }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* transfer --quantize onto an int4 target writes Keras's packed integers,
 * scales, zero points and g_idx; without it the transfer is refused, with
 * the file, layer, weights, shapes and the way out in one line. */
static void
test_cli_transfer_quantize_int4 (void)
{
  g_autofree char *source = fixture ("keras-quant", "mlp_int4.float.keras");
  g_autofree char *target = fixture ("keras-quant", "mlp_int4.keras");
  g_autofree char *dir = g_dir_make_tmp ("graft-cli-XXXXXX", NULL);
  g_autofree char *out = g_build_filename (dir, "out.keras", NULL);
  g_autofree char *refusal = g_strdup_printf (
    "graft-cli: %s: layer 'd1': 'd1/kernel' [200, 48] onto 'd1/kernel' [200, 48] (stored [200, 24]) "
    "refused: target 'd1/kernel' is quantized (int4, groups of 128, packed two per byte): copying "
    "float values into its integers would be wrong (quantize it: --quantize) (and 2 more "
    "mismatches); nothing was changed\n", target);
  g_auto(CliRun) refused = { 0 };
  g_auto(CliRun) run = { 0 };

  cli_run (&refused, "transfer", source, target, "-o", out, NULL);
  g_assert_cmpint (refused.status, ==, 1 << 8);
  g_assert_cmpstr (refused.err, ==, refusal);
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));

  cli_run (&run, "transfer", source, target, "-o", out, "--quantize", "--no-sync", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "quantized to int4 (groups of 128) as Keras does, with "
                                     "'d1/kernel_scale', 'd1/kernel_zero' and 'd1/g_idx'"));
  g_assert_nonnull (strstr (run.out, "6 weights copied (3 as is, 3 converted, 0 partial)"));
  assert_same_variables (out, target);
  g_assert_cmpint (g_remove (out), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
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
  static const char * const quantize_int8[] = { "mlp_int8", "int8", NULL, "quantized 3 layers (int8)" };
  static const char * const quantize_attention[] = { "transformer_int8", "int8", NULL,
                                                     "quantized 7 layers (int8)" };
  static const char * const quantize_int4[] = { "embed_int4", "int4", "8",
                                                "quantized 3 layers (int4, groups of 8)" };

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/cli/inspect/json", test_cli_inspect_json);
  g_test_add_func ("/cli/export/by-location", test_cli_export);
  g_test_add_func ("/cli/export/unknown-weight", test_cli_unknown_weight);
  g_test_add_func ("/cli/usage", test_cli_bad_usage);
  g_test_add_data_func ("/cli/convert/quantize/int8", quantize_int8, test_cli_convert_quantize);
  g_test_add_data_func ("/cli/convert/quantize/int8-attention", quantize_attention,
                        test_cli_convert_quantize);
  g_test_add_data_func ("/cli/convert/quantize/int4-block-size", quantize_int4, test_cli_convert_quantize);
  g_test_add_func ("/cli/convert/quantize/usage", test_cli_convert_quantize_usage);
  g_test_add_func ("/cli/transfer/quantize/int4", test_cli_transfer_quantize_int4);
  for (guint i = 0; i < G_N_ELEMENTS (broken); i++)
    {
      g_autofree char *name = g_strdup_printf ("/cli/inspect/broken/%s", broken[i]);
      g_test_add_data_func (name, broken[i], test_cli_broken);
    }
  return g_test_run ();
}
