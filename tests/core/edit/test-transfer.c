/* test-transfer.c: transfer plans, their strategies and refusals, partial
 * copies, applying with undo and redo, and the Keras reference transfers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>

#include "graft.h"
#include "test-util.h"

static float *
values (GraftModel *model,
        const char *path)
{
  g_autoptr(GError) error = NULL;
  GraftWeight *w = graft_model_find_weight (model, path);
  float *v;

  g_assert_nonnull (w);
  v = graft_tensor_dup_float (graft_weight_get_tensor (w), &error);
  g_assert_no_error (error);
  return v;
}

static guint
find_pair (GraftTransferPlan *plan,
           const char        *target_path)
{
  for (guint i = 0; i < graft_transfer_plan_get_n_pairs (plan); i++)
    {
      GraftWeight *t = graft_transfer_plan_get_target (plan, i);

      if (t != NULL && g_str_equal (graft_weight_get_path (t), target_path))
        return i;
    }
  g_assert_not_reached ();
}

/* A finished plan from @source to @target, matched by @strategy. */
static GraftTransferPlan *
match_plan (GraftModel            *source,
            GraftModel            *target,
            GraftTransferStrategy  strategy)
{
  g_autoptr(GError) error = NULL;
  GraftTransferPlan *plan = graft_transfer_plan_new (source, target);

  g_assert_true (graft_transfer_plan_match (plan, strategy, &error));
  graft_transfer_plan_finish (plan);
  return plan;
}

