/* test-net.c: runnable models built in code and from configs, per-layer
 * values computed by hand, initialiser statistics, and the error paths
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "graft.h"
#include "test-util.h"

static GraftTensor *
tensor_new (guint        rank,
            const gsize *shape,
            const float *values)
{
  GraftTensor *t = graft_tensor_new (GRAFT_DTYPE_FLOAT32, rank, shape);

  memcpy (graft_tensor_get_data_mutable (t), values, graft_tensor_get_n_bytes (t));
  return t;
}

static const float *
floats (GraftTensor *t)
{
  return graft_tensor_get_data (t, NULL);
}

static void
test_net_dense_values (void)
{
  const gssize in_shape[] = { 2 };
  const gsize k_shape[] = { 2, 3 }, b_shape[] = { 3 };
  const float kernel[] = { 1, 2, 3, 4, 5, 6 }, bias[] = { 0.5f, -100, 0 }, x[] = { 1, -1 };
  g_autoptr(GraftTensor) k = tensor_new (2, k_shape, kernel);
  g_autoptr(GraftTensor) b = tensor_new (1, b_shape, bias);
  GraftTensor *w[] = { k, b };
  const char *names[] = { "d/kernel", "d/bias", NULL };
  g_autoptr(GraftTensor) y = test_util_run_layer ("Dense", "{\"name\": \"d\", \"units\": 3, \"activation\": \"relu\"}",
                                      1, in_shape, x, names, w);

  /* [1, -1] · [[1, 2, 3], [4, 5, 6]] = [-3, -3, -3]; + bias; relu. */
  g_assert_cmpuint (graft_tensor_get_dim (y, 1), ==, 3);
  g_assert_cmpfloat_with_epsilon (floats (y)[0], 0.0f, 1e-6);
  g_assert_cmpfloat_with_epsilon (floats (y)[1], 0.0f, 1e-6);
  g_assert_cmpfloat_with_epsilon (floats (y)[2], 0.0f, 1e-6);
}

