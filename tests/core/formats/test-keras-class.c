/* test-keras-class.c: the one table of Keras classes, checked against what
 * Keras itself writes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "graft.h"
#include "graft-h5-private.h"
#include "graft-keras-class.h"
#include "graft-keras-config.h"
#include "graft-keras3-list.h"

static void
test_keras_class_snake_case (void)
{
  static const char * const cases[][2] = {
    { "Dense", "dense" },
    { "keras.layers>Dense", "dense" },
    { "oracle>CustomDense", "custom_dense" },
    { "ReLU", "re_lu" },
    { "PReLU", "p_re_lu" },
    { "Conv2DTranspose", "conv2d_transpose" },
    { "MultiHeadAttention", "multi_head_attention" },
    { "LSTMCell", "lstm_cell" },
    { "GlobalAveragePooling2D", "global_average_pooling2d" },
    { "VAEOfModels", "vae_of_models" },
    { "My Layer!", "my_layer" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *snake = graft_keras_snake_case (cases[i][0]);

      g_assert_cmpstr (snake, ==, cases[i][1]);
    }
}

/* The snake names written into the table are the ones the function gives,
 * and lead back to their class. */
static void
test_keras_class_table_snake (void)
{
  g_assert_cmpuint (graft_keras_class_get_n (), >, 40);
  for (guint i = 0; i < graft_keras_class_get_n (); i++)
    {
      const GraftKerasClass *klass = graft_keras_class_get_nth (i);
      g_autofree char *snake = graft_keras_snake_case (klass->class_name);
      g_autofree char *numbered = g_strconcat (klass->snake, "_12", NULL);

      g_assert_cmpstr (klass->snake, ==, snake);
      g_assert_cmpstr (graft_keras_class_from_snake (klass->snake), ==, klass->class_name);
      g_assert_cmpstr (graft_keras_class_from_snake (numbered), ==, klass->class_name);
      g_assert_true (graft_keras_class_lookup (klass->class_name) == klass);
    }
  g_assert_true (graft_keras_class_lookup ("keras.layers>Dense") ==
                 graft_keras_class_lookup ("Dense"));
  g_assert_null (graft_keras_class_lookup ("CustomDense"));
  g_assert_null (graft_keras_class_from_snake ("custom_dense"));
}

static void
test_keras_class_model (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *entry;

  g_assert_true (graft_keras_class_is_model ("Sequential", NULL));
  g_assert_true (graft_keras_class_is_model ("Functional", NULL));
  g_assert_true (graft_keras_class_is_model ("keras>Model", NULL));
  g_assert_false (graft_keras_class_is_model ("Dense", NULL));
  g_assert_false (graft_keras_class_is_model (NULL, NULL));

  /* A registered subclass of Model whose config still lists its layers. */
  g_assert_true (json_parser_load_from_data (parser,
                                             "{\"class_name\": \"pkg>MyModel\", \"config\": "
                                             "{\"name\": \"m\", \"layers\": []}}", -1, NULL));
  entry = json_node_get_object (json_parser_get_root (parser));
  g_assert_true (graft_keras_class_is_model ("MyModel", entry));
  g_assert_false (graft_keras_class_is_model ("MyModel", NULL));
}

