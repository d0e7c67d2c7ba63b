/* test-norm-layers.c: GroupNormalization, UnitNormalization and
 * RMSNormalization
 *
 * The models of tests/data/norm (made by make-norm.py, which writes them as
 * Keras 3 saves them and computes their outputs with NumPy) run to the
 * expected outputs within 1e-5 * max(1, |y|) per element, keep their
 * weights' Keras names and places through every format Graft writes, and
 * refuse configs and weights that do not fit, naming the layer.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "graft.h"
#include "test-util.h"

#define NORM_TOLERANCE 1e-5

typedef struct
{
  const char          *model;
  const char * const  *paths;       /* the weights' Keras paths, in order */
  const char * const  *locations;   /* and where a Keras 3 file keeps them */
} NormCase;

static const char * const group_paths[] = { "gn/gamma", "gn/beta", NULL };
static const char * const group_locations[] = {
  "layers/group_normalization/vars/0", "layers/group_normalization/vars/1", NULL
};
static const char * const group_axis1_paths[] = { "gn_first/beta", NULL };
static const char * const group_axis1_locations[] = { "layers/group_normalization/vars/0", NULL };
static const char * const none[] = { NULL };
static const char * const rms_paths[] = { "rms/scale", NULL };
static const char * const rms_locations[] = { "layers/rms_normalization/vars/0", NULL };
static const char * const rms_axes_paths[] = { "rms_axes/scale", NULL };
static const char * const chain_paths[] = { "g1/gamma", "g1/beta", "r1/scale", "g2/gamma", "g2/beta",
                                            NULL };
static const char * const chain_locations[] = {
  "layers/group_normalization/vars/0", "layers/group_normalization/vars/1",
  "layers/rms_normalization/vars/0",
  "layers/group_normalization_1/vars/0", "layers/group_normalization_1/vars/1", NULL
};

static const NormCase norm_cases[] = {
  { "group_norm", group_paths, group_locations },
  { "group_norm_axis1", group_axis1_paths, group_axis1_locations },
  { "unit_norm", none, none },
  { "unit_norm_axes", none, none },
  { "rms_norm", rms_paths, rms_locations },
  { "rms_norm_axes", rms_axes_paths, rms_locations },
  { "norm_chain", chain_paths, chain_locations },
};

static char *
norm_file (const char *model,
           const char *suffix)
{
  g_autofree char *name = g_strconcat (model, suffix, NULL);

  return g_test_build_filename (G_TEST_DIST, "data", "norm", name, NULL);
}

static GraftTensor *
load_npy (const char *model,
          const char *suffix)
{
  g_autofree char *path = norm_file (model, suffix);
  GError *error = NULL;
  GraftTensor *t = graft_npy_load (path, &error);

  g_assert_no_error (error);
  return t;
}

/* The largest |got - want|; fails past NORM_TOLERANCE * max(1, |want|). */
static double
assert_close (GraftTensor *got,
              GraftTensor *want)
{
  g_autofree float *a = graft_tensor_dup_float (got, NULL);
  g_autofree float *b = graft_tensor_dup_float (want, NULL);
  double worst = 0.0;

  g_assert_true (graft_tensor_same_shape (got, want));
  for (gsize i = 0; i < graft_tensor_get_n_elements (want); i++)
    {
      double d = fabs ((double) a[i] - (double) b[i]);

      g_assert_false (isnan (a[i]));
      if (d > NORM_TOLERANCE * MAX (1.0, fabs ((double) b[i])))
        g_error ("element %" G_GSIZE_FORMAT ": %.9g, expected %.9g", i, a[i], b[i]);
      worst = MAX (worst, d);
    }
  return worst;
}

