/* test-keras.c: opening checkpoints of every format, and refusing bad ones
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "graft.h"

static char *
data_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", "keras", name, NULL);
}

static GraftModel *
load_fixture (const char *name)
{
  g_autofree char *path = data_path (name);
  g_autoptr(GError) error = NULL;
  GraftModel *model = graft_keras_load (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (model);
  return model;
}

/* mlp_functional: input(3) → dense1(64) → dense2(10); the same four weights
 * in every format, at each format's own HDF5 location. */
typedef struct
{
  const char  *file;
  GraftFormat  format;
  const char  *kernel1_location;
  const char  *keras_version;
} FormatCase;

static const FormatCase format_cases[] = {
  { "mlp_functional.keras", GRAFT_FORMAT_KERAS, "/layers/dense/vars/0", "3.15.1" },
  /* The same archive with every member DEFLATEd: read through libzip
   * instead of being mapped in place. */
  { "mlp_functional.deflated.keras", GRAFT_FORMAT_KERAS, "/layers/dense/vars/0", "3.15.1" },
  { "mlp_functional.weights.h5", GRAFT_FORMAT_WEIGHTS_H5, "/layers/dense/vars/0", NULL },
  { "mlp_functional.legacy.h5", GRAFT_FORMAT_LEGACY_H5, "/model_weights/dense1/dense1/kernel", "3.15.1" },
  { "mlp_functional.legacy_weights.h5", GRAFT_FORMAT_LEGACY_WEIGHTS_H5, "/dense1/dense1/kernel", "3.15.1" },
  { "mlp_functional_sharded.weights.json", GRAFT_FORMAT_SHARDED, "/layers/dense/vars/0", NULL },
};

static void
test_keras_load_format (gconstpointer data)
{
  const FormatCase *c = data;
  g_autoptr(GraftModel) model = load_fixture (c->file);
  g_autofree char *path = data_path (c->file);
  g_autoptr(GError) error = NULL;
  static const char * const paths[] = { "dense1/kernel", "dense1/bias", "dense2/kernel", "dense2/bias" };
  static const gsize shapes[][2] = { { 3, 64 }, { 64, 0 }, { 64, 10 }, { 10, 0 } };
  GraftWeight *kernel;

  g_assert_cmpint (graft_keras_detect (path, &error), ==, c->format);
  g_assert_no_error (error);
  g_assert_cmpint (graft_model_get_format (model), ==, c->format);
  g_assert_cmpstr (graft_model_get_keras_version (model), ==, c->keras_version);
  g_assert_cmpuint (graft_model_get_n_weights (model), ==, 4);
  g_assert_cmpuint (graft_model_get_n_params (model), ==, 3 * 64 + 64 + 64 * 10 + 10);

  for (guint i = 0; i < 4; i++)
    {
      GraftWeight *w = graft_model_get_weight (model, i);
      GraftTensor *t = graft_weight_get_tensor (w);

      g_assert_cmpstr (graft_weight_get_path (w), ==, paths[i]);
      g_assert_cmpuint (graft_tensor_get_dim (t, 0), ==, shapes[i][0]);
      g_assert_cmpuint (graft_tensor_get_rank (t), ==, shapes[i][1] ? 2 : 1);
      g_assert_cmpint (graft_tensor_get_dtype (t), ==, GRAFT_DTYPE_FLOAT32);
      /* Opening reads metadata only. */
      g_assert_true (graft_tensor_is_lazy (t));
    }

  kernel = graft_model_find_weight (model, c->kernel1_location);
  g_assert_nonnull (kernel);
  g_assert_true (kernel == graft_model_get_weight (model, 0));
  g_assert_true (graft_model_find_weight (model, c->kernel1_location + 1) == kernel);
  g_assert_cmpstr (graft_layer_get_name (graft_weight_get_layer (kernel)), ==, "dense1");
}

/* Every format holds the same values: compare against the legacy file. */
static void
test_keras_load_same_values (void)
{
  g_autoptr(GraftModel) ref = load_fixture ("mlp_functional.legacy_weights.h5");

  for (guint f = 0; f < G_N_ELEMENTS (format_cases); f++)
    {
      g_autoptr(GraftModel) model = load_fixture (format_cases[f].file);

      for (guint i = 0; i < graft_model_get_n_weights (ref); i++)
        {
          g_autoptr(GError) error = NULL;
          GraftTensor *a = graft_weight_get_tensor (graft_model_get_weight (ref, i));
          GraftTensor *b = graft_weight_get_tensor (graft_model_get_weight (model, i));
          const void *da = graft_tensor_get_data (a, &error);
          const void *db;

          g_assert_no_error (error);
          db = graft_tensor_get_data (b, &error);
          g_assert_no_error (error);
          g_assert_cmpmem (da, graft_tensor_get_n_bytes (a), db, graft_tensor_get_n_bytes (b));
        }
    }
}

