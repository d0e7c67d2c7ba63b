/* test-util.c: corpus helpers shared by the core tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "test-util.h"

#include <sys/wait.h>

/**
 * test_util_keras_dir:
 *
 * The folder of Keras-written models the tests read: the shared corpus's
 * keras/ ($GRAFT_CORPUS_DIR) when it is there, else the fixtures committed
 * in tests/data/keras, which hold a few models of the same kind.
 */
char *
test_util_keras_dir (void)
{
  const char *corpus = g_getenv ("GRAFT_CORPUS_DIR");
  g_autofree char *shared = corpus ? g_build_filename (corpus, "keras", NULL) : NULL;

  if (shared != NULL && g_file_test (shared, G_FILE_TEST_IS_DIR))
    return g_steal_pointer (&shared);
  return g_test_build_filename (G_TEST_DIST, "data", "keras", NULL);
}

/**
 * test_util_real_dir:
 *
 * Returns: $GRAFT_CORPUS_DIR/real, the third-party checkpoints, or %NULL
 *   when it is not there (as on a user's machine: they are never copied
 *   into the project)
 */
char *
test_util_real_dir (void)
{
  const char *corpus = g_getenv ("GRAFT_CORPUS_DIR");
  g_autofree char *real = corpus ? g_build_filename (corpus, "real", NULL) : NULL;

  if (real != NULL && g_file_test (real, G_FILE_TEST_IS_DIR))
    return g_steal_pointer (&real);
  return NULL;
}

/* A Keras-written model @name: from the shared corpus when it has it, else
 * from tests/data/keras; NULL after skipping the test, naming the file,
 * when neither has it. */
char *
test_util_corpus_file (const char *name)
{
  const char *corpus = g_getenv ("GRAFT_CORPUS_DIR");
  g_autofree char *shared = corpus ? g_build_filename (corpus, "keras", name, NULL) : NULL;
  g_autofree char *fixture = test_util_fixture (name);
  g_autofree char *why = NULL;

  if (shared != NULL && g_file_test (shared, G_FILE_TEST_EXISTS))
    return g_steal_pointer (&shared);
  if (g_file_test (fixture, G_FILE_TEST_EXISTS))
    return g_steal_pointer (&fixture);
  why = g_strdup_printf ("%s is neither in tests/data/keras nor in the shared corpus "
                         "(../shared/corpus/keras, absent here)", name);
  g_test_skip (why);
  return NULL;
}

/* Loads @path; any error fails the test. */
GraftModel *
test_util_load_path (const char *path)
{
  g_autoptr(GError) error = NULL;
  GraftModel *model = graft_keras_load (path, &error);

  g_assert_no_error (error);
  return model;
}

/* Loads the corpus checkpoint @name, or returns NULL after skipping the
 * test when it is absent. */
GraftModel *
test_util_load (const char *name)
{
  g_autofree char *path = test_util_corpus_file (name);

  if (path == NULL)
    return NULL;
  return test_util_load_path (path);
}

/* tests/data/keras/@name. */
char *
test_util_fixture (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", "keras", name, NULL);
}

/* Runs graft-cli (GRAFT_CLI) with @args and the extra "VAR=value" entries
 * of @env. Returns its exit status, or minus the signal that ended it. */
int
test_util_run_cli (const char * const  *env,
                   const char * const  *args,
                   char               **out,
                   char               **err)
{
  const char *cli = g_getenv ("GRAFT_CLI");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_auto(GStrv) envp = g_get_environ ();
  g_autofree char *ignored_out = NULL;
  g_autofree char *ignored_err = NULL;
  GError *error = NULL;
  int status = -1;

  g_assert_nonnull (cli);
  for (guint i = 0; env != NULL && env[i] != NULL; i++)
    {
      g_auto(GStrv) kv = g_strsplit (env[i], "=", 2);

      envp = g_environ_setenv (envp, kv[0], kv[1], TRUE);
    }
  g_ptr_array_add (argv, (char *) cli);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  /* Output is always captured: the test's own stdout is its TAP stream. */
  g_spawn_sync (NULL, (char **) argv->pdata, envp, G_SPAWN_DEFAULT, NULL, NULL,
                out != NULL ? out : &ignored_out, err != NULL ? err : &ignored_err, &status,
                &error);
  g_assert_no_error (error);
  if (WIFSIGNALED (status))
    return -WTERMSIG (status);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

/* Runs @model on the .npy input @x_path and requires its output within
 * @tolerance × max(1, max |y|) of the reference @y_path. */
void
test_util_assert_predicts (GraftModel *model,
                           const char *x_path,
                           const char *y_path,
                           double      tolerance)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GraftTensor) x = graft_npy_load (x_path, &error);
  g_autoptr(GraftTensor) y = graft_npy_load (y_path, &error);
  g_autoptr(GraftNet) net = graft_net_new_from_model (model, &error);
  g_autoptr(GPtrArray) out = NULL;
  g_autofree float *got = NULL;
  g_autofree float *want = NULL;
  double worst = 0, scale = 1;

  g_assert_no_error (error);
  out = graft_net_predict (net, 1, &x, &error);
  g_assert_no_error (error);
  g_assert_true (graft_tensor_same_shape (g_ptr_array_index (out, 0), y));
  got = graft_tensor_dup_float (g_ptr_array_index (out, 0), NULL);
  want = graft_tensor_dup_float (y, NULL);
  for (gsize i = 0; i < graft_tensor_get_n_elements (y); i++)
    {
      worst = MAX (worst, fabs ((double) got[i] - want[i]));
      scale = MAX (scale, fabs ((double) want[i]));
    }
  g_test_message ("%s: max |Δ| = %g", y_path, worst);
  g_assert_cmpfloat (worst, <=, tolerance * scale);
}

/**
 * test_util_run_layer:
 * @config: (nullable): the layer's Keras config, as JSON
 * @shape: [rank] one input's shape, without the batch axis
 * @x: the input's values, row-major
 * @names: (nullable): weights to bind, %NULL-terminated
 * @weights: their tensors, in the same order
 *
 * Builds a net of one @class_name layer, runs it on @x as a batch of one
 * and returns its output.
 */
GraftTensor *
test_util_run_layer (const char          *class_name,
                     const char          *config,
                     guint                rank,
                     const gssize        *shape,
                     const float         *x,
                     const char * const  *names,
                     GraftTensor * const *weights)
{
  g_autoptr(GraftNet) net = graft_net_new ("test");
  g_autoptr(GraftTensor) input = NULL;
  g_autoptr(GPtrArray) out = NULL;
  gsize dims[GRAFT_MAX_RANK];
  guint in_id, out_id;
  GError *error = NULL;

  in_id = graft_net_add_input (net, "x", rank, shape);
  graft_net_add_layer (net, class_name, config, 1, &in_id, &out_id, &error);
  g_assert_no_error (error);
  graft_net_set_outputs (net, 1, &out_id);
  graft_net_build (net, &error);
  g_assert_no_error (error);
  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    {
      graft_net_set_weight (net, names[i], weights[i], &error);
      g_assert_no_error (error);
    }
  dims[0] = 1;
  for (guint i = 0; i < rank; i++)
    dims[i + 1] = (gsize) shape[i];
  input = graft_tensor_new (GRAFT_DTYPE_FLOAT32, rank + 1, dims);
  memcpy (graft_tensor_get_data_mutable (input), x, graft_tensor_get_n_bytes (input));
  out = graft_net_predict (net, 1, &input, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (out->len, ==, 1);
  return graft_tensor_ref (g_ptr_array_index (out, 0));
}
