/* test-journal.c: the journal an unsaved session leaves on disk
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "graft.h"
#include "test-util.h"

static GPtrArray *
pairs_of (const char *first,
          ...)
{
  GPtrArray *pairs = g_ptr_array_new_with_free_func (g_free);
  va_list args;

  va_start (args, first);
  for (const char *s = first; s != NULL; s = va_arg (args, const char *))
    g_ptr_array_add (pairs, g_strdup (s));
  va_end (args);
  return pairs;
}

static char *
copy_fixture (const char *dir,
              const char *name)
{
  g_autofree char *from = test_util_fixture (name);
  char *to = g_build_filename (dir, name, NULL);
  g_autofree char *data = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (from, &data, &len, NULL));
  g_assert_true (g_file_set_contents (to, data, len, NULL));
  return to;
}

static void
test_journal_roundtrip (void)
{
  g_autofree char *dir = g_dir_make_tmp ("graft-journal-XXXXXX", NULL);
  g_autofree char *source = copy_fixture (dir, "seq_conv.keras");
  g_autofree char *target = copy_fixture (dir, "seq_conv_newhead.keras");
  g_autofree char *path = g_build_filename (dir, "state", "session.json", NULL);
  g_autoptr(GraftJournal) journal = NULL;
  g_autoptr(GraftJournal) back = NULL;
  g_autoptr(GPtrArray) one = pairs_of ("conv1", "conv1", NULL);
  g_autoptr(GPtrArray) two = pairs_of ("conv1/kernel", "conv1/kernel", "conv1/bias", "conv1/bias",
                                       NULL);
  g_autoptr(GPtrArray) three = pairs_of ("dense", "new_dense", NULL);
  GPtrArray *got;
  GError *error = NULL;

  journal = graft_journal_new (source, target, &error);
  g_assert_no_error (error);
  graft_journal_add_step (journal, "Transfer conv1", one, FALSE);
  graft_journal_add_step (journal, "Transfer two", two, FALSE);
  graft_journal_add_step (journal, "Partial head", three, TRUE);
  g_assert_cmpuint (graft_journal_get_position (journal), ==, 3);
  /* Undo twice, then a new step: the undone ones can no longer be redone. */
  graft_journal_set_position (journal, 1);
  graft_journal_add_step (journal, "Again", two, FALSE);
  graft_journal_add_step (journal, "Partial head", three, TRUE);
  graft_journal_set_position (journal, 2);
  g_assert_true (graft_journal_save (journal, path, &error));
  g_assert_no_error (error);

  back = graft_journal_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (graft_journal_get_n_steps (back), ==, 3);
  g_assert_cmpuint (graft_journal_get_position (back), ==, 2);
  g_assert_cmpstr (graft_journal_get_label (back, 1), ==, "Again");
  g_assert_false (graft_journal_get_partial (back, 1));
  g_assert_true (graft_journal_get_partial (back, 2));
  got = graft_journal_get_pairs (back, 1);
  g_assert_cmpuint (got->len, ==, 4);
  g_assert_cmpstr (g_ptr_array_index (got, 3), ==, "conv1/bias");
  g_assert_cmpint (graft_journal_get_pid (back), ==, getpid ());
  g_assert_nonnull (strstr (graft_journal_get_path (back, GRAFT_JOURNAL_SOURCE), "seq_conv.keras"));
  g_assert_false (graft_journal_file_changed (back, GRAFT_JOURNAL_SOURCE));
  g_assert_false (graft_journal_file_changed (back, GRAFT_JOURNAL_TARGET));

  /* The source is rewritten: the journal says so; the target is unchanged. */
  g_usleep (10000);
  g_assert_true (g_file_set_contents (source, "changed", -1, NULL));
  g_assert_true (graft_journal_file_changed (back, GRAFT_JOURNAL_SOURCE));
  g_assert_false (graft_journal_file_changed (back, GRAFT_JOURNAL_TARGET));
  g_unlink (source);
  g_assert_true (graft_journal_file_changed (back, GRAFT_JOURNAL_SOURCE));

  g_unlink (target);
  g_unlink (path);
  g_autofree char *state = g_build_filename (dir, "state", NULL);
  g_rmdir (state);
  g_rmdir (dir);
}

static void
test_journal_step_applies (void)
{
  g_autofree char *source_path = test_util_fixture ("seq_conv.keras");
  g_autofree char *target_path = test_util_fixture ("seq_conv_newhead.keras");
  g_autoptr(GraftModel) source = test_util_load_path (source_path);
  g_autoptr(GraftModel) target = test_util_load_path (target_path);
  g_autoptr(GraftJournal) journal = NULL;
  g_autoptr(GPtrArray) ok = pairs_of ("conv1", "conv1", NULL);
  g_autoptr(GPtrArray) mismatch = pairs_of ("dense", "new_dense", NULL);
  g_autoptr(GPtrArray) missing = pairs_of ("nothing", "conv1", NULL);
  g_autofree char *why = NULL;
  GError *error = NULL;

  journal = graft_journal_new (source_path, target_path, &error);
  g_assert_no_error (error);
  graft_journal_add_step (journal, "a", ok, FALSE);
  graft_journal_add_step (journal, "b", mismatch, FALSE);
  graft_journal_add_step (journal, "c", mismatch, TRUE);
  graft_journal_add_step (journal, "d", missing, FALSE);

  g_assert_true (graft_journal_step_applies (journal, 0, source, target, NULL));
  g_assert_false (graft_journal_step_applies (journal, 1, source, target, &why));
  g_assert_nonnull (strstr (why, "shapes"));
  g_clear_pointer (&why, g_free);
  /* [5408, 10] onto [5408, 5] as a partial copy applies. */
  g_assert_true (graft_journal_step_applies (journal, 2, source, target, NULL));
  g_assert_false (graft_journal_step_applies (journal, 3, source, target, &why));
  g_assert_nonnull (strstr (why, "nothing"));
}

static void
test_journal_errors (void)
{
  g_autofree char *dir = g_dir_make_tmp ("graft-journal-XXXXXX", NULL);
  g_autofree char *bad = g_build_filename (dir, "bad.json", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.json", NULL);
  GError *error = NULL;

  g_assert_null (graft_journal_new (NULL, missing, &error));
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_IO);
  g_clear_error (&error);
  g_assert_null (graft_journal_load (missing, &error));
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_IO);
  g_clear_error (&error);
  g_assert_true (g_file_set_contents (bad, "{\"version\": 1, \"target\": {\"path\": \"x\"}, "
                                      "\"steps\": [{\"pairs\": [[\"a\"]]}]}", -1, NULL));
  g_assert_null (graft_journal_load (bad, &error));
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT);
  g_clear_error (&error);
  g_assert_true (g_file_set_contents (bad, "{\"version\": 7}", -1, NULL));
  g_assert_null (graft_journal_load (bad, &error));
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT);
  g_clear_error (&error);
  g_unlink (bad);
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  graft_init ();

  g_test_add_func ("/journal/roundtrip", test_journal_roundtrip);
  g_test_add_func ("/journal/step-applies", test_journal_step_applies);
  g_test_add_func ("/journal/errors", test_journal_errors);
  return g_test_run ();
}