static void
test_keras_class_variables (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_auto(GStrv) dense = graft_keras_var_names ("Dense", NULL, 2);
  g_auto(GStrv) no_bias = NULL;
  g_auto(GStrv) bn = NULL;
  g_auto(GStrv) unknown = graft_keras_var_names ("CustomDense", NULL, 2);
  const char * const kernel_bias[] = { "kernel", "bias", NULL };
  const char * const kernel[] = { "kernel", NULL };
  const char * const bn_names[] = { "gamma", "moving_mean", "moving_variance", NULL };
  const char * const indices[] = { "0", "1", NULL };
  const char * const gamma[] = { "gamma", NULL };
  const char * const beta[] = { "beta", NULL };
  const char * const scale[] = { "scale", NULL };
  g_auto(GStrv) group = NULL;
  g_auto(GStrv) rms = NULL;
  g_auto(GStrv) unit = NULL;

  g_assert_true (g_strv_equal ((const char * const *) dense, kernel_bias));
  g_assert_true (json_parser_load_from_data (parser, "{\"use_bias\": false, \"center\": false}",
                                             -1, NULL));
  no_bias = graft_keras_var_names ("Dense", json_node_get_object (json_parser_get_root (parser)), 1);
  g_assert_true (g_strv_equal ((const char * const *) no_bias, kernel));
  bn = graft_keras_var_names ("BatchNormalization",
                              json_node_get_object (json_parser_get_root (parser)), 3);
  g_assert_true (g_strv_equal ((const char * const *) bn, bn_names));
  g_assert_true (g_strv_equal ((const char * const *) unknown, indices));
  /* A GroupNormalization without center has only its gamma, one without
   * scale only its beta; RMSNormalization calls its one variable "scale". */
  group = graft_keras_var_names ("GroupNormalization",
                                 json_node_get_object (json_parser_get_root (parser)), 1);
  g_assert_true (g_strv_equal ((const char * const *) group, gamma));
  g_assert_true (json_parser_load_from_data (parser, "{\"scale\": false}", -1, NULL));
  g_strfreev (group);
  group = graft_keras_var_names ("GroupNormalization",
                                 json_node_get_object (json_parser_get_root (parser)), 1);
  g_assert_true (g_strv_equal ((const char * const *) group, beta));
  rms = graft_keras_var_names ("RMSNormalization", NULL, 1);
  g_assert_true (g_strv_equal ((const char * const *) rms, scale));
  unit = graft_keras_var_names ("UnitNormalization", NULL, 0);
  g_assert_cmpuint (g_strv_length (unit), ==, 0);

  g_assert_true (graft_keras_var_is_non_trainable ("BatchNormalization", "moving_mean"));
  g_assert_false (graft_keras_var_is_non_trainable ("BatchNormalization", "gamma"));
  g_assert_true (graft_keras_var_is_non_trainable ("Normalization", "count"));
  g_assert_false (graft_keras_var_is_non_trainable ("Dense", "kernel"));
}

static void
test_keras_class_structure (void)
{
  const GraftKerasClass *lstm = graft_keras_class_lookup ("LSTM");
  const GraftKerasClass *bi = graft_keras_class_lookup ("Bidirectional");
  const GraftKerasClass *mha = graft_keras_class_lookup ("MultiHeadAttention");
  const GraftKerasSublayer *query;
  g_autofree char *fwd = NULL;
  g_autofree char *fwd_again = NULL;
  g_autofree char *bwd = NULL;

  g_assert_cmpstr (graft_keras_class_get_cell_name (lstm), ==, "lstm_cell");
  g_assert_cmpstr (graft_keras_class_get_cell_name (graft_keras_class_lookup ("GRU")), ==,
                   "gru_cell");
  g_assert_null (graft_keras_class_get_cell_name (graft_keras_class_lookup ("Dense")));

  g_assert_cmpstr (bi->children[0].attribute, ==, "forward_layer");
  g_assert_cmpstr (bi->children[1].attribute, ==, "backward_layer");
  fwd = graft_keras_child_name (&bi->children[0], "gru", FALSE);
  fwd_again = graft_keras_child_name (&bi->children[0], "forward_gru", FALSE);
  bwd = graft_keras_child_name (&bi->children[1], "forward_gru", TRUE);
  g_assert_cmpstr (fwd, ==, "forward_gru");
  g_assert_cmpstr (fwd_again, ==, "forward_gru");
  g_assert_cmpstr (bwd, ==, "backward_gru");

  query = graft_keras_class_find_sublayer (mha, "query_dense");
  g_assert_nonnull (query);
  g_assert_cmpstr (query->name, ==, "query");
  g_assert_cmpstr (query->class_name, ==, "EinsumDense");
  g_assert_null (graft_keras_class_find_sublayer (mha, "nothing"));
}

/* Every layer list of a Keras-written model, nested ones too, is named as
 * the .weights.h5 Keras wrote for it names its groups. */
