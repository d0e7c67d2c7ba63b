/* test-convert.c: converting checkpoints between the legacy and the Keras 3
 * layouts, checked against the files Keras itself wrote
 *
 * Every model of tests/data/keras/ (always) and of the corpus (when
 * GRAFT_CORPUS_DIR has it) is converted legacy .h5 → .weights.h5 and
 * .keras → legacy .h5 / legacy weights .h5; each result must hold the same
 * datasets (path, dtype, shape, values) as Keras's file of that format, and
 * a legacy result the same layer_names and weight_names.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "graft.h"
#include "graft-h5-private.h"
#include "test-util.h"

typedef struct
{
  char *tmp;
} Fixture;

typedef struct
{
  char *dir;
  char *model;
} Case;

static void
case_free (gpointer data)
{
  Case *c = data;

  g_free (c->dir);
  g_free (c->model);
  g_free (c);
}

static void
fixture_setup (Fixture       *fx,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fx->tmp = g_dir_make_tmp ("graft-convert-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *fx,
                  gconstpointer  data)
{
  g_autoptr(GDir) dir = g_dir_open (fx->tmp, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (fx->tmp, name, NULL);

      g_unlink (child);
    }
  g_rmdir (fx->tmp);
  g_free (fx->tmp);
}

/* Subclassed models: their config has no layer list. */
static gboolean
is_subclassed (const char *model)
{
  return g_str_equal (model, "mlp_subclassed") || g_str_has_prefix (model, "vae");
}

/* Custom layers whose variable names only their Python code knows: a
 * Keras 3 file numbers them, the legacy writer names them ("w", "b",
 * "variable"). */
static gboolean
has_custom_var_names (const char *model)
{
  return g_str_equal (model, "custom_dense") || g_str_equal (model, "custom_var");
}

static char *
case_file (const Case *c,
           const char *suffix)
{
  g_autofree char *name = g_strconcat (c->model, suffix, NULL);

  return g_build_filename (c->dir, name, NULL);
}

static void
collect_datasets (GraftH5File *file,
                  const char  *group,
                  GPtrArray   *out,
                  guint        depth)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = graft_h5_list (file, group, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < entries->len; i++)
    {
      GraftH5Entry *e = g_ptr_array_index (entries, i);
      g_autofree char *path = g_str_equal (group, "/") ? g_strconcat ("/", e->name, NULL)
                                                       : g_strconcat (group, "/", e->name, NULL);

      if (depth == 0 && g_str_has_prefix (e->name, "optimizer"))
        continue;
      if (e->kind == GRAFT_H5_GROUP)
        collect_datasets (file, path, out, depth + 1);
      else if (e->kind == GRAFT_H5_DATASET)
        g_ptr_array_add (out, g_steal_pointer (&path));
    }
}

static GraftTensor *
read_dataset (GraftH5File *file,
              const char  *path)
{
  g_autoptr(GError) error = NULL;
  GraftH5DatasetInfo info;
  GraftTensor *t;

  graft_h5_dataset_info (file, path, &info, &error);
  g_assert_no_error (error);
  t = graft_h5_tensor_new (file, path, &info);
  graft_h5_dataset_info_clear (&info);
  return t;
}