static void
test_net_conv2d_values (void)
{
  /* 3x3 single-channel input, 2x2 kernel of ones, valid: window sums. */
  const gssize in_shape[] = { 3, 3, 1 };
  const gsize k_shape[] = { 2, 2, 1, 1 }, b_shape[] = { 1 };
  const float kernel[] = { 1, 1, 1, 1 }, bias[] = { 1 }, x[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
  g_autoptr(GraftTensor) k = tensor_new (4, k_shape, kernel);
  g_autoptr(GraftTensor) b = tensor_new (1, b_shape, bias);
  GraftTensor *w[] = { k, b };
  const char *names[] = { "c/kernel", "c/bias", NULL };
  g_autoptr(GraftTensor) y = test_util_run_layer ("Conv2D", "{\"name\": \"c\", \"filters\": 1, \"kernel_size\": 2}",
                                      3, in_shape, x, names, w);
  const float want[] = { 13, 17, 25, 29 };

  g_assert_cmpuint (graft_tensor_get_dim (y, 1), ==, 2);
  g_assert_cmpuint (graft_tensor_get_dim (y, 2), ==, 2);
  for (guint i = 0; i < 4; i++)
    g_assert_cmpfloat_with_epsilon (floats (y)[i], want[i], 1e-5);
}

static void
test_net_conv2d_same_strided (void)
{
  /* 4x4 input, 3x3 kernel of ones, stride 2, same: TF pads 0 before, 1 after. */
  const gssize in_shape[] = { 4, 4, 1 };
  const gsize k_shape[] = { 3, 3, 1, 1 };
  float kernel[9], x[16];
  g_autoptr(GraftTensor) k = NULL;
  GraftTensor *w[1];
  const char *names[] = { "c/kernel", NULL };
  g_autoptr(GraftTensor) y = NULL;

  for (guint i = 0; i < 9; i++)
    kernel[i] = 1;
  for (guint i = 0; i < 16; i++)
    x[i] = (float) i;
  k = tensor_new (4, k_shape, kernel);
  w[0] = k;
  y = test_util_run_layer ("Conv2D", "{\"name\": \"c\", \"filters\": 1, \"kernel_size\": 3, \"strides\": 2,"
               " \"padding\": \"same\", \"use_bias\": false}", 3, in_shape, x, names, w);
  /* Output (0,0) sums rows 0-2, cols 0-2: 0+1+2+4+5+6+8+9+10 = 45. */
  g_assert_cmpfloat_with_epsilon (floats (y)[0], 45.0f, 1e-4);
  /* Output (1,1) sums rows 2-3, cols 2-3: 10+11+14+15 = 50. */
  g_assert_cmpfloat_with_epsilon (floats (y)[3], 50.0f, 1e-4);
}

static void
test_net_pooling_values (void)
{
  const gssize in_shape[] = { 2, 2, 1 };
  const float x[] = { 1, -2, 3, 8 };
  g_autoptr(GraftTensor) max = test_util_run_layer ("MaxPooling2D", "{\"pool_size\": 2}", 3, in_shape, x, NULL, NULL);
  g_autoptr(GraftTensor) avg = test_util_run_layer ("GlobalAveragePooling2D", NULL, 3, in_shape, x, NULL, NULL);

  g_assert_cmpfloat_with_epsilon (floats (max)[0], 8.0f, 1e-6);
  g_assert_cmpfloat_with_epsilon (floats (avg)[0], 2.5f, 1e-6);
}

static void
test_net_activation_values (void)
{
  const gssize in_shape[] = { 4 };
  const float x[] = { -4, -1, 0.5f, 7 };
  g_autoptr(GraftTensor) relu6 = test_util_run_layer ("Activation", "{\"activation\": \"relu6\"}", 1, in_shape, x, NULL, NULL);
  g_autoptr(GraftTensor) hs = test_util_run_layer ("Activation", "{\"activation\": \"hard_sigmoid\"}", 1, in_shape, x, NULL, NULL);
  g_autoptr(GraftTensor) gelu = test_util_run_layer ("Activation", "{\"activation\": \"gelu\"}", 1, in_shape, x, NULL, NULL);
  g_autoptr(GraftTensor) soft = test_util_run_layer ("Softmax", NULL, 1, in_shape, x, NULL, NULL);
  g_autoptr(GraftTensor) leaky = test_util_run_layer ("LeakyReLU", "{\"negative_slope\": 0.5}", 1, in_shape, x, NULL, NULL);
  double sum = 0.0;

  g_assert_cmpfloat_with_epsilon (floats (relu6)[0], 0.0f, 1e-6);
  g_assert_cmpfloat_with_epsilon (floats (relu6)[3], 6.0f, 1e-6);
  /* relu6(x + 3) / 6 */
  g_assert_cmpfloat_with_epsilon (floats (hs)[1], 2.0f / 6.0f, 1e-6);
  g_assert_cmpfloat_with_epsilon (floats (hs)[0], 0.0f, 1e-6);
  /* gelu(-1) = -1 * Phi(-1) = -0.158655 */
  g_assert_cmpfloat_with_epsilon (floats (gelu)[1], -0.1586553f, 1e-5);
  for (guint i = 0; i < 4; i++)
    sum += floats (soft)[i];
  g_assert_cmpfloat_with_epsilon (sum, 1.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (floats (soft)[3] / floats (soft)[2], expf (6.5f), 1e-1);
  g_assert_cmpfloat_with_epsilon (floats (leaky)[0], -2.0f, 1e-6);
}

static void
test_net_batch_normalization_values (void)
{
  const gssize in_shape[] = { 2 };
  const gsize c[] = { 2 };
  const float x[] = { 1, 2 }, gamma[] = { 2, 1 }, beta[] = { 0, 1 }, mean[] = { 1, 0 }, var[] = { 4, 0.999f };
  g_autoptr(GraftTensor) g = tensor_new (1, c, gamma);
  g_autoptr(GraftTensor) b = tensor_new (1, c, beta);
  g_autoptr(GraftTensor) m = tensor_new (1, c, mean);
  g_autoptr(GraftTensor) v = tensor_new (1, c, var);
  GraftTensor *w[] = { g, b, m, v };
  const char *names[] = { "bn/gamma", "bn/beta", "bn/moving_mean", "bn/moving_variance", NULL };
  g_autoptr(GraftTensor) y = test_util_run_layer ("BatchNormalization", "{\"name\": \"bn\", \"epsilon\": 0.001}",
                                      1, in_shape, x, names, w);

  /* (1 - 1) / sqrt(4.001) * 2 + 0 = 0; (2 - 0) / sqrt(1) * 1 + 1 = 3 */
  g_assert_cmpfloat_with_epsilon (floats (y)[0], 0.0f, 1e-6);
  g_assert_cmpfloat_with_epsilon (floats (y)[1], 3.0f, 1e-5);
}

static void
test_net_lstm_zero_weights (void)
{
  /* With every weight zero, each gate is sigmoid(0) = 0.5 and the cell
   * candidate tanh(0) = 0, so the state stays zero. With bias 1 on the
   * candidate: c1 = 0.5 * tanh(1), h1 = sigmoid(0) * tanh(c1). */
  const gssize in_shape[] = { 1, 1 };
  const gsize k_shape[] = { 1, 4 }, r_shape[] = { 1, 4 }, b_shape[] = { 4 };
  const float zeros[4] = { 0 }, bias[] = { 0, 0, 1, 0 }, x[] = { 0 };
  g_autoptr(GraftTensor) k = tensor_new (2, k_shape, zeros);
  g_autoptr(GraftTensor) r = tensor_new (2, r_shape, zeros);
  g_autoptr(GraftTensor) b = tensor_new (1, b_shape, bias);
  GraftTensor *w[] = { k, r, b };
  const char *names[] = { "l/kernel", "l/recurrent_kernel", "l/bias", NULL };
  g_autoptr(GraftTensor) y = test_util_run_layer ("LSTM", "{\"name\": \"l\", \"units\": 1}", 2, in_shape, x, names, w);

  g_assert_cmpfloat_with_epsilon (floats (y)[0], 0.5f * tanhf (0.5f * tanhf (1.0f)), 1e-6);
}

/* A Keras 2 functional config: nested-list inbound_nodes, two inputs, a
 * shared Dense applied to both, and an Add. */
static const char keras2_config[] =
  "{\"class_name\": \"Model\", \"config\": {\"name\": \"m\", \"layers\": ["
  "{\"class_name\": \"InputLayer\", \"name\": \"a\", \"config\": {\"name\": \"a\", \"batch_input_shape\": [null, 2]}, \"inbound_nodes\": []},"
  "{\"class_name\": \"InputLayer\", \"name\": \"b\", \"config\": {\"name\": \"b\", \"batch_input_shape\": [null, 2]}, \"inbound_nodes\": []},"
  "{\"class_name\": \"Dense\", \"name\": \"shared\", \"config\": {\"name\": \"shared\", \"units\": 1, \"use_bias\": false},"
  "  \"inbound_nodes\": [[[\"a\", 0, 0, {}]], [[\"b\", 0, 0, {}]]]},"
  "{\"class_name\": \"Add\", \"name\": \"sum\", \"config\": {\"name\": \"sum\"},"
  "  \"inbound_nodes\": [[[\"shared\", 0, 0, {}], [\"shared\", 1, 0, {}]]]}],"
  " \"input_layers\": [[\"a\", 0, 0], [\"b\", 0, 0]], \"output_layers\": [[\"sum\", 0, 0], [\"shared\", 1, 0]]}}";

static void
test_net_config_keras2_shared (void)
{
  g_autoptr(JsonNode) root = json_from_string (keras2_config, NULL);
  g_autoptr(GraftNet) net = NULL;
  const gsize k_shape[] = { 2, 1 }, x_shape[] = { 1, 2 };
  const float kernel[] = { 1, 10 }, xa[] = { 1, 2 }, xb[] = { 3, 4 };
  g_autoptr(GraftTensor) k = tensor_new (2, k_shape, kernel);
  g_autoptr(GraftTensor) a = tensor_new (2, x_shape, xa);
  g_autoptr(GraftTensor) b = tensor_new (2, x_shape, xb);
  GraftTensor *in[] = { a, b };
  g_autoptr(GPtrArray) out = NULL;
  GError *error = NULL;

  net = graft_net_new_from_config (root, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (graft_net_get_n_inputs (net), ==, 2);
  g_assert_cmpuint (graft_net_get_n_outputs (net), ==, 2);
  graft_net_set_weight (net, "shared/kernel", k, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (graft_net_get_n_weights (net), ==, 1);
  out = graft_net_predict (net, 2, in, &error);
  g_assert_no_error (error);
  /* shared(a) = 21, shared(b) = 43 */
  g_assert_cmpfloat_with_epsilon (floats (g_ptr_array_index (out, 0))[0], 64.0f, 1e-5);
  g_assert_cmpfloat_with_epsilon (floats (g_ptr_array_index (out, 1))[0], 43.0f, 1e-5);
}

static void
test_net_config_unknown_layer (void)
{
  const char *config =
    "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"s\", \"layers\": ["
    "{\"class_name\": \"InputLayer\", \"config\": {\"name\": \"in\", \"batch_shape\": [null, 2]}},"
    "{\"class_name\": \"Lambda\", \"config\": {\"name\": \"my_lambda\"}},"
    "{\"class_name\": \"Dense\", \"config\": {\"name\": \"d\", \"units\": 1}}]}}";
  g_autoptr(JsonNode) root = json_from_string (config, NULL);
  g_autoptr(GraftNet) net = NULL;
  GError *error = NULL;

  net = graft_net_new_from_config (root, &error);
  g_assert_null (net);
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "'my_lambda' (Lambda)"));
  g_error_free (error);
}

static void
test_net_config_subclassed (void)
{
  g_autoptr(JsonNode) root = json_from_string ("{\"class_name\": \"MLP\", \"config\": {}}", NULL);
  GError *error = NULL;
  GraftNet *net = graft_net_new_from_config (root, &error);

  g_assert_null (net);
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED);
  g_error_free (error);
}

static void
test_net_weight_shape_mismatch (void)
{
  g_autoptr(GraftNet) net = graft_net_new ("m");
  const gssize shape[] = { 4 };
  const gsize wrong[] = { 3, 2 };
  g_autoptr(GraftTensor) k = graft_tensor_new (GRAFT_DTYPE_FLOAT32, 2, wrong);
  guint in_id, out_id;
  GError *error = NULL;

  in_id = graft_net_add_input (net, "x", 1, shape);
  graft_net_add_layer (net, "Dense", "{\"name\": \"dense_1\", \"units\": 2}", 1, &in_id, &out_id, &error);
  g_assert_no_error (error);
  graft_net_set_outputs (net, 1, &out_id);
  g_assert_false (graft_net_set_weight (net, "dense_1/kernel", k, &error));
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_SHAPE);
  g_assert_cmpstr (error->message, ==, "layer 'dense_1': kernel is [3, 2], expected [4, 2]");
  g_clear_error (&error);
  g_assert_false (graft_net_set_weight (net, "nope/kernel", k, &error));
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_NOT_FOUND);
  g_clear_error (&error);
}

