/* test-layer-tree.c: GraftLayerTree and GraftLayerItem
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "graft-layer-tree.h"
#include "graft-ui-test.h"

#include <string.h>

static GraftModel *
load_fixture (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "keras", name, NULL);
  g_autoptr(GError) error = NULL;
  GraftModel *model = graft_keras_load (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (model);
  return model;
}

/* The visible rows as "depth:name" lines. */
static char *
describe_rows (GraftLayerTree *tree)
{
  GListModel *rows = graft_layer_tree_get_rows (tree);
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (rows, i);
      g_autoptr(GraftLayerItem) item = gtk_tree_list_row_get_item (row);

      g_string_append_printf (out, "%u:%s\n", gtk_tree_list_row_get_depth (row),
                              graft_layer_item_get_name (item));
    }
  return g_string_free (out, FALSE);
}

static void
test_layer_tree_rows (void)
{
  g_autoptr(GraftModel) model = load_fixture ("nested_functional.keras");
  GtkWidget *tree = g_object_ref_sink (graft_layer_tree_new ());
  g_autofree char *rows = NULL;
  GraftLayerItem *item;

  graft_layer_tree_set_model (GRAFT_LAYER_TREE (tree), model);
  rows = describe_rows (GRAFT_LAYER_TREE (tree));
  /* Layers open, optimizer state closed. */
  g_assert_cmpstr (rows, ==,
                   "0:feature_extractor\n"
                   "1:fe_conv\n"
                   "2:kernel\n"
                   "2:bias\n"
                   "1:fe_bn\n"
                   "2:gamma\n"
                   "2:beta\n"
                   "2:moving_mean\n"
                   "2:moving_variance\n"
                   "1:fe_conv2\n"
                   "2:kernel\n"
                   "2:bias\n"
                   "0:classifier\n"
                   "1:kernel\n"
                   "1:bias\n"
                   "0:Optimizer state\n");

  item = graft_layer_tree_find_item (GRAFT_LAYER_TREE (tree), "feature_extractor/fe_conv/kernel");
  g_assert_nonnull (item);
  g_assert_cmpint (graft_layer_item_get_kind (item), ==, GRAFT_LAYER_ITEM_WEIGHT);
  g_assert_cmpstr (graft_layer_item_get_shape (item), ==, "[3, 3, 3, 8]");
  {
    g_autofree char *dtype = NULL;
    g_autofree char *params = NULL;
    g_autofree char *class_name = NULL;

    g_object_get (item, "dtype", &dtype, "params", &params, NULL);
    g_assert_cmpstr (dtype, ==, "float32");
    g_assert_cmpstr (params, ==, "216");
    item = graft_layer_tree_find_item (GRAFT_LAYER_TREE (tree), "feature_extractor");
    g_object_get (item, "class-name", &class_name, NULL);
    g_assert_cmpstr (class_name, ==, "Sequential");
  }

  graft_layer_tree_set_model (GRAFT_LAYER_TREE (tree), NULL);
  g_assert_finalize_object (tree);
}

static void
test_layer_tree_filter (void)
{
  g_autoptr(GraftModel) model = load_fixture ("nested_functional.keras");
  GtkWidget *tree = g_object_ref_sink (graft_layer_tree_new ());
  g_autofree char *rows = NULL;
  g_autofree char *all = NULL;

  graft_layer_tree_set_model (GRAFT_LAYER_TREE (tree), model);
  graft_layer_tree_set_search_text (GRAFT_LAYER_TREE (tree), "BN");
  rows = describe_rows (GRAFT_LAYER_TREE (tree));
  /* Parents of a match stay, so that it can be reached. */
  g_assert_cmpstr (rows, ==,
                   "0:feature_extractor\n"
                   "1:fe_bn\n"
                   "2:gamma\n"
                   "2:beta\n"
                   "2:moving_mean\n"
                   "2:moving_variance\n");

  graft_layer_tree_set_search_text (GRAFT_LAYER_TREE (tree), "");
  all = describe_rows (GRAFT_LAYER_TREE (tree));
  g_assert_true (g_str_has_prefix (all, "0:feature_extractor\n1:fe_conv\n2:kernel\n"));

  g_assert_finalize_object (tree);
}

