/* test-quantize.c: quantizing as Keras's model.quantize() does
 *
 * The int4 quantizer and the EinsumDense scale layout on small cases
 * worked out by hand from Keras's formulas, and whole models: each float
 * original of tests/data/keras-quant (<name>.float.keras) quantized in
 * memory and written as .keras must give the file Keras wrote after
 * model.quantize() (<name>.keras): every variable at the same place with
 * the same bytes, the same config but for Python's shared_object_id
 * bookkeeping, and its outputs.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "graft.h"
#include "test-util.h"

static GraftModel *
load_quant (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "keras-quant", name, NULL);
  g_autoptr(GError) error = NULL;
  GraftModel *model = graft_keras_load (path, &error);

  g_assert_no_error (error);
  return model;
}

static GraftTensor *
tensor_2d (gsize        rows,
           gsize        cols,
           const float *values)
{
  gsize shape[2] = { rows, cols };
  GraftTensor *t = graft_tensor_new (GRAFT_DTYPE_FLOAT32, 2, shape);

  memcpy (graft_tensor_get_data_mutable (t), values, rows * cols * sizeof (float));
  return t;
}

static void
assert_shape (GraftTensor *t,
              guint        rank,
              const gsize *shape)
{
  g_assert_cmpuint (graft_tensor_get_rank (t), ==, rank);
  for (guint a = 0; a < rank; a++)
    g_assert_cmpuint (graft_tensor_get_dim (t, a), ==, shape[a]);
}

/* Per channel: 7 / (max |w| + 1e-7) per column; three columns pack into
 * two bytes a row, the last with a zero high nibble. */
static void
test_quantize_int4_per_channel (void)
{
  static const float w[] = { 1.0f, 0.5f, 0.0f,  /* [2, 3] */
                             -1.0f, 0.25f, 2.0f };
  /* q = [[7, 7, 0], [-7, 3, 7]]; -7 is nibble 9. */
  static const gint8 packed[] = { 0x77, 0x00, 0x39, 0x07 };
  static const gsize packed_shape[] = { 2, 2 }, scale_shape[] = { 3 };
  g_autoptr(GraftTensor) weight = tensor_2d (2, 3, w);
  g_auto(GraftQuantized) q = { NULL };
  g_autoptr(GError) error = NULL;
  const float *scale;

  g_assert_true (graft_quantize_int4 (weight, 2, FALSE, -1, &q, &error));
  g_assert_no_error (error);
  assert_shape (q.q, 2, packed_shape);
  g_assert_cmpmem (graft_tensor_get_data (q.q, NULL), 4, packed, 4);
  assert_shape (q.scale, 1, scale_shape);
  scale = graft_tensor_get_data (q.scale, NULL);
  g_assert_true (scale[0] == 7.0f / (1.0f + 1e-7f));
  g_assert_true (scale[1] == 7.0f / (0.5f + 1e-7f));
  g_assert_true (scale[2] == 7.0f / (2.0f + 1e-7f));
  g_assert_null (q.zero);
  g_assert_null (q.g_idx);
}

/* Groups of 2 rows of one column [0, 1.5 | -3]: the first group's zero
 * point is -8 (min 0), the ragged second one counts its zero padding
 * (min -3, max 0): zero 7, q -8. */