/* A block of a lazy tensor equals the same block of the whole tensor. */
static void
test_keras_read_block (void)
{
  g_autoptr(GraftModel) model = load_fixture ("mlp_functional.keras");
  g_autoptr(GraftModel) again = load_fixture ("mlp_functional.legacy.h5");
  GraftTensor *lazy = graft_weight_get_tensor (graft_model_find_weight (again, "dense2/kernel"));
  GraftTensor *full = graft_weight_get_tensor (graft_model_find_weight (model, "dense2/kernel"));
  g_autoptr(GError) error = NULL;
  const gsize start[2] = { 5, 3 }, count[2] = { 7, 4 };
  float block[7 * 4];
  const float *all;

  /* Read the block before anything loads the whole tensor. */
  g_assert_true (graft_tensor_read_block_float (lazy, start, count, block, &error));
  g_assert_no_error (error);
  all = graft_tensor_get_data (full, &error);
  g_assert_no_error (error);
  for (gsize r = 0; r < 7; r++)
    for (gsize c = 0; c < 4; c++)
      g_assert_cmpfloat (block[r * 4 + c], ==, all[(5 + r) * 10 + 3 + c]);

  /* Out of range blocks are refused. */
  {
    const gsize bad_start[2] = { 60, 0 }, bad_count[2] = { 5, 1 };

    g_assert_false (graft_tensor_read_block (lazy, bad_start, bad_count, block, &error));
    g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_INVALID);
  }
}

static void
test_keras_nested_tree (void)
{
  g_autoptr(GraftModel) model = load_fixture ("nested_functional.keras");
  GraftLayer *fe = graft_model_find_layer (model, "feature_extractor");
  GraftWeight *w;

  g_assert_nonnull (fe);
  g_assert_cmpstr (graft_layer_get_class_name (fe), ==, "Sequential");
  g_assert_cmpuint (graft_layer_get_n_children (fe), ==, 3);
  g_assert_cmpstr (graft_layer_get_name (graft_layer_get_child (fe, 0)), ==, "fe_conv");
  g_assert_cmpstr (graft_layer_get_class_name (graft_layer_get_child (fe, 1)), ==, "BatchNormalization");

  w = graft_model_find_weight (model, "feature_extractor/fe_conv/kernel");
  g_assert_nonnull (w);
  g_assert_cmpstr (graft_weight_get_location (w), ==, "/layers/sequential/layers/conv2d/vars/0");
  /* fe_conv is frozen; BN moving statistics are never trained. */
  g_assert_cmpint (graft_weight_get_trainable (w), ==, GRAFT_TRAINABLE_NO);
  w = graft_model_find_weight (model, "feature_extractor/fe_bn/moving_mean");
  g_assert_cmpint (graft_weight_get_trainable (w), ==, GRAFT_TRAINABLE_NO);
  w = graft_model_find_weight (model, "feature_extractor/fe_bn/gamma");
  g_assert_cmpint (graft_weight_get_trainable (w), ==, GRAFT_TRAINABLE_YES);

  /* The optimizer's state is listed apart, never counted. */
  g_assert_cmpuint (graft_model_get_n_extra_weights (model), ==, 8);
  g_assert_cmpuint (graft_model_get_n_weights (model), ==, 10);
}

static GraftModel *
load_quirk (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "quirks", name, NULL);
  g_autoptr(GError) error = NULL;
  GraftModel *model = graft_keras_load (path, &error);

  g_assert_no_error (error);
  return model;
}

/* Split name attributes, fixed-length strings, Keras 1 and tf.keras names. */
static void
test_keras_quirks_names (void)
{
  g_autoptr(GraftModel) model = load_quirk ("split-names.h5");
  GraftWeight *w;
  const float *v;

  g_assert_cmpint (graft_model_get_format (model), ==, GRAFT_FORMAT_LEGACY_WEIGHTS_H5);
  g_assert_cmpstr (graft_model_get_keras_version (model), ==, "2.2.4");
  g_assert_cmpstr (graft_model_get_backend (model), ==, "tensorflow");
  g_assert_cmpuint (graft_model_get_n_weights (model), ==, 4);
  g_assert_cmpuint (graft_model_get_n_params (model), ==, 6 + 3 + 24 + 16);

  w = graft_model_find_weight (model, "dense_1/W");
  g_assert_nonnull (w);
  g_assert_cmpstr (graft_weight_get_location (w), ==, "/dense_1/dense_1_W");
  v = graft_tensor_get_data (graft_weight_get_tensor (w), NULL);
  g_assert_cmpfloat (v[5], ==, 5.0f);
  w = graft_model_find_weight (model, "lstm_1/recurrent_kernel");
  g_assert_nonnull (w);
  g_assert_cmpstr (graft_weight_get_location (w), ==, "/lstm_1/lstm_1/recurrent_kernel:0");
  v = graft_tensor_get_data (graft_weight_get_tensor (w), NULL);
  g_assert_cmpfloat (v[15], ==, -0.125f);
}

