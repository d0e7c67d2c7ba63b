/* test-layer-tree.c: GraftLayerTree and GraftLayerItem
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "graft-layer-tree.h"
#include "graft-ui-test.h"

#include <glib/gstdio.h>
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
                   "0:Optimizer\n");

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

/* Sets @weight to zeros in one step of @edit. */
static void
zero_weight (GraftEdit   *edit,
             GraftWeight *weight)
{
  GraftTensor *t = graft_weight_get_tensor (weight);
  g_autoptr(GraftTensor) zeros = graft_tensor_new (graft_tensor_get_dtype (t),
                                                   graft_tensor_get_rank (t),
                                                   graft_tensor_get_shape (t));

  graft_edit_begin (edit, "zero");
  graft_edit_set_tensor (edit, weight, zeros);
  graft_edit_end (edit);
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
  zero_weight (edit, weight);
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

/* ---- columns fit their content at the default pane width ---------------- */

/* The width the window gives each tree pane at its default size. */
#define PANE_WIDTH 270

static GraftModel *
load_example (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "data", name, NULL);
  g_autoptr(GError) error = NULL;
  GraftModel *model = graft_keras_load (path, &error);

  g_assert_no_error (error);
  return model;
}

static gboolean
tree_has_rows (gpointer data)
{
  GtkWidget *tree = data;

  return gtk_widget_get_mapped (tree) && gtk_widget_get_width (tree) > 0;
}

static GtkWidget *
show_tree (GraftModel *model,
           gboolean    compact,
           int         width)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *tree = graft_layer_tree_new ();

  graft_layer_tree_set_compact (GRAFT_LAYER_TREE (tree), compact);
  graft_layer_tree_set_model (GRAFT_LAYER_TREE (tree), model);
  gtk_window_set_default_size (GTK_WINDOW (window), width, 600);
  gtk_window_set_child (GTK_WINDOW (window), tree);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (graft_ui_test_wait (tree_has_rows, tree, 5000));
  graft_ui_test_drain (300);
  return window;
}

/* Every label of the column view shown whole: as wide as it asks to be, and
 * inside the tree, not cut by its right edge. Returns how many it saw. */