static void
test_quantize_int4_grouped (void)
{
  static const float w[] = { 0.0f, 1.5f, -3.0f }; /* [3, 1] */
  static const gint8 packed[] = { 0x08, 0x07, 0x08 }, zero[] = { -8, 7 };
  static const float g_idx[] = { 0, 0, 1 };
  static const gsize packed_shape[] = { 3, 1 }, scale_shape[] = { 2, 1 };
  g_autoptr(GraftTensor) weight = tensor_2d (3, 1, w);
  g_auto(GraftQuantized) q = { NULL };
  g_autoptr(GError) error = NULL;
  const float *scale;

  g_assert_true (graft_quantize_int4 (weight, 3, FALSE, 2, &q, &error));
  g_assert_no_error (error);
  assert_shape (q.q, 2, packed_shape);
  g_assert_cmpmem (graft_tensor_get_data (q.q, NULL), 3, packed, 3);
  assert_shape (q.scale, 2, scale_shape);
  assert_shape (q.zero, 2, scale_shape);
  scale = graft_tensor_get_data (q.scale, NULL);
  g_assert_true (scale[0] == (1.5f - 0.0f + 1e-7f) / 15.0f);
  g_assert_true (scale[1] == (0.0f + 3.0f + 1e-7f) / 15.0f);
  g_assert_cmpmem (graft_tensor_get_data (q.zero, NULL), 2, zero, 2);
  g_assert_cmpmem (graft_tensor_get_data (q.g_idx, NULL), sizeof g_idx, g_idx, sizeof g_idx);
}

/* An Embedding table: channels are rows, groups run along the columns,
 * and scales are (vocab, n_groups). An all-zero group: scale 1e-7 / 15,
 * zero point -8. */
static void
test_quantize_int4_embedding (void)
{
  static const float w[] = { 0.0f, 1.5f, -3.0f,  /* [2, 3] */
                             0.0f, 0.0f, 0.0f };
  /* q = [[-8, 7, -8], [-8, -8, -8]] */
  static const gint8 packed[] = { 0x78, 0x08, (gint8) 0x88, 0x08 }, zero[] = { -8, 7, -8, -8 };
  static const float g_idx[] = { 0, 0, 1 };
  static const gsize scale_shape[] = { 2, 2 };
  g_autoptr(GraftTensor) weight = tensor_2d (2, 3, w);
  g_auto(GraftQuantized) q = { NULL };
  g_autoptr(GError) error = NULL;
  const float *scale;

  g_assert_true (graft_quantize_int4 (weight, 2, TRUE, 2, &q, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (graft_tensor_get_data (q.q, NULL), 4, packed, 4);
  assert_shape (q.scale, 2, scale_shape);
  scale = graft_tensor_get_data (q.scale, NULL);
  g_assert_true (scale[1] == (0.0f + 3.0f + 1e-7f) / 15.0f);
  g_assert_true (scale[2] == 1e-7f / 15.0f);
  g_assert_cmpmem (graft_tensor_get_data (q.zero, NULL), 4, zero, 4);
  g_assert_cmpmem (graft_tensor_get_data (q.g_idx, NULL), sizeof g_idx, g_idx, sizeof g_idx);
}

static void
test_quantize_int4_errors (void)
{
  static const float w[] = { 1.0f, NAN, 0.0f, 2.0f, 3.0f, 4.0f };
  g_autoptr(GraftTensor) weight = tensor_2d (2, 3, w);
  g_auto(GraftQuantized) q = { NULL };
  g_autoptr(GError) error = NULL;

  g_assert_false (graft_quantize_int4 (weight, 4, FALSE, 2, &q, &error));
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_SHAPE);
  g_assert_nonnull (strstr (error->message, "[2, 3]"));
  g_clear_error (&error);
  g_assert_false (graft_quantize_int4 (weight, 2, FALSE, 0, &q, &error));
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (graft_quantize_int4 (weight, 2, FALSE, -1, &q, &error));
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "element 1"));
  g_assert_null (q.q);
}

/* Scale shapes as _analyze_quantization_info and _adjust_scale_for_quant
 * give them: the corpus's three equations, an output that lists the
 * kernel's axes in another order (the scales follow the output's), two
 * contracted axes with one output-only letter (one is squeezed), and
 * "..." spelt out from the input's rank. */
