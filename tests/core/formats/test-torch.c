/* test-torch.c: reading PyTorch state_dicts and safetensors
 *
 * Every model of tests/data/torch (written by PyTorch 1.13, see its
 * README) opens from each of its files with identical tensors; views,
 * tied weights, metadata and buffers come out as PyTorch has them; every
 * hostile file is refused with its problem named, and nothing is run.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "graft.h"
#include "test-util.h"

static const char *const models[] = {
  "mlp", "cnn_bn", "conv1d_text", "lstm_classifier", "gru_seq", "separable", "conv_transpose",
  "transformer_block", "tied_embedding", "half_fp16", "half_bf16", "view",
};

static char *
torch_file (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", "torch", name, NULL);
}

static GraftModel *
load (const char *name)
{
  g_autofree char *path = torch_file (name);
  g_autoptr(GError) error = NULL;
  GraftModel *model = graft_keras_load (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (model);
  return model;
}

/* The same names, shapes, dtypes and bit-identical values. */
static void
assert_same_tensors (GraftModel *a,
                     GraftModel *b)
{
  g_assert_cmpuint (graft_model_get_n_weights (a), ==, graft_model_get_n_weights (b));
  for (guint i = 0; i < graft_model_get_n_weights (a); i++)
    {
      GraftWeight *wa = graft_model_get_weight (a, i);
      GraftWeight *wb = graft_model_find_weight (b, graft_weight_get_path (wa));
      GraftTensor *ta, *tb;
      g_autoptr(GError) error = NULL;
      const void *da, *db;

      g_assert_nonnull (wb);
      ta = graft_weight_get_tensor (wa);
      tb = graft_weight_get_tensor (wb);
      g_assert_true (graft_tensor_same_shape (ta, tb));
      g_assert_cmpint (graft_tensor_get_dtype (ta), ==, graft_tensor_get_dtype (tb));
      da = graft_tensor_get_data (ta, &error);
      g_assert_no_error (error);
      db = graft_tensor_get_data (tb, &error);
      g_assert_no_error (error);
      g_assert_cmpmem (da, graft_tensor_get_n_bytes (ta), db, graft_tensor_get_n_bytes (tb));
    }
}

static void
test_torch_formats_agree (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (models); i++)
    {
      g_autofree char *pt = g_strdup_printf ("%s.pt", models[i]);
      g_autofree char *st = g_strdup_printf ("%s.safetensors", models[i]);
      g_autofree char *legacy = g_strdup_printf ("%s.legacy.pt", models[i]);
      g_autofree char *legacy_path = torch_file (legacy);
      g_autoptr(GraftModel) a = load (pt);
      g_autoptr(GraftModel) b = load (st);

      g_assert_cmpint (graft_model_get_format (a), ==, GRAFT_FORMAT_TORCH);
      g_assert_cmpint (graft_model_get_format (b), ==, GRAFT_FORMAT_SAFETENSORS);
      assert_same_tensors (a, b);
      if (g_file_test (legacy_path, G_FILE_TEST_EXISTS))
        {
          g_autoptr(GraftModel) c = load (legacy);

          g_assert_cmpint (graft_model_get_format (c), ==, GRAFT_FORMAT_TORCH_LEGACY);
          assert_same_tensors (a, c);
        }
    }
  {
    g_autoptr(GraftModel) one = load ("transformer_block.safetensors");
    g_autoptr(GraftModel) sharded = load ("transformer_block.safetensors.index.json");

    g_assert_cmpint (graft_model_get_format (sharded), ==, GRAFT_FORMAT_SAFETENSORS_SHARDED);
    assert_same_tensors (one, sharded);
    g_assert_cmpuint (graft_model_get_n_params (sharded), ==, 2224);
  }
}

/* view.pt stores whole storages: 0.weight starts 24 floats in, 0.bias has
 * stride 2, 2.weight is a transposed view. */
