/* test-build.c: building a net, initialising it and saving it as a new file
 *
 * A net saved in each format reads back with the same weights, and runs to
 * the same outputs as the net in memory. Where the corpus has a runnable
 * config, a net bound to the corpus weights and saved again puts every
 * weight at the location Keras itself used.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "graft.h"
#include "graft-keras-class.h"
#include "test-util.h"

typedef struct
{
  GraftFormat  format;
  const char  *suffix;
} BuildFormat;

static const BuildFormat build_formats[] = {
  { GRAFT_FORMAT_KERAS, ".keras" },
  { GRAFT_FORMAT_WEIGHTS_H5, ".weights.h5" },
  { GRAFT_FORMAT_LEGACY_H5, ".legacy.h5" },
  { GRAFT_FORMAT_LEGACY_WEIGHTS_H5, ".legacy_weights.h5" },
};

/* Two inputs, a frozen BatchNormalization, a concatenation; Keras 2 syntax. */
static const char vision_spec[] =
  "{\"class_name\": \"Functional\", \"config\": {\"name\": \"vision\", \"layers\": ["
  "{\"class_name\": \"InputLayer\", \"name\": \"image\", \"config\": {\"name\": \"image\","
  "  \"batch_shape\": [null, 8, 8, 3]}, \"inbound_nodes\": []},"
  "{\"class_name\": \"Conv2D\", \"name\": \"conv\", \"config\": {\"name\": \"conv\","
  "  \"filters\": 4,"
  "  \"kernel_size\": [3, 3], \"padding\": \"same\", \"activation\": \"relu\","
  "  \"bias_initializer\": {\"class_name\": \"RandomNormal\", \"config\": {\"stddev\": 0.1}}},"
  "  \"inbound_nodes\": [[[\"image\", 0, 0, {}]]]},"
  "{\"class_name\": \"BatchNormalization\", \"name\": \"bn\", \"config\": {\"name\": \"bn\","
  "  \"trainable\": false, \"beta_initializer\": \"random_uniform\"},"
  "  \"inbound_nodes\": [[[\"conv\", 0, 0, {}]]]},"
  "{\"class_name\": \"SeparableConv2D\", \"name\": \"sep\", \"config\": {\"name\": \"sep\","
  "  \"filters\": 5, \"kernel_size\": 3}, \"inbound_nodes\": [[[\"bn\", 0, 0, {}]]]},"
  "{\"class_name\": \"MaxPooling2D\", \"name\": \"pool\", \"config\": {\"name\": \"pool\"},"
  "  \"inbound_nodes\": [[[\"sep\", 0, 0, {}]]]},"
  "{\"class_name\": \"Flatten\", \"name\": \"flat\", \"config\": {\"name\": \"flat\"},"
  "  \"inbound_nodes\": [[[\"pool\", 0, 0, {}]]]},"
  "{\"class_name\": \"InputLayer\", \"name\": \"aux\", \"config\": {\"name\": \"aux\","
  "  \"batch_shape\": [null, 4]}, \"inbound_nodes\": []},"
  "{\"class_name\": \"Concatenate\", \"name\": \"cat\", \"config\": {\"name\": \"cat\"},"
  "  \"inbound_nodes\": [[[\"flat\", 0, 0, {}], [\"aux\", 0, 0, {}]]]},"
  "{\"class_name\": \"Dense\", \"name\": \"head\", \"config\": {\"name\": \"head\", \"units\": 3,"
  "  \"activation\": \"softmax\"}, \"inbound_nodes\": [[[\"cat\", 0, 0, {}]]]}],"
  "\"input_layers\": [[\"image\", 0, 0], [\"aux\", 0, 0]],"
  "\"output_layers\": [[\"head\", 0, 0]]}}";

/* Recurrent layers with their cells, a Bidirectional wrapper, attention
 * with its EinsumDense parts, TimeDistributed; no input shape given. */
