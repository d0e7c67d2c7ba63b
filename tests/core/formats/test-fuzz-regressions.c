/* test-fuzz-regressions.c: every input the fuzzers found to break Graft
 *
 * tests/data/broken/fuzz/<target>/ holds one file per bug, named for the
 * defect; each goes through the code path its fuzzer drives and must be
 * refused cleanly. tests/fuzz/README.md tells the story of each.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <sys/wait.h>

#include "graft.h"
#include "graft-net.h"

#if defined(__SANITIZE_ADDRESS__)
# define BUILT_WITH_ASAN 1
#elif defined(__has_feature)
# if __has_feature(address_sanitizer)
#  define BUILT_WITH_ASAN 1
# endif
#endif

static void
test_fuzz_npy (gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GraftTensor) tensor = graft_npy_load (data, &error);

  g_assert_null (tensor);
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT);
}

static void
test_fuzz_net_config (gconstpointer data)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GraftNet) net = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_file (parser, data, NULL));
  net = graft_net_new_from_config (json_parser_get_root (parser), &error);
  if (net != NULL && graft_net_check_runnable (net, &error))
    g_assert_false (graft_net_build (net, &error));
  g_assert_nonnull (error);
  g_assert_true (g_error_matches (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT) ||
                 g_error_matches (error, GRAFT_ERROR, GRAFT_ERROR_LIMIT));
  g_assert_nonnull (strstr (error->message, "layer '"));
}

/* Files that make libhdf5 itself read out of bounds, or loop forever.
 * Whether an overflow faults depends on the heap's layout: graft-cli either
 * reads the file or turns the crash (or, once the core's progress stands
 * still for a second, the endless loop) into its usual one-line error,
 * exit status 1, within two seconds; never a signal, never a hang. */
static void
test_fuzz_hdf5_upstream (gconstpointer data)
{
  const char *argv[] = { g_getenv ("GRAFT_CLI"), "inspect", data, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *prefix = g_strdup_printf ("graft-cli: %s: ", (const char *) data);
  g_auto(GStrv) envp = NULL;
  int status = 0;
  gint64 t0;

#ifdef BUILT_WITH_ASAN
  g_test_skip ("AddressSanitizer reports libhdf5's own overflow before the crash guard runs");
  return;
#endif
  t0 = g_get_monotonic_time ();
  envp = g_get_environ ();
  g_assert_true (g_spawn_sync (NULL, (char **) argv, envp, G_SPAWN_DEFAULT, NULL, NULL,
                               &out, &err, &status, NULL));
  g_assert_cmpint (g_get_monotonic_time () - t0, <, 2 * G_USEC_PER_SEC);
  g_assert_true (WIFEXITED (status));
  if (WEXITSTATUS (status) == 0)
    return;
  g_assert_cmpint (WEXITSTATUS (status), ==, 1);
  g_assert_true (g_str_has_prefix (err, prefix));
  g_assert_cmpuint (strlen (err), ==, (gsize) (strchr (err, '\n') - err) + 1);
}

static void
add_folder (const char    *target,
            GTestDataFunc  func)
{
  g_autofree char *dir = g_test_build_filename (G_TEST_DIST, "data", "broken", "fuzz", target, NULL);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *test = g_strdup_printf ("/fuzz/%s/%s", target, (char *) names->pdata[i]);

      g_test_add_data_func_full (test, g_build_filename (dir, names->pdata[i], NULL), func, g_free);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  graft_init ();
  add_folder ("npy", test_fuzz_npy);
  add_folder ("net-config", test_fuzz_net_config);
  add_folder ("hdf5-upstream", test_fuzz_hdf5_upstream);
  return g_test_run ();
}