static GPtrArray *
predict (GraftNet    *net,
         GraftTensor *x)
{
  GError *error = NULL;
  GPtrArray *out = graft_net_predict (net, 1, &x, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (out->len, ==, 1);
  return out;
}

/* The weights of @model are @c's, by place in the file and, when @named,
 * by Keras path and in Keras's order. A weights-only file has no config:
 * nothing tells a lone beta (scale=False) from a gamma, so its names may
 * be the bare indices, and its layers come in the file's order. */
static void
assert_keras_places (GraftModel     *model,
                     const NormCase *c,
                     gboolean        named)
{
  g_assert_cmpuint (graft_model_get_n_weights (model), ==, g_strv_length ((char **) c->paths));
  for (guint i = 0; c->paths[i] != NULL; i++)
    {
      GraftWeight *w = graft_model_find_weight (model, c->locations[i]);

      if (w == NULL)
        g_error ("%s: no weight at %s", graft_model_get_filename (model), c->locations[i]);
      if (named)
        {
          g_assert_cmpstr (graft_weight_get_path (w), ==, c->paths[i]);
          g_assert_true (graft_model_get_weight (model, i) == w);
        }
    }
}

static void
test_norm_predict (gconstpointer data)
{
  const NormCase *c = data;
  g_autofree char *path = norm_file (c->model, ".keras");
  g_autoptr(GraftModel) model = test_util_load_path (path);
  g_autoptr(GraftTensor) x = load_npy (c->model, ".input.npy");
  g_autoptr(GraftTensor) y = load_npy (c->model, ".output.npy");
  g_autoptr(GraftNet) net = NULL;
  g_autoptr(GPtrArray) out = NULL;
  GError *error = NULL;

  assert_keras_places (model, c, TRUE);
  net = graft_net_new_from_model (model, &error);
  g_assert_no_error (error);
  out = predict (net, x);
  g_test_message ("%s: max |d| = %.3g", c->model, assert_close (g_ptr_array_index (out, 0), y));
}

/* Saved in each format and read back: the same weights at Keras's places,
 * and the same outputs, bound to a net made from the config and, for the
 * formats that carry one, from the file's own config. */
static void
test_norm_round_trip (gconstpointer data)
{
  static const struct
  {
    GraftFormat  format;
    const char  *suffix;
    gboolean     keras3;
    gboolean     config;
  } formats[] = {
    { GRAFT_FORMAT_KERAS, ".keras", TRUE, TRUE },
    { GRAFT_FORMAT_WEIGHTS_H5, ".weights.h5", TRUE, FALSE },
    { GRAFT_FORMAT_LEGACY_H5, ".legacy.h5", FALSE, TRUE },
    { GRAFT_FORMAT_LEGACY_WEIGHTS_H5, ".legacy_weights.h5", FALSE, FALSE },
  };
  const NormCase *c = data;
  g_autofree char *path = norm_file (c->model, ".keras");
  g_autoptr(GraftModel) source = test_util_load_path (path);
  g_autoptr(GraftTensor) x = load_npy (c->model, ".input.npy");
  g_autoptr(GraftNet) net = NULL;
  g_autoptr(GPtrArray) want = NULL;
  g_autofree char *dir = g_dir_make_tmp ("graft-norm-XXXXXX", NULL);
  GError *error = NULL;

  net = graft_net_new_from_model (source, &error);
  g_assert_no_error (error);
  want = predict (net, x);

  for (guint f = 0; f < G_N_ELEMENTS (formats); f++)
    {
      g_autofree char *name = g_strconcat (c->model, formats[f].suffix, NULL);
      g_autofree char *saved = g_build_filename (dir, name, NULL);
      g_autoptr(GraftModel) model = NULL;
      g_autoptr(GraftNet) again = NULL;
      g_autoptr(GPtrArray) got = NULL;

      graft_net_save (net, saved, formats[f].format, &error);
      g_assert_no_error (error);
      model = graft_keras_load (saved, &error);
      g_assert_no_error (error);
      g_assert_cmpint (graft_model_get_format (model), ==, formats[f].format);
      if (formats[f].keras3)
        assert_keras_places (model, c, formats[f].config);
      g_assert_cmpuint (graft_model_get_n_weights (model), ==, graft_model_get_n_weights (source));
      for (guint i = 0; c->paths[i] != NULL; i++)
        {
          GraftWeight *a = formats[f].keras3 ? graft_model_find_weight (model, c->locations[i])
                                             : graft_model_find_weight (model, c->paths[i]);
          GraftWeight *b = graft_model_find_weight (source, c->paths[i]);
          g_autofree float *va = NULL;
          g_autofree float *vb = NULL;

          g_assert_nonnull (a);
          va = graft_tensor_dup_float (graft_weight_get_tensor (a), NULL);
          vb = graft_tensor_dup_float (graft_weight_get_tensor (b), NULL);
          g_assert_true (graft_tensor_same_shape (graft_weight_get_tensor (a),
                                                  graft_weight_get_tensor (b)));
          g_assert_cmpmem (va, graft_tensor_get_n_bytes (graft_weight_get_tensor (a)),
                           vb, graft_tensor_get_n_bytes (graft_weight_get_tensor (b)));
        }

      again = graft_net_new_from_config (graft_model_get_config (source), &error);
      g_assert_no_error (error);
      graft_net_bind (again, model, &error);
      g_assert_no_error (error);
      got = predict (again, x);
      g_assert_cmpfloat (assert_close (g_ptr_array_index (got, 0), g_ptr_array_index (want, 0)),
                         ==, 0.0);
      if (formats[f].config)
        {
          g_autoptr(GraftNet) own = graft_net_new_from_model (model, &error);
          g_autoptr(GPtrArray) res = NULL;

          g_assert_no_error (error);
          res = predict (own, x);
          g_assert_cmpfloat (assert_close (g_ptr_array_index (res, 0),
                                           g_ptr_array_index (want, 0)), ==, 0.0);
        }
      g_assert_cmpint (g_remove (saved), ==, 0);
    }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static GraftTensor *
vector (gsize        n,
        const float *values)
{
  GraftTensor *t = graft_tensor_new (GRAFT_DTYPE_FLOAT32, 1, &n);

  memcpy (graft_tensor_get_data_mutable (t), values, n * sizeof (float));
  return t;
}

static void
assert_floats (GraftTensor *t,
               const float *want,
               gsize        n)
{
  const float *got = graft_tensor_get_data (t, NULL);

  g_assert_cmpuint (graft_tensor_get_n_elements (t), ==, n);
  for (gsize i = 0; i < n; i++)
    g_assert_cmpfloat_with_epsilon (got[i], want[i], 1e-6);
}

/* Values worked out by hand. */
static void
test_norm_values (void)
{
  /* Groups {1, 3} and {5, 9}: means 2 and 7, variances 1 and 4, so with no
   * epsilon both become {-1, 1}; then gamma {1, 2, 3, 4}, beta {0, 0, 0, 1}. */
  {
    const gssize shape[] = { 4 };
    const float x[] = { 1, 3, 5, 9 }, g[] = { 1, 2, 3, 4 }, b[] = { 0, 0, 0, 1 };
    const float want[] = { -1, 2, -3, 5 };
    g_autoptr(GraftTensor) gamma = vector (4, g);
    g_autoptr(GraftTensor) beta = vector (4, b);
    GraftTensor *w[] = { gamma, beta };
    const char * const names[] = { "gn/gamma", "gn/beta", NULL };
    g_autoptr(GraftTensor) y = test_util_run_layer ("GroupNormalization",
                                          "{\"name\": \"gn\", \"groups\": 2, \"epsilon\": 0}",
                                          1, shape, x, names, w);

    assert_floats (y, want, 4);
  }
  /* Channels first, groups -1: every channel is its own group, normalised
   * over its three positions: {0, 3, 6} has variance 6 and {10, 10, 13}
   * variance 2. */
  {
    const gssize shape[] = { 2, 3 };
    const float x[] = { 0, 3, 6, 10, 10, 13 };
    const float s = sqrtf (1.5f), h = sqrtf (0.5f), want[] = { -s, 0, s, -h, -h, 2 * h };
    g_autoptr(GraftTensor) y = test_util_run_layer ("GroupNormalization",
                                          "{\"name\": \"gn\", \"groups\": -1, \"axis\": 1,"
                                          " \"epsilon\": 0, \"center\": false, \"scale\": false}",
                                          2, shape, x, NULL, NULL);

    assert_floats (y, want, 6);
  }
  /* {3, 4} has norm 5; an all-zero vector stays zero. */
  {
    const gssize shape[] = { 2, 2 };
    const float x[] = { 3, 4, 0, 0 }, want[] = { 0.6f, 0.8f, 0, 0 };
    g_autoptr(GraftTensor) y = test_util_run_layer ("UnitNormalization", "{\"name\": \"un\"}",
                                          2, shape, x, NULL, NULL);

    assert_floats (y, want, 4);
  }
  /* Over axis 1 of [1, 2, 2]: the columns {3, 4} and {0, 2}. */
  {
    const gssize shape[] = { 2, 2 };
    const float x[] = { 3, 0, 4, 2 }, want[] = { 0.6f, 0, 0.8f, 1 };
    g_autoptr(GraftTensor) y = test_util_run_layer ("UnitNormalization", "{\"name\": \"un\", \"axis\": [1]}",
                                          2, shape, x, NULL, NULL);

    assert_floats (y, want, 4);
  }
  /* {1, -1, 1, -1} and {2, 2, 2, 2} have mean squares 1 and 4. */
  {
    const gssize shape[] = { 2, 4 };
    const float x[] = { 1, -1, 1, -1, 2, 2, 2, 2 }, sc[] = { 1, 2, 3, 4 };
    const float want[] = { 1, -2, 3, -4, 1, 2, 3, 4 };
    g_autoptr(GraftTensor) scale = vector (4, sc);
    GraftTensor *w[] = { scale };
    const char * const names[] = { "rms/scale", NULL };
    g_autoptr(GraftTensor) y = test_util_run_layer ("RMSNormalization",
                                          "{\"name\": \"rms\", \"axis\": -1, \"epsilon\": 0}",
                                          2, shape, x, names, w);

    assert_floats (y, want, 8);
  }
  /* The default epsilon, 1e-6: 3 / sqrt(9 + 1e-6), times a scale of 2. */
  {
    const gssize shape[] = { 1 };
    const float x[] = { 3 }, sc[] = { 2 }, want[] = { (float) (6.0 / sqrt (9.000001)) };
    g_autoptr(GraftTensor) scale = vector (1, sc);
    GraftTensor *w[] = { scale };
    const char * const names[] = { "rms/scale", NULL };
    g_autoptr(GraftTensor) y = test_util_run_layer ("RMSNormalization", "{\"name\": \"rms\"}",
                                          1, shape, x, names, w);

    assert_floats (y, want, 1);
  }
}

/* Adds one layer to a net on input @shape and builds it: the error. */
static GError *
build_error (const char   *class_name,
             const char   *config,
             guint         rank,
             const gssize *shape)
{
  g_autoptr(GraftNet) net = graft_net_new ("norm");
  guint in_id, out_id;
  GError *error = NULL;

  in_id = graft_net_add_input (net, "x", rank, shape);
  if (!graft_net_add_layer (net, class_name, config, 1, &in_id, &out_id, &error))
    return error;
  graft_net_set_outputs (net, 1, &out_id);
  g_assert_false (graft_net_build (net, &error));
  return error;
}

static void
assert_mentions (const GError *error,
                 const char   *first,
                 ...)
{
  va_list args;

  va_start (args, first);
  for (const char *s = first; s != NULL; s = va_arg (args, const char *))
    if (strstr (error->message, s) == NULL)
      g_error ("\"%s\" does not mention \"%s\"", error->message, s);
  va_end (args);
}

static void
test_norm_errors (void)
{
  const gssize image[] = { 4, 4, 8 }, seq[] = { 6, 12 }, three[] = { 2, 3, 4 };
  GError *error;

  error = build_error ("GroupNormalization", "{\"name\": \"gn\", \"groups\": 3}", 3, image);
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_SHAPE);
  assert_mentions (error, "'gn'", "[None, 4, 4, 8]", "8 channels", "3 groups", NULL);
  g_clear_error (&error);

  error = build_error ("GroupNormalization", "{\"name\": \"gn\", \"groups\": 16}", 3, image);
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_SHAPE);
  assert_mentions (error, "'gn'", "[None, 4, 4, 8]", "16 groups", NULL);
  g_clear_error (&error);

  error = build_error ("GroupNormalization", "{\"name\": \"gn\", \"groups\": 0}", 3, image);
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT);
  assert_mentions (error, "'gn'", "groups", NULL);
  g_clear_error (&error);

  error = build_error ("GroupNormalization", "{\"name\": \"gn\", \"groups\": 2, \"axis\": [1, 2]}",
                       3, image);
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED);
  assert_mentions (error, "'gn'", NULL);
  g_clear_error (&error);

  error = build_error ("UnitNormalization", "{\"name\": \"un\", \"axis\": 0}", 2, seq);
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED);
  assert_mentions (error, "'un'", "batch", "[None, 6, 12]", NULL);
  g_clear_error (&error);

  error = build_error ("UnitNormalization", "{\"name\": \"un\", \"axis\": 3}", 2, seq);
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_SHAPE);
  assert_mentions (error, "'un'", "axis 3", "[None, 6, 12]", NULL);
  g_clear_error (&error);

  error = build_error ("UnitNormalization", "{\"name\": \"un\", \"axis\": [2, -1]}", 2, seq);
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_SHAPE);
  assert_mentions (error, "'un'", "second time", NULL);
  g_clear_error (&error);

  error = build_error ("UnitNormalization", "{\"name\": \"un\", \"axis\": \"last\"}", 2, seq);
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT);
  assert_mentions (error, "'un'", "axis", NULL);
  g_clear_error (&error);

  error = build_error ("RMSNormalization", "{\"name\": \"rms\", \"axis\": [1]}", 3, three);
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED);
  assert_mentions (error, "'rms'", "[None, 2, 3, 4]", NULL);
  g_clear_error (&error);
  /* LayerNormalization normalises its last axis only, and says so rather
   * than normalising the last one whatever the config asks. */
  error = build_error ("LayerNormalization", "{\"name\": \"ln\", \"axis\": [1]}", 3, three);
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED);
  assert_mentions (error, "'ln'", "axis 1", "last", NULL);
  g_clear_error (&error);

  error = build_error ("LayerNormalization", "{\"name\": \"ln\", \"axis\": -2}", 3, three);
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED);
  g_clear_error (&error);
}