static void
assert_tensors_equal (GraftTensor *a,
                      GraftTensor *b,
                      const char  *what)
{
  g_autoptr(GError) error = NULL;
  const void *da, *db;

  if (graft_tensor_get_dtype (a) != graft_tensor_get_dtype (b) || !graft_tensor_same_shape (a, b))
    g_error ("%s: dtype or shape differ", what);
  da = graft_tensor_get_data (a, &error);
  g_assert_no_error (error);
  db = graft_tensor_get_data (b, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (da, graft_tensor_get_n_bytes (a), db, graft_tensor_get_n_bytes (b));
}

/* @back holds every weight of @model, at the same location, with the same
 * dtype, shape and values. */
static void
assert_same_weights (GraftModel *model,
                     GraftModel *back)
{
  g_assert_cmpuint (graft_model_get_n_weights (back), ==, graft_model_get_n_weights (model));
  for (guint i = 0; i < graft_model_get_n_weights (model); i++)
    {
      GraftWeight *w = graft_model_get_weight (model, i);
      GraftWeight *b = graft_model_find_weight (back, graft_weight_get_location (w));

      g_assert_nonnull (b);
      assert_tensors_equal (graft_weight_get_tensor (w), graft_weight_get_tensor (b),
                            graft_weight_get_location (w));
    }
}

/* Same dataset paths, dtypes, shapes and values; optimizer state aside. */
static void
assert_same_datasets (const char *got_path,
                      const char *want_path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GraftH5File) got = graft_h5_file_open (got_path, &error);
  g_autoptr(GraftH5File) want = graft_h5_file_open (want_path, &error);
  g_autoptr(GPtrArray) a = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) b = g_ptr_array_new_with_free_func (g_free);

  g_assert_no_error (error);
  collect_datasets (got, "/", a, 0);
  collect_datasets (want, "/", b, 0);
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    {
      g_autoptr(GraftTensor) ta = NULL;
      g_autoptr(GraftTensor) tb = NULL;

      g_assert_cmpstr (g_ptr_array_index (a, i), ==, g_ptr_array_index (b, i));
      ta = read_dataset (got, g_ptr_array_index (a, i));
      tb = read_dataset (want, g_ptr_array_index (b, i));
      assert_tensors_equal (ta, tb, g_ptr_array_index (a, i));
    }
}

static GStrv
read_names (GraftH5File *file,
            const char  *obj,
            const char  *name)
{
  g_autoptr(GError) error = NULL;
  GStrv v = graft_h5_read_attr_strings (file, obj, name, &error);

  g_assert_no_error (error);
  return v;
}

/* Same layer_names, and per layer the same weight_names; with
 * @values_only, weight names may differ but the values must come in the
 * same order. */
static void
assert_same_legacy (const char *got_path,
                    const char *want_path,
                    const char *root,
                    gboolean    values_only)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GraftH5File) got = graft_h5_file_open (got_path, &error);
  g_autoptr(GraftH5File) want = graft_h5_file_open (want_path, &error);
  g_auto(GStrv) la = NULL;
  g_auto(GStrv) lb = NULL;

  g_assert_no_error (error);
  la = read_names (got, root, "layer_names");
  lb = read_names (want, root, "layer_names");
  g_assert_true (g_strv_equal ((const char * const *) la, (const char * const *) lb));
  for (guint i = 0; la[i] != NULL; i++)
    {
      g_autofree char *group = g_str_equal (root, "/") ? g_strconcat ("/", la[i], NULL)
                                                       : g_strconcat (root, "/", la[i], NULL);
      g_auto(GStrv) wa = read_names (got, group, "weight_names");
      g_auto(GStrv) wb = read_names (want, group, "weight_names");

      g_assert_cmpuint (g_strv_length (wa), ==, g_strv_length (wb));
      if (!values_only)
        g_assert_true (g_strv_equal ((const char * const *) wa, (const char * const *) wb));
      for (guint j = 0; wa[j] != NULL; j++)
        {
          g_autofree char *pa = g_strconcat (group, "/", wa[j], NULL);
          g_autofree char *pb = g_strconcat (group, "/", wb[j], NULL);
          g_autoptr(GraftTensor) ta = read_dataset (got, pa);
          g_autoptr(GraftTensor) tb = read_dataset (want, pb);

          assert_tensors_equal (ta, tb, pa);
        }
    }
  if (!values_only)
    assert_same_datasets (got_path, want_path);
}

static gboolean
case_present (const Case *c,
              const char *suffix)
{
  g_autofree char *path = case_file (c, suffix);

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_test_skip ("the model's files are not all there");
      return FALSE;
    }
  return TRUE;
}

static GraftModel *
load (const char *path)
{
  GraftModel *model = test_util_load_path (path);

  g_assert_nonnull (model);
  return model;
}

static void
test_convert_legacy_to_weights (Fixture       *fx,
                                gconstpointer  data)
{
  const Case *c = data;
  g_autofree char *in = case_file (c, ".legacy.h5");
  g_autofree char *want = case_file (c, ".weights.h5");
  g_autofree char *out = g_build_filename (fx->tmp, "out.weights.h5", NULL);
  g_autoptr(GraftModel) model = NULL;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (!case_present (c, ".legacy.h5") || !case_present (c, ".weights.h5"))
    return;
  model = load (in);
  ok = graft_convert_save (model, out, GRAFT_FORMAT_WEIGHTS_H5, GRAFT_SAVE_NONE, &error);
  if (is_subclassed (c->model))
    {
      g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED);
      g_assert_nonnull (strstr (error->message, "subclassed"));
      g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
      return;
    }
  g_assert_no_error (error);
  g_assert_true (ok);
  assert_same_datasets (out, want);
}

