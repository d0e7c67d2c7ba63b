/* test-corpus.c: every checkpoint of the corpus reports what Keras wrote into it
 *
 * A data-driven test (GNOME/glib glib/tests/bookmarkfile.c): one case per
 * checkpoint file of
 *
 * - tests/data/keras/ (the always-present fixtures, the sharded index too),
 * - $GRAFT_CORPUS_DIR/keras/ (every model in its four formats), checked
 *   against the model's .json: weight count, parameter count, and each
 *   weight's HDF5 location, shape and dtype; the values of every weight are
 *   checked against another format of the same model (count, min, max and
 *   sum must be identical);
 * - $GRAFT_CORPUS_DIR/real/EXPECTED.tsv (third-party files), checked for
 *   n_weights, n_params and the shape, dtype, min, max and mean of three
 *   sample tensors.
 *
 * When the corpus is absent, its cases are skipped with a message saying
 * where it was looked for; they never pass silently.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-test-corpus"

#include "config.h"

#include <math.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "graft.h"

/* The four formats of a corpus model: file suffix and the key of
 * weights[i].locations in the model's .json. */
static const struct
{
  const char *suffix;
  const char *key;
} formats[] = {
  { ".keras", "keras" },
  { ".weights.h5", "weights.h5" },
  { ".legacy.h5", "legacy.h5" },
  { ".legacy_weights.h5", "legacy_weights.h5" },
};

typedef struct
{
  char *json_path;  /* the model's .json */
  char *file_path;  /* the checkpoint under test */
  char *key;        /* its format's key in weights[i].locations */
  char *ref_path;   /* the same model in another format, for values */
  char *ref_key;
} KerasCase;

typedef struct
{
  char   *path;
  char   *shape;    /* "[d0,d1,…]" */
  char   *dtype;
  double  min;
  double  max;
  double  mean;
} RealSample;

typedef struct
{
  char       *file_path;
  guint       n_weights;
  guint64     n_params;
  RealSample  samples[3];
} RealCase;

typedef struct
{
  gsize  count;
  double min;
  double max;
  double sum;
} Stats;

static void
keras_case_free (gpointer data)
{
  KerasCase *c = data;

  g_free (c->json_path);
  g_free (c->file_path);
  g_free (c->key);
  g_free (c->ref_path);
  g_free (c->ref_key);
  g_free (c);
}

static void
real_case_free (gpointer data)
{
  RealCase *c = data;

  g_free (c->file_path);
  for (guint i = 0; i < G_N_ELEMENTS (c->samples); i++)
    {
      g_free (c->samples[i].path);
      g_free (c->samples[i].shape);
      g_free (c->samples[i].dtype);
    }
  g_free (c);
}

/* "[3,64]", "[]" for a scalar: the notation of EXPECTED.tsv. */
static char *
format_tensor_shape (GraftTensor *tensor)
{
  GString *s = g_string_new ("[");

  for (guint i = 0; i < graft_tensor_get_rank (tensor); i++)
    g_string_append_printf (s, "%s%" G_GSIZE_FORMAT, i ? "," : "",
                            graft_tensor_get_dim (tensor, i));
  g_string_append_c (s, ']');
  return g_string_free (s, FALSE);
}

static char *
format_json_shape (JsonArray *shape)
{
  GString *s = g_string_new ("[");

  for (guint i = 0; i < json_array_get_length (shape); i++)
    g_string_append_printf (s, "%s%" G_GINT64_FORMAT, i ? "," : "",
                            json_array_get_int_element (shape, i));
  g_string_append_c (s, ']');
  return g_string_free (s, FALSE);
}

/* "location [shape] dtype" of a weight, or "(none)", so that one
 * g_assert_cmpstr() shows everything that differs. */