static void
test_net_predict_unbound (void)
{
  g_autoptr(GraftNet) net = graft_net_new ("m");
  const gssize shape[] = { 4 };
  const gsize x_shape[] = { 1, 4 };
  g_autoptr(GraftTensor) x = graft_tensor_new (GRAFT_DTYPE_FLOAT32, 2, x_shape);
  guint in_id, out_id;
  GError *error = NULL;
  GPtrArray *out;

  in_id = graft_net_add_input (net, "x", 1, shape);
  graft_net_add_layer (net, "Dense", "{\"name\": \"d\", \"units\": 2}", 1, &in_id, &out_id, &error);
  graft_net_set_outputs (net, 1, &out_id);
  out = graft_net_predict (net, 1, &x, &error);
  g_assert_null (out);
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "'d/kernel'"));
  g_clear_error (&error);
}

/* Build a conv net from shapes alone, initialise it twice with one seed. */
static void
test_net_build_init_seeded (void)
{
  const gssize shape[] = { 28, 28, 1 };
  g_autoptr(GraftNet) a = graft_net_new ("m");
  g_autoptr(GraftNet) b = graft_net_new ("m");
  GraftNet *nets[] = { a, b };
  GError *error = NULL;

  for (guint i = 0; i < 2; i++)
    {
      guint id = graft_net_add_input (nets[i], "x", 3, shape), next;

      graft_net_add_layer (nets[i], "Conv2D", "{\"name\": \"conv\", \"filters\": 8, \"kernel_size\": 3}", 1, &id, &next, &error);
      id = next;
      graft_net_add_layer (nets[i], "Flatten", NULL, 1, &id, &next, &error);
      id = next;
      graft_net_add_layer (nets[i], "Dense", "{\"name\": \"d\", \"units\": 10}", 1, &id, &next, &error);
      g_assert_no_error (error);
      graft_net_set_outputs (nets[i], 1, &next);
      graft_net_init_weights (nets[i], 42, &error);
      g_assert_no_error (error);
    }
  g_assert_cmpuint (graft_net_get_n_weights (a), ==, 4);
  {
    g_autofree char *path = NULL;
    GraftTensor *k = graft_net_get_weight (a, 2, &path);

    g_assert_cmpstr (path, ==, "d/kernel");
    g_assert_cmpuint (graft_tensor_get_dim (k, 0), ==, 26 * 26 * 8);
    g_assert_cmpuint (graft_tensor_get_dim (k, 1), ==, 10);
    g_assert_cmpint (memcmp (floats (k), floats (graft_net_get_weight (b, 2, NULL)),
                             graft_tensor_get_n_bytes (k)), ==, 0);
  }
}