/* A legacy weights-only file has no config: refused, then converted with
 * the architecture of the model's legacy full file. */
static void
test_convert_legacy_weights_with_config (Fixture       *fx,
                                         gconstpointer  data)
{
  const Case *c = data;
  g_autofree char *in = case_file (c, ".legacy_weights.h5");
  g_autofree char *arch = case_file (c, ".legacy.h5");
  g_autofree char *want = case_file (c, ".weights.h5");
  g_autofree char *out = g_build_filename (fx->tmp, "out.weights.h5", NULL);
  g_autoptr(GraftModel) model = NULL;
  g_autoptr(GraftModel) architecture = NULL;
  g_autoptr(GError) error = NULL;

  if (!case_present (c, ".legacy_weights.h5") || !case_present (c, ".legacy.h5") ||
      !case_present (c, ".weights.h5"))
    return;
  model = load (in);
  g_assert_false (graft_convert_save (model, out, GRAFT_FORMAT_WEIGHTS_H5, GRAFT_SAVE_NONE, &error));
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_NO_ARCHITECTURE);
  g_assert_nonnull (strstr (error->message, "no model config"));
  /* The core speaks to the app and the CLI alike: no command-line flags. */
  g_assert_null (strstr (error->message, "--"));
  g_clear_error (&error);
  if (is_subclassed (c->model))
    return;

  architecture = load (arch);
  g_assert_true (graft_convert_save_full (model, graft_model_get_config (architecture), out,
                                          GRAFT_FORMAT_WEIGHTS_H5, GRAFT_SAVE_NONE, 0, &error));
  g_assert_no_error (error);
  assert_same_datasets (out, want);
}

static void
test_convert_keras_to_legacy (Fixture       *fx,
                              gconstpointer  data)
{
  const Case *c = data;
  g_autofree char *in = case_file (c, ".keras");
  g_autofree char *want_full = case_file (c, ".legacy.h5");
  g_autofree char *want_weights = case_file (c, ".legacy_weights.h5");
  g_autofree char *out_full = g_build_filename (fx->tmp, "out.h5", NULL);
  g_autofree char *out_weights = g_build_filename (fx->tmp, "out-weights.h5", NULL);
  g_autoptr(GraftModel) model = NULL;
  g_autoptr(GraftModel) back = NULL;
  g_autoptr(GError) error = NULL;

  if (!case_present (c, ".keras") || !case_present (c, ".legacy.h5") ||
      !case_present (c, ".legacy_weights.h5"))
    return;
  model = load (in);
  if (is_subclassed (c->model))
    {
      g_assert_false (graft_convert_save (model, out_full, GRAFT_FORMAT_LEGACY_H5, GRAFT_SAVE_NONE,
                                          &error));
      g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED);
      return;
    }
  g_assert_true (graft_convert_save (model, out_full, GRAFT_FORMAT_LEGACY_H5, GRAFT_SAVE_NONE, &error));
  g_assert_no_error (error);
  g_assert_true (graft_convert_save (model, out_weights, GRAFT_FORMAT_LEGACY_WEIGHTS_H5,
                                     GRAFT_SAVE_NONE, &error));
  g_assert_no_error (error);
  assert_same_legacy (out_full, want_full, "/model_weights", has_custom_var_names (c->model));
  assert_same_legacy (out_weights, want_weights, "/", has_custom_var_names (c->model));

  /* The result is a legacy full-model file that reads back with its
   * config: same layer classes as Keras's own file. */
  back = load (out_full);
  g_assert_cmpint (graft_model_get_format (back), ==, GRAFT_FORMAT_LEGACY_H5);
  g_assert_nonnull (graft_model_get_config (back));
  g_assert_cmpuint (graft_model_get_n_weights (back), ==, graft_model_get_n_weights (model));
}