static gconstpointer
quirk_data (GraftModel *model,
            const char *path,
            GraftDType  dtype)
{
  g_autoptr(GError) error = NULL;
  GraftWeight *w = graft_model_find_weight (model, path);
  gconstpointer data;

  g_assert_nonnull (w);
  g_assert_cmpint (graft_tensor_get_dtype (graft_weight_get_tensor (w)), ==, dtype);
  data = graft_tensor_get_data (graft_weight_get_tensor (w), &error);
  g_assert_no_error (error);
  return data;
}

static void
test_keras_quirks_dtypes (void)
{
  g_autoptr(GraftModel) model = load_quirk ("dtypes.weights.h5");
  const guint16 *half = quirk_data (model, "half/0", GRAFT_DTYPE_FLOAT16);
  const double *dbl = quirk_data (model, "double/0", GRAFT_DTYPE_FLOAT64);
  const gint8 *i8 = quirk_data (model, "ints/0", GRAFT_DTYPE_INT8);
  const guint8 *u8 = quirk_data (model, "ints/1", GRAFT_DTYPE_UINT8);
  const gint64 *i64 = quirk_data (model, "ints/2", GRAFT_DTYPE_INT64);
  const gint32 *scalar = quirk_data (model, "ints/3", GRAFT_DTYPE_INT32);
  const guint8 *flags = quirk_data (model, "flags/0", GRAFT_DTYPE_BOOL);
  const guint16 *bf = quirk_data (model, "brain/0", GRAFT_DTYPE_BFLOAT16);
  const float *packed = quirk_data (model, "packed/0", GRAFT_DTYPE_FLOAT32);
  const float *swapped = quirk_data (model, "packed/1", GRAFT_DTYPE_FLOAT32);

  g_assert_cmpfloat (graft_half_to_float (half[1]), ==, -2.0f);
  g_assert_cmpfloat (graft_half_to_float (half[2]), ==, 65504.0f);
  g_assert_cmpfloat (dbl[0], ==, 1.0 / 3.0);
  g_assert_cmpfloat (dbl[3], ==, 1e300);
  g_assert_cmpint (i8[0], ==, -128);
  g_assert_cmpuint (u8[2], ==, 255);
  g_assert_cmpint (i64[1], ==, G_GINT64_CONSTANT (1) << 40);
  g_assert_cmpint (*scalar, ==, 7);
  g_assert_cmpuint (graft_tensor_get_rank (graft_weight_get_tensor (graft_model_find_weight (model, "ints/3"))), ==, 0);
  g_assert_cmpuint (flags[0], ==, 1);
  g_assert_cmpuint (flags[1], ==, 0);
  g_assert_cmpfloat (graft_bfloat16_to_float (bf[1]), ==, -2.5f);

  /* Chunked, shuffled and deflated: every value exact. */
  for (guint i = 0; i < 64 * 48; i++)
    g_assert_cmpfloat (packed[i], ==, ((float) i - 1000.0f) / 7.0f);
  /* Stored big-endian, read in native order. */
  g_assert_cmpfloat (swapped[11], ==, 11.0f);

  /* A block of a compressed dataset, read without the rest. */
  {
    g_autoptr(GraftModel) again = load_quirk ("dtypes.weights.h5");
    GraftTensor *t = graft_weight_get_tensor (graft_model_find_weight (again, "packed/0"));
    const gsize start[2] = { 17, 30 }, count[2] = { 2, 3 };
    float block[6];

    g_assert_true (graft_tensor_read_block_float (t, start, count, block, NULL));
    g_assert_cmpfloat (block[4], ==, ((float) (18 * 48 + 31) - 1000.0f) / 7.0f);
  }
}

typedef struct
{
  const char *file;
  GraftError  code;
  const char *needle;   /* a phrase the message must contain */
} BrokenCase;