static char *
make_tmp (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("graft-transfer-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static void
assert_h5diff_equal (const char *a,
                     const char *b)
{
  g_autofree char *prog = g_find_program_in_path ("h5diff");
  const char *argv[] = { "h5diff", a, b, NULL };
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (prog == NULL)
    return;
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL, NULL,
                NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
}

/* Applies @plan to @target, saves, and checks that the result has the
 * reference's datasets and values and that the source file is unchanged. */
static void
check_reference (const char        *source_name,
                 GraftModel        *target,
                 GraftTransferPlan *plan,
                 const char        *reference_name)
{
  g_autofree char *source_path = test_util_corpus_file (source_name);
  g_autofree char *reference = test_util_corpus_file (reference_name);
  g_autofree char *tmp = make_tmp ();
  g_autofree char *out = g_build_filename (tmp, "out.weights.h5", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gsize len_before = 0, len_after = 0;
  g_autoptr(GraftEdit) edit = graft_edit_new (target);
  g_autoptr(GraftModel) ref = NULL;
  g_autoptr(GraftModel) back = NULL;
  g_autoptr(GraftDiff) diff = NULL;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (source_path, &before, &len_before, &error);
  g_assert_no_error (error);
  g_assert_true (graft_transfer_plan_apply (plan, edit, &error));
  g_assert_no_error (error);
  g_assert_true (graft_edit_save (edit, out, GRAFT_FORMAT_UNKNOWN, GRAFT_SAVE_NONE, &error));
  g_assert_no_error (error);

  assert_h5diff_equal (out, reference);
  ref = test_util_load_path (reference);
  back = test_util_load_path (out);
  diff = graft_diff_new (ref, back, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (graft_diff_is_identical (diff));

  g_file_get_contents (source_path, &after, &len_after, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (before, len_before, after, len_after);

  g_unlink (out);
  g_rmdir (tmp);
}

/* seq_conv → seq_conv_newhead by name (legacy by_name + skip_mismatch):
 * only conv1 is taken, dense has no namesake. */
static void
test_transfer_reference_legacy_by_name (void)
{
  g_autoptr(GraftModel) source = test_util_load ("seq_conv.legacy_weights.h5");
  g_autoptr(GraftModel) target = test_util_load ("seq_conv_newhead.weights.h5");
  g_autoptr(GraftTransferPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *table = NULL;

  if (source == NULL || target == NULL)
    return;
  plan = graft_transfer_plan_new (source, target);
  g_assert_true (graft_transfer_plan_match (plan, GRAFT_TRANSFER_BY_NAME, &error));
  g_assert_no_error (error);
  graft_transfer_plan_finish (plan);

  g_assert_cmpuint (graft_transfer_plan_get_n_pairs (plan), ==, 6);
  g_assert_cmpuint (graft_transfer_plan_count (plan, GRAFT_TRANSFER_OK), ==, 2);
  g_assert_cmpuint (graft_transfer_plan_count (plan, GRAFT_TRANSFER_MISSING_IN_TARGET), ==, 2);
  g_assert_cmpuint (graft_transfer_plan_count (plan, GRAFT_TRANSFER_MISSING_IN_SOURCE), ==, 2);
  g_assert_cmpuint (graft_transfer_plan_get_n_copies (plan), ==, 2);

  /* The dry run says where each weight comes from and why the heads are left. */
  table = graft_transfer_plan_to_table (plan);
  g_assert_nonnull (strstr (table, "conv1/kernel"));
  g_assert_nonnull (strstr (table, "no layer 'dense' in target"));
  g_assert_nonnull (strstr (table, "no layer 'new_dense' in source; keeps its values"));

  check_reference ("seq_conv.legacy_weights.h5", target, plan,
                   "seq_conv_newhead.transfer_legacy_by_name.weights.h5");
}

/* Keras 3 matches by structural path: layers/dense exists in both, its
 * shapes differ, and skip_mismatch skips it. */
static void
test_transfer_reference_keras3_skip_mismatch (void)
{
  g_autoptr(GraftModel) source = test_util_load ("seq_conv.weights.h5");
  g_autoptr(GraftModel) target = test_util_load ("seq_conv_newhead.weights.h5");
  g_autoptr(GraftTransferPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  guint i;

  if (source == NULL || target == NULL)
    return;
  plan = graft_transfer_plan_new (source, target);
  graft_transfer_plan_set_skip_mismatch (plan, TRUE);
  g_assert_true (graft_transfer_plan_match (plan, GRAFT_TRANSFER_BY_LOCATION, &error));
  graft_transfer_plan_finish (plan);
  g_assert_cmpuint (graft_transfer_plan_count (plan, GRAFT_TRANSFER_OK), ==, 2);
  g_assert_cmpuint (graft_transfer_plan_count (plan, GRAFT_TRANSFER_SKIPPED), ==, 2);
  i = find_pair (plan, "new_dense/kernel");
  g_assert_cmpint (graft_transfer_plan_get_status (plan, i), ==, GRAFT_TRANSFER_SKIPPED);
  g_assert_cmpstr (graft_weight_get_path (graft_transfer_plan_get_source (plan, i)), ==, "dense/kernel");
  g_assert_nonnull (strstr (graft_transfer_plan_get_reason (plan, i), "[5408, 10]"));
  g_assert_nonnull (strstr (graft_transfer_plan_get_reason (plan, i), "[5408, 5]"));

  check_reference ("seq_conv.weights.h5", target, plan,
                   "seq_conv_newhead.transfer_keras3_weights_skip_mismatch.weights.h5");
}

/* By order, dense → new_dense mismatches; applying refuses and names both
 * weights and both shapes, and changes nothing. */
static void
test_transfer_refuse_mismatch (void)
{
  g_autoptr(GraftModel) source = test_util_load ("seq_conv.legacy.h5");
  g_autoptr(GraftModel) target = test_util_load ("seq_conv_newhead.legacy.h5");
  g_autoptr(GraftTransferPlan) plan = NULL;
  g_autoptr(GraftEdit) edit = NULL;
  g_autoptr(GError) error = NULL;
  GraftTensor *conv_before;

  if (source == NULL || target == NULL)
    return;
  plan = match_plan (source, target, GRAFT_TRANSFER_BY_ORDER);
  g_assert_cmpuint (graft_transfer_plan_count (plan, GRAFT_TRANSFER_OK), ==, 2);
  g_assert_cmpuint (graft_transfer_plan_count (plan, GRAFT_TRANSFER_SHAPE_MISMATCH), ==, 2);

  edit = graft_edit_new (target);
  conv_before = graft_weight_get_tensor (graft_model_find_weight (target, "conv1/kernel"));
  g_assert_false (graft_transfer_plan_apply (plan, edit, &error));
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_SHAPE);
  g_assert_cmpstr (error->message, ==,
                   "shape mismatch: source 'dense/kernel' is [5408, 10] but target "
                   "'new_dense/kernel' is [5408, 5] (and 1 more mismatches); nothing was "
                   "changed (use a partial copy or skip mismatches)");
  g_assert_true (graft_weight_get_tensor (graft_model_find_weight (target, "conv1/kernel")) == conv_before);
  g_assert_false (graft_edit_can_undo (edit));
  g_assert_false (graft_edit_is_dirty (edit));
}

/* 10 classes → 5 keeps the first 5 columns; 5 → 10 fills the first 5
 * columns and keeps the target's own values in the rest. */
static void
test_transfer_partial (void)
{
  g_autoptr(GraftModel) big = test_util_load ("seq_conv.legacy.h5");
  g_autoptr(GraftModel) small = test_util_load ("seq_conv_newhead.legacy.h5");
  g_autoptr(GError) error = NULL;

  if (big == NULL || small == NULL)
    return;

  {
    g_autoptr(GraftTransferPlan) plan = graft_transfer_plan_new (big, small);
    g_autoptr(GraftEdit) edit = graft_edit_new (small);
    g_autofree float *src = values (big, "dense/kernel");
    g_autofree float *src_bias = values (big, "dense/bias");
    g_autofree float *dst = NULL;
    g_autofree float *dst_bias = NULL;

    graft_transfer_plan_set_partial (plan, TRUE);
    g_assert_true (graft_transfer_plan_match (plan, GRAFT_TRANSFER_BY_ORDER, &error));
    graft_transfer_plan_finish (plan);
    g_assert_true (graft_transfer_plan_get_partial (plan, find_pair (plan, "new_dense/kernel")));
    g_assert_cmpuint (graft_transfer_plan_get_n_copies (plan), ==, 4);
    g_assert_true (graft_transfer_plan_apply (plan, edit, &error));
    g_assert_no_error (error);
    dst = values (small, "new_dense/kernel");
    dst_bias = values (small, "new_dense/bias");
    for (gsize r = 0; r < 5408; r += 97)
      for (gsize c = 0; c < 5; c++)
        g_assert_cmpfloat (dst[r * 5 + c], ==, src[r * 10 + c]);
    g_assert_cmpmem (dst_bias, 5 * sizeof (float), src_bias, 5 * sizeof (float));
  }

  {
    g_autoptr(GraftModel) fresh_small = test_util_load ("seq_conv_newhead.legacy.h5");
    g_autoptr(GraftTransferPlan) plan = graft_transfer_plan_new (fresh_small, big);
    g_autoptr(GraftEdit) edit = graft_edit_new (big);
    g_autofree float *src = values (fresh_small, "new_dense/kernel");
    g_autofree float *old = values (big, "dense/kernel");
    g_autofree float *dst = NULL;

    graft_transfer_plan_set_partial (plan, TRUE);
    g_assert_true (graft_transfer_plan_add_layer (plan, "new_dense", "dense", &error));
    g_assert_no_error (error);
    g_assert_true (graft_transfer_plan_apply (plan, edit, &error));
    g_assert_no_error (error);
    dst = values (big, "dense/kernel");
    for (gsize r = 0; r < 5408; r += 89)
      for (gsize c = 0; c < 10; c++)
        g_assert_cmpfloat (dst[r * 10 + c], ==, c < 5 ? src[r * 5 + c] : old[r * 10 + c]);
  }
}

/* Applying is one undo step; undo puts the very same tensors back. */
static void
test_transfer_undo_redo (void)
{
  g_autoptr(GraftModel) source = test_util_load ("seq_conv.legacy.h5");
  g_autoptr(GraftModel) target = test_util_load ("seq_conv_newhead.keras");
  g_autoptr(GraftTransferPlan) plan = NULL;
  g_autoptr(GraftEdit) edit = NULL;
  g_autoptr(GError) error = NULL;
  GraftWeight *tk, *sk, *tb;
  GraftTensor *orig_kernel, *orig_bias;

  if (source == NULL || target == NULL)
    return;
  edit = graft_edit_new (target);
  tk = graft_model_find_weight (target, "conv1/kernel");
  tb = graft_model_find_weight (target, "new_dense/bias");
  sk = graft_model_find_weight (source, "conv1/kernel");
  orig_kernel = graft_weight_get_tensor (tk);
  orig_bias = graft_weight_get_tensor (tb);
  g_assert_false (graft_edit_is_dirty (edit));
  g_assert_false (graft_edit_can_undo (edit));
  g_assert_null (graft_edit_get_undo_label (edit));

  plan = graft_transfer_plan_new (source, target);
  g_assert_true (graft_transfer_plan_match (plan, GRAFT_TRANSFER_BY_NAME, &error));
  g_assert_true (graft_transfer_plan_apply (plan, edit, &error));
  g_assert_no_error (error);
  /* Shared, not copied. */
  g_assert_true (graft_weight_get_tensor (tk) == graft_weight_get_tensor (sk));
  g_assert_true (graft_weight_get_tensor (tb) == orig_bias);
  g_assert_true (graft_edit_is_dirty (edit));
  g_assert_true (graft_edit_weight_is_modified (edit, tk));
  g_assert_false (graft_edit_weight_is_modified (edit, tb));
  g_assert_cmpuint (graft_edit_get_n_steps (edit), ==, 1);
  g_assert_cmpstr (graft_edit_get_undo_label (edit), ==, "Transfer 2 weights");
  {
    g_autoptr(GPtrArray) changed = graft_edit_dup_changed (edit);

    g_assert_cmpuint (changed->len, ==, 2);
  }

  g_assert_true (graft_edit_undo (edit));
  g_assert_true (graft_weight_get_tensor (tk) == orig_kernel);
  g_assert_false (graft_edit_is_dirty (edit));
  g_assert_false (graft_edit_weight_is_modified (edit, tk));
  g_assert_false (graft_edit_undo (edit));
  g_assert_true (graft_edit_can_redo (edit));
  g_assert_cmpstr (graft_edit_get_redo_label (edit), ==, "Transfer 2 weights");

  g_assert_true (graft_edit_redo (edit));
  g_assert_true (graft_weight_get_tensor (tk) == graft_weight_get_tensor (sk));
  g_assert_true (graft_edit_is_dirty (edit));
  g_assert_false (graft_edit_redo (edit));

  /* A new change after an undo forgets the undone step. */
  g_assert_true (graft_edit_undo (edit));
  graft_edit_set_tensor (edit, tb, graft_weight_get_tensor (graft_model_find_weight (target, "new_dense/bias")));
  g_assert_cmpuint (graft_edit_get_n_steps (edit), ==, 1);
  {
    g_autoptr(GraftTensor) zeros = graft_tensor_new (GRAFT_DTYPE_FLOAT32, 1, graft_tensor_get_shape (orig_bias));

    graft_edit_set_tensor (edit, tb, zeros);
  }
  g_assert_cmpuint (graft_edit_get_n_steps (edit), ==, 1);
  g_assert_false (graft_edit_can_redo (edit));
  g_assert_true (graft_edit_undo (edit));
  g_assert_true (graft_weight_get_tensor (tb) == orig_bias);
  g_assert_true (graft_weight_get_tensor (tk) == orig_kernel);
}

static void
test_transfer_by_shape (void)
{
  g_autoptr(GraftModel) source = test_util_load ("seq_conv.legacy.h5");
  g_autoptr(GraftModel) target = test_util_load ("seq_conv_newhead.weights.h5");
  g_autoptr(GraftTransferPlan) plan = NULL;
  guint i;

  if (source == NULL || target == NULL)
    return;
  plan = match_plan (source, target, GRAFT_TRANSFER_BY_SHAPE);
  g_assert_cmpuint (graft_transfer_plan_count (plan, GRAFT_TRANSFER_OK), ==, 2);
  i = find_pair (plan, "new_dense/kernel");
  g_assert_cmpint (graft_transfer_plan_get_status (plan, i), ==, GRAFT_TRANSFER_MISSING_IN_SOURCE);
  g_assert_nonnull (strstr (graft_transfer_plan_get_reason (plan, i), "no unused source weight is [5408, 5]"));
  i = find_pair (plan, "conv1/bias");
  g_assert_cmpstr (graft_weight_get_path (graft_transfer_plan_get_source (plan, i)), ==, "conv1/bias");
}

/* By name recurses into nested models, across formats. */
static void
test_transfer_by_name_nested (void)
{
  g_autoptr(GraftModel) source = test_util_load ("nested_functional.legacy.h5");
  g_autoptr(GraftModel) target = test_util_load ("nested_functional.weights.h5");
  g_autoptr(GraftTransferPlan) plan = NULL;
  guint i;

  if (source == NULL || target == NULL)
    return;
  plan = match_plan (source, target, GRAFT_TRANSFER_BY_NAME);
  g_assert_cmpuint (graft_transfer_plan_count (plan, GRAFT_TRANSFER_OK), ==, 10);
  g_assert_cmpuint (graft_transfer_plan_get_n_pairs (plan), ==, 10);
  i = find_pair (plan, "feature_extractor/fe_bn/moving_variance");
  g_assert_cmpstr (graft_weight_get_path (graft_transfer_plan_get_source (plan, i)), ==,
                   "feature_extractor/fe_bn/moving_variance");
}

static void
test_transfer_rules (void)
{
  g_autoptr(GraftModel) source = test_util_load ("seq_conv.legacy.h5");
  g_autoptr(GraftModel) target = test_util_load ("seq_conv_newhead.weights.h5");
  g_autoptr(GError) error = NULL;

  if (source == NULL || target == NULL)
    return;
  {
    g_autoptr(GraftTransferPlan) plan = graft_transfer_plan_new (source, target);

    g_assert_true (graft_transfer_plan_add_rule (plan, "conv*/*=conv*/*", &error));
    g_assert_no_error (error);
    g_assert_true (graft_transfer_plan_add_rule (plan, "dense={}new_dense", &error) == FALSE);
    g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_INVALID);
    g_assert_cmpstr (error->message, ==, "mapping 'dense={}new_dense': the target has 1 wildcards, the source 0");
    g_clear_error (&error);
    /* A layer path covers the weights below it. */
    g_assert_true (graft_transfer_plan_add_rule (plan, "dense=new_dense", &error));
    graft_transfer_plan_finish (plan);
    g_assert_cmpuint (graft_transfer_plan_count (plan, GRAFT_TRANSFER_OK), ==, 2);
    g_assert_cmpuint (graft_transfer_plan_count (plan, GRAFT_TRANSFER_SHAPE_MISMATCH), ==, 2);
    g_assert_cmpstr (graft_weight_get_path (graft_transfer_plan_get_source (plan, find_pair (plan, "new_dense/bias"))),
                     ==, "dense/bias");
  }
  {
    g_autoptr(GraftTransferPlan) plan = graft_transfer_plan_new (source, target);

    g_assert_false (graft_transfer_plan_add_rule (plan, "no-equals-sign", &error));
    g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_INVALID);
    g_assert_cmpstr (error->message, ==, "mapping 'no-equals-sign' is not of the form SOURCE=TARGET");
    g_clear_error (&error);
    g_assert_false (graft_transfer_plan_add_rule (plan, "enc/*=encoder/*", &error));
    g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_NOT_FOUND);
    g_assert_nonnull (strstr (error->message, "no weight of"));
    g_assert_nonnull (strstr (error->message, "matches 'enc/*'"));
    g_clear_error (&error);
    g_assert_true (graft_transfer_plan_add_rule (plan, "conv1/*=nothing/*", &error));
    graft_transfer_plan_finish (plan);
    g_assert_nonnull (strstr (graft_transfer_plan_get_reason (plan, 0), "no weight 'nothing/kernel' in target"));
  }
}

static void
test_transfer_layer_mapping (void)
{
  g_autoptr(GraftModel) source = test_util_load ("nested_functional.legacy.h5");
  g_autoptr(GraftModel) target = test_util_load ("nested_functional.keras");
  g_autoptr(GError) error = NULL;

  if (source == NULL || target == NULL)
    return;
  {
    g_autoptr(GraftTransferPlan) plan = graft_transfer_plan_new (source, target);

    g_assert_true (graft_transfer_plan_add_layer (plan, "feature_extractor", "feature_extractor", &error));
    g_assert_no_error (error);
    graft_transfer_plan_finish (plan);
    g_assert_cmpuint (graft_transfer_plan_count (plan, GRAFT_TRANSFER_OK), ==, 8);
    g_assert_cmpuint (graft_transfer_plan_count (plan, GRAFT_TRANSFER_MISSING_IN_SOURCE), ==, 2);
  }
  {
    g_autoptr(GraftTransferPlan) plan = graft_transfer_plan_new (source, target);

    g_assert_true (graft_transfer_plan_add_layer (plan, "classifier/bias", "classifier/bias", &error));
    g_assert_false (graft_transfer_plan_add_layer (plan, "nope", "classifier", &error));
    g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_NOT_FOUND);
    g_assert_nonnull (strstr (error->message, "no layer or weight 'nope'"));
    g_clear_error (&error);
    g_assert_false (graft_transfer_plan_add_layer (plan, "classifier", "nope", &error));
    g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_NOT_FOUND);
    g_clear_error (&error);
    g_assert_false (graft_transfer_plan_add_layer (plan, "classifier", "classifier/kernel", &error));
    g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_INVALID);
    g_assert_cmpstr (error->message, ==, "cannot map layer 'classifier' onto weight 'classifier/kernel': "
                     "map a layer onto a layer, or a weight onto a weight");
    g_clear_error (&error);
    graft_transfer_plan_finish (plan);
    g_assert_cmpuint (graft_transfer_plan_count (plan, GRAFT_TRANSFER_OK), ==, 1);
  }
}