/* legacy .h5 → .keras → legacy .h5 gives Keras's legacy file back. */
static void
test_convert_keras_roundtrip (Fixture       *fx,
                              gconstpointer  data)
{
  const Case *c = data;
  g_autofree char *in = case_file (c, ".legacy.h5");
  g_autofree char *mid = g_build_filename (fx->tmp, "mid.keras", NULL);
  g_autofree char *out = g_build_filename (fx->tmp, "out.h5", NULL);
  g_autoptr(GraftModel) model = NULL;
  g_autoptr(GraftModel) keras = NULL;
  g_autoptr(GError) error = NULL;

  if (!case_present (c, ".legacy.h5") || is_subclassed (c->model))
    return;
  model = load (in);
  g_assert_true (graft_convert_save (model, mid, GRAFT_FORMAT_KERAS, GRAFT_SAVE_NONE, &error));
  g_assert_no_error (error);
  keras = load (mid);
  g_assert_cmpint (graft_model_get_format (keras), ==, GRAFT_FORMAT_KERAS);
  g_assert_true (graft_convert_save (keras, out, GRAFT_FORMAT_LEGACY_H5, GRAFT_SAVE_NONE, &error));
  g_assert_no_error (error);
  assert_same_legacy (out, in, "/model_weights", has_custom_var_names (c->model));
}

static void
add_cases (const char *dir,
           const char *prefix,
           GPtrArray  *cases)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) models = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, ".keras") && strchr (name, '.') == strrchr (name, '.'))
      g_ptr_array_add (models, g_strndup (name, strlen (name) - strlen (".keras")));
  g_ptr_array_sort (models, (GCompareFunc) g_strcmp0);
  g_assert_cmpuint (models->len, >, 0);
  for (guint i = 0; i < models->len; i++)
    {
      static const struct
      {
        const char *what;
        void      (*func) (Fixture *, gconstpointer);
      } tests[] = {
        { "legacy-h5-to-weights-h5", test_convert_legacy_to_weights },
        { "legacy-weights-h5-with-config", test_convert_legacy_weights_with_config },
        { "keras-to-legacy", test_convert_keras_to_legacy },
        { "legacy-h5-via-keras", test_convert_keras_roundtrip },
      };

      for (guint t = 0; t < G_N_ELEMENTS (tests); t++)
        {
          g_autofree char *path = g_strdup_printf ("/convert/%s/%s/%s", prefix,
                                                   (char *) g_ptr_array_index (models, i),
                                                   tests[t].what);
          Case *c = g_new0 (Case, 1);

          c->dir = g_strdup (dir);
          c->model = g_strdup (g_ptr_array_index (models, i));
          g_test_add_vtable (path, sizeof (Fixture), c, (GTestFixtureFunc) fixture_setup,
                             (GTestFixtureFunc) tests[t].func, (GTestFixtureFunc) fixture_teardown);
          g_ptr_array_add (cases, c);
        }
    }
}

static char *
fixture_file (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", "keras", name, NULL);
}

static void
test_convert_subclassed_config (Fixture       *fx,
                                gconstpointer  data)
{
  g_autofree char *in = fixture_file ("mlp_functional.weights.h5");
  g_autofree char *out = g_build_filename (fx->tmp, "out.h5", NULL);
  g_autoptr(GraftModel) model = load (in);
  g_autoptr(JsonNode) config = json_from_string ("{\"class_name\": \"MLP\", \"config\": "
                                                 "{\"name\": \"mlp\"}}", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_false (graft_convert_save_full (model, config, out, GRAFT_FORMAT_LEGACY_WEIGHTS_H5,
                                           GRAFT_SAVE_NONE, 0, &error));
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "'mlp'"));
  g_assert_nonnull (strstr (error->message, "subclassed"));
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
}

/* The architecture of another model leaves weights without a place. */
static void
test_convert_wrong_config (Fixture       *fx,
                           gconstpointer  data)
{
  g_autofree char *in = fixture_file ("mlp_functional.weights.h5");
  g_autofree char *arch = fixture_file ("bn_model.legacy.h5");
  g_autofree char *out = g_build_filename (fx->tmp, "out.h5", NULL);
  g_autoptr(GraftModel) model = load (in);
  g_autoptr(GraftModel) other = load (arch);
  g_autoptr(GError) error = NULL;

  g_assert_false (graft_convert_save_full (model, graft_model_get_config (other), out,
                                           GRAFT_FORMAT_LEGACY_WEIGHTS_H5, GRAFT_SAVE_NONE, 0,
                                           &error));
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "has no place"));
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
}

