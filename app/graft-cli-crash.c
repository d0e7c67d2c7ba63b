/* graft-cli-crash.c: a last line of defence against crashes in libraries
 *
 * Graft checks what it reads, but libhdf5 itself has bugs that a crafted
 * file can trigger (heap object sizes it trusts, for one; see
 * tests/fuzz/README.md). Should a library crash while a command reads a
 * file, the user still gets the one-line message every other failure gets,
 * naming the file, and exit status 1 instead of a core dump. The message
 * is prepared before anything runs, because a signal handler may only
 * call async-signal-safe functions.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-cli"

#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "graft-cli-private.h"

typedef struct
{
  char message[1024];
  gsize length;
  char hang_message[1024];
  gsize hang_length;
} GraftCliCrashGuard;

/* The handler has no other way to reach its message than a global. */
static GraftCliCrashGuard graft_cli_crash_guard;

static void
graft_cli_crash_handler (int signum)
{
  ssize_t ignored;

  ignored = write (STDERR_FILENO, graft_cli_crash_guard.message, graft_cli_crash_guard.length);
  (void) ignored;
  _exit (1);
}

static void
graft_cli_hang_handler (int signum)
{
  ssize_t ignored;

  ignored = write (STDERR_FILENO, graft_cli_crash_guard.hang_message, graft_cli_crash_guard.hang_length);
  (void) ignored;
  _exit (1);
}

/**
 * graft_cli_load:
 *
 * graft_keras_load() under a watchdog: reading a checkpoint's structure
 * takes milliseconds, but a crafted file can send libhdf5 into an endless
 * loop (tests/fuzz/README.md); after GRAFT_CLI_LOAD_TIMEOUT seconds (or
 * $GRAFT_LOAD_TIMEOUT) the command stops with a one-line error naming the
 * file.
 */
GraftModel *
graft_cli_load (const char  *path,
                GError     **error)
{
  const char *env = g_getenv ("GRAFT_LOAD_TIMEOUT");
  guint timeout = env != NULL && atoi (env) > 0 ? (guint) atoi (env) : GRAFT_CLI_LOAD_TIMEOUT;
  g_autofree char *message = g_strdup_printf ("graft-cli: %s: reading its structure took more than "
                                              "%u s; the file is corrupt or crafted to attack HDF5 "
                                              "readers\n", path, timeout);
  struct sigaction action;
  GraftModel *model;

  graft_cli_crash_guard.hang_length = MIN (strlen (message), sizeof graft_cli_crash_guard.hang_message);
  memcpy (graft_cli_crash_guard.hang_message, message, graft_cli_crash_guard.hang_length);
  memset (&action, 0, sizeof action);
  action.sa_handler = graft_cli_hang_handler;
  sigemptyset (&action.sa_mask);
  sigaction (SIGALRM, &action, NULL);

  alarm (timeout);
  model = graft_keras_load (path, error);
  alarm (0);
  return model;
}

/**
 * graft_cli_crash_guard_install:
 *
 * Turns a crash (SIGSEGV, SIGBUS, SIGFPE, SIGILL) into a one-line error
 * naming the files on the command line. A SIGBUS is also what a mapped
 * checkpoint raises when another program truncates it under Graft.
 */
void
graft_cli_crash_guard_install (int    argc,
                               char **argv)
{
  static const int signals[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL };
  g_autoptr(GString) files = g_string_new (NULL);
  g_autofree char *message = NULL;
  struct sigaction action;

  for (int i = 2; i < argc; i++)
    if (argv[i][0] != '-' && g_file_test (argv[i], G_FILE_TEST_IS_REGULAR))
      g_string_append_printf (files, "%s%s", files->len ? ", " : "", argv[i]);

  message = g_strdup_printf ("graft-cli: %s: a library crashed while reading %s; the file is "
                             "corrupt or crafted to attack HDF5 readers\n",
                             files->len ? files->str : "(no file)",
                             files->len ? "it" : "its input");
  graft_cli_crash_guard.length = MIN (strlen (message), sizeof graft_cli_crash_guard.message);
  memcpy (graft_cli_crash_guard.message, message, graft_cli_crash_guard.length);

  memset (&action, 0, sizeof action);
  action.sa_handler = graft_cli_crash_handler;
  sigemptyset (&action.sa_mask);
  action.sa_flags = SA_RESETHAND;
  for (guint i = 0; i < G_N_ELEMENTS (signals); i++)
    sigaction (signals[i], &action, NULL);
}