static void
test_transfer_by_order_count_mismatch (void)
{
  g_autoptr(GraftModel) source = test_util_load ("seq_conv.legacy.h5");
  g_autoptr(GraftModel) target = test_util_load ("vgg_small.legacy.h5");
  g_autoptr(GraftTransferPlan) plan = NULL;
  g_autoptr(GError) error = NULL;

  if (source == NULL || target == NULL)
    return;
  plan = graft_transfer_plan_new (source, target);
  g_assert_false (graft_transfer_plan_match (plan, GRAFT_TRANSFER_BY_ORDER, &error));
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_SHAPE);
  g_assert_nonnull (strstr (error->message, "has 2 layers with weights"));
}

/* A float64 source converts to the float32 target, with its own status. */
static void
test_transfer_dtype_converted (void)
{
  g_autoptr(GraftModel) source = test_util_load ("seq_conv.legacy.h5");
  g_autoptr(GraftModel) target = test_util_load ("seq_conv_newhead.weights.h5");
  g_autoptr(GraftEdit) source_edit = NULL;
  g_autoptr(GraftEdit) edit = NULL;
  g_autoptr(GraftTransferPlan) plan = NULL;
  g_autoptr(GraftTensor) wide = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree float *want = NULL;
  g_autofree float *got = NULL;
  GraftWeight *sw;
  guint i;

  if (source == NULL || target == NULL)
    return;
  sw = graft_model_find_weight (source, "conv1/kernel");
  wide = graft_tensor_convert (graft_weight_get_tensor (sw), GRAFT_DTYPE_FLOAT64, &error);
  g_assert_no_error (error);
  source_edit = graft_edit_new (source);
  graft_edit_set_tensor (source_edit, sw, wide);

  plan = match_plan (source, target, GRAFT_TRANSFER_BY_NAME);
  i = find_pair (plan, "conv1/kernel");
  g_assert_cmpint (graft_transfer_plan_get_status (plan, i), ==, GRAFT_TRANSFER_CONVERTED);
  g_assert_nonnull (strstr (graft_transfer_plan_get_reason (plan, i), "float64 converted to float32"));
  edit = graft_edit_new (target);
  g_assert_true (graft_transfer_plan_apply (plan, edit, &error));
  g_assert_no_error (error);
  g_assert_cmpint (graft_tensor_get_dtype (graft_weight_get_tensor (graft_model_find_weight (target, "conv1/kernel"))),
                   ==, GRAFT_DTYPE_FLOAT32);
  graft_edit_undo (source_edit);
  want = values (source, "conv1/kernel");
  got = values (target, "conv1/kernel");
  g_assert_cmpmem (want, 288 * sizeof (float), got, 288 * sizeof (float));
}

