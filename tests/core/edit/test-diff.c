/* test-diff.c: comparing two checkpoints weight by weight
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "graft.h"
#include "test-util.h"

/* diff A A is zero everywhere. */
static void
test_diff_self (gconstpointer data)
{
  const char *name = data;
  g_autoptr(GraftModel) a = test_util_load (name);
  g_autoptr(GraftModel) b = test_util_load (name);
  g_autoptr(GraftDiff) diff = NULL;
  g_autoptr(GError) error = NULL;

  if (a == NULL)
    return;
  diff = graft_diff_new (a, b, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (graft_diff_get_n_pairs (diff), ==, graft_model_get_n_weights (a));
  g_assert_cmpuint (graft_diff_get_n_only_a (diff), ==, 0);
  g_assert_cmpuint (graft_diff_get_n_only_b (diff), ==, 0);
  for (guint i = 0; i < graft_diff_get_n_pairs (diff); i++)
    {
      const GraftDiffStats *s = graft_diff_get_stats (diff, i);

      g_assert_false (s->shape_mismatch);
      g_assert_cmpfloat (s->max_abs, ==, 0);
      g_assert_cmpfloat (s->rel_norm, ==, 0);
      g_assert_cmpuint (s->n_changed, ==, 0);
      g_assert_cmpfloat_with_epsilon (s->cosine, 1.0, 1e-12);
      g_assert_cmpuint (s->n_elements, ==,
                        graft_tensor_get_n_elements (graft_weight_get_tensor (graft_diff_get_a (diff, i))));
    }
  g_assert_true (graft_diff_is_identical (diff));
}

/* The same model in two formats is the same model. */
static void
test_diff_across_formats (void)
{
  g_autoptr(GraftModel) a = test_util_load ("nested_functional.legacy.h5");
  g_autoptr(GraftModel) b = test_util_load ("nested_functional.keras");
  g_autoptr(GraftDiff) diff = NULL;
  g_autoptr(GError) error = NULL;

  if (a == NULL || b == NULL)
    return;
  diff = graft_diff_new (a, b, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (graft_diff_get_n_pairs (diff), ==, 10);
  g_assert_true (graft_diff_is_identical (diff));
}

/* Statistics checked against a direct computation. */
static void
test_diff_values (void)
{
  g_autoptr(GraftModel) a = test_util_load ("seq_conv_newhead.weights.h5");
  g_autoptr(GraftModel) b = test_util_load ("seq_conv_newhead.transfer_legacy_by_name.weights.h5");
  g_autoptr(GraftDiff) diff = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (a == NULL || b == NULL)
    return;
  diff = graft_diff_new (a, b, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (graft_diff_get_n_changed (diff), ==, 2);
  for (guint i = 0; i < graft_diff_get_n_pairs (diff); i++)
    {
      const GraftDiffStats *s = graft_diff_get_stats (diff, i);
      GraftTensor *ta = graft_weight_get_tensor (graft_diff_get_a (diff, i));
      g_autofree float *x = graft_tensor_dup_float (ta, &error);
      g_autofree float *y = graft_tensor_dup_float (graft_weight_get_tensor (graft_diff_get_b (diff, i)), &error);
      gsize n = graft_tensor_get_n_elements (ta);
      double max_abs = 0, dot = 0, xx = 0, yy = 0, dd = 0;
      guint64 changed = 0;

      for (gsize k = 0; k < n; k++)
        {
          double d = (double) y[k] - x[k];

          max_abs = MAX (max_abs, fabs (d));
          changed += x[k] != y[k];
          dot += (double) x[k] * y[k];
          xx += (double) x[k] * x[k];
          yy += (double) y[k] * y[k];
          dd += d * d;
        }
      g_assert_cmpfloat_with_epsilon (s->max_abs, max_abs, 1e-12);
      g_assert_cmpuint (s->n_changed, ==, changed);
      g_assert_cmpfloat_with_epsilon (s->rel_norm, sqrt (dd / xx), 1e-9);
      g_assert_cmpfloat_with_epsilon (s->cosine, dot / sqrt (xx * yy), 1e-9);
      if (g_str_has_prefix (graft_weight_get_path (graft_diff_get_a (diff, i)), "conv1/"))
        g_assert_cmpuint (s->n_changed, ==, s->n_elements);
      else
        g_assert_cmpuint (s->n_changed, ==, 0);
    }
  text = graft_diff_to_text (diff);
  g_assert_nonnull (strstr (text, "2 of 4 aligned weights differ"));
  g_assert_nonnull (strstr (text, "conv1"));
}

static void
test_diff_one_side (void)
{
  g_autoptr(GraftModel) a = test_util_load ("seq_conv.legacy.h5");
  g_autoptr(GraftModel) b = test_util_load ("seq_conv_newhead.keras");
  g_autoptr(GraftDiff) diff = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) json = NULL;
  JsonObject *obj;

  if (a == NULL || b == NULL)
    return;
  diff = graft_diff_new (a, b, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (graft_diff_get_n_pairs (diff), ==, 2);
  g_assert_cmpuint (graft_diff_get_n_only_a (diff), ==, 2);
  g_assert_cmpuint (graft_diff_get_n_only_b (diff), ==, 2);
  g_assert_cmpstr (graft_weight_get_path (graft_diff_get_only_a (diff, 0)), ==, "dense/kernel");
  g_assert_cmpstr (graft_weight_get_path (graft_diff_get_only_b (diff, 0)), ==, "new_dense/kernel");
  g_assert_false (graft_diff_is_identical (diff));

  json = graft_diff_to_json (diff);
  obj = json_node_get_object (json);
  g_assert_false (json_object_get_boolean_member (obj, "identical"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (obj, "only_in_a")), ==, 2);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (obj, "layers")), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json_object_get_array_member (obj, "layers"), 0), "layer"),
                   ==, "conv1");
}