static void
stats (GraftTensor *t,
       double      *mean,
       double      *std,
       double      *lo,
       double      *hi)
{
  const float *v = floats (t);
  gsize n = graft_tensor_get_n_elements (t);
  double s = 0, s2 = 0;

  *lo = INFINITY;
  *hi = -INFINITY;
  for (gsize i = 0; i < n; i++)
    {
      s += v[i];
      s2 += (double) v[i] * v[i];
      *lo = MIN (*lo, v[i]);
      *hi = MAX (*hi, v[i]);
    }
  *mean = s / n;
  *std = sqrt (s2 / n - *mean * *mean);
}

static GraftTensor *
init (const char *spec_json,
      guint       rank,
      const gsize *shape)
{
  g_autoptr(JsonNode) spec = json_from_string (spec_json, NULL);
  GRand *rng = g_rand_new_with_seed (7);
  GError *error = NULL;
  GraftTensor *t = graft_initializer_run (spec, NULL, rank, shape, rng, &error);

  g_assert_no_error (error);
  g_rand_free (rng);
  return t;
}

static void
test_initializer_statistics (void)
{
  const gsize shape[] = { 300, 200 };   /* fan_in 300, fan_out 200 */
  double mean, std, lo, hi;

  {
    g_autoptr(GraftTensor) t = init ("\"glorot_uniform\"", 2, shape);
    double limit = sqrt (6.0 / 500.0);

    stats (t, &mean, &std, &lo, &hi);
    g_assert_cmpfloat (lo, >=, -limit);
    g_assert_cmpfloat (hi, <=, limit);
    g_assert_cmpfloat_with_epsilon (mean, 0.0, 0.002);
    g_assert_cmpfloat_with_epsilon (std, limit / sqrt (3.0), 0.002);
  }
  {
    g_autoptr(GraftTensor) t = init ("{\"class_name\": \"HeNormal\", \"config\": {\"seed\": null}}", 2, shape);
    double want = sqrt (2.0 / 300.0);

    /* Truncated at two (rescaled) standard deviations, std back to want. */
    stats (t, &mean, &std, &lo, &hi);
    g_assert_cmpfloat_with_epsilon (std, want, 0.02 * want);
    g_assert_cmpfloat (hi, <=, 2.0 * want / 0.87962566103423978 + 1e-6);
  }
  {
    g_autoptr(GraftTensor) t = init ("\"lecun_uniform\"", 2, shape);

    stats (t, &mean, &std, &lo, &hi);
    g_assert_cmpfloat (hi, <=, sqrt (3.0 / 300.0));
  }
  {
    g_autoptr(GraftTensor) t = init ("{\"class_name\": \"RandomNormal\", \"config\": {\"mean\": 1.0, \"stddev\": 0.5}}", 2, shape);

    stats (t, &mean, &std, &lo, &hi);
    g_assert_cmpfloat_with_epsilon (mean, 1.0, 0.01);
    g_assert_cmpfloat_with_epsilon (std, 0.5, 0.01);
  }
  {
    g_autoptr(GraftTensor) t = init ("{\"class_name\": \"TruncatedNormal\", \"config\": {\"stddev\": 0.1}}", 2, shape);

    stats (t, &mean, &std, &lo, &hi);
    g_assert_cmpfloat (lo, >=, -0.2);
    g_assert_cmpfloat (hi, <=, 0.2);
  }
  {
    g_autoptr(GraftTensor) t = init ("{\"class_name\": \"Constant\", \"config\": {\"value\": 3.5}}", 2, shape);

    stats (t, &mean, &std, &lo, &hi);
    g_assert_cmpfloat (lo, ==, 3.5);
    g_assert_cmpfloat (hi, ==, 3.5);
  }
  {
    g_autoptr(GraftTensor) t = init ("\"ones\"", 2, shape);

    stats (t, &mean, &std, &lo, &hi);
    g_assert_cmpfloat (mean, ==, 1.0);
  }
}