/* Weights of the wrong shape are refused with both shapes, whether set one
 * by one or bound from a checkpoint. */
static void
test_norm_weight_shapes (void)
{
  g_autofree char *group_path = norm_file ("group_norm", ".keras");
  g_autofree char *rms_path = norm_file ("rms_norm", ".keras");
  g_autoptr(GraftModel) group = test_util_load_path (group_path);
  g_autoptr(GraftModel) rms = test_util_load_path (rms_path);
  g_autoptr(GraftNet) net = NULL;
  g_autoptr(GraftNet) wide = NULL;
  const float four[4] = { 1, 1, 1, 1 };
  g_autoptr(GraftTensor) short_gamma = vector (4, four);
  const gssize twelve[] = { 4, 4, 12 }, ten[] = { 6, 10 };
  GError *error = NULL;

  net = graft_net_new_from_config (graft_model_get_config (group), &error);
  g_assert_no_error (error);
  g_assert_false (graft_net_set_weight (net, "gn/gamma", short_gamma, &error));
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_SHAPE);
  assert_mentions (error, "'gn'", "gamma", "[4]", "[8]", NULL);
  g_clear_error (&error);

  /* The same config on 12 channels wants a gamma of 12; the file has 8. */
  wide = graft_net_new_from_config (graft_model_get_config (group), &error);
  g_assert_no_error (error);
  graft_net_set_input_shape (wide, 0, 3, twelve, &error);
  g_assert_no_error (error);
  g_assert_false (graft_net_bind (wide, group, &error));
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_SHAPE);
  assert_mentions (error, "'gn'", "gamma", "[8]", "[12]", NULL);
  g_clear_error (&error);

  g_clear_pointer (&wide, graft_net_unref);
  wide = graft_net_new_from_config (graft_model_get_config (rms), &error);
  g_assert_no_error (error);
  graft_net_set_input_shape (wide, 0, 2, ten, &error);
  g_assert_no_error (error);
  g_assert_false (graft_net_bind (wide, rms, &error));
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_SHAPE);
  assert_mentions (error, "'rms'", "scale", "[12]", "[10]", NULL);
  g_clear_error (&error);
}

