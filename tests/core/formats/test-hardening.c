/* test-hardening.c: no data loss when the disk fills or the folder is
 * read-only, and flat memory over long sessions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "graft.h"

#if defined(__SANITIZE_ADDRESS__)
# define BUILT_WITH_ASAN 1
#elif defined(__has_feature)
# if __has_feature(address_sanitizer)
#  define BUILT_WITH_ASAN 1
# endif
#endif

static char *
fixture (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", "keras", name, NULL);
}

static guint
count_entries (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (g_dir_read_name (d) != NULL)
    n++;
  return n;
}

/* Saves @source over @target (which holds "old") in a child process set
 * up by @limit; returns the child's exit status: 0 when the save failed
 * with an I/O error naming the target, as it must. */
static int
save_in_child (const char *source,
               const char *target,
               void      (*limit) (void))
{
  pid_t pid = fork ();
  int status = 0;

  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      g_autoptr(GraftModel) model = NULL;
      g_autoptr(GPtrArray) none = g_ptr_array_new ();
      g_autoptr(GError) error = NULL;

      limit ();
      model = graft_keras_load (source, NULL);
      if (model == NULL)
        _exit (3);
      if (graft_keras_save (model, target, graft_model_get_format (model), GRAFT_SAVE_NONE, none,
                            &error))
        _exit (1);
      if (!g_error_matches (error, GRAFT_ERROR, GRAFT_ERROR_IO) ||
          strstr (error->message, target) == NULL)
        {
          g_printerr ("unexpected error: %s\n", error->message);
          _exit (2);
        }
      g_printerr ("# refused as expected: %s\n", error->message);
      _exit (0);
    }
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

static void
limit_file_size (void)
{
  /* A full disk, as far as this process can tell: writes stop at 4 KiB. */
  struct rlimit rl = { 4096, 4096 };

  signal (SIGXFSZ, SIG_IGN);
  setrlimit (RLIMIT_FSIZE, &rl);
}

static void
become_nobody (void)
{
  /* root may write anywhere: drop to an ordinary user first. */
  if (getuid () == 0 && (setgid (65534) != 0 || setuid (65534) != 0))
    _exit (4);
}

static void
check_untouched (const char *dir,
                 const char *target)
{
  g_autofree char *contents = NULL;

  g_assert_true (g_file_get_contents (target, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "old");
  /* No temporary file left behind either. */
  g_assert_cmpuint (count_entries (dir), ==, 1);
}

static void
test_hardening_disk_full (gconstpointer data)
{
  g_autofree char *source = fixture (data);
  g_autofree char *dir = g_dir_make_tmp ("graft-full-XXXXXX", NULL);
  g_autofree char *base = g_path_get_basename (data);
  g_autofree char *target = g_build_filename (dir, base, NULL);

  g_assert_true (g_file_set_contents (target, "old", 3, NULL));
  g_assert_cmpint (save_in_child (source, target, limit_file_size), ==, 0);
  check_untouched (dir, target);
  g_unlink (target);
  g_rmdir (dir);
}

static void
test_hardening_read_only_folder (void)
{
  g_autofree char *source = fixture ("mlp_functional.legacy.h5");
  g_autofree char *dir = g_dir_make_tmp ("graft-ro-XXXXXX", NULL);
  g_autofree char *target = g_build_filename (dir, "out.h5", NULL);

  g_assert_true (g_file_set_contents (target, "old", 3, NULL));
  g_assert_cmpint (g_chmod (dir, 0555), ==, 0);
  g_assert_cmpint (g_chmod (target, 0444), ==, 0);
  g_assert_cmpint (save_in_child (source, target, become_nobody), ==, 0);
  g_chmod (dir, 0755);
  check_untouched (dir, target);
  g_unlink (target);
  g_rmdir (dir);
}

/* AddressSanitizer holds freed memory in quarantine, so resident memory
 * only means something in an ordinary build. */
static gboolean
memory_is_measurable (void)
{
#ifdef BUILT_WITH_ASAN
  g_test_skip ("resident memory is not meaningful under AddressSanitizer");
  return FALSE;
#else
  return TRUE;
#endif
}

static gsize
resident_kib (void)
{
  g_autofree char *statm = NULL;
  unsigned long size = 0, resident = 0;

  g_assert_true (g_file_get_contents ("/proc/self/statm", &statm, NULL, NULL));
  g_assert_cmpint (sscanf (statm, "%lu %lu", &size, &resident), ==, 2);
  return resident * (sysconf (_SC_PAGESIZE) / 1024);
}

static void
open_and_read (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GraftModel) model = graft_keras_load (path, &error);
  g_autofree float *values = NULL;

  g_assert_no_error (error);
  values = graft_tensor_dup_float (graft_weight_get_tensor (graft_model_get_weight (model, 0)), &error);
  g_assert_no_error (error);
}