static void
test_initializer_orthogonal (void)
{
  const gsize shape[] = { 8, 5 };
  g_autoptr(GraftTensor) t = init ("\"orthogonal\"", 2, shape);
  const float *q = floats (t);

  /* Columns are orthonormal: Q^T Q = I. */
  for (guint i = 0; i < 5; i++)
    for (guint j = 0; j < 5; j++)
      {
        double dot = 0;

        for (guint r = 0; r < 8; r++)
          dot += q[r * 5 + i] * q[r * 5 + j];
        g_assert_cmpfloat_with_epsilon (dot, i == j ? 1.0 : 0.0, 1e-5);
      }
}

static void
test_initializer_unknown (void)
{
  const gsize shape[] = { 2 };
  g_autoptr(JsonNode) spec = json_from_string ("\"nonsense\"", NULL);
  GRand *rng = g_rand_new_with_seed (1);
  GError *error = NULL;

  g_assert_null (graft_initializer_run (spec, NULL, 1, shape, rng, &error));
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED);
  g_clear_error (&error);
  g_rand_free (rng);
}

/* A chain of layers on token ids [T]; each entry is a class and a config. */
static GraftNet *
mask_chain (gssize              steps,
            const char *const  *layers)
{
  GraftNet *net = graft_net_new ("masked");
  guint id;
  GError *error = NULL;

  id = graft_net_add_input (net, "tokens", 1, &steps);
  for (guint i = 0; layers[i] != NULL; i += 2)
    {
      graft_net_add_layer (net, layers[i], layers[i + 1], 1, &id, &id, &error);
      g_assert_no_error (error);
    }
  graft_net_set_outputs (net, 1, &id);
  graft_net_build (net, &error);
  g_assert_no_error (error);
  return net;
}