static const BrokenCase broken_cases[] = {
  { "missing.h5", GRAFT_ERROR_IO, "No such file" },
  { "empty.h5", GRAFT_ERROR_NOT_A_MODEL, "empty" },
  { "truncated.h5", GRAFT_ERROR_CORRUPT, "truncated" },
  { "html-page.h5", GRAFT_ERROR_NOT_A_MODEL, "HTML" },
  { "page.xml.h5", GRAFT_ERROR_NOT_A_MODEL, "XML" },
  { "lfs-pointer.h5", GRAFT_ERROR_NOT_A_MODEL, "git lfs pull" },
  { "duplicate-members.keras", GRAFT_ERROR_UNSAFE, "same name" },
  { "npz-weights.keras", GRAFT_ERROR_UNSAFE, "never unpickles" },
  { "bad-config.keras", GRAFT_ERROR_CORRUPT, "config.json is not valid JSON" },
  { "zip-bomb.keras", GRAFT_ERROR_UNSAFE, "zip bomb" },
  { "zip-bomb-declared.keras", GRAFT_ERROR_UNSAFE, "4294967294" },
  { "external-link.h5", GRAFT_ERROR_UNSAFE, "external link" },
  { "soft-link.h5", GRAFT_ERROR_UNSAFE, "soft link" },
  { "absurd-size.h5", GRAFT_ERROR_LIMIT, "beyond the end" },
  { "bad-model-config.h5", GRAFT_ERROR_CORRUPT, "model_config is not valid JSON" },
  { "deep-nesting.h5", GRAFT_ERROR_LIMIT, "nested more than" },
  { "deep-json-config.h5", GRAFT_ERROR_LIMIT, "JSON nested more than 512 levels" },
  { "rank-9.weights.h5", GRAFT_ERROR_LIMIT, "rank 9" },
  { "external-storage.h5", GRAFT_ERROR_UNSAFE, "external files" },
  { "virtual-dataset.h5", GRAFT_ERROR_UNSAFE, "virtual dataset" },
};

static void
test_keras_load_broken (gconstpointer data)
{
  const BrokenCase *c = data;
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "broken", c->file, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GraftModel) model = graft_keras_load (path, &error);

  g_assert_null (model);
  g_assert_error (error, GRAFT_ERROR, (gint) c->code);
  /* The message names the file and the problem, on one line. */
  g_assert_true (g_str_has_prefix (error->message, path));
  g_assert_nonnull (strstr (error->message, c->needle));
  g_assert_null (strchr (error->message, '\n'));
}

static void
test_keras_load_folder (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "broken", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GraftModel) model = graft_keras_load (path, &error);

  g_assert_null (model);
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_NOT_A_MODEL);
  g_assert_nonnull (strstr (error->message, "folder"));
}

/* Opening succeeds (metadata is fine); reading values names the problem. */
static void
test_keras_read_lzf (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "broken", "lzf-filter.h5", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GraftModel) model = graft_keras_load (path, &error);
  GraftWeight *w;

  g_assert_no_error (error);
  w = graft_model_find_weight (model, "/layers/dense_1/vars/0");
  g_assert_nonnull (w);
  g_assert_null (graft_tensor_get_data (graft_weight_get_tensor (w), &error));
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "LZF"));
}

static void
test_keras_read_absurd_chunked (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "broken", "absurd-size-chunked.h5", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GraftModel) model = graft_keras_load (path, &error);
  GraftTensor *t;

  g_assert_no_error (error);
  t = graft_weight_get_tensor (graft_model_find_weight (model, "dense1/kernel"));
  g_assert_cmpuint (graft_tensor_get_n_elements (t), ==, G_GUINT64_CONSTANT (1000000000000));
  g_assert_null (graft_tensor_get_data (t, &error));
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_LIMIT);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  graft_init ();

  for (guint i = 0; i < G_N_ELEMENTS (format_cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/keras/load/%s", format_cases[i].file);
      g_test_add_data_func (name, &format_cases[i], test_keras_load_format);
    }
  g_test_add_func ("/keras/load/same-values-in-every-format", test_keras_load_same_values);
  g_test_add_func ("/keras/load/nested-tree", test_keras_nested_tree);
  g_test_add_func ("/keras/load/quirks/split-fixed-length-names", test_keras_quirks_names);
  g_test_add_func ("/keras/load/quirks/dtypes-chunked-compressed", test_keras_quirks_dtypes);
  g_test_add_func ("/keras/read/block", test_keras_read_block);
  g_test_add_func ("/keras/read/unavailable-filter", test_keras_read_lzf);
  g_test_add_func ("/keras/read/absurd-chunked-size", test_keras_read_absurd_chunked);
  g_test_add_func ("/keras/load/broken/folder", test_keras_load_folder);
  for (guint i = 0; i < G_N_ELEMENTS (broken_cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/keras/load/broken/%s", broken_cases[i].file);
      g_test_add_data_func (name, &broken_cases[i], test_keras_load_broken);
    }
  return g_test_run ();
}