static char *
describe_weight (GraftWeight *weight)
{
  GraftTensor *tensor;
  g_autofree char *shape = NULL;
  const char *location;

  if (weight == NULL)
    return g_strdup ("(none)");
  tensor = graft_weight_get_tensor (weight);
  shape = format_tensor_shape (tensor);
  location = graft_weight_get_location (weight);
  if (location[0] == '/')
    location++;
  return g_strdup_printf ("%s %s %s", location, shape,
                          graft_dtype_get_name (graft_tensor_get_dtype (tensor)));
}

/* Count, min, max and sum of a tensor's values, in double precision. */
static void
tensor_stats (GraftTensor *tensor,
              Stats       *stats)
{
  g_autoptr(GError) error = NULL;
  g_autofree double *values = NULL;
  const void *data;
  gsize n = graft_tensor_get_n_elements (tensor);

  data = graft_tensor_get_data (tensor, &error);
  g_assert_no_error (error);
  g_assert_nonnull (data);

  values = g_new (double, MAX (n, 1));
  graft_dtype_to_double (graft_tensor_get_dtype (tensor), data, values, n);

  stats->count = n;
  stats->min = INFINITY;
  stats->max = -INFINITY;
  stats->sum = 0.0;
  for (gsize i = 0; i < n; i++)
    {
      stats->min = MIN (stats->min, values[i]);
      stats->max = MAX (stats->max, values[i]);
      stats->sum += values[i];
    }
}

/* Model weights by HDF5 location without the leading '/'. */
static GHashTable *
index_by_location (GraftModel *model)
{
  GHashTable *table = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < graft_model_get_n_weights (model); i++)
    {
      GraftWeight *weight = graft_model_get_weight (model, i);
      const char *location = graft_weight_get_location (weight);

      g_assert_nonnull (location);
      if (location[0] == '/')
        location++;
      g_hash_table_insert (table, (gpointer) location, weight);
    }
  return table;
}

static const char *
json_location (JsonObject *weight,
               const char *key)
{
  JsonObject *locations = json_object_get_object_member (weight, "locations");
  JsonArray *list;

  g_assert_true (json_object_has_member (locations, key));
  list = json_object_get_array_member (locations, key);
  g_assert_cmpuint (json_array_get_length (list), >=, 1);
  return json_array_get_string_element (list, 0);
}