static void
test_convert_keras_needs_config (Fixture       *fx,
                                 gconstpointer  data)
{
  g_autofree char *in = fixture_file ("mlp_functional.weights.h5");
  g_autofree char *arch = fixture_file ("mlp_functional.keras");
  g_autofree char *out = g_build_filename (fx->tmp, "out.keras", NULL);
  g_autoptr(GraftModel) model = load (in);
  g_autoptr(GraftModel) with_config = load (arch);
  g_autoptr(GraftModel) back = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_false (graft_convert_save (model, out, GRAFT_FORMAT_KERAS, GRAFT_SAVE_NONE, &error));
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_NO_ARCHITECTURE);
  g_assert_nonnull (strstr (error->message, "model config"));
  g_assert_null (strstr (error->message, "--"));
  g_clear_error (&error);

  g_assert_true (graft_convert_save_full (model, graft_model_get_config (with_config), out,
                                          GRAFT_FORMAT_KERAS, GRAFT_SAVE_NONE, 0, &error));
  g_assert_no_error (error);
  back = load (out);
  g_assert_cmpint (graft_model_get_format (back), ==, GRAFT_FORMAT_KERAS);
  assert_same_weights (model, back);
}

/* .weights.h5 → sharded, laid out as Keras's ShardedH5IOStore does (the
 * fixture was made by make-sharded.py with the same limit), then back. */
static void
test_convert_sharded (Fixture       *fx,
                      gconstpointer  data)
{
  g_autofree char *in = fixture_file ("mlp_functional.weights.h5");
  g_autofree char *ref_index = fixture_file ("mlp_functional_sharded.weights.json");
  g_autofree char *index = g_build_filename (fx->tmp, "mlp_functional_sharded.weights.json", NULL);
  g_autofree char *merged = g_build_filename (fx->tmp, "merged.weights.h5", NULL);
  g_autoptr(GraftModel) model = load (in);
  g_autoptr(GraftModel) sharded = NULL;
  g_autoptr(GraftModel) back = NULL;
  g_autoptr(JsonNode) got = NULL;
  g_autoptr(JsonNode) want = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *got_text = NULL;
  g_autofree char *want_text = NULL;
  JsonObject *gm, *wm;

  g_assert_true (graft_convert_save_full (model, NULL, index, GRAFT_FORMAT_SHARDED, GRAFT_SAVE_NONE,
                                          3600, &error));
  g_assert_no_error (error);
  g_file_get_contents (index, &got_text, NULL, &error);
  g_assert_no_error (error);
  g_file_get_contents (ref_index, &want_text, NULL, &error);
  g_assert_no_error (error);
  got = json_from_string (got_text, &error);
  g_assert_no_error (error);
  want = json_from_string (want_text, &error);
  g_assert_no_error (error);
  gm = json_object_get_object_member (json_node_get_object (got), "weight_map");
  wm = json_object_get_object_member (json_node_get_object (want), "weight_map");
  g_assert_cmpuint (json_object_get_size (gm), ==, json_object_get_size (wm));
  g_assert_cmpstr (json_object_get_string_member (gm, "/layers/dense/vars"), ==,
                   json_object_get_string_member (wm, "/layers/dense/vars"));
  g_assert_cmpstr (json_object_get_string_member (gm, "/layers/dense_1/vars"), ==,
                   json_object_get_string_member (wm, "/layers/dense_1/vars"));
  g_assert_cmpfloat (json_object_get_double_member (json_object_get_object_member (json_node_get_object (got), "metadata"), "total_size"),
                     ==, 3624.0);
  {
    g_autofree char *shard1 = g_build_filename (fx->tmp, "mlp_functional_sharded_00001.weights.h5", NULL);
    g_autofree char *ref1 = fixture_file ("mlp_functional_sharded_00001.weights.h5");

    assert_same_datasets (shard1, ref1);
  }

  sharded = load (index);
  g_assert_cmpint (graft_model_get_format (sharded), ==, GRAFT_FORMAT_SHARDED);
  g_assert_true (graft_convert_save (sharded, merged, GRAFT_FORMAT_WEIGHTS_H5, GRAFT_SAVE_NONE,
                                     &error));
  g_assert_no_error (error);
  back = load (merged);
  g_assert_cmpuint (graft_model_get_n_weights (back), ==, graft_model_get_n_weights (model));
  assert_same_datasets (merged, in);
}