static const char text_spec[] =
  "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"text\", \"layers\": ["
  "{\"class_name\": \"Embedding\", \"config\": {\"name\": \"emb\", \"input_dim\": 20,"
  "  \"output_dim\": 8}},"
  "{\"class_name\": \"Bidirectional\", \"config\": {\"name\": \"bigru\","
  "  \"merge_mode\": \"concat\","
  "  \"layer\": {\"class_name\": \"GRU\", \"config\": {\"name\": \"gru\", \"units\": 4,"
  "  \"return_sequences\": true}}}},"
  "{\"class_name\": \"LayerNormalization\", \"config\": {\"name\": \"ln\"}},"
  "{\"class_name\": \"TimeDistributed\", \"config\": {\"name\": \"td\", \"layer\":"
  "  {\"class_name\": \"Dense\", \"config\": {\"name\": \"proj\", \"units\": 6}}}},"
  "{\"class_name\": \"LSTM\", \"config\": {\"name\": \"lstm\", \"units\": 3}},"
  "{\"class_name\": \"Dense\", \"config\": {\"name\": \"out\", \"units\": 2}}]}}";

static const char attention_spec[] =
  "{\"class_name\": \"Functional\", \"config\": {\"name\": \"attention\", \"layers\": ["
  "{\"class_name\": \"InputLayer\", \"name\": \"x\", \"config\": {\"name\": \"x\","
  "  \"batch_shape\": [null, 5, 8]}, \"inbound_nodes\": []},"
  "{\"class_name\": \"MultiHeadAttention\", \"name\": \"mha\", \"config\": {\"name\": \"mha\","
  "  \"num_heads\": 2, \"key_dim\": 4},"
  "  \"inbound_nodes\": [[[\"x\", 0, 0, {}], [\"x\", 0, 0, {}]]]},"
  "{\"class_name\": \"Add\", \"name\": \"res\", \"config\": {\"name\": \"res\"},"
  "  \"inbound_nodes\": [[[\"x\", 0, 0, {}], [\"mha\", 0, 0, {}]]]},"
  "{\"class_name\": \"GlobalAveragePooling1D\", \"name\": \"gap\", \"config\": {\"name\": \"gap\"},"
  "  \"inbound_nodes\": [[[\"res\", 0, 0, {}]]]}],"
  "\"input_layers\": [[\"x\", 0, 0]], \"output_layers\": [[\"gap\", 0, 0]]}}";

static GraftNet *
net_from_json (const char *json)
{
  g_autoptr(JsonNode) root = NULL;
  GError *error = NULL;
  GraftNet *net;

  root = json_from_string (json, &error);
  g_assert_no_error (error);
  net = graft_net_new_from_config (root, &error);
  g_assert_no_error (error);
  return net;
}

/* Deterministic inputs: token ids for rank-2 inputs of a text model,
 * smooth values otherwise. */
static GraftTensor *
make_input (guint        rank,
            const gsize *shape,
            gboolean     tokens)
{
  g_autoptr(GraftTensor) t = graft_tensor_new (GRAFT_DTYPE_FLOAT32, rank, shape);
  float *data = graft_tensor_get_data_mutable (t);

  for (gsize i = 0; i < graft_tensor_get_n_elements (t); i++)
    data[i] = tokens ? (float) ((i * 7 + 3) % 20) : sinf ((float) i * 0.37f);
  return g_steal_pointer (&t);
}

static void
assert_same_tensor (GraftTensor *a,
                    GraftTensor *b)
{
  g_autofree float *fa = graft_tensor_dup_float (a, NULL);
  g_autofree float *fb = graft_tensor_dup_float (b, NULL);

  g_assert_true (graft_tensor_same_shape (a, b));
  g_assert_nonnull (fa);
  g_assert_nonnull (fb);
  g_assert_cmpmem (fa, graft_tensor_get_n_elements (a) * sizeof (float),
                   fb, graft_tensor_get_n_elements (b) * sizeof (float));
}

static void
assert_same_outputs (GPtrArray *a,
                     GPtrArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    assert_same_tensor (g_ptr_array_index (a, i), g_ptr_array_index (b, i));
}

/* Saves @net in every format, reads each file back, binds a fresh net made
 * by @make to it and checks weights and outputs against @net. */
