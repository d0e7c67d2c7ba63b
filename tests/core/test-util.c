/* test-util.c: corpus helpers shared by the core tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "test-util.h"

/* $GRAFT_CORPUS_DIR/keras/@name, or NULL after skipping the test when the
 * corpus or the file is absent. */
char *
test_util_corpus_file (const char *name)
{
  const char *dir = g_getenv ("GRAFT_CORPUS_DIR");
  g_autofree char *path = NULL;

  if (dir == NULL)
    {
      g_test_skip ("corpus not available (GRAFT_CORPUS_DIR)");
      return NULL;
    }
  path = g_build_filename (dir, "keras", name, NULL);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("corpus not available (GRAFT_CORPUS_DIR)");
      return NULL;
    }
  return g_steal_pointer (&path);
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