static guint
assert_labels_fit (GtkWidget *tree,
                   GtkWidget *widget)
{
  guint n = 0;

  if (!gtk_widget_get_mapped (widget))
    return 0;
  if (GTK_IS_LABEL (widget) && gtk_label_get_text (GTK_LABEL (widget))[0] != '\0')
    {
      graphene_rect_t bounds;
      int natural;

      gtk_widget_measure (widget, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &natural, NULL, NULL);
      g_assert_true (gtk_widget_compute_bounds (widget, tree, &bounds));
      if (natural > gtk_widget_get_width (widget) ||
          bounds.origin.x + natural > gtk_widget_get_width (tree) + 0.5)
        g_error ("\"%s\" needs %d px, has %d px at x = %g in a tree %d px wide",
                 gtk_label_get_text (GTK_LABEL (widget)), natural, gtk_widget_get_width (widget),
                 bounds.origin.x, gtk_widget_get_width (tree));
      return 1;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += assert_labels_fit (tree, child);
  return n;
}

static GtkWidget *
find_column_view (GtkWidget *widget)
{
  if (GTK_IS_COLUMN_VIEW (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_column_view (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
column_visible (GtkWidget  *view,
                const char *title)
{
  GListModel *columns = gtk_column_view_get_columns (GTK_COLUMN_VIEW (view));

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      if (g_strcmp0 (gtk_column_view_column_get_title (column), title) == 0)
        return gtk_column_view_column_get_visible (column);
    }
  g_assert_not_reached ();
}

/* The example pair in transfer mode (compact trees): at the pane's width
 * every label shows whole; a column that would not fit is left out, never
 * cut, and the name and shape always show. A little wider, all three. */
static void
test_layer_tree_columns_fit (void)
{
  const char *files[] = { "seq_conv.keras", "seq_conv_newhead.keras" };
  const int widths[] = { PANE_WIDTH, PANE_WIDTH + 40 };

  for (guint w = 0; w < G_N_ELEMENTS (widths); w++)
    for (guint i = 0; i < G_N_ELEMENTS (files); i++)
      {
        g_autoptr(GraftModel) model = load_example (files[i]);
        GtkWidget *window = show_tree (model, TRUE, widths[w]);
        GtkWidget *tree = gtk_window_get_child (GTK_WINDOW (window));
        GtkWidget *view = find_column_view (tree);
        guint n_columns = w > 0 || i == 0 ? 3 : 2;

        g_assert_true (column_visible (view, "Name"));
        g_assert_true (column_visible (view, "Shape"));
        g_assert_cmpint (column_visible (view, "Params"), ==, n_columns == 3);
        /* Titles, six names, four shapes (layers have none), six counts. */
        g_assert_cmpuint (assert_labels_fit (tree, view), >=, n_columns == 3 ? 19 : 12);
        gtk_window_destroy (GTK_WINDOW (window));
      }
}

/* Browsing one file, wide enough for all five columns: the class and dtype
 * too, nested layers. */
static void
test_layer_tree_columns_fit_browse (void)
{
  g_autoptr(GraftModel) model = load_fixture ("nested_functional.keras");
  GtkWidget *window = show_tree (model, FALSE, 600);
  GtkWidget *tree = gtk_window_get_child (GTK_WINDOW (window));
  GtkWidget *view = find_column_view (tree);

  g_assert_true (column_visible (view, "Class"));
  g_assert_true (column_visible (view, "Type"));
  /* Titles, 12 names, 10 shapes, 10 dtypes, 16 counts, 4 classes. */
  g_assert_cmpuint (assert_labels_fit (tree, view), >=, 5 + 12 + 10 + 10 + 12 + 4);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* A modified row keeps every column whole: its mark has room of its own. */
static void
test_layer_tree_columns_fit_modified (void)
{
  g_autoptr(GraftModel) model = load_example ("seq_conv_newhead.keras");
  g_autoptr(GraftEdit) edit = graft_edit_new (model);
  GtkWidget *window = show_tree (model, TRUE, PANE_WIDTH + 40);
  GtkWidget *tree = gtk_window_get_child (GTK_WINDOW (window));
  GtkWidget *view = find_column_view (tree);
  GraftWeight *weight = graft_model_find_weight (model, "new_dense/kernel");

  zero_weight (edit, weight);
  graft_layer_tree_update_modified (GRAFT_LAYER_TREE (tree), edit);
  graft_ui_test_drain (300);
  g_assert_true (graft_layer_item_get_modified (
    graft_layer_tree_find_item (GRAFT_LAYER_TREE (tree), "new_dense/kernel")));
  g_assert_true (column_visible (view, "Params"));
  g_assert_cmpuint (assert_labels_fit (tree, view), >=, 19);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* A column the user widens keeps its width; the others still show whole
 * or not at all. */
static void
test_layer_tree_columns_user_width (void)
{
  g_autoptr(GraftModel) model = load_example ("seq_conv_newhead.keras");
  GtkWidget *window = show_tree (model, TRUE, PANE_WIDTH + 40);
  GtkWidget *tree = gtk_window_get_child (GTK_WINDOW (window));
  GtkWidget *view = find_column_view (tree);
  GListModel *columns = gtk_column_view_get_columns (GTK_COLUMN_VIEW (view));
  g_autoptr(GtkColumnViewColumn) shape = g_list_model_get_item (columns, 2);

  g_assert_cmpstr (gtk_column_view_column_get_title (shape), ==, "Shape");
  /* As GTK does at the end of a drag on the column's edge. */
  gtk_column_view_column_set_fixed_width (shape, 150);
  graft_ui_test_drain (300);
  g_assert_cmpint (gtk_column_view_column_get_fixed_width (shape), ==, 150);
  g_assert_false (column_visible (view, "Params"));
  g_assert_cmpuint (assert_labels_fit (tree, view), >=, 12);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* A safetensors file of @n_layers layers of a weight and a bias each, one
 * float apiece, written to a new temporary folder. */
static char *
write_many_layers (guint n_layers)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("graft-layer-tree-XXXXXX", &error);
  g_autoptr(GString) header = g_string_new ("{");
  g_autoptr(GByteArray) file = g_byte_array_new ();
  char *path;
  guint64 length;
  guint8 le[8];

  g_assert_no_error (error);
  for (guint i = 0; i < 2 * n_layers; i++)
    g_string_append_printf (header, "%s\"fc%03u.%s\":{\"dtype\":\"F32\",\"shape\":[1],"
                            "\"data_offsets\":[%u,%u]}", i > 0 ? "," : "", i / 2,
                            i % 2 ? "bias" : "weight", 4 * i, 4 * i + 4);
  g_string_append_c (header, '}');
  length = header->len;
  for (guint b = 0; b < 8; b++)
    le[b] = (guint8) (length >> (8 * b));
  g_byte_array_append (file, le, 8);
  g_byte_array_append (file, (const guint8 *) header->str, header->len);
  for (guint i = 0; i < 2 * n_layers; i++)
    {
      float value = (float) i;

      g_byte_array_append (file, (const guint8 *) &value, sizeof value);
    }
  path = g_build_filename (dir, "many.safetensors", NULL);
  g_file_set_contents (path, (const char *) file->data, file->len, &error);
  g_assert_no_error (error);
  return path;
}

static void
remove_written (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);

  g_assert_cmpint (g_remove (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static gboolean
view_has_all_rows (gpointer data)
{
  GtkWidget *tree = data;
  GtkColumnView *view = GTK_COLUMN_VIEW (find_column_view (tree));
  GListModel *given = G_LIST_MODEL (gtk_column_view_get_model (view));

  return g_list_model_get_n_items (given) ==
         g_list_model_get_n_items (graft_layer_tree_get_rows (GRAFT_LAYER_TREE (tree)));
}

static GtkWidget *
find_expander (GtkWidget *widget,
               gpointer   item)
{
  if (GTK_IS_TREE_EXPANDER (widget) &&
      gtk_tree_expander_get_item (GTK_TREE_EXPANDER (widget)) == item)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_expander (child, item);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The mark image on the icon of row @position's name cell. */
static GtkImage *
row_mark (GtkWidget *view,
          guint      position)
{
  GListModel *given = G_LIST_MODEL (gtk_column_view_get_model (GTK_COLUMN_VIEW (view)));
  g_autoptr(GtkTreeListRow) row = g_list_model_get_item (given, position);
  g_autoptr(GraftLayerItem) item = gtk_tree_list_row_get_item (row);
  GtkWidget *expander = find_expander (view, item);
  GtkWidget *overlay;

  g_assert_nonnull (expander);
  overlay = gtk_widget_get_first_child (gtk_tree_expander_get_child (GTK_TREE_EXPANDER (expander)));
  g_assert_true (GTK_IS_OVERLAY (overlay));
  return GTK_IMAGE (gtk_widget_get_last_child (overlay));
}

/* A big model's rows reach the view a screenful first, then more in each
 * main-loop turn, so that opening it does not make hundreds of rows'
 * widgets at once; a row asked
 * for before its turn is there at once; the mark of a row follows its item. */
static void
test_layer_tree_rows_in_turns (void)
{
  g_autofree char *path = write_many_layers (60);
  g_autoptr(GError) error = NULL;
  g_autoptr(GraftModel) model = graft_keras_load (path, &error);
  GtkWidget *window, *tree, *view;
  GListModel *given;
  GraftLayerItem *item;
  guint all;

  g_assert_no_error (error);
  window = show_tree (model, FALSE, 600);
  tree = gtk_window_get_child (GTK_WINDOW (window));
  view = find_column_view (tree);
  /* 60 layers, each with its two weights. */
  all = g_list_model_get_n_items (graft_layer_tree_get_rows (GRAFT_LAYER_TREE (tree)));
  g_assert_cmpuint (all, ==, 180);
  g_assert_true (graft_ui_test_wait (view_has_all_rows, tree, 5000));

  item = graft_layer_tree_find_item (GRAFT_LAYER_TREE (tree), "fc000/weight");
  g_assert_nonnull (item);
  g_assert_null (gtk_image_get_icon_name (row_mark (view, 1)));
  graft_layer_item_set_modified (item, TRUE);
  g_assert_cmpstr (gtk_image_get_icon_name (row_mark (view, 1)), ==, "media-record-symbolic");
  graft_layer_item_set_modified (item, FALSE);
  g_assert_null (gtk_image_get_icon_name (row_mark (view, 1)));

  /* Again without a turn of the main loop in between. */
  graft_layer_tree_set_model (GRAFT_LAYER_TREE (tree), NULL);
  graft_layer_tree_set_model (GRAFT_LAYER_TREE (tree), model);
  given = G_LIST_MODEL (gtk_column_view_get_model (GTK_COLUMN_VIEW (view)));
  g_assert_cmpuint (g_list_model_get_n_items (given), <, all);
  g_assert_cmpuint (g_list_model_get_n_items (given), >=, 40);
  g_assert_true (graft_layer_tree_select_path (GRAFT_LAYER_TREE (tree), "fc059/bias"));
  g_assert_cmpuint (g_list_model_get_n_items (given), ==, all);
  item = graft_layer_tree_get_selected_item (GRAFT_LAYER_TREE (tree));
  g_assert_cmpstr (graft_layer_item_get_path (item), ==, "fc059/bias");

  gtk_window_destroy (GTK_WINDOW (window));
  remove_written (path);
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
  g_test_add_func ("/layer-tree/columns-fit", test_layer_tree_columns_fit);
  g_test_add_func ("/layer-tree/columns-fit-browse", test_layer_tree_columns_fit_browse);
  g_test_add_func ("/layer-tree/columns-fit-modified", test_layer_tree_columns_fit_modified);
  g_test_add_func ("/layer-tree/columns-user-width", test_layer_tree_columns_user_width);
  g_test_add_func ("/layer-tree/rows-in-turns", test_layer_tree_rows_in_turns);

  return g_test_run ();
}