static void
test_quantize_einsum_layout (void)
{
  static const struct
  {
    const char *equation;
    guint       input_rank;
    guint       kernel_rank;
    gsize       kernel[3];
    guint       scale_rank;
    gsize       scale[4];
    gsize       stride[3];
    gsize       rows;
  } cases[] = {
    { "abc,cde->abde", 3, 3, { 16, 2, 8 }, 4, { 1, 1, 2, 8 }, { 0, 8, 1 }, 16 },
    { "abcd,cde->abe", 4, 3, { 2, 8, 16 }, 3, { 1, 1, 16 }, { 0, 0, 1 }, 16 },
    { "abc,cd->abd", 3, 2, { 5, 3 }, 3, { 1, 1, 3 }, { 0, 1 }, 5 },
    { "abc,ced->abde", 3, 3, { 4, 3, 2 }, 4, { 1, 1, 2, 3 }, { 0, 1, 3 }, 4 },
    { "abc,bcd->ad", 3, 3, { 4, 5, 6 }, 2, { 1, 6 }, { 0, 0, 1 }, 20 },
    { "...b,bc->...c", 3, 2, { 7, 9 }, 3, { 1, 1, 9 }, { 0, 1 }, 7 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      GraftQuantEinsum layout;
      GraftQuantChannels channels;
      g_autoptr(GError) error = NULL;

      g_test_message ("%s", cases[i].equation);
      g_assert_true (graft_quantize_einsum_layout (cases[i].equation, cases[i].input_rank,
                                                   cases[i].kernel_rank, cases[i].kernel, &layout, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (layout.scale_rank, ==, cases[i].scale_rank);
      for (guint a = 0; a < cases[i].scale_rank; a++)
        g_assert_cmpuint (layout.scale_shape[a], ==, cases[i].scale[a]);
      for (guint a = 0; a < cases[i].kernel_rank; a++)
        g_assert_cmpuint (layout.channels.stride[a], ==, cases[i].stride[a]);
      g_assert_cmpuint (layout.rows, ==, cases[i].rows);

      /* The channels alone need nothing of the input. */
      memset (&channels, 0xff, sizeof channels);
      g_assert_true (graft_quantize_einsum_channels (cases[i].equation, cases[i].kernel_rank,
                                                     cases[i].kernel, &channels, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (channels.n_channels, ==, layout.channels.n_channels);
      for (guint a = 0; a < cases[i].kernel_rank; a++)
        g_assert_cmpuint (channels.stride[a], ==, cases[i].stride[a]);
    }
}

static void
test_quantize_einsum_errors (void)
{
  static const gsize kernel[] = { 4, 5 };
  GraftQuantEinsum layout;
  g_autoptr(GError) error = NULL;

  g_assert_false (graft_quantize_einsum_layout ("ab,bc", 2, 2, kernel, &layout, &error));
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED);
  g_clear_error (&error);
  g_assert_false (graft_quantize_einsum_layout ("abc,cde->abde", 3, 2, kernel, &layout, &error));
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_SHAPE);
  g_assert_nonnull (strstr (error->message, "[4, 5]"));
  g_clear_error (&error);
  g_assert_false (graft_quantize_einsum_layout ("...b,bc->...c", 0, 2, kernel, &layout, &error));
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED);
}

/* @node without the shared_object_id members Keras's serializer adds
 * where Python objects are shared. */
static void
strip_shared_ids (JsonNode *node)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *o = json_node_get_object (node);
      g_autoptr(GList) members = NULL;

      json_object_remove_member (o, "shared_object_id");
      members = json_object_get_values (o);
      for (GList *l = members; l != NULL; l = l->next)
        strip_shared_ids (l->data);
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *a = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (a); i++)
        strip_shared_ids (json_array_get_element (a, i));
    }
}

static JsonNode *
deep_copy (JsonNode *node)
{
  g_autofree char *text = json_to_string (node, FALSE);
  g_autoptr(GError) error = NULL;
  JsonNode *copy = json_from_string (text, &error);

  g_assert_no_error (error);
  return copy;
}

/* Every variable of @want at the same place in @got, with the same dtype,
 * shape and bytes. */