/* graft-cli build: a new checkpoint of the chain's config, with Keras's
 * initial values (gamma and scale ones, beta zeros) at Keras's places. */
static void
test_norm_cli_build (void)
{
  g_autofree char *path = norm_file ("norm_chain", ".keras");
  g_autoptr(GraftModel) source = test_util_load_path (path);
  g_autofree char *dir = g_dir_make_tmp ("graft-norm-XXXXXX", NULL);
  g_autofree char *spec = g_build_filename (dir, "chain.json", NULL);
  g_autofree char *out = g_build_filename (dir, "chain.keras", NULL);
  g_autofree char *json = NULL;
  g_autoptr(GraftModel) built = NULL;
  const NormCase *chain = &norm_cases[G_N_ELEMENTS (norm_cases) - 1];
  GError *error = NULL;

  if (g_getenv ("GRAFT_CLI") == NULL)
    {
      g_test_skip ("GRAFT_CLI is not set");
      return;
    }
  json = json_to_string (graft_model_get_config (source), FALSE);
  g_file_set_contents (spec, json, -1, &error);
  g_assert_no_error (error);
  {
    const char *args[] = { "build", spec, "--seed", "4", "-o", out, NULL };
    g_autofree char *text = NULL;
    g_autofree char *err = NULL;

    g_assert_cmpint (test_util_run_cli (NULL, args, &text, &err), ==, 0);
    g_assert_cmpstr (err, ==, "");
  }
  built = test_util_load_path (out);
  assert_keras_places (built, chain, TRUE);
  for (guint i = 0; chain->paths[i] != NULL; i++)
    {
      GraftTensor *t = graft_weight_get_tensor (graft_model_get_weight (built, i));
      g_autofree float *v = graft_tensor_dup_float (t, NULL);
      float want = g_str_has_suffix (chain->paths[i], "/beta") ? 0.0f : 1.0f;

      for (gsize k = 0; k < graft_tensor_get_n_elements (t); k++)
        g_assert_cmpfloat (v[k], ==, want);
    }
  g_assert_cmpint (g_remove (out), ==, 0);
  g_assert_cmpint (g_remove (spec), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (norm_cases); i++)
    {
      g_autofree char *predict_path = g_strdup_printf ("/norm/predict/%s", norm_cases[i].model);
      g_autofree char *trip_path = g_strdup_printf ("/norm/round-trip/%s", norm_cases[i].model);

      g_test_add_data_func (predict_path, &norm_cases[i], test_norm_predict);
      g_test_add_data_func (trip_path, &norm_cases[i], test_norm_round_trip);
    }
  g_test_add_func ("/norm/values", test_norm_values);
  g_test_add_func ("/norm/errors", test_norm_errors);
  g_test_add_func ("/norm/weight-shapes", test_norm_weight_shapes);
  g_test_add_func ("/norm/cli-build", test_norm_cli_build);
  return g_test_run ();
}