/* Rules align renamed weights; shapes that differ are flagged, not compared. */
static void
test_diff_rules (void)
{
  g_autoptr(GraftModel) a = test_util_load ("seq_conv.legacy.h5");
  g_autoptr(GraftModel) b = test_util_load ("seq_conv_newhead.keras");
  const char * const rules[] = { "dense/*=new_dense/*", "conv1=conv1", NULL };
  const char * const bad[] = { "dense", NULL };
  g_autoptr(GraftDiff) diff = NULL;
  g_autoptr(GError) error = NULL;

  if (a == NULL || b == NULL)
    return;
  diff = graft_diff_new (a, b, rules, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (graft_diff_get_n_pairs (diff), ==, 4);
  g_assert_cmpuint (graft_diff_get_n_only_a (diff), ==, 0);
  g_assert_cmpuint (graft_diff_get_n_only_b (diff), ==, 0);
  g_assert_cmpuint (graft_diff_get_n_changed (diff), ==, 4);
  for (guint i = 0; i < graft_diff_get_n_pairs (diff); i++)
    {
      const char *path = graft_weight_get_path (graft_diff_get_b (diff, i));

      g_assert_cmpint (graft_diff_get_stats (diff, i)->shape_mismatch, ==, g_str_has_prefix (path, "new_dense"));
    }

  g_assert_null (graft_diff_new (a, b, bad, &error));
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_INVALID);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  graft_init ();

  g_test_add_data_func ("/diff/self/seq_conv.keras", "seq_conv.keras", test_diff_self);
  g_test_add_data_func ("/diff/self/nested_functional.legacy.h5", "nested_functional.legacy.h5", test_diff_self);
  g_test_add_data_func ("/diff/self/text_bigru.weights.h5", "text_bigru.weights.h5", test_diff_self);
  g_test_add_func ("/diff/across-formats", test_diff_across_formats);
  g_test_add_func ("/diff/values", test_diff_values);
  g_test_add_func ("/diff/one-side", test_diff_one_side);
  g_test_add_func ("/diff/rules", test_diff_rules);

  return g_test_run ();
}
