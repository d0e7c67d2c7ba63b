/* test-quant.c: quantized Keras 3 models (tests/data/keras-quant)
 *
 * Written by Keras 3.15.1's model.quantize() (the corpus README gives every
 * layout). Every variable must come out at the path Keras gives it
 * (<name>.json "weights", by the dataset location), and every int8 and
 * int4 kernel's real values must differ from the float original (the
 * <name>.float.keras of the same weights before quantize()) by exactly the
 * largest error Keras's own dequantization has, recorded in the JSON.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include <math.h>
#include <string.h>

#include "graft.h"
#include "test-util.h"

static const char *const models[] = {
  "mlp_int8", "mlp_int4", "mlp_int4_perchannel", "embed_int8", "embed_int4", "einsum_int8",
  "transformer_int8", "transformer_int4", "mlp_float8",
};

static const char *const int8_models[] = {
  "mlp_int8", "embed_int8", "einsum_int8", "transformer_int8", NULL,
};
static const char *const int4_models[] = {
  "mlp_int4", "mlp_int4_perchannel", "embed_int4", "transformer_int4", NULL,
};

static GraftModel *
load (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "keras-quant", name, NULL);
  g_autoptr(GError) error = NULL;
  GraftModel *model = graft_keras_load (path, &error);

  g_assert_no_error (error);
  return model;
}

static void
test_quant_names (void)
{
  for (guint m = 0; m < G_N_ELEMENTS (models); m++)
    {
      g_autofree char *keras = g_strdup_printf ("%s.keras", models[m]);
      g_autofree char *json = g_strdup_printf ("%s.json", models[m]);
      g_autofree char *json_path = g_test_build_filename (G_TEST_DIST, "data", "keras-quant", json, NULL);
      g_autoptr(GraftModel) model = load (keras);
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;
      JsonArray *weights;

      g_assert_true (json_parser_load_from_file (parser, json_path, &error));
      weights = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                              "weights");
      for (guint i = 0; i < json_array_get_length (weights); i++)
        {
          JsonObject *w = json_array_get_object_element (weights, i);
          JsonObject *loc = json_object_get_object_member (w, "locations");
          GraftWeight *ours = graft_model_find_weight (model, json_object_get_string_member (loc, "keras"));
          const char *name = json_object_get_string_member (w, "name");

          g_assert_nonnull (ours);
          g_assert_cmpstr (graft_weight_get_path (ours), ==, json_object_get_string_member (w, "path"));
          if (g_str_has_suffix (name, "_scale") || g_str_has_suffix (name, "_zero") ||
              g_str_equal (name, "g_idx") || g_str_has_suffix (name, "_amax_history"))
            g_assert_cmpint (graft_weight_get_trainable (ours), ==, GRAFT_TRAINABLE_NO);
        }
    }
}

static void
test_quant_real_values (void)
{
  guint n_checked = 0;

  for (guint m = 0; m < G_N_ELEMENTS (models); m++)
    {
      g_autofree char *keras = g_strdup_printf ("%s.keras", models[m]);
      g_autofree char *fkeras = g_strdup_printf ("%s.float.keras", models[m]);
      g_autofree char *json = g_strdup_printf ("%s.json", models[m]);
      g_autofree char *json_path = g_test_build_filename (G_TEST_DIST, "data", "keras-quant", json, NULL);
      g_autoptr(GraftModel) model = load (keras);
      g_autoptr(GraftModel) original = load (fkeras);
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;
      JsonArray *layers;

      g_assert_true (json_parser_load_from_file (parser, json_path, &error));
      layers = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                             "quantized_layers");
      for (guint i = 0; i < json_array_get_length (layers); i++)
        {
          JsonObject *q = json_array_get_object_element (layers, i);
          const char *mode = json_object_get_string_member (q, "mode");
          const char *klass = json_object_get_string_member (q, "class_name");
          g_autofree char *path = g_strdup_printf ("%s/%s", json_object_get_string_member (q, "layer"),
                                                   g_str_equal (klass, "Embedding") ? "embeddings" : "kernel");
          GraftWeight *w = graft_model_find_weight (model, path);
          GraftWeight *f = graft_model_find_weight (original, path);
          g_autofree float *real = NULL;
          g_autofree float *want = NULL;
          double worst = 0, expected = json_object_get_double_member (q, "max_abs_dequant_minus_float_original");

          g_assert_nonnull (w);
          g_assert_nonnull (f);
          if (!g_str_equal (mode, "int8") && !g_str_equal (mode, "int4"))
            continue;
          g_assert_nonnull (graft_weight_get_quantization (w));
          g_assert_true (graft_tensor_same_shape (graft_weight_get_values (w), graft_weight_get_tensor (f)));
          real = graft_tensor_dup_float (graft_weight_get_values (w), &error);
          g_assert_no_error (error);
          want = graft_tensor_dup_float (graft_weight_get_tensor (f), &error);
          g_assert_no_error (error);
          for (gsize k = 0; k < graft_tensor_get_n_elements (graft_weight_get_tensor (f)); k++)
            worst = MAX (worst, fabs ((double) real[k] - want[k]));
          g_test_message ("%s %s %s: max |real − float| = %g (Keras %g)", models[m], path, mode,
                          worst, expected);
          g_assert_cmpfloat_with_epsilon (worst, expected, 1e-7 * MAX (1, expected));
          n_checked++;
        }
    }
  g_assert_cmpuint (n_checked, >=, 20);
}

/* The forward pass of quantized models gives Keras's outputs within
 * 1e-4 × max(1, |y|). */