/* 500 opens (all five formats), each reading a tensor: memory stays flat. */
static void
test_hardening_many_opens (void)
{
  static const char * const names[] = {
    "mlp_functional.keras", "mlp_functional.weights.h5", "mlp_functional.legacy.h5",
    "mlp_functional.legacy_weights.h5", "mlp_functional_sharded.weights.json",
  };
  char *paths[G_N_ELEMENTS (names)];
  gsize before, after;

  if (!memory_is_measurable ())
    return;
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    paths[i] = fixture (names[i]);
  /* Warm up: caches of GLib, HDF5 and the allocator settle first. */
  for (guint i = 0; i < 50; i++)
    open_and_read (paths[i % G_N_ELEMENTS (names)]);
  before = resident_kib ();
  for (guint i = 0; i < 500; i++)
    open_and_read (paths[i % G_N_ELEMENTS (names)]);
  after = resident_kib ();
  g_test_message ("resident memory %zu KiB before, %zu KiB after 500 opens", before, after);
  g_assert_cmpuint (after, <=, before + 2048);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_free (paths[i]);
}

/* 200 transfer and undo cycles on one model: memory stays flat. */
static void
test_hardening_transfer_cycles (void)
{
  g_autofree char *src_path = fixture ("seq_conv_newhead.weights.h5");
  g_autoptr(GraftModel) source = graft_keras_load (src_path, NULL);
  g_autoptr(GraftModel) target = graft_keras_load (src_path, NULL);
  g_autoptr(GraftEdit) edit = graft_edit_new (target);
  gsize before = 0, after;

  if (!memory_is_measurable ())
    return;
  g_assert_nonnull (source);
  for (guint i = 0; i < 250; i++)
    {
      GraftTransferPlan *plan = graft_transfer_plan_new (source, target);
      g_autoptr(GError) error = NULL;

      g_assert_true (graft_transfer_plan_match (plan, GRAFT_TRANSFER_BY_NAME, &error));
      g_assert_no_error (error);
      graft_transfer_plan_finish (plan);
      g_assert_true (graft_transfer_plan_apply (plan, edit, &error));
      g_assert_no_error (error);
      g_assert_true (graft_edit_is_dirty (edit));
      g_assert_true (graft_edit_undo (edit));
      graft_transfer_plan_free (plan);
      if (i == 49)
        before = resident_kib ();
    }
  after = resident_kib ();
  g_test_message ("resident memory %zu KiB before, %zu KiB after 200 cycles", before, after);
  g_assert_false (graft_edit_is_dirty (edit));
  g_assert_cmpuint (after, <=, before + 2048);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  graft_init ();
  g_test_add_data_func ("/hardening/save/disk-full/h5", "mlp_functional.legacy.h5",
                        test_hardening_disk_full);
  g_test_add_data_func ("/hardening/save/disk-full/keras", "mlp_functional.keras",
                        test_hardening_disk_full);
  g_test_add_func ("/hardening/save/read-only-folder", test_hardening_read_only_folder);
  g_test_add_func ("/hardening/load/500-opens-flat-memory", test_hardening_many_opens);
  g_test_add_func ("/hardening/transfer/200-cycles-flat-memory", test_hardening_transfer_cycles);
  return g_test_run ();
}