static void
mask_set (GraftNet    *net,
          const char  *path,
          guint        rank,
          const gsize *shape,
          const float *values)
{
  g_autoptr(GraftTensor) t = tensor_new (rank, shape, values);
  GError *error = NULL;

  graft_net_set_weight (net, path, t, &error);
  g_assert_no_error (error);
}

static GraftTensor *
mask_run (GraftNet    *net,
          gsize        batch,
          gsize        steps,
          const float *ids)
{
  const gsize shape[] = { batch, steps };
  g_autoptr(GraftTensor) x = tensor_new (2, shape, ids);
  g_autoptr(GPtrArray) out = NULL;
  GError *error = NULL;

  out = graft_net_predict (net, 1, &x, &error);
  g_assert_no_error (error);
  return graft_tensor_ref (g_ptr_array_index (out, 0));
}

static void
assert_floats (GraftTensor *t,
               const float *want,
               gsize        n)
{
  g_assert_cmpuint (graft_tensor_get_n_elements (t), ==, n);
  for (gsize i = 0; i < n; i++)
    g_assert_cmpfloat_with_epsilon (floats (t)[i], want[i], 1e-5);
}

/* A linear SimpleRNN with unit weights sums its inputs, so the sequence
 * shows which steps counted: padding (token 0, whose row is 100) keeps
 * the running sum and repeats the last output. */
static void
test_net_mask_simple_rnn (void)
{
  const char *const layers[] = {
    "Embedding", "{\"name\": \"emb\", \"input_dim\": 4, \"output_dim\": 1, \"mask_zero\": true}",
    "SimpleRNN", "{\"name\": \"rnn\", \"units\": 1, \"activation\": \"linear\","
                 " \"return_sequences\": true}",
    NULL
  };
  g_autoptr(GraftNet) net = mask_chain (4, layers);
  const gsize table_shape[] = { 4, 1 }, one[] = { 1, 1 }, bias_shape[] = { 1 };
  const float table[] = { 100, 1, 2, 3 }, unit[] = { 1 }, zero[] = { 0 };
  const float ids[] = { 1, 0, 2, 0,
                        0, 3, 1, 2 };
  /* Row 0: 1, (pad) 1, 3, (pad) 3. Row 1: (pad before anything) 0, 3, 4, 6. */
  const float want[] = { 1, 1, 3, 3,
                         0, 3, 4, 6 };
  g_autoptr(GraftTensor) y = NULL;

  mask_set (net, "emb/embeddings", 2, table_shape, table);
  mask_set (net, "rnn/kernel", 2, one, unit);
  mask_set (net, "rnn/recurrent_kernel", 2, one, unit);
  mask_set (net, "rnn/bias", 1, bias_shape, zero);
  y = mask_run (net, 2, 4, ids);
  assert_floats (y, want, G_N_ELEMENTS (want));
}