static void
assert_same_variables (GraftModel *got,
                       GraftModel *want)
{
  g_assert_cmpuint (graft_model_get_n_weights (got), ==, graft_model_get_n_weights (want));
  for (guint i = 0; i < graft_model_get_n_weights (want); i++)
    {
      GraftWeight *w = graft_model_get_weight (want, i);
      GraftWeight *g = graft_model_find_weight (got, graft_weight_get_path (w));
      GraftTensor *a, *b = graft_weight_get_tensor (w);

      g_assert_nonnull (g);
      a = graft_weight_get_tensor (g);
      g_assert_cmpstr (graft_weight_get_location (g), ==, graft_weight_get_location (w));
      g_assert_cmpint (graft_tensor_get_dtype (a), ==, graft_tensor_get_dtype (b));
      g_assert_true (graft_tensor_same_shape (a, b));
      g_assert_cmpmem (graft_tensor_get_data (a, NULL), graft_tensor_get_n_bytes (a),
                       graft_tensor_get_data (b, NULL), graft_tensor_get_n_bytes (b));
    }
}

typedef struct
{
  const char     *name;
  GraftQuantMode  mode;
  gint            block_size;
  guint           n_layers;
} QuantCase;

static const QuantCase convert_cases[] = {
  { "mlp_int8", GRAFT_QUANT_INT8, 0, 3 },
  { "embed_int8", GRAFT_QUANT_INT8, 0, 3 },
  { "einsum_int8", GRAFT_QUANT_INT8, 0, 3 },
  { "transformer_int8", GRAFT_QUANT_INT8, 0, 7 },
  { "mlp_int4", GRAFT_QUANT_INT4, 128, 3 },
  { "mlp_int4_perchannel", GRAFT_QUANT_INT4, -1, 2 },
  { "embed_int4", GRAFT_QUANT_INT4, 8, 3 },
  { "transformer_int4", GRAFT_QUANT_INT4, 8, 7 },
};

/* <name>.float.keras quantized and written as .keras is <name>.keras. */
static void
test_quantize_model (gconstpointer data)
{
  const QuantCase *c = data;
  g_autofree char *fname = g_strdup_printf ("%s.float.keras", c->name);
  g_autofree char *kname = g_strdup_printf ("%s.keras", c->name);
  g_autofree char *xname = g_strdup_printf ("%s.input.npy", c->name);
  g_autofree char *yname = g_strdup_printf ("%s.output.npy", c->name);
  g_autofree char *xpath = g_test_build_filename (G_TEST_DIST, "data", "keras-quant", xname, NULL);
  g_autofree char *ypath = g_test_build_filename (G_TEST_DIST, "data", "keras-quant", yname, NULL);
  g_autofree char *dir = g_dir_make_tmp ("graft-quantize-XXXXXX", NULL);
  g_autofree char *out = g_build_filename (dir, kname, NULL);
  g_autoptr(GraftModel) model = load_quant (fname);
  g_autoptr(GraftModel) keras_own = load_quant (kname);
  g_autoptr(GraftModel) quantized = NULL;
  g_autoptr(GraftModel) back = NULL;
  g_autoptr(JsonNode) got_config = NULL;
  g_autoptr(JsonNode) want_config = NULL;
  g_autoptr(GError) error = NULL;
  guint n_layers = 0;

  quantized = graft_quantize_model (model, NULL, c->mode, c->block_size, &n_layers, &error);
  g_assert_no_error (error);
  g_assert_nonnull (quantized);
  g_assert_cmpuint (n_layers, ==, c->n_layers);
  /* In memory already: the variables and real values of a quantized model. */
  g_assert_cmpuint (graft_model_get_n_weights (quantized), ==, graft_model_get_n_weights (keras_own));
  g_assert_true (graft_convert_save_full (quantized, NULL, out, GRAFT_FORMAT_KERAS, GRAFT_SAVE_NO_SYNC,
                                          0, &error));
  g_assert_no_error (error);

  back = graft_keras_load (out, &error);
  g_assert_no_error (error);
  assert_same_variables (back, keras_own);
  got_config = deep_copy (graft_model_get_config (back));
  want_config = deep_copy (graft_model_get_config (keras_own));
  strip_shared_ids (got_config);
  strip_shared_ids (want_config);
  g_assert_true (json_node_equal (got_config, want_config));
  test_util_assert_predicts (back, xpath, ypath, 1e-4);

  g_assert_cmpint (g_remove (out), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
assert_quantize_fails (GraftModel     *model,
                       JsonNode       *config,
                       GraftQuantMode  mode,
                       gint            block_size,
                       gint            code,
                       const char     *what)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GraftModel) none = graft_quantize_model (model, config, mode, block_size, NULL, &error);

  g_assert_null (none);
  g_assert_error (error, GRAFT_ERROR, code);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, what));
}

