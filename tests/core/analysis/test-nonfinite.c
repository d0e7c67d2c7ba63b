/* test-nonfinite.c: finding the weights that hold NaN or infinite values
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "graft.h"
#include "graft-model-private.h"

static GraftTensor *
vector (float a,
        float b,
        float c)
{
  gsize shape[1] = { 3 };
  float *v = g_new (float, 3);

  v[0] = a;
  v[1] = b;
  v[2] = c;
  return graft_tensor_new_take (GRAFT_DTYPE_FLOAT32, 1, shape, v);
}

static GraftModel *
make_model (void)
{
  GraftModel *model = graft_model_new (NULL, GRAFT_FORMAT_UNKNOWN);
  GraftLayer *dense = graft_layer_ensure_child (graft_model_get_root (model), "dense");
  GraftLayer *big = graft_layer_ensure_child (graft_model_get_root (model), "big");
  g_autoptr(GraftTensor) clean = vector (1, 2, 3);
  g_autoptr(GraftTensor) nan = vector (1, NAN, 3);
  g_autoptr(GraftTensor) inf = vector (-INFINITY, 0, 0);
  gsize shape[1] = { 64 };
  g_autoptr(GraftTensor) large = graft_tensor_new (GRAFT_DTYPE_FLOAT32, 1, shape);
  gint32 *ints;
  g_autoptr(GraftTensor) count = NULL;

  ((float *) graft_tensor_get_data_mutable (large))[5] = NAN;
  ints = g_new0 (gint32, 3);
  count = graft_tensor_new_take (GRAFT_DTYPE_INT32, 1, (gsize[]) { 3 }, ints);
  graft_model_add_weight (model, dense, "kernel", NULL, graft_tensor_ref (clean),
                          GRAFT_TRAINABLE_YES);
  graft_model_add_weight (model, dense, "bias", NULL, graft_tensor_ref (nan), GRAFT_TRAINABLE_YES);
  graft_model_add_weight (model, dense, "count", NULL, graft_tensor_ref (count),
                          GRAFT_TRAINABLE_NO);
  graft_model_add_weight (model, big, "kernel", NULL, graft_tensor_ref (large),
                          GRAFT_TRAINABLE_YES);
  graft_model_add_weight (model, big, "bias", NULL, graft_tensor_ref (inf), GRAFT_TRAINABLE_YES);
  graft_model_finish (model);
  return model;
}

static void
test_nonfinite_scan (void)
{
  g_autoptr(GraftModel) model = make_model ();
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GPtrArray) all = NULL;
  GError *error = NULL;

  /* Tensors above 10 elements are not read: big/kernel is left out. */
  found = graft_nonfinite_scan (model, 10, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 2);
  g_assert_cmpstr (graft_weight_get_path (g_ptr_array_index (found, 0)), ==, "dense/bias");
  g_assert_cmpstr (graft_weight_get_path (g_ptr_array_index (found, 1)), ==, "big/bias");

  all = graft_nonfinite_scan (model, 1000, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, 3);
  g_assert_cmpstr (graft_weight_get_path (g_ptr_array_index (all, 1)), ==, "big/kernel");
}

static void
test_nonfinite_cancelled (void)
{
  g_autoptr(GraftModel) model = make_model ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  GError *error = NULL;

  g_cancellable_cancel (cancellable);
  g_assert_null (graft_nonfinite_scan (model, 1000, cancellable, &error));
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_CANCELLED);
  g_clear_error (&error);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/nonfinite/scan", test_nonfinite_scan);
  g_test_add_func ("/nonfinite/cancelled", test_nonfinite_cancelled);
  return g_test_run ();
}