static void
test_torch_views (void)
{
  g_autoptr(GraftModel) model = load ("view.pt");
  GraftTensor *t = graft_weight_get_tensor (graft_model_find_weight (model, "2.weight"));
  g_autoptr(GError) error = NULL;
  g_autofree float *values = NULL;
  float block[4];
  gsize start[2] = { 1, 2 }, count[2] = { 2, 2 };

  g_assert_cmpuint (graft_tensor_get_dim (t, 0), ==, 4);
  g_assert_cmpuint (graft_tensor_get_dim (t, 1), ==, 16);
  /* A block read through the strides is the same as those elements. */
  g_assert_true (graft_tensor_read_block_float (t, start, count, block, &error));
  g_assert_no_error (error);
  values = graft_tensor_dup_float (t, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (block[0], ==, values[1 * 16 + 2]);
  g_assert_cmpfloat (block[1], ==, values[1 * 16 + 3]);
  g_assert_cmpfloat (block[2], ==, values[2 * 16 + 2]);
  g_assert_cmpfloat (block[3], ==, values[2 * 16 + 3]);
  g_assert_cmpuint (graft_model_get_n_params (model), ==, 16 * 8 + 16 + 4 * 16 + 4);
}

static void
test_torch_tree (void)
{
  g_autoptr(GraftModel) tied = load ("tied_embedding.pt");
  g_autoptr(GraftModel) copies = load ("tied_embedding.safetensors");
  g_autoptr(GraftModel) bn = load ("cnn_bn.pt");
  GraftWeight *out = graft_model_find_weight (tied, "out.weight");
  GraftWeight *counter = graft_model_find_weight (bn, "features.1.num_batches_tracked");
  const char *value = NULL;

  /* Two names over one storage: tied, counted once. */
  g_assert_cmpstr (graft_weight_get_tied_to (out), ==, "embed/weight");
  g_assert_cmpuint (graft_model_get_n_params (tied), ==, 40 * 16 + 16 * 16 + 16);
  g_assert_cmpuint (graft_model_get_n_params (copies), ==, 40 * 16 * 2 + 16 * 16 + 16);
  g_assert_null (graft_weight_get_tied_to (graft_model_find_weight (copies, "out.weight")));

  /* Dotted names are a module tree; buffers are non-trainable. */
  g_assert_cmpstr (graft_weight_get_path (counter), ==, "features/1/num_batches_tracked");
  g_assert_cmpint (graft_weight_get_trainable (counter), ==, GRAFT_TRAINABLE_NO);
  g_assert_cmpint (graft_tensor_get_dtype (graft_weight_get_tensor (counter)), ==, GRAFT_DTYPE_INT64);
  g_assert_cmpint (graft_weight_get_trainable (graft_model_find_weight (bn, "features.1.running_var")),
                   ==, GRAFT_TRAINABLE_NO);
  g_assert_cmpint (graft_weight_get_trainable (graft_model_find_weight (bn, "features.0.weight")),
                   ==, GRAFT_TRAINABLE_YES);
  g_assert_nonnull (graft_model_find_layer (bn, "features/1"));

  /* safetensors' __metadata__. */
  g_assert_cmpuint (graft_model_get_n_metadata (copies), ==, 1);
  g_assert_cmpstr (graft_model_get_metadata (copies, 0, &value), ==, "format");
  g_assert_cmpstr (value, ==, "pt");
}

static void
test_torch_hostile (void)
{
  static const struct
  {
    const char *file;
    gint        code;
    const char *says;
  } cases[] = {
    { "full_model.pt", GRAFT_ERROR_UNSAFE, "__main__.TinyNet" },
    { "malicious.pt", GRAFT_ERROR_UNSAFE, "os.system" },
    { "truncated.safetensors", GRAFT_ERROR_CORRUPT, "truncated" },
    { "header_overflow.safetensors", GRAFT_ERROR_CORRUPT, "exceeds the file size" },
    { "header_len_huge.safetensors", GRAFT_ERROR_CORRUPT, "exceeds the file size" },
    { "offsets_overlap.safetensors", GRAFT_ERROR_CORRUPT, "overlap" },
    { "size_mismatch.safetensors", GRAFT_ERROR_CORRUPT, "60 bytes" },
  };
  const char *marker = "/tmp/GRAFT_MALICIOUS_PICKLE_EXECUTED";

  g_remove (marker);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "torch", "hostile",
                                                     cases[i].file, NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(GraftModel) model = graft_keras_load (path, &error);

      g_assert_null (model);
      g_assert_error (error, GRAFT_ERROR, cases[i].code);
      g_assert_nonnull (strstr (error->message, cases[i].says));
      g_assert_nonnull (strstr (error->message, cases[i].file));
      g_assert_null (strchr (error->message, '\n'));
    }
  g_assert_false (g_file_test (marker, G_FILE_TEST_EXISTS));

  {
    g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "torch", "hostile",
                                                   "valid_reference.safetensors", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(GraftModel) model = graft_keras_load (path, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (graft_model_get_n_params (model), ==, 4 * 6 + 4);
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  graft_init ();
  g_test_add_func ("/torch/formats-agree", test_torch_formats_agree);
  g_test_add_func ("/torch/views", test_torch_views);
  g_test_add_func ("/torch/tree", test_torch_tree);
  g_test_add_func ("/torch/hostile", test_torch_hostile);
  return g_test_run ();
}
