/* test-predict.c: the forward pass against Keras's own predictions
 *
 * Every model of $GRAFT_CORPUS_DIR/keras (else of the fixtures in
 * tests/data/keras) runs from each format that
 * carries an architecture (.keras, .legacy.h5), or through its model spec
 * in tests/data/specs/ when it is subclassed or uses custom layers, and
 * must match <m>.output*.npy within 1e-4 * max(1, |y|) per element.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "graft.h"
#include "test-util.h"

typedef struct
{
  char *model;
  char *file;      /* checkpoint */
  char *spec;      /* nullable */
  char *weights;   /* nullable: bind these weights instead of the file's */
  char *expected;  /* nullable: output file other than <m>.output.npy */
} PredictCase;

static void
predict_case_free (gpointer data)
{
  PredictCase *c = data;

  g_free (c->model);
  g_free (c->file);
  g_free (c->spec);
  g_free (c->weights);
  g_free (c->expected);
  g_free (c);
}

/* <m>.input.npy, or <m>.input0.npy, <m>.input1.npy, … */
static GPtrArray *
load_numbered (const char *dir,
               const char *model,
               const char *what)
{
  GPtrArray *tensors = g_ptr_array_new_with_free_func ((GDestroyNotify) graft_tensor_unref);
  g_autofree char *single = g_strdup_printf ("%s/%s.%s.npy", dir, model, what);
  GError *error = NULL;

  if (g_file_test (single, G_FILE_TEST_EXISTS))
    {
      g_ptr_array_add (tensors, graft_npy_load (single, &error));
      g_assert_no_error (error);
      return tensors;
    }
  for (guint i = 0;; i++)
    {
      g_autofree char *path = g_strdup_printf ("%s/%s.%s%u.npy", dir, model, what, i);

      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        break;
      g_ptr_array_add (tensors, graft_npy_load (path, &error));
      g_assert_no_error (error);
    }
  return tensors;
}

static double
compare_outputs (GraftTensor *got,
                 GraftTensor *want,
                 double      *worst_abs)
{
  g_autofree float *a = NULL;
  g_autofree float *b = NULL;
  gsize n;
  double worst_ratio = 0.0;

  g_assert_cmpuint (graft_tensor_get_rank (got), ==, graft_tensor_get_rank (want));
  for (guint i = 0; i < graft_tensor_get_rank (want); i++)
    g_assert_cmpuint (graft_tensor_get_dim (got, i), ==, graft_tensor_get_dim (want, i));
  a = graft_tensor_dup_float (got, NULL);
  b = graft_tensor_dup_float (want, NULL);
  n = graft_tensor_get_n_elements (want);
  *worst_abs = 0.0;
  for (gsize i = 0; i < n; i++)
    {
      double d = fabs ((double) a[i] - (double) b[i]);
      double ratio = d / (1e-4 * MAX (1.0, fabs ((double) b[i])));

      *worst_abs = MAX (*worst_abs, d);
      worst_ratio = MAX (worst_ratio, isnan (d) ? INFINITY : ratio);
    }
  return worst_ratio;
}