static void
test_transfer_json (void)
{
  g_autoptr(GraftModel) source = test_util_load ("seq_conv.legacy_weights.h5");
  g_autoptr(GraftModel) target = test_util_load ("seq_conv_newhead.weights.h5");
  g_autoptr(GraftTransferPlan) plan = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *obj, *counts, *first;
  JsonArray *pairs;

  if (source == NULL || target == NULL)
    return;
  plan = match_plan (source, target, GRAFT_TRANSFER_BY_NAME);
  root = graft_transfer_plan_to_json (plan);
  obj = json_node_get_object (root);
  pairs = json_object_get_array_member (obj, "pairs");
  g_assert_cmpuint (json_array_get_length (pairs), ==, 6);
  first = json_array_get_object_element (pairs, 0);
  g_assert_cmpstr (json_object_get_string_member (first, "status"), ==, "ok");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (first, "target"), "location"),
                   ==, "/layers/conv2d/vars/0");
  counts = json_object_get_object_member (obj, "counts");
  g_assert_cmpint (json_object_get_int_member (counts, "ok"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (counts, "missing-in-source"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (obj, "copies"), ==, 2);
}

static void
test_transfer_names (void)
{
  GraftTransferStrategy s;

  g_assert_cmpstr (graft_transfer_status_get_name (GRAFT_TRANSFER_CONVERTED), ==, "dtype-converted");
  g_assert_cmpstr (graft_transfer_strategy_get_name (GRAFT_TRANSFER_BY_ORDER), ==, "order");
  g_assert_true (graft_transfer_strategy_from_name ("shape", &s));
  g_assert_cmpint (s, ==, GRAFT_TRANSFER_BY_SHAPE);
  g_assert_false (graft_transfer_strategy_from_name ("magic", &s));
}

/* The CLI: a dry run writes nothing, a refusal exits non-zero with the
 * reason on one line. */
static void
test_transfer_cli (void)
{
  const char *cli = g_getenv ("GRAFT_CLI");
  g_autofree char *source = test_util_corpus_file ("seq_conv.legacy.h5");
  g_autofree char *target = test_util_corpus_file ("seq_conv_newhead.keras");
  g_autofree char *tmp = NULL;
  g_autofree char *out = NULL;
  g_autofree char *stdout_text = NULL;
  g_autofree char *stderr_text = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (source == NULL || target == NULL)
    return;
  if (cli == NULL)
    {
      g_test_skip ("GRAFT_CLI not set");
      return;
    }
  tmp = make_tmp ();
  out = g_build_filename (tmp, "out.keras", NULL);
  {
    const char *argv[] = { cli, "transfer", source, target, "-o", out, "--dry-run", NULL };

    g_spawn_sync (NULL, (char **) argv, NULL, 0, NULL, NULL, &stdout_text, &stderr_text, &status, &error);
    g_assert_no_error (error);
    g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
    g_assert_nonnull (strstr (stdout_text, "no layer 'new_dense' in source"));
    g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
    g_clear_pointer (&stdout_text, g_free);
    g_clear_pointer (&stderr_text, g_free);
  }
  {
    const char *argv[] = { cli, "transfer", source, target, "-o", out, "--by", "order", NULL };

    g_spawn_sync (NULL, (char **) argv, NULL, 0, NULL, NULL, &stdout_text, &stderr_text, &status, &error);
    g_assert_no_error (error);
    g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 1);
    g_assert_nonnull (strstr (stderr_text, "shape mismatch: source 'dense/kernel' is [5408, 10]"));
    g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
    g_clear_pointer (&stdout_text, g_free);
    g_clear_pointer (&stderr_text, g_free);
  }
  {
    const char *argv[] = { cli, "transfer", source, target, "-o", out, "--by", "order", "--partial", NULL };

    g_spawn_sync (NULL, (char **) argv, NULL, 0, NULL, NULL, &stdout_text, &stderr_text, &status, &error);
    g_assert_no_error (error);
    g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
    g_assert_true (g_file_test (out, G_FILE_TEST_EXISTS));
  }
  g_unlink (out);
  g_rmdir (tmp);
}