static void
test_corpus_keras_file (gconstpointer data)
{
  const KerasCase *c = data;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GraftModel) model = NULL;
  g_autoptr(GraftModel) ref = NULL;
  g_autoptr(GHashTable) by_location = NULL;
  g_autoptr(GHashTable) ref_by_location = NULL;
  JsonObject *root;
  JsonArray *weights;

  json_parser_load_from_file (parser, c->json_path, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  weights = json_object_get_array_member (root, "weights");

  model = graft_keras_load (c->file_path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (model);

  g_assert_cmpuint (graft_model_get_n_weights (model), ==, json_array_get_length (weights));
  g_assert_cmpuint (graft_model_get_n_params (model), ==,
                    (guint64) json_object_get_int_member (root, "n_params"));

  by_location = index_by_location (model);
  for (guint i = 0; i < json_array_get_length (weights); i++)
    {
      JsonObject *expected = json_array_get_object_element (weights, i);
      const char *location = json_location (expected, c->key);
      JsonArray *shape_array = json_object_get_array_member (expected, "shape");
      g_autofree char *shape = format_json_shape (shape_array);
      g_autofree char *want = g_strdup_printf ("%s %s %s", location, shape,
                                               json_object_get_string_member (expected, "dtype"));
      g_autofree char *got = describe_weight (g_hash_table_lookup (by_location, location));

      g_assert_cmpstr (got, ==, want);
    }

  /* Values: the same weight read from another format of the same model
   * must hold exactly the same numbers. */
  ref = graft_keras_load (c->ref_path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (ref);
  ref_by_location = index_by_location (ref);
  for (guint i = 0; i < json_array_get_length (weights); i++)
    {
      JsonObject *expected = json_array_get_object_element (weights, i);
      GraftWeight *weight = g_hash_table_lookup (by_location, json_location (expected, c->key));
      GraftWeight *ref_weight = g_hash_table_lookup (ref_by_location,
                                                     json_location (expected, c->ref_key));
      Stats got, want;

      g_assert_nonnull (weight);
      g_assert_nonnull (ref_weight);
      tensor_stats (graft_weight_get_tensor (weight), &got);
      tensor_stats (graft_weight_get_tensor (ref_weight), &want);
      if (got.count != want.count || got.min != want.min || got.max != want.max ||
          got.sum != want.sum)
        g_test_message ("%s: count %" G_GSIZE_FORMAT ", min %.9g, max %.9g, sum %.17g; "
                        "%s in %s: count %" G_GSIZE_FORMAT ", min %.9g, max %.9g, sum %.17g",
                        graft_weight_get_location (weight), got.count, got.min, got.max,
                        got.sum, graft_weight_get_location (ref_weight), c->ref_path,
                        want.count, want.min, want.max, want.sum);
      g_assert_cmpuint (got.count, ==, want.count);
      g_assert_cmpfloat (got.min, ==, want.min);
      g_assert_cmpfloat (got.max, ==, want.max);
      g_assert_cmpfloat (got.sum, ==, want.sum);
    }
}

/* A TSV figure printed by Python's repr(): equal to ~1e-6 relative. */
static void
assert_close (double      got,
              double      want,
              const char *what)
{
  double tolerance = 1e-6 * fabs (want) + 1e-12;

  if (fabs (got - want) > tolerance)
    g_test_message ("%s: got %.17g, expected %.17g", what, got, want);
  g_assert_cmpfloat_with_epsilon (got, want, tolerance);
}

/* "path [shape] dtype" of the weight found for @path. */
static char *
describe_sample (const char  *path,
                 GraftWeight *weight)
{
  GraftTensor *tensor;
  g_autofree char *shape = NULL;

  if (weight == NULL)
    return g_strdup_printf ("%s (no such weight)", path);
  tensor = graft_weight_get_tensor (weight);
  shape = format_tensor_shape (tensor);
  return g_strdup_printf ("%s %s %s", path, shape,
                          graft_dtype_get_name (graft_tensor_get_dtype (tensor)));
}

static void
test_corpus_real_file (gconstpointer data)
{
  const RealCase *c = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GraftModel) model = NULL;

  model = graft_keras_load (c->file_path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (model);

  g_assert_cmpuint (graft_model_get_n_weights (model), ==, c->n_weights);
  g_assert_cmpuint (graft_model_get_n_params (model), ==, c->n_params);

  for (guint i = 0; i < G_N_ELEMENTS (c->samples); i++)
    {
      const RealSample *s = &c->samples[i];
      GraftWeight *weight = graft_model_find_weight (model, s->path);
      g_autofree char *want = g_strdup_printf ("%s %s %s", s->path, s->shape, s->dtype);
      g_autofree char *got = describe_sample (s->path, weight);
      g_autofree char *what = NULL;
      Stats stats;

      g_assert_cmpstr (got, ==, want);
      g_assert_nonnull (weight);

      tensor_stats (graft_weight_get_tensor (weight), &stats);
      g_assert_cmpuint (stats.count, >, 0);
      what = g_strdup_printf ("%s min", s->path);
      assert_close (stats.min, s->min, what);
      g_free (what);
      what = g_strdup_printf ("%s max", s->path);
      assert_close (stats.max, s->max, what);
      g_free (what);
      what = g_strdup_printf ("%s mean", s->path);
      assert_close (stats.sum / (double) stats.count, s->mean, what);
    }
}

/* Registered only when the third-party checkpoints are not here, as on a
 * user's machine: they come from public projects and are never copied into
 * the project, so nothing else can stand in for them. */
static void
test_corpus_real_absent (gconstpointer data)
{
  g_autofree char *message = g_strdup_printf ("the third-party checkpoints are not here (%s); "
                                              "their facts (EXPECTED.tsv) go unchecked",
                                              (const char *) data);

  g_test_skip (message);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* Registers one case per format of every model .json in @dir. With
 * @all_formats, a missing format file is a failure (the corpus has all
 * four); without, only the formats present are tested (the fixtures). */
static void
add_keras_cases (const char *prefix,
                 const char *dir,
                 gboolean    all_formats)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) d = g_dir_open (dir, 0, &error);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_no_error (error);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      /* Model descriptions only: not the manifest nor a sharded index. */
      if (!g_str_has_suffix (name, ".json") || g_str_equal (name, "MANIFEST.json") ||
          g_str_has_suffix (name, ".weights.json"))
        continue;
      g_ptr_array_add (names, g_strndup (name, strlen (name) - strlen (".json")));
    }
  g_ptr_array_sort (names, compare_names);

  for (guint i = 0; i < names->len; i++)
    {
      const char *model = g_ptr_array_index (names, i);
      g_autofree char *json_name = g_strconcat (model, ".json", NULL);

      for (guint f = 0; f < G_N_ELEMENTS (formats); f++)
        {
          /* Values are compared with the Keras 3 .weights.h5 file, and that
           * one with the legacy weights file. */
          guint ref = g_str_equal (formats[f].key, "weights.h5") ? 3 : 1;
          g_autofree char *file_name = g_strconcat (model, formats[f].suffix, NULL);
          g_autofree char *ref_name = g_strconcat (model, formats[ref].suffix, NULL);
          g_autofree char *test_path = NULL;
          KerasCase *c;

          c = g_new0 (KerasCase, 1);
          c->json_path = g_build_filename (dir, json_name, NULL);
          c->file_path = g_build_filename (dir, file_name, NULL);
          c->key = g_strdup (formats[f].key);
          c->ref_path = g_build_filename (dir, ref_name, NULL);
          c->ref_key = g_strdup (formats[ref].key);
          if (!all_formats && (!g_file_test (c->file_path, G_FILE_TEST_EXISTS) ||
                               !g_file_test (c->ref_path, G_FILE_TEST_EXISTS)))
            {
              keras_case_free (c);
              continue;
            }
          test_path = g_strdup_printf ("%s/%s/%s", prefix, model, formats[f].key);
          g_test_add_data_func_full (test_path, c, test_corpus_keras_file, keras_case_free);
        }
    }
}

