/* graft-probe.c
 *
 * libhdf5 can crash or loop forever on a crafted file (tests/fuzz/README.md),
 * and a crash of the app would lose the user's unsaved work in the other
 * checkpoint. So before a file is opened in-process, graft-cli reads its
 * structure in a process of its own; only when that succeeds does the app
 * open it itself (reading is deterministic, so the second read is safe).
 * graft-cli already turns crashes and endless loops into one-line errors.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-probe"

#include "config.h"

#include "graft-probe.h"

#include <string.h>

#include "graft-error.h"

/* graft-cli beside the running program, or $GRAFT_CLI, or on PATH. */
static char *
graft_probe_find_cli (void)
{
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  const char *env = g_getenv ("GRAFT_CLI");

  if (env != NULL && g_file_test (env, G_FILE_TEST_IS_EXECUTABLE))
    return g_strdup (env);
  if (exe != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (exe);
      g_autofree char *beside = g_build_filename (dir, "graft-cli", NULL);

      if (g_file_test (beside, G_FILE_TEST_IS_EXECUTABLE))
        return g_steal_pointer (&beside);
    }
  return g_find_program_in_path ("graft-cli");
}

/**
 * graft_probe_checkpoint:
 *
 * Reads @path's structure with `graft-cli inspect` in a child process.
 * Blocks: call it from a worker thread.
 *
 * Returns: %TRUE when the file can be opened safely (or graft-cli is not
 *   installed, in which case there is nothing to probe with); %FALSE with
 *   graft-cli's message, or word of its crash, in @error
 */
gboolean
graft_probe_checkpoint (const char    *path,
                        GCancellable  *cancellable,
                        GError       **error)
{
  g_autofree char *cli = graft_probe_find_cli ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) local_error = NULL;

  if (cli == NULL)
    {
      g_debug ("graft-cli not found; opening %s without probing it", path);
      return TRUE;
    }

  /* "Text file busy": graft-cli was being written (an upgrade), or another
   * thread's child still held it open between fork and exec. It passes. */
  for (guint attempt = 0; attempt < 10; attempt++)
    {
      g_clear_error (&local_error);
      proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                               &local_error, cli, "inspect", path, NULL);
      if (proc != NULL || !g_error_matches (local_error, G_SPAWN_ERROR, G_SPAWN_ERROR_TXTBUSY))
        break;
      g_usleep (20 * 1000);
    }
  if (proc == NULL)
    {
      g_debug ("cannot run %s: %s; opening %s without probing it", cli, local_error->message, path);
      return TRUE;
    }
  if (!g_subprocess_communicate_utf8 (proc, NULL, cancellable, NULL, &err, error))
    {
      /* Given up by the user: the helper need not go on reading. */
      g_subprocess_force_exit (proc);
      return FALSE;
    }

  if (g_subprocess_get_if_signaled (proc))
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSAFE,
                   "%s: reading it crashed a helper process (signal %d); the file is corrupt or "
                   "crafted to attack HDF5 readers", path, g_subprocess_get_term_sig (proc));
      return FALSE;
    }
  if (g_subprocess_get_exit_status (proc) != 0)
    {
      const char *msg = err != NULL ? err : "";

      if (g_str_has_prefix (msg, "graft-cli: "))
        msg += strlen ("graft-cli: ");
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_FAILED, "%.*s",
                   (int) strcspn (msg, "\n"), msg[0] ? msg : path);
      return FALSE;
    }
  return TRUE;
}