static void
test_predict_corpus (gconstpointer data)
{
  const PredictCase *c = data;
  g_autofree char *kdir = test_util_keras_dir ();
  g_autoptr(GraftModel) model = NULL;
  g_autoptr(GraftNet) net = NULL;
  g_autoptr(GPtrArray) inputs = NULL;
  g_autoptr(GPtrArray) expected = NULL;
  g_autoptr(GPtrArray) outputs = NULL;
  GError *error = NULL;

  model = graft_keras_load (c->weights != NULL ? c->weights : c->file, &error);
  g_assert_no_error (error);
  if (c->spec != NULL)
    {
      net = graft_spec_load (c->spec, &error);
      g_assert_no_error (error);
      graft_net_bind (net, model, &error);
      g_assert_no_error (error);
    }
  else if (c->weights != NULL)
    {
      g_autoptr(GraftModel) arch = graft_keras_load (c->file, &error);

      g_assert_no_error (error);
      net = graft_net_new_from_config (graft_model_get_config (arch), &error);
      g_assert_no_error (error);
      graft_net_bind (net, model, &error);
      g_assert_no_error (error);
    }
  else
    {
      net = graft_net_new_from_model (model, &error);
      g_assert_no_error (error);
    }

  inputs = load_numbered (kdir, c->model, "input");
  if (c->expected != NULL)
    {
      expected = g_ptr_array_new_with_free_func ((GDestroyNotify) graft_tensor_unref);
      g_ptr_array_add (expected, graft_npy_load (c->expected, &error));
      g_assert_no_error (error);
    }
  else
    expected = load_numbered (kdir, c->model, "output");
  g_assert_cmpuint (inputs->len, ==, graft_net_get_n_inputs (net));
  g_assert_cmpuint (expected->len, ==, graft_net_get_n_outputs (net));

  outputs = graft_net_predict (net, inputs->len, (GraftTensor *const *) inputs->pdata, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < expected->len; i++)
    {
      g_autofree char *base = g_path_get_basename (c->weights ? c->weights : c->file);
      double worst_abs;
      double ratio = compare_outputs (g_ptr_array_index (outputs, i), g_ptr_array_index (expected, i),
                                      &worst_abs);

      g_test_message ("%s output %u: max |d| = %.3g (%.3g of the tolerance)",
                      base, i, worst_abs, ratio);
      g_assert_cmpfloat (ratio, <=, 1.0);
    }
}

static gboolean
has_builtin_config (const char *kdir,
                    const char *model)
{
  g_autofree char *spec = g_test_build_filename (G_TEST_DIST, "data", "specs", NULL);
  g_autofree char *path = g_strdup_printf ("%s/%s.json", spec, model);

  return !g_file_test (path, G_FILE_TEST_EXISTS);
}

static void
add_case (const char *model,
          const char *file,
          const char *spec,
          const char *weights,
          const char *expected,
          const char *label)
{
  PredictCase *c = g_new0 (PredictCase, 1);
  g_autofree char *path = g_strdup_printf ("/predict/corpus/%s/%s", model, label);

  c->model = g_strdup (model);
  c->file = g_strdup (file);
  c->spec = g_strdup (spec);
  c->weights = g_strdup (weights);
  c->expected = g_strdup (expected);
  g_test_add_data_func_full (path, c, test_predict_corpus, predict_case_free);
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
      const char *m = g_ptr_array_index (models, i);
      g_autofree char *keras = g_strdup_printf ("%s/%s.keras", kdir, m);
      g_autofree char *legacy = g_strdup_printf ("%s/%s.legacy.h5", kdir, m);

      if (has_builtin_config (kdir, m))
        {
          add_case (m, keras, NULL, NULL, NULL, "keras");
          add_case (m, legacy, NULL, NULL, NULL, "legacy-h5");
        }
      else
        {
          g_autofree char *spec = g_test_build_filename (G_TEST_DIST, "data", "specs", m, NULL);
          g_autofree char *spec_json = g_strconcat (spec, ".json", NULL);
          static const char *const formats[] = { "keras", "weights.h5", "legacy.h5", "legacy_weights.h5" };

          for (guint f = 0; f < G_N_ELEMENTS (formats); f++)
            {
              g_autofree char *file = g_strdup_printf ("%s/%s.%s", kdir, m, formats[f]);
              g_autofree char *label = g_strdelimit (g_strdup_printf ("spec-%s", formats[f]), "._", '-');

              add_case (m, file, spec_json, NULL, NULL, label);
            }
        }
    }

  /* The transfer reference: seq_conv_newhead with weights loaded by name
   * from seq_conv's legacy weights. */
  {
    g_autofree char *file = g_strdup_printf ("%s/seq_conv_newhead.keras", kdir);
    g_autofree char *weights = g_strdup_printf ("%s/seq_conv_newhead.transfer_legacy_by_name.weights.h5", kdir);
    g_autofree char *expected = g_strdup_printf ("%s/seq_conv_newhead.transfer_legacy_by_name.output.npy", kdir);

    add_case ("seq_conv_newhead", file, NULL, weights, expected, "transfer-legacy-by-name");
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  graft_init ();
  add_corpus_cases ();
  return g_test_run ();
}