/* Every strategy of the table is reachable by its name and describes
 * itself; an unknown name is refused. */
static void
test_transfer_strategy_table (void)
{
  g_autofree char *names = graft_transfer_strategy_dup_names ();
  GraftTransferStrategy strategy;

  g_assert_cmpstr (names, ==, "name, order, shape, location, structure");
  for (guint i = 0; i < GRAFT_N_TRANSFER_STRATEGIES; i++)
    {
      g_assert_true (graft_transfer_strategy_from_name (graft_transfer_strategy_get_name (i),
                                                        &strategy));
      g_assert_cmpuint (strategy, ==, i);
      g_assert_cmpuint (strlen (graft_transfer_strategy_get_label (i)), >, 0);
      g_assert_cmpuint (strlen (graft_transfer_strategy_get_description (i)), >, 20);
    }
  g_assert_false (graft_transfer_strategy_from_name ("nonsense", &strategy));
  g_assert_false (graft_transfer_strategy_from_name (NULL, &strategy));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  graft_init ();

  g_test_add_func ("/transfer/strategy-table", test_transfer_strategy_table);
  g_test_add_func ("/transfer/names", test_transfer_names);
  g_test_add_func ("/transfer/reference/legacy-by-name", test_transfer_reference_legacy_by_name);
  g_test_add_func ("/transfer/reference/keras3-skip-mismatch", test_transfer_reference_keras3_skip_mismatch);
  g_test_add_func ("/transfer/refuse/shape-mismatch", test_transfer_refuse_mismatch);
  g_test_add_func ("/transfer/refuse/order-count", test_transfer_by_order_count_mismatch);
  g_test_add_func ("/transfer/partial", test_transfer_partial);
  g_test_add_func ("/transfer/undo-redo", test_transfer_undo_redo);
  g_test_add_func ("/transfer/by-shape", test_transfer_by_shape);
  g_test_add_func ("/transfer/by-name/nested", test_transfer_by_name_nested);
  g_test_add_func ("/transfer/rules", test_transfer_rules);
  g_test_add_func ("/transfer/layer", test_transfer_layer_mapping);
  g_test_add_func ("/transfer/dtype-converted", test_transfer_dtype_converted);
  g_test_add_func ("/transfer/json", test_transfer_json);
  g_test_add_func ("/transfer/cli", test_transfer_cli);

  return g_test_run ();
}