/* Saving a sharded checkpoint in its own format, one weight changed: the
 * new shards hold it, the others are copies, the index names the new
 * shards. */
static void
test_convert_sharded_same_format (Fixture       *fx,
                                  gconstpointer  data)
{
  g_autofree char *in = fixture_file ("mlp_functional_sharded.weights.json");
  g_autofree char *out = g_build_filename (fx->tmp, "edited.weights.json", NULL);
  g_autoptr(GraftModel) model = load (in);
  g_autoptr(GraftEdit) edit = graft_edit_new (model);
  g_autoptr(GraftModel) back = NULL;
  g_autoptr(GraftTensor) t = NULL;
  g_autoptr(GError) error = NULL;
  GraftWeight *w = graft_model_find_weight (model, "/layers/dense_1/vars/1");
  float *v;

  g_assert_nonnull (w);
  v = graft_tensor_dup_float (graft_weight_get_tensor (w), &error);
  g_assert_no_error (error);
  for (gsize i = 0; i < graft_tensor_get_n_elements (graft_weight_get_tensor (w)); i++)
    v[i] = (float) i;
  t = graft_tensor_new_take (GRAFT_DTYPE_FLOAT32, 1, graft_tensor_get_shape (graft_weight_get_tensor (w)), v);
  graft_edit_set_tensor (edit, w, t);
  g_assert_true (graft_edit_save (edit, out, GRAFT_FORMAT_UNKNOWN, GRAFT_SAVE_NONE, &error));
  g_assert_no_error (error);

  back = load (out);
  assert_same_weights (model, back);
  {
    g_autofree char *shard = g_build_filename (fx->tmp, "edited_00001.weights.h5", NULL);

    g_assert_true (g_file_test (shard, G_FILE_TEST_IS_REGULAR));
  }
}

static void
test_convert_cli_config (Fixture       *fx,
                         gconstpointer  data)
{
  g_autofree char *in = fixture_file ("bn_model.legacy_weights.h5");
  g_autofree char *arch = fixture_file ("bn_model.keras");
  g_autofree char *want = fixture_file ("bn_model.weights.h5");
  g_autofree char *out = g_build_filename (fx->tmp, "bn.weights.h5", NULL);
  const char *cli = g_getenv ("GRAFT_CLI");
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  if (cli == NULL)
    {
      g_test_skip ("GRAFT_CLI is not set");
      return;
    }
  {
    const char *argv[] = { cli, "convert", in, out, NULL };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err,
                  &status, &error);
    g_assert_no_error (error);
    g_assert_false (g_spawn_check_wait_status (status, NULL));
    g_assert_nonnull (strstr (err, "--config"));
  }
  {
    const char *argv[] = { cli, "convert", "--config", arch, in, out, NULL };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, NULL,
                  &status, &error);
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  }
  assert_same_datasets (out, want);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *fixtures = NULL;
  g_autoptr(GPtrArray) cases = g_ptr_array_new_with_free_func (case_free);
  const char *corpus = g_getenv ("GRAFT_CORPUS_DIR");

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  graft_init ();

  g_test_add ("/convert/error/subclassed-config", Fixture, NULL, fixture_setup,
              test_convert_subclassed_config, fixture_teardown);
  g_test_add ("/convert/error/wrong-config", Fixture, NULL, fixture_setup,
              test_convert_wrong_config, fixture_teardown);
  g_test_add ("/convert/keras/needs-config", Fixture, NULL, fixture_setup,
              test_convert_keras_needs_config, fixture_teardown);
  g_test_add ("/convert/sharded/keras-layout", Fixture, NULL, fixture_setup,
              test_convert_sharded, fixture_teardown);
  g_test_add ("/convert/sharded/same-format", Fixture, NULL, fixture_setup,
              test_convert_sharded_same_format, fixture_teardown);
  g_test_add ("/convert/cli/config", Fixture, NULL, fixture_setup,
              test_convert_cli_config, fixture_teardown);

  fixtures = g_test_build_filename (G_TEST_DIST, "data", "keras", NULL);
  add_cases (fixtures, "fixtures", cases);
  if (corpus != NULL)
    {
      g_autofree char *dir = g_build_filename (corpus, "keras", NULL);

      /* Without it, the fixtures above stand for it. */
      if (g_file_test (dir, G_FILE_TEST_IS_DIR))
        add_cases (dir, "corpus", cases);
    }
  return g_test_run ();

}
