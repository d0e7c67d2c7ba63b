/* test-atomic.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "graft.h"

static guint
count_entries (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (g_dir_read_name (d) != NULL)
    n++;
  return n;
}

static void
test_atomic_replace (void)
{
  g_autofree char *dir = g_dir_make_tmp ("graft-atomic-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "out.bin", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, "old", 3, NULL));
  g_assert_true (graft_atomic_write_bytes (path, "new contents", 12, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "new contents");
  g_assert_cmpuint (count_entries (dir), ==, 1);
  g_unlink (path);
  g_rmdir (dir);
}

/* An abandoned save leaves the old file and no temporary file. */
static void
test_atomic_abandon (void)
{
  g_autofree char *dir = g_dir_make_tmp ("graft-atomic-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "out.bin", NULL);
  g_autofree char *contents = NULL;
  GraftAtomicFile *file;

  g_assert_true (g_file_set_contents (path, "old", 3, NULL));
  file = graft_atomic_file_new (path, NULL);
  g_assert_nonnull (file);
  g_assert_true (graft_atomic_file_write (file, "partial", 7, NULL));
  g_assert_cmpuint (count_entries (dir), ==, 2);
  graft_atomic_file_free (file);
  g_assert_cmpuint (count_entries (dir), ==, 1);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "old");
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_atomic_read_only_folder (void)
{
  g_autofree char *dir = g_dir_make_tmp ("graft-atomic-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "out.bin", NULL);
  g_autoptr(GError) error = NULL;

  if (getuid () == 0)
    {
      /* root writes into read-only folders; use a folder that does not exist. */
      g_autofree char *missing = g_build_filename (dir, "no-such-folder", "out.bin", NULL);

      g_assert_false (graft_atomic_write_bytes (missing, "x", 1, &error));
      g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_IO);
      g_assert_nonnull (strstr (error->message, missing));
      g_rmdir (dir);
      return;
    }
  g_chmod (dir, 0555);
  g_assert_false (graft_atomic_write_bytes (path, "x", 1, &error));
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "Permission denied"));
  g_chmod (dir, 0755);
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/atomic/replace", test_atomic_replace);
  g_test_add_func ("/atomic/abandon", test_atomic_abandon);
  g_test_add_func ("/atomic/read-only-folder", test_atomic_read_only_folder);
  return g_test_run ();
}