static void
test_quant_predict (void)
{
  /* Low-precision models run in float32: against Keras's float32-compute
   * outputs they meet the usual tolerance, against its bfloat16 / float16
   * outputs the corpus README's (2.5e-2 and 4e-3 × max(1, |y|)). */
  static const struct
  {
    const char *name;
    const char *reference;
    double      tolerance;
  } runnable[] = {
    { "mlp_int8", "output", 1e-4 }, { "mlp_int4", "output", 1e-4 },
    { "mlp_int4_perchannel", "output", 1e-4 }, { "embed_int8", "output", 1e-4 },
    { "embed_int4", "output", 1e-4 }, { "mlp_float8", "output", 1e-4 },
    { "einsum_int8", "output", 1e-4 }, { "transformer_int8", "output", 1e-4 },
    { "transformer_int4", "output", 1e-4 },
    { "bf16_model", "float32_compute.output", 1e-4 }, { "bf16_model", "output", 2.5e-2 },
    { "mixed_bf16", "float32_compute.output", 1e-4 }, { "mixed_bf16", "output", 2.5e-2 },
    { "mixed_f16", "float32_compute.output", 1e-4 }, { "mixed_f16", "output", 4e-3 },
  };

  for (guint m = 0; m < G_N_ELEMENTS (runnable); m++)
    {
      g_autofree char *keras = g_strdup_printf ("%s.keras", runnable[m].name);
      g_autofree char *xname = g_strdup_printf ("%s.input.npy", runnable[m].name);
      g_autofree char *yname = g_strdup_printf ("%s.%s.npy", runnable[m].name, runnable[m].reference);
      g_autofree char *xpath = g_test_build_filename (G_TEST_DIST, "data", "keras-quant", xname, NULL);
      g_autofree char *ypath = g_test_build_filename (G_TEST_DIST, "data", "keras-quant", yname, NULL);
      g_autoptr(GraftModel) model = load (keras);

      test_util_assert_predicts (model, xpath, ypath, runnable[m].tolerance);
    }
}

/* --quantize: the float original onto its int8 or int4 model gives the
 * integers (packed, for int4), scales, zero points and group indices
 * Keras's model.quantize() wrote, byte for byte; without it, the transfer
 * is refused. */
static void
test_quant_transfer (gconstpointer data)
{
  const char *const *names = data;

  for (guint m = 0; names[m] != NULL; m++)
    {
      g_autofree char *keras = g_strdup_printf ("%s.keras", names[m]);
      g_autofree char *fkeras = g_strdup_printf ("%s.float.keras", names[m]);
      g_autoptr(GraftModel) source = load (fkeras);
      g_autoptr(GraftModel) target = load (keras);
      g_autoptr(GraftModel) keras_own = load (keras);
      g_autoptr(GraftTransferPlan) refused = graft_transfer_plan_new (source, target);
      g_autoptr(GraftTransferPlan) plan = graft_transfer_plan_new (source, target);
      g_autoptr(GraftEdit) edit = graft_edit_new (target);
      g_autoptr(GPtrArray) before = g_ptr_array_new ();
      g_autoptr(GError) error = NULL;
      guint n_quantized = 0, n_companions = 0;

      /* Refused, naming the file, the layer, both weights and shapes. */
      g_assert_true (graft_transfer_plan_match (refused, GRAFT_TRANSFER_BY_NAME, &error));
      g_assert_false (graft_transfer_plan_apply (refused, edit, &error));
      g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED);
      g_test_message ("%s", error->message);
      g_assert_true (g_str_has_prefix (error->message, graft_model_get_filename (target)));
      g_assert_nonnull (strstr (error->message, ": layer '"));
      g_assert_nonnull (strstr (error->message, "(quantize it: --quantize)"));
      g_assert_nonnull (strstr (error->message, "nothing was changed"));
      g_clear_error (&error);

      for (guint i = 0; i < graft_model_get_n_weights (target); i++)
        g_ptr_array_add (before, graft_weight_get_tensor (graft_model_get_weight (target, i)));
      graft_transfer_plan_set_quantize (plan, TRUE);
      g_assert_true (graft_transfer_plan_match (plan, GRAFT_TRANSFER_BY_NAME, &error));
      g_assert_true (graft_transfer_plan_apply (plan, edit, &error));
      g_assert_no_error (error);
      for (guint i = 0; i < graft_model_get_n_weights (target); i++)
        {
          GraftWeight *got = graft_model_get_weight (target, i);
          GraftWeight *want = graft_model_find_weight (keras_own, graft_weight_get_path (got));
          GraftTensor *a = graft_weight_get_tensor (got), *b = graft_weight_get_tensor (want);
          const char *name = graft_weight_get_name (got);

          /* Every weight was written: none keeps Keras's own tensor. */
          g_assert_true (a != g_ptr_array_index (before, i));
          g_assert_true (graft_tensor_same_shape (a, b));
          g_assert_cmpint (graft_tensor_get_dtype (a), ==, graft_tensor_get_dtype (b));
          g_assert_cmpmem (graft_tensor_get_data (a, NULL), graft_tensor_get_n_bytes (a),
                           graft_tensor_get_data (b, NULL), graft_tensor_get_n_bytes (b));
          if (g_str_equal (name, "kernel") || g_str_equal (name, "embeddings"))
            {
              GraftTensor *ra = graft_weight_get_values (got), *rb = graft_weight_get_values (want);
              g_autofree float *va = NULL, *vb = NULL;

              /* Its real values follow the new integers. */
              g_assert_nonnull (graft_weight_get_quantization (got));
              g_assert_true (ra != a);
              g_assert_true (graft_tensor_same_shape (ra, rb));
              va = graft_tensor_dup_float (ra, &error);
              g_assert_no_error (error);
              vb = graft_tensor_dup_float (rb, &error);
              g_assert_no_error (error);
              g_assert_cmpmem (va, graft_tensor_get_n_elements (ra) * sizeof (float),
                               vb, graft_tensor_get_n_elements (rb) * sizeof (float));
              n_quantized++;
            }
          else if (g_str_has_suffix (name, "_scale") || g_str_has_suffix (name, "_zero") ||
                   g_str_equal (name, "g_idx"))
            n_companions++;
        }
      g_test_message ("%s: %u kernels quantized, %u scales, zero points and group indices", names[m],
                      n_quantized, n_companions);
      g_assert_cmpuint (n_quantized, >, 0);
      g_assert_cmpuint (n_companions, >=, n_quantized);
    }
}