static void
test_layer_tree_select_and_badges (void)
{
  g_autoptr(GraftModel) model = load_fixture ("mlp_functional.keras");
  GtkWidget *tree = g_object_ref_sink (graft_layer_tree_new ());
  GraftWeight *weight;
  GraftLayerItem *item, *parent;
  g_autoptr(GraftEdit) edit = graft_edit_new (model);

  graft_layer_tree_set_model (GRAFT_LAYER_TREE (tree), model);
  weight = graft_model_get_weight (model, 0);
  g_assert_true (graft_layer_tree_select_path (GRAFT_LAYER_TREE (tree),
                                               graft_weight_get_path (weight)));
  item = graft_layer_tree_get_selected_item (GRAFT_LAYER_TREE (tree));
  g_assert_true (graft_layer_item_get_weight (item) == weight);
  g_assert_false (graft_layer_tree_select_path (GRAFT_LAYER_TREE (tree), "no/such/weight"));

  /* A changed weight and its layer are marked; undoing clears both. */
  {
    GraftTensor *t = graft_weight_get_tensor (weight);
    g_autoptr(GraftTensor) zeros = graft_tensor_new (graft_tensor_get_dtype (t),
                                                     graft_tensor_get_rank (t),
                                                     graft_tensor_get_shape (t));

    graft_edit_begin (edit, "zero");
    graft_edit_set_tensor (edit, weight, zeros);
    graft_edit_end (edit);
  }
  graft_layer_tree_update_modified (GRAFT_LAYER_TREE (tree), edit);
  parent = graft_layer_tree_find_item (GRAFT_LAYER_TREE (tree),
                                       graft_layer_get_path (graft_weight_get_layer (weight)));
  g_assert_true (graft_layer_item_get_modified (item));
  g_assert_true (graft_layer_item_get_modified (parent));
  g_assert_true (graft_edit_undo (edit));
  graft_layer_tree_update_modified (GRAFT_LAYER_TREE (tree), edit);
  g_assert_false (graft_layer_item_get_modified (item));
  g_assert_false (graft_layer_item_get_modified (parent));

  graft_layer_tree_set_nonfinite (GRAFT_LAYER_TREE (tree), weight, TRUE);
  g_assert_true (graft_layer_item_get_nonfinite (item));
  g_assert_true (graft_layer_item_get_nonfinite (parent));

  g_assert_finalize_object (tree);
}

static void
test_layer_tree_check_drop (void)
{
  g_autoptr(GraftModel) source = NULL;
  g_autoptr(GraftModel) target = NULL;
  g_autofree char *src_path = g_test_build_filename (G_TEST_DIST, "..", "data", "seq_conv.keras",
                                                     NULL);
  g_autofree char *why = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *src_tree = g_object_ref_sink (graft_layer_tree_new ());
  GtkWidget *tgt_tree = g_object_ref_sink (graft_layer_tree_new ());
  GraftLayerTree *s, *t;

  source = graft_keras_load (src_path, &error);
  g_assert_no_error (error);
  target = load_fixture ("seq_conv_newhead.weights.h5");
  s = GRAFT_LAYER_TREE (src_tree);
  t = GRAFT_LAYER_TREE (tgt_tree);
  graft_layer_tree_set_model (s, source);
  graft_layer_tree_set_model (t, target);
  graft_layer_tree_set_accepts_drops (t, TRUE);

  g_assert_true (graft_layer_tree_check_drop (t, graft_layer_tree_find_item (s, "conv1"),
                                              graft_layer_tree_find_item (t, "conv1"), &why));
  g_assert_nonnull (strstr (why, "2 weights"));
  g_clear_pointer (&why, g_free);

  /* [5408, 10] onto [5408, 5]: refused, and the reason names the weight,
   * both shapes, and the partial copy that is possible. */
  g_assert_false (graft_layer_tree_check_drop (t, graft_layer_tree_find_item (s, "dense"),
                                               graft_layer_tree_find_item (t, "new_dense"),
                                               &why));
  g_assert_cmpstr (why, ==, "Not copied: “dense/kernel” is 5408 × 10 in the source but 5408 × 5 "
                            "in the target (and 1 more weight). The overlapping block can be "
                            "copied instead.");
  g_clear_pointer (&why, g_free);

  /* A layer onto a weight is refused too. */
  g_assert_false (graft_layer_tree_check_drop (t, graft_layer_tree_find_item (s, "conv1"),
                                               graft_layer_tree_find_item (t, "conv1/bias"),
                                               &why));
  g_clear_pointer (&why, g_free);

  /* Not onto the tree it came from. */
  g_assert_false (graft_layer_tree_check_drop (t, graft_layer_tree_find_item (t, "conv1"),
                                               graft_layer_tree_find_item (t, "conv1"), NULL));

  g_assert_finalize_object (src_tree);
  g_assert_finalize_object (tgt_tree);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  graft_init ();
  graft_ui_test_setup_display ();

  g_test_add_func ("/layer-tree/rows", test_layer_tree_rows);
  g_test_add_func ("/layer-tree/filter", test_layer_tree_filter);
  g_test_add_func ("/layer-tree/select-and-badges", test_layer_tree_select_and_badges);
  g_test_add_func ("/layer-tree/check-drop", test_layer_tree_check_drop);

  return g_test_run ();
}