static void
test_quantize_model_errors (void)
{
  g_autoptr(GraftModel) quantized = load_quant ("mlp_int8.keras");
  g_autoptr(GraftModel) bf16 = load_quant ("bf16_model.keras");
  g_autoptr(GraftModel) float_model = load_quant ("mlp_int8.float.keras");
  g_autofree char *weights_only = g_test_build_filename (G_TEST_DIST, "data", "keras",
                                                        "mlp_functional.weights.h5", NULL);
  g_autoptr(GraftModel) no_config = test_util_load_path (weights_only);
  g_autoptr(JsonNode) empty = json_from_string ("{\"class_name\": \"Functional\", \"config\": "
                                                "{\"name\": \"m\", \"layers\": []}}", NULL);
  g_autoptr(JsonNode) wrapped = json_from_string (
    "{\"class_name\": \"Functional\", \"config\": {\"name\": \"m\", \"layers\": ["
    "{\"class_name\": \"TimeDistributed\", \"name\": \"td\", \"config\": {\"name\": \"td\", "
    "\"layer\": {\"class_name\": \"Dense\", \"config\": {\"name\": \"d\", \"units\": 2}}}}]}}", NULL);

  assert_quantize_fails (quantized, NULL, GRAFT_QUANT_INT8, 0, GRAFT_ERROR_UNSUPPORTED,
                         "mlp_int8.keras: layer 'd1' (Dense) is quantized already");
  assert_quantize_fails (bf16, NULL, GRAFT_QUANT_INT4, 128, GRAFT_ERROR_UNSUPPORTED,
                         "layer 'd1' (Dense): weight 'd1/kernel' [12, 32] is bfloat16");
  assert_quantize_fails (no_config, NULL, GRAFT_QUANT_INT8, 0, GRAFT_ERROR_NO_ARCHITECTURE,
                         "mlp_functional.weights.h5: quantizing needs the model config");
  assert_quantize_fails (float_model, empty, GRAFT_QUANT_INT8, 0, GRAFT_ERROR_UNSUPPORTED,
                         "no Dense, EinsumDense or Embedding layer to quantize");
  assert_quantize_fails (float_model, wrapped, GRAFT_QUANT_INT8, 0, GRAFT_ERROR_UNSUPPORTED,
                         "layer 'td' (TimeDistributed) wraps a Dense");
  assert_quantize_fails (float_model, NULL, GRAFT_QUANT_INT4, 0, GRAFT_ERROR_INVALID,
                         "mlp_int8.float.keras: int4 block size 0");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  graft_init ();
  g_test_add_func ("/quantize/int4/per-channel", test_quantize_int4_per_channel);
  g_test_add_func ("/quantize/int4/grouped", test_quantize_int4_grouped);
  g_test_add_func ("/quantize/int4/embedding", test_quantize_int4_embedding);
  g_test_add_func ("/quantize/int4/errors", test_quantize_int4_errors);
  g_test_add_func ("/quantize/einsum/layout", test_quantize_einsum_layout);
  g_test_add_func ("/quantize/einsum/errors", test_quantize_einsum_errors);
  for (guint i = 0; i < G_N_ELEMENTS (convert_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/quantize/model/%s", convert_cases[i].name);

      g_test_add_data_func (path, &convert_cases[i], test_quantize_model);
    }
  g_test_add_func ("/quantize/model/errors", test_quantize_model_errors);
  return g_test_run ();
}