/* A bfloat16 kernel changed and saved: Keras (through h5py) stores it as
 * an opaque 2-byte type, which the writer must fill with the same bits
 * rather than try to convert float32 into (it failed: "no appropriate
 * function for conversion path"). Reopened, the kernel holds the new
 * values exactly, and the other weights their old ones. */
static void
test_quant_save_bfloat16 (void)
{
  g_autoptr(GraftModel) model = load ("bf16_model.keras");
  g_autoptr(GraftModel) back = NULL;
  g_autoptr(GraftEdit) edit = graft_edit_new (model);
  g_autoptr(GPtrArray) changed = g_ptr_array_new ();
  g_autoptr(GraftTensor) negated = NULL;
  g_autofree char *dir = g_dir_make_tmp ("graft-bf16-XXXXXX", NULL);
  g_autofree char *out = g_build_filename (dir, "bf16_model.keras", NULL);
  GraftWeight *kernel = graft_model_find_weight (model, "d1/kernel");
  GraftTensor *old = graft_weight_get_tensor (kernel);
  g_autoptr(GError) error = NULL;
  guint16 *bits;

  g_assert_cmpint (graft_tensor_get_dtype (old), ==, GRAFT_DTYPE_BFLOAT16);
  negated = graft_tensor_new (GRAFT_DTYPE_BFLOAT16, graft_tensor_get_rank (old),
                              graft_tensor_get_shape (old));
  bits = graft_tensor_get_data_mutable (negated);
  memcpy (bits, graft_tensor_get_data (old, NULL), graft_tensor_get_n_bytes (old));
  for (gsize i = 0; i < graft_tensor_get_n_elements (old); i++)
    bits[i] ^= 0x8000;
  graft_edit_begin (edit, "negate d1/kernel");
  graft_edit_set_tensor (edit, kernel, negated);
  graft_edit_end (edit);
  g_ptr_array_add (changed, kernel);

  g_assert_true (graft_keras_save (model, out, GRAFT_FORMAT_UNKNOWN, GRAFT_SAVE_NO_SYNC, changed, &error));
  g_assert_no_error (error);
  back = graft_keras_load (out, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < graft_model_get_n_weights (model); i++)
    {
      GraftWeight *w = graft_model_get_weight (model, i);
      GraftTensor *a = graft_weight_get_tensor (w);
      GraftTensor *b = graft_weight_get_tensor (graft_model_find_weight (back, graft_weight_get_path (w)));

      g_assert_cmpint (graft_tensor_get_dtype (b), ==, graft_tensor_get_dtype (a));
      g_assert_cmpmem (graft_tensor_get_data (b, NULL), graft_tensor_get_n_bytes (b),
                       graft_tensor_get_data (a, NULL), graft_tensor_get_n_bytes (a));
    }
  g_unlink (out);
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  graft_init ();
  g_test_add_func ("/quant/names", test_quant_names);
  g_test_add_func ("/quant/real-values", test_quant_real_values);
  g_test_add_func ("/quant/predict", test_quant_predict);
  g_test_add_func ("/quant/save-bfloat16", test_quant_save_bfloat16);
  g_test_add_data_func ("/quant/transfer/int8", int8_models, test_quant_transfer);
  g_test_add_data_func ("/quant/transfer/int4", int4_models, test_quant_transfer);
  return g_test_run ();
}