static void
check_every_format (GraftNet     *net,
                    GraftNet   *(*make) (gconstpointer data),
                    gconstpointer make_data,
                    GPtrArray    *inputs,
                    gboolean      weights_h5)
{
  g_autofree char *dir = g_dir_make_tmp ("graft-build-XXXXXX", NULL);
  g_autoptr(GPtrArray) want = NULL;
  GError *error = NULL;

  want = graft_net_predict (net, inputs->len, (GraftTensor *const *) inputs->pdata, &error);
  g_assert_no_error (error);

  for (guint f = 0; f < G_N_ELEMENTS (build_formats); f++)
    {
      g_autofree char *name = g_strconcat (graft_net_get_name (net), build_formats[f].suffix, NULL);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autoptr(GraftModel) model = NULL;
      g_autoptr(GraftNet) again = make (make_data);
      g_autoptr(GPtrArray) got = NULL;

      if (!weights_h5 && build_formats[f].format == GRAFT_FORMAT_WEIGHTS_H5)
        continue;
      graft_net_save (net, path, build_formats[f].format, &error);
      g_assert_no_error (error);
      g_assert_cmpint (graft_keras_detect (path, &error), ==, build_formats[f].format);
      g_assert_no_error (error);
      model = graft_keras_load (path, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (graft_model_get_n_weights (model), ==, graft_net_get_n_weights (net));

      graft_net_bind (again, model, &error);
      g_assert_no_error (error);
      for (guint i = 0; i < graft_net_get_n_weights (net); i++)
        {
          g_autofree char *pa = NULL;
          g_autofree char *pb = NULL;
          GraftTensor *a = graft_net_get_weight (net, i, &pa);
          GraftTensor *b = graft_net_get_weight (again, i, &pb);

          g_assert_cmpstr (pa, ==, pb);
          assert_same_tensor (a, b);
        }
      got = graft_net_predict (again, inputs->len, (GraftTensor *const *) inputs->pdata, &error);
      g_assert_no_error (error);
      assert_same_outputs (got, want);

      /* A full-model file runs on its own config. */
      if (build_formats[f].format == GRAFT_FORMAT_KERAS ||
          build_formats[f].format == GRAFT_FORMAT_LEGACY_H5)
        {
          g_autoptr(GraftNet) own = graft_net_new_from_model (model, &error);
          g_autoptr(GPtrArray) res = NULL;

          g_assert_no_error (error);
          res = graft_net_predict (own, inputs->len, (GraftTensor *const *) inputs->pdata, &error);
          g_assert_no_error (error);
          assert_same_outputs (res, want);
        }
      g_assert_cmpint (g_remove (path), ==, 0);
    }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static GraftNet *
make_vae (gconstpointer data)
{
  g_autofree char *spec = g_test_build_filename (G_TEST_DIST, "data", "specs", "vae.json", NULL);
  GError *error = NULL;
  GraftNet *net = graft_spec_load (spec, &error);

  g_assert_no_error (error);
  return net;
}

static void
test_build_spec_vae (void)
{
  g_autoptr(GraftNet) net = make_vae (NULL);
  g_autoptr(GPtrArray) inputs = g_ptr_array_new_with_free_func (
    (GDestroyNotify) graft_tensor_unref);
  gsize shape[2] = { 3, 784 };
  GError *error = NULL;

  graft_net_init_weights (net, 42, &error);
  g_assert_no_error (error);
  g_ptr_array_add (inputs, make_input (2, shape, FALSE));
  check_every_format (net, make_vae, NULL, inputs, TRUE);
}

static GraftNet *
make_from_json (gconstpointer data)
{
  return net_from_json (data);
}

static void
test_build_spec_vision (void)
{
  g_autoptr(GraftNet) net = net_from_json (vision_spec);
  g_autoptr(GPtrArray) inputs = g_ptr_array_new_with_free_func (
    (GDestroyNotify) graft_tensor_unref);
  gsize image[4] = { 2, 8, 8, 3 }, aux[2] = { 2, 4 };
  GError *error = NULL;

  graft_net_init_weights (net, 7, &error);
  g_assert_no_error (error);
  g_ptr_array_add (inputs, make_input (4, image, FALSE));
  g_ptr_array_add (inputs, make_input (2, aux, FALSE));
  check_every_format (net, make_from_json, vision_spec, inputs, TRUE);
}

static GraftNet *
make_text (gconstpointer data)
{
  GraftNet *net = net_from_json (text_spec);
  gssize shape[1] = { 6 };
  GError *error = NULL;

  graft_net_set_input_shape (net, 0, 1, shape, &error);
  g_assert_no_error (error);
  return net;
}

static void
test_build_spec_text (void)
{
  g_autoptr(GraftNet) net = make_text (NULL);
  g_autoptr(GPtrArray) inputs = g_ptr_array_new_with_free_func (
    (GDestroyNotify) graft_tensor_unref);
  gsize shape[2] = { 3, 6 };
  GError *error = NULL;

  graft_net_init_weights (net, 3, &error);
  g_assert_no_error (error);
  g_ptr_array_add (inputs, make_input (2, shape, TRUE));
  /* In the Keras 3 weights-only file no config says what "td/layer" is:
   * the reader names its variables from their shapes. */
  check_every_format (net, make_text, NULL, inputs, TRUE);
}

static void
test_build_spec_attention (void)
{
  g_autoptr(GraftNet) net = net_from_json (attention_spec);
  g_autoptr(GPtrArray) inputs = g_ptr_array_new_with_free_func (
    (GDestroyNotify) graft_tensor_unref);
  gsize shape[3] = { 2, 5, 8 };
  GError *error = NULL;

  graft_net_init_weights (net, 11, &error);
  g_assert_no_error (error);
  g_ptr_array_add (inputs, make_input (3, shape, FALSE));
  check_every_format (net, make_from_json, attention_spec, inputs, TRUE);
}

/* The same seed gives the same file contents, another seed other values. */
static void
test_build_seed (void)
{
  g_autoptr(GraftNet) a = net_from_json (vision_spec);
  g_autoptr(GraftNet) b = net_from_json (vision_spec);
  g_autoptr(GraftNet) c = net_from_json (vision_spec);
  GError *error = NULL;

  graft_net_init_weights (a, 5, &error);
  g_assert_no_error (error);
  graft_net_init_weights (b, 5, &error);
  g_assert_no_error (error);
  graft_net_init_weights (c, 6, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < graft_net_get_n_weights (a); i++)
    assert_same_tensor (graft_net_get_weight (a, i, NULL), graft_net_get_weight (b, i, NULL));
  {
    g_autofree float *ka = graft_tensor_dup_float (graft_net_get_weight (a, 0, NULL), NULL);
    g_autofree float *kc = graft_tensor_dup_float (graft_net_get_weight (c, 0, NULL), NULL);

    g_assert_true (memcmp (ka, kc, 4 * sizeof (float)) != 0);
  }
}

/* Keras's paths, checked on the corpus: bind a net to a corpus file, save
 * it, and find every corpus weight at its own location in our file. */
static void
test_build_corpus_locations (gconstpointer data)
{
  const char *m = data;
  g_autofree char *dir = test_util_keras_dir ();
  g_autofree char *tmp = NULL;
  g_autofree char *keras = NULL;
  g_autoptr(GraftModel) source = NULL;
  g_autoptr(GraftNet) net = NULL;
  GError *error = NULL;
  static const BuildFormat checked[] = {
    { GRAFT_FORMAT_WEIGHTS_H5, ".weights.h5" },
    { GRAFT_FORMAT_LEGACY_H5, ".legacy.h5" },
    { GRAFT_FORMAT_LEGACY_WEIGHTS_H5, ".legacy_weights.h5" },
  };

  keras = g_strdup_printf ("%s/%s.keras", dir, m);
  source = graft_keras_load (keras, &error);
  g_assert_no_error (error);
  net = graft_net_new_from_model (source, &error);
  if (net == NULL)
    {
      /* Subclassed models and custom layers have no runnable config: the
       * refusal names what cannot run. Their specs are checked elsewhere. */
      g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED);
      g_assert_true (strstr (error->message, "subclassed") != NULL ||
                     strstr (error->message, "cannot run layers") != NULL);
      g_test_message ("%s: %s", m, error->message);
      g_clear_error (&error);
      return;
    }

  tmp = g_dir_make_tmp ("graft-build-XXXXXX", NULL);
  for (guint f = 0; f < G_N_ELEMENTS (checked); f++)
    {
      g_autofree char *name = g_strconcat (m, checked[f].suffix, NULL);
      g_autofree char *ours = g_build_filename (tmp, name, NULL);
      g_autofree char *theirs = g_build_filename (dir, name, NULL);
      g_autoptr(GraftModel) a = NULL;
      g_autoptr(GraftModel) b = NULL;

      graft_net_save (net, ours, checked[f].format, &error);
      g_assert_no_error (error);
      a = graft_keras_load (ours, &error);
      g_assert_no_error (error);
      b = graft_keras_load (theirs, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (graft_model_get_n_weights (a), ==, graft_model_get_n_weights (b));
      for (guint i = 0; i < graft_model_get_n_weights (b); i++)
        {
          GraftWeight *want = graft_model_get_weight (b, i);
          GraftWeight *got = graft_model_find_weight (a, graft_weight_get_location (want));

          /* A layer built before it joined its model (an adapted
           * Normalization) has no model prefix in its variable path; the
           * config cannot tell, and Keras loads legacy files by position. */
          const char *loc = graft_weight_get_location (want);
          const char *top = loc + 1 + (g_str_has_prefix (loc, "/model_weights/")
                                       ? strlen ("model_weights/") : 0);
          const char *tail = strchr (top, '/');
          g_autofree char *top_name = g_strndup (top, tail != NULL ? (gsize) (tail - top) : 0);
          GraftLayer *owner = graft_model_find_layer (source, top_name);

          if (got == NULL && owner != NULL &&
              g_strcmp0 (graft_layer_get_class_name (owner), "Normalization") == 0)
            {

              for (guint k = 0; got == NULL && k < graft_model_get_n_weights (a); k++)
                {
                  GraftWeight *candidate = graft_model_get_weight (a, k);

                  if (g_str_has_suffix (graft_weight_get_location (candidate), tail))
                    got = candidate;
                }
              g_test_message ("%s: %s is at %s", name, graft_weight_get_path (want),
                              got != NULL ? graft_weight_get_location (got) : "nowhere");
            }
          if (got == NULL)
            g_error ("%s: no weight at %s", name, graft_weight_get_location (want));
          assert_same_tensor (graft_weight_get_tensor (got), graft_weight_get_tensor (want));
        }
      g_assert_cmpint (g_remove (ours), ==, 0);
    }
  g_assert_cmpint (g_rmdir (tmp), ==, 0);
}

static void
test_build_errors (void)
{
  g_autoptr(GraftNet) net = net_from_json (vision_spec);
  g_autoptr(GraftNet) code = graft_net_new ("code");
  g_autofree char *dir = g_dir_make_tmp ("graft-build-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "x.keras", NULL);
  g_autofree char *bad = g_build_filename (dir, "x.bin", NULL);
  g_autofree char *missing = g_build_filename (dir, "no", "such", "x.h5", NULL);
  gssize shape[1] = { 3 };
  guint in, out;
  GError *error = NULL;

  /* Weights without values. */
  g_assert_false (graft_net_save (net, path, GRAFT_FORMAT_UNKNOWN, &error));
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "conv/kernel"));
  g_clear_error (&error);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  graft_net_init_weights (net, 1, &error);
  g_assert_no_error (error);
  g_assert_false (graft_net_save (net, bad, GRAFT_FORMAT_UNKNOWN, &error));
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (graft_net_save (net, path, GRAFT_FORMAT_SHARDED, &error));
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED);
  g_clear_error (&error);
  g_assert_false (graft_net_save (net, missing, GRAFT_FORMAT_UNKNOWN, &error));
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_IO);
  g_clear_error (&error);

  /* A net built in code has no config to save. */
  in = graft_net_add_input (code, "in", 1, shape);
  graft_net_add_layer (code, "Dense", "{\"name\": \"d\", \"units\": 2}", 1, &in, &out, &error);
  g_assert_no_error (error);
  graft_net_set_outputs (code, 1, &out);
  graft_net_init_weights (code, 1, &error);
  g_assert_no_error (error);
  g_assert_null (graft_net_dup_model (code, &error));
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED);
  g_clear_error (&error);

  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_build_cli (void)
{
  g_autofree char *dir = g_dir_make_tmp ("graft-build-XXXXXX", NULL);
  g_autofree char *spec = g_build_filename (dir, "text.json", NULL);
  g_autofree char *a = g_build_filename (dir, "a.keras", NULL);
  g_autofree char *b = g_build_filename (dir, "b.h5", NULL);
  g_autoptr(GraftModel) ma = NULL;
  g_autoptr(GraftModel) mb = NULL;
  GError *error = NULL;

  if (g_getenv ("GRAFT_CLI") == NULL)
    {
      g_test_skip ("GRAFT_CLI is not set");
      return;
    }
  g_file_set_contents (spec, text_spec, -1, &error);
  g_assert_no_error (error);

  {
    const char *args[] = { "build", spec, "--input-shape", "6", "--seed", "9", "-o", a, NULL };
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    g_assert_cmpint (test_util_run_cli (NULL, args, &out, &err), ==, 0);
    g_assert_cmpstr (err, ==, "");
    g_assert_nonnull (strstr (out, "seed 9"));
  }
  {
    const char *args[] = { "build", spec, "--input-shape", "6", "--seed", "9", "-o", b, NULL };
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    g_assert_cmpint (test_util_run_cli (NULL, args, &out, &err), ==, 0);
  }
  ma = graft_keras_load (a, &error);
  g_assert_no_error (error);
  mb = graft_keras_load (b, &error);
  g_assert_no_error (error);
  g_assert_cmpint (graft_model_get_format (ma), ==, GRAFT_FORMAT_KERAS);
  g_assert_cmpint (graft_model_get_format (mb), ==, GRAFT_FORMAT_LEGACY_H5);
  g_assert_cmpuint (graft_model_get_n_weights (ma), ==, graft_model_get_n_weights (mb));
  g_assert_cmpuint (graft_model_get_n_params (ma), ==, graft_model_get_n_params (mb));
  {
    GraftWeight *wa = graft_model_find_weight (ma, "emb/embeddings");
    GraftWeight *wb = graft_model_find_weight (mb, "emb/embeddings");

    g_assert_nonnull (wa);
    g_assert_nonnull (wb);
    assert_same_tensor (graft_weight_get_tensor (wa), graft_weight_get_tensor (wb));
  }

  /* Usage errors exit with 2 and write nothing. */
  {
    const char *args[] = { "build", spec, "--input-shape", "6", "--input-shape", "2",
                           "-o", a, NULL };
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    g_assert_cmpint (test_util_run_cli (NULL, args, &out, &err), ==, 2);
    g_assert_nonnull (strstr (err, "takes 1 inputs"));
  }
  {
    const char *args[] = { "build", spec, "--input-shape", "6,x", "-o", a, NULL };
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    g_assert_cmpint (test_util_run_cli (NULL, args, &out, &err), ==, 2);
  }
  {
    g_autofree char *c = g_build_filename (dir, "c.npy", NULL);
    const char *args[] = { "build", spec, "--input-shape", "6", "-o", c, NULL };
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    g_assert_cmpint (test_util_run_cli (NULL, args, &out, &err), ==, 2);
    g_assert_false (g_file_test (c, G_FILE_TEST_EXISTS));
  }
  /* Without an input shape the text model cannot be built. */
  {
    const char *args[] = { "build", spec, "-o", a, NULL };
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    g_assert_cmpint (test_util_run_cli (NULL, args, &out, &err), ==, 1);
    g_assert_nonnull (strstr (err, "has no shape"));
  }

  g_assert_cmpint (g_remove (a), ==, 0);
  g_assert_cmpint (g_remove (b), ==, 0);
  g_assert_cmpint (g_remove (spec), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* graft-cli transfer --verify: the source reloads to identical outputs,
 * and the result's difference is reported per output. */
static void
test_build_transfer_verify (void)
{
  g_autofree char *dir = g_dir_make_tmp ("graft-build-XXXXXX", NULL);
  g_autofree char *out = g_build_filename (dir, "out.h5", NULL);
  g_autofree char *head = g_build_filename (dir, "head.keras", NULL);
  g_autofree char *out_vae = g_build_filename (dir, "vae.weights.h5", NULL);
  g_autofree char *src = NULL;
  g_autofree char *dst = NULL;
  g_autofree char *x = NULL;
  g_autofree char *newhead = NULL;
  g_autofree char *newhead_x = NULL;
  g_autofree char *vae = NULL;
  g_autofree char *vae_x = NULL;
  g_autofree char *spec = g_test_build_filename (G_TEST_DIST, "data", "specs", "vae.json", NULL);

  g_assert_nonnull (g_getenv ("GRAFT_CLI"));
  src = test_util_corpus_file ("seq_conv.keras");
  dst = test_util_corpus_file ("seq_conv.legacy.h5");
  x = test_util_corpus_file ("seq_conv.input.npy");
  newhead = test_util_corpus_file ("seq_conv_newhead.keras");
  newhead_x = test_util_corpus_file ("seq_conv_newhead.input.npy");
  vae = test_util_corpus_file ("vae.weights.h5");
  vae_x = test_util_corpus_file ("vae.input.npy");

  {
    const char *args[] = { "transfer", src, dst, "-o", out, "--verify", x, NULL };
    g_autofree char *stdout_text = NULL;
    g_autofree char *stderr_text = NULL;

    g_assert_cmpint (test_util_run_cli (NULL, args, &stdout_text, &stderr_text), ==, 0);
    g_assert_nonnull (strstr (stdout_text, "reloaded gives identical outputs"));
    g_assert_nonnull (strstr (stdout_text, "verify: output 0: max |\u0394| = 0\n"));
  }
  {
    const char *args[] = { "transfer", src, newhead, "-o", head, "--skip-mismatch",
                           "--verify", newhead_x, NULL };
    g_autofree char *stdout_text = NULL;
    g_autofree char *stderr_text = NULL;

    g_assert_cmpint (test_util_run_cli (NULL, args, &stdout_text, &stderr_text), ==, 0);
    g_assert_nonnull (strstr (stdout_text,
                              "output 0: shapes differ, source [4, 10], result [4, 5]"));
  }
  /* Weights-only files run through specs, and need them. */
  {
    const char *args[] = { "transfer", vae, vae, "-o", out_vae, "--verify", vae_x,
                           "--spec", spec, "--target-spec", spec, NULL };
    g_autofree char *stdout_text = NULL;
    g_autofree char *stderr_text = NULL;

    g_assert_cmpint (test_util_run_cli (NULL, args, &stdout_text, &stderr_text), ==, 0);
    g_assert_nonnull (strstr (stdout_text, "max |\u0394| = 0\n"));
  }
  {
    const char *args[] = { "transfer", vae, vae, "-o", out_vae, "--verify", vae_x, NULL };
    g_autofree char *stdout_text = NULL;
    g_autofree char *stderr_text = NULL;

    g_assert_cmpint (test_util_run_cli (NULL, args, &stdout_text, &stderr_text), ==, 1);
    g_assert_nonnull (strstr (stderr_text, "give a model spec"));
  }
  {
    const char *args[] = { "transfer", src, dst, "-n", "--verify", x, NULL };
    g_autofree char *stdout_text = NULL;
    g_autofree char *stderr_text = NULL;

    g_assert_cmpint (test_util_run_cli (NULL, args, &stdout_text, &stderr_text), ==, 2);
  }
  g_assert_cmpint (g_remove (out), ==, 0);
  g_assert_cmpint (g_remove (out_vae), ==, 0);
  g_assert_cmpint (g_remove (head), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
add_corpus_cases (void)
{
  g_autofree char *kdir = test_util_keras_dir ();
  g_autoptr(GDir) listing = g_dir_open (kdir, 0, NULL);
  g_autoptr(GPtrArray) models = g_ptr_array_new_with_free_func (g_free);

  g_assert_nonnull (listing);
  /* model.keras, not model.deflated.keras */
  for (const char *name; (name = g_dir_read_name (listing)) != NULL;)
    if (g_str_has_suffix (name, ".keras") && strchr (name, '.') == strrchr (name, '.'))
      g_ptr_array_add (models, g_strndup (name, strlen (name) - strlen (".keras")));
  g_ptr_array_sort (models, (GCompareFunc) g_strcmp0);
  for (guint i = 0; i < models->len; i++)
    {
      g_autofree char *path = g_strdup_printf ("/build/corpus/%s/locations",
                                               (char *) g_ptr_array_index (models, i));

      g_test_add_data_func_full (path, g_strdup (g_ptr_array_index (models, i)),
                                 test_build_corpus_locations, g_free);
    }
}

/* The layer kinds declare their weights under the names and in the order
 * of the Keras class table, the one list readers and writers use too. */
static void
check_names_follow_table (GraftLayer *layer,
                          guint      *n_checked)
{
  const char *class_name = graft_layer_get_class_name (layer);
  const GraftKerasClass *klass = graft_keras_class_lookup (class_name);
  guint n = graft_layer_get_n_weights (layer);

  if (klass != NULL && klass->vars != NULL && n > 0)
    {
      g_auto(GStrv) want = graft_keras_var_names (class_name, graft_layer_get_config (layer), n);

      for (guint i = 0; i < n; i++)
        g_assert_cmpstr (graft_weight_get_name (graft_layer_get_weight (layer, i)), ==, want[i]);
      (*n_checked)++;
    }
  /* A cell holds its RNN's variables under the cell class's names. */
  if (klass != NULL && klass->cell_class != NULL)
    {
      GraftLayer *cell = NULL;
      g_auto(GStrv) want = NULL;

      for (guint i = 0; i < graft_layer_get_n_children (layer); i++)
        if (g_str_equal (graft_layer_get_name (graft_layer_get_child (layer, i)),
                         graft_keras_class_get_cell_name (klass)))
          cell = graft_layer_get_child (layer, i);
      g_assert_nonnull (cell);
      want = graft_keras_var_names (klass->cell_class, graft_layer_get_config (layer),
                                    graft_layer_get_n_weights (cell));
      for (guint i = 0; i < graft_layer_get_n_weights (cell); i++)
        g_assert_cmpstr (graft_weight_get_name (graft_layer_get_weight (cell, i)), ==, want[i]);
      (*n_checked)++;
    }
  for (guint i = 0; i < graft_layer_get_n_children (layer); i++)
    check_names_follow_table (graft_layer_get_child (layer, i), n_checked);
}

static void
test_build_names_follow_table (void)
{
  const char *specs[] = { vision_spec, text_spec, attention_spec };
  guint n_checked = 0;

  for (guint i = 0; i < G_N_ELEMENTS (specs); i++)
    {
      g_autoptr(GraftNet) net = i == 1 ? make_text (NULL) : net_from_json (specs[i]);
      g_autoptr(GraftModel) model = NULL;
      GError *error = NULL;

      graft_net_init_weights (net, 3, &error);
      g_assert_no_error (error);
      model = graft_net_dup_model (net, &error);
      g_assert_no_error (error);
      check_names_follow_table (graft_model_get_root (model), &n_checked);
    }
  /* conv, bn, sep, dense (vision); emb, two GRU cells, ln, proj, LSTM cell,
   * out (text); ln, ffn (attention): the checks that ran. */
  g_assert_cmpuint (n_checked, >=, 10);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  graft_init ();

  g_test_add_func ("/build/spec/vae/every-format", test_build_spec_vae);
  g_test_add_func ("/build/spec/vision/every-format", test_build_spec_vision);
  g_test_add_func ("/build/spec/text/every-format", test_build_spec_text);
  g_test_add_func ("/build/spec/attention/every-format", test_build_spec_attention);
  g_test_add_func ("/build/names-follow-class-table", test_build_names_follow_table);
  g_test_add_func ("/build/seed/reproducible", test_build_seed);
  g_test_add_func ("/build/errors", test_build_errors);
  g_test_add_func ("/build/cli", test_build_cli);
  g_test_add_func ("/build/cli/transfer-verify", test_build_transfer_verify);
  add_corpus_cases ();
  return g_test_run ();
}