static void
check_lists (GraftH5File *file,
             JsonObject  *entry,
             const char  *group,
             guint       *n_checked)
{
  g_autoptr(GArray) items = graft_keras3_list_new (entry);

  for (guint i = 0; i < items->len; i++)
    {
      GraftKeras3Item *item = &g_array_index (items, GraftKeras3Item, i);
      const char *class_name = graft_config_entry_class (item->entry);
      g_autofree char *path = g_strconcat (group, "/layers/", item->key, NULL);
      GraftH5Kind kind;

      if (!graft_h5_exists (file, path, &kind))
        g_error ("%s: %s (%s '%s') is not in the file", graft_h5_file_get_name (file), path,
                 class_name, graft_config_entry_name (item->entry));
      g_assert_cmpint (kind, ==, GRAFT_H5_GROUP);
      (*n_checked)++;
      if (graft_keras_class_is_model (class_name, item->entry))
        check_lists (file, item->entry, path, n_checked);
    }
}

static void
check_model (const char *keras_path,
             const char *weights_path,
             guint      *n_checked)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GraftModel) model = graft_keras_load (keras_path, &error);
  g_autoptr(GraftH5File) file = NULL;
  JsonNode *config;

  g_assert_no_error (error);
  config = graft_model_get_config (model);
  g_assert_nonnull (config);
  file = graft_h5_file_open (weights_path, &error);
  g_assert_no_error (error);
  /* Subclassed models have no layer list: their paths are attribute names. */
  if (graft_config_layers (json_node_get_object (config)) == NULL)
    return;
  check_lists (file, json_node_get_object (config), "", n_checked);
}

static guint
check_folder (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n_checked = 0;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *stem = NULL;
      g_autofree char *keras = NULL;
      g_autofree char *weights = NULL;

      /* model.keras, not model.float.keras or model.deflated.keras */
      if (!g_str_has_suffix (name, ".keras") || strchr (name, '.') != strrchr (name, '.'))
        continue;
      stem = g_strndup (name, strlen (name) - strlen (".keras"));
      keras = g_build_filename (dir, name, NULL);
      weights = g_strconcat (dir, G_DIR_SEPARATOR_S, stem, ".weights.h5", NULL);
      if (g_file_test (weights, G_FILE_TEST_EXISTS))
        check_model (keras, weights, &n_checked);
    }
  return n_checked;
}

/* The fixtures always; the shared corpus's Keras 3 files too when it is
 * here (its keras/, keras-quant/ and torch/ targets). */
static void
test_keras_class_lists (void)
{
  const char *corpus = g_getenv ("GRAFT_CORPUS_DIR");
  static const char * const folders[] = { "keras", "keras-quant", "torch" };
  g_autofree char *fixtures = g_test_build_filename (G_TEST_DIST, "data", "keras", NULL);
  guint n_checked = 0;

  /* The fixture models hold RNN cells, Bidirectional, MultiHeadAttention,
   * merges and a nested model: 56 layers in all. */
  g_assert_cmpuint (check_folder (fixtures), ==, 56);
  if (corpus == NULL || !g_file_test (corpus, G_FILE_TEST_IS_DIR))
    return;
  for (guint i = 0; i < G_N_ELEMENTS (folders); i++)
    {
      g_autofree char *dir = g_build_filename (corpus, folders[i], NULL);

      n_checked += check_folder (dir);
    }
  /* 529 layers in keras/ alone when this was written. */
  g_assert_cmpuint (n_checked, >=, 529);
  g_test_message ("and %u layer groups of the shared corpus named as Keras names them",
                  n_checked);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  graft_init ();

  g_test_add_func ("/keras-class/snake-case", test_keras_class_snake_case);
  g_test_add_func ("/keras-class/table/snake-names", test_keras_class_table_snake);
  g_test_add_func ("/keras-class/model", test_keras_class_model);
  g_test_add_func ("/keras-class/variables", test_keras_class_variables);
  g_test_add_func ("/keras-class/structure", test_keras_class_structure);
  g_test_add_func ("/keras-class/lists", test_keras_class_lists);
  return g_test_run ();
}