/* Bidirectional makes its layers return zeros at padded steps; the
 * backward layer runs 2, (pad), 1 and its sequence is flipped back. */
static void
test_net_mask_bidirectional (void)
{
  const char *const layers[] = {
    "Embedding", "{\"name\": \"emb\", \"input_dim\": 4, \"output_dim\": 1, \"mask_zero\": true}",
    "Bidirectional", "{\"name\": \"bi\", \"merge_mode\": \"concat\", \"layer\": {\"class_name\":"
                     " \"SimpleRNN\", \"config\": {\"name\": \"r\", \"units\": 1,"
                     " \"activation\": \"linear\", \"return_sequences\": true}}}",
    NULL
  };
  g_autoptr(GraftNet) net = mask_chain (3, layers);
  const gsize table_shape[] = { 4, 1 }, one[] = { 1, 1 }, bias_shape[] = { 1 };
  const float table[] = { 100, 1, 2, 3 }, unit[] = { 1 }, zero[] = { 0 };
  const float ids[] = { 1, 0, 2 };
  const float want[] = { 1, 3,   0, 0,   3, 2 };
  g_autoptr(GraftTensor) y = NULL;

  mask_set (net, "emb/embeddings", 2, table_shape, table);
  for (guint d = 0; d < 2; d++)
    {
      const char *dir = d == 0 ? "bi/forward_r" : "bi/backward_r";
      g_autofree char *k = g_strconcat (dir, "/kernel", NULL);
      g_autofree char *r = g_strconcat (dir, "/recurrent_kernel", NULL);
      g_autofree char *b = g_strconcat (dir, "/bias", NULL);

      mask_set (net, k, 2, one, unit);
      mask_set (net, r, 2, one, unit);
      mask_set (net, b, 1, bias_shape, zero);
    }
  y = mask_run (net, 1, 3, ids);
  assert_floats (y, want, G_N_ELEMENTS (want));
}

/* Padding anywhere leaves LSTM and GRU states where the unpadded sequence
 * takes them, and the mask passes through a Dense layer on the way. */
static void
test_net_mask_lstm_gru_skip (void)
{
  static const char *const kinds[] = { "LSTM", "GRU" };

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      g_autofree char *rnn = g_strdup_printf ("{\"name\": \"rnn\", \"units\": 3}");
      const char *const masked[] = {
        "Embedding", "{\"name\": \"emb\", \"input_dim\": 5, \"output_dim\": 4,"
                     " \"mask_zero\": true}",
        "Dense", "{\"name\": \"proj\", \"units\": 4, \"activation\": \"tanh\"}",
        kinds[k], rnn,
        NULL
      };
      const char *const unmasked[] = {
        "Embedding", "{\"name\": \"emb\", \"input_dim\": 5, \"output_dim\": 4}",
        "Dense", "{\"name\": \"proj\", \"units\": 4, \"activation\": \"tanh\"}",
        kinds[k], rnn,
        NULL
      };
      g_autoptr(GraftNet) padded = mask_chain (5, masked);
      g_autoptr(GraftNet) plain = mask_chain (2, masked);
      g_autoptr(GraftNet) ignored = mask_chain (5, unmasked);
      const float ids_padded[] = { 0, 3, 0, 0, 4 }, ids_plain[] = { 3, 4 };
      g_autoptr(GraftTensor) a = NULL;
      g_autoptr(GraftTensor) b = NULL;
      g_autoptr(GraftTensor) c = NULL;
      GError *error = NULL;

      graft_net_init_weights (padded, 17, &error);
      g_assert_no_error (error);
      graft_net_init_weights (plain, 17, &error);
      g_assert_no_error (error);
      graft_net_init_weights (ignored, 17, &error);
      g_assert_no_error (error);
      a = mask_run (padded, 1, 5, ids_padded);
      b = mask_run (plain, 1, 2, ids_plain);
      c = mask_run (ignored, 1, 5, ids_padded);
      assert_floats (a, floats (b), 3);
      /* Without mask_zero the padding counts, and the state moves. */
      g_assert_cmpfloat (fabsf (floats (c)[0] - floats (b)[0]) +
                         fabsf (floats (c)[1] - floats (b)[1]), >, 1e-4);
    }
}