/* The sharded fixture: mlp_functional's weights, split by make-sharded.py,
 * at the same locations as in mlp_functional.weights.h5. */
static void
add_sharded_case (const char *dir)
{
  KerasCase *c = g_new0 (KerasCase, 1);

  c->json_path = g_build_filename (dir, "mlp_functional.json", NULL);
  c->file_path = g_build_filename (dir, "mlp_functional_sharded.weights.json", NULL);
  c->key = g_strdup ("weights.h5");
  c->ref_path = g_build_filename (dir, "mlp_functional.weights.h5", NULL);
  c->ref_key = g_strdup ("weights.h5");
  g_test_add_data_func_full ("/fixtures/keras/mlp_functional/sharded", c,
                             test_corpus_keras_file, keras_case_free);
}

static double
parse_double (const char *text)
{
  char *end = NULL;
  double value = g_ascii_strtod (text, &end);

  g_assert_true (end != text && *end == '\0');
  return value;
}

static guint64
parse_uint (const char *text)
{
  guint64 value = 0;
  g_autoptr(GError) error = NULL;

  g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT64, &value, &error);
  g_assert_no_error (error);
  return value;
}

/* One case per row of EXPECTED.tsv, columns found by their header name. */
static void
add_real_cases (const char *dir)
{
  static const char *const columns[] = {
    "file", "n_weights", "n_params",
  };
  static const char *const sample_fields[] = {
    "path", "shape", "dtype", "min", "max", "mean",
  };
  g_autofree char *tsv_path = g_build_filename (dir, "EXPECTED.tsv", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) header = NULL;
  int column[G_N_ELEMENTS (columns)];
  int sample_column[3][G_N_ELEMENTS (sample_fields)];
  guint n_header;

  g_file_get_contents (tsv_path, &text, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (text, "\n", -1);
  header = g_strsplit (lines[0], "\t", -1);
  n_header = g_strv_length (header);

  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      column[i] = -1;
      for (guint h = 0; h < n_header; h++)
        if (g_str_equal (header[h], columns[i]))
          column[i] = h;
      g_assert_cmpint (column[i], >=, 0);
    }
  for (guint s = 0; s < 3; s++)
    for (guint i = 0; i < G_N_ELEMENTS (sample_fields); i++)
      {
        g_autofree char *name = g_strdup_printf ("w%u_%s", s + 1, sample_fields[i]);

        sample_column[s][i] = -1;
        for (guint h = 0; h < n_header; h++)
          if (g_str_equal (header[h], name))
            sample_column[s][i] = h;
        g_assert_cmpint (sample_column[s][i], >=, 0);
      }

  for (guint l = 1; lines[l] != NULL; l++)
    {
      g_auto(GStrv) row = NULL;
      g_autofree char *test_path = NULL;
      RealCase *c;

      if (lines[l][0] == '\0')
        continue;
      row = g_strsplit (lines[l], "\t", -1);
      g_assert_cmpuint (g_strv_length (row), ==, n_header);

      c = g_new0 (RealCase, 1);
      c->file_path = g_build_filename (dir, row[column[0]], NULL);
      c->n_weights = parse_uint (row[column[1]]);
      c->n_params = parse_uint (row[column[2]]);
      for (guint s = 0; s < 3; s++)
        {
          c->samples[s].path = g_strdup (row[sample_column[s][0]]);
          c->samples[s].shape = g_strdup (row[sample_column[s][1]]);
          c->samples[s].dtype = g_strdup (row[sample_column[s][2]]);
          c->samples[s].min = parse_double (row[sample_column[s][3]]);
          c->samples[s].max = parse_double (row[sample_column[s][4]]);
          c->samples[s].mean = parse_double (row[sample_column[s][5]]);
        }
      test_path = g_strdup_printf ("/corpus/real/%s", row[column[0]]);
      g_test_add_data_func_full (test_path, c, test_corpus_real_file, real_case_free);
    }
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *fixtures = NULL;
  g_autofree char *corpus = NULL;
  g_autofree char *keras_dir = NULL;
  g_autofree char *real_dir = NULL;
  const char *env;

  g_test_init (&argc, &argv, NULL);
  graft_init ();

  fixtures = g_test_build_filename (G_TEST_DIST, "data", "keras", NULL);
  add_keras_cases ("/fixtures/keras", fixtures, FALSE);
  add_sharded_case (fixtures);

  env = g_getenv ("GRAFT_CORPUS_DIR");
  if (env != NULL && env[0] != '\0')
    corpus = g_strdup (env);
  else
    corpus = g_test_build_filename (G_TEST_DIST, "..", "..", "shared", "corpus", NULL);

  keras_dir = g_build_filename (corpus, "keras", NULL);
  /* Without it, the fixtures above stand for it. */
  if (g_file_test (keras_dir, G_FILE_TEST_IS_DIR))
    add_keras_cases ("/corpus/keras", keras_dir, TRUE);

  real_dir = g_build_filename (corpus, "real", NULL);
  if (g_file_test (real_dir, G_FILE_TEST_IS_DIR))
    add_real_cases (real_dir);
  else
    g_test_add_data_func_full ("/corpus/real/absent", g_strdup (real_dir),
                               test_corpus_real_absent, g_free);

  return g_test_run ();
}