/* GlobalAveragePooling1D averages the unmasked steps: rows 1 and 2. */
static void
test_net_mask_global_average_pooling1d (void)
{
  const char *const layers[] = {
    "Embedding", "{\"name\": \"emb\", \"input_dim\": 3, \"output_dim\": 2, \"mask_zero\": true}",
    "Dropout", "{\"name\": \"drop\", \"rate\": 0.5}",
    "GlobalAveragePooling1D", "{\"name\": \"gap\"}",
    NULL
  };
  g_autoptr(GraftNet) net = mask_chain (4, layers);
  const gsize table_shape[] = { 3, 2 };
  const float table[] = { 100, 100,   1, 2,   3, 6 };
  const float ids[] = { 1, 0, 2, 0,   2, 2, 2, 1 };
  const float want[] = { 2, 4,   2.5f, 5.0f };
  g_autoptr(GraftTensor) y = NULL;

  mask_set (net, "emb/embeddings", 2, table_shape, table);
  y = mask_run (net, 2, 4, ids);
  assert_floats (y, want, G_N_ELEMENTS (want));
}

/* Attention with a mask would need Keras's attention mask: refused, named. */
static void
test_net_mask_attention_refused (void)
{
  g_autoptr(GraftNet) net = graft_net_new ("masked");
  gssize steps = 3;
  const float ids[] = { 1, 0, 2 };
  const gsize shape[] = { 1, 3 };
  g_autoptr(GraftTensor) x = tensor_new (2, shape, ids);
  g_autoptr(GPtrArray) out = NULL;
  guint in[2], id;
  GError *error = NULL;

  id = graft_net_add_input (net, "tokens", 1, &steps);
  graft_net_add_layer (net, "Embedding",
                       "{\"name\": \"emb\", \"input_dim\": 3, \"output_dim\": 4,"
                       " \"mask_zero\": true}",
                       1, &id, &id, &error);
  g_assert_no_error (error);
  in[0] = in[1] = id;
  graft_net_add_layer (net, "MultiHeadAttention",
                       "{\"name\": \"mha\", \"num_heads\": 1, \"key_dim\": 2}", 2, in, &id, &error);
  g_assert_no_error (error);
  graft_net_set_outputs (net, 1, &id);
  graft_net_init_weights (net, 1, &error);
  g_assert_no_error (error);
  out = graft_net_predict (net, 1, &x, &error);
  g_assert_null (out);
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "'mha'"));
  g_clear_error (&error);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  graft_init ();

  g_test_add_func ("/net/dense/values", test_net_dense_values);
  g_test_add_func ("/net/conv2d/values", test_net_conv2d_values);
  g_test_add_func ("/net/conv2d/same-strided", test_net_conv2d_same_strided);
  g_test_add_func ("/net/pooling/values", test_net_pooling_values);
  g_test_add_func ("/net/activation/values", test_net_activation_values);
  g_test_add_func ("/net/batch-normalization/values", test_net_batch_normalization_values);
  g_test_add_func ("/net/lstm/zero-weights", test_net_lstm_zero_weights);
  g_test_add_func ("/net/mask/simple-rnn", test_net_mask_simple_rnn);
  g_test_add_func ("/net/mask/bidirectional", test_net_mask_bidirectional);
  g_test_add_func ("/net/mask/lstm-gru-skip", test_net_mask_lstm_gru_skip);
  g_test_add_func ("/net/mask/global-average-pooling1d", test_net_mask_global_average_pooling1d);
  g_test_add_func ("/net/mask/attention-refused", test_net_mask_attention_refused);
  g_test_add_func ("/net/config/keras2-shared-layer", test_net_config_keras2_shared);
  g_test_add_func ("/net/config/unknown-layer", test_net_config_unknown_layer);
  g_test_add_func ("/net/config/subclassed", test_net_config_subclassed);
  g_test_add_func ("/net/weight/shape-mismatch", test_net_weight_shape_mismatch);
  g_test_add_func ("/net/predict/unbound-weight", test_net_predict_unbound);
  g_test_add_func ("/net/build/init-seeded", test_net_build_init_seeded);
  g_test_add_func ("/initializer/statistics", test_initializer_statistics);
  g_test_add_func ("/initializer/orthogonal", test_initializer_orthogonal);
  g_test_add_func ("/initializer/unknown", test_initializer_unknown);
  return g_test_run ();
}
