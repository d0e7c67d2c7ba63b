/* graft-cli-crash.c: a last line of defence against crashes in libraries
 *
 * Graft checks what it reads, but libhdf5 itself has bugs that a crafted
 * file can trigger (heap object sizes it trusts, endless loops; see
 * tests/fuzz/README.md). Should a library crash while a command reads a
 * file, the user still gets the one-line message every other failure gets,
 * naming the file, and exit status 1 instead of a core dump; should it
 * loop, a watchdog that sees the core's progress counter stand still stops
 * the command the same way within about a second. The messages are
 * prepared before anything runs, because a signal handler may only call
 * async-signal-safe functions.
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

#include "graft-progress.h"

typedef struct
{
  char message[1024];
  gsize length;
  char hang_message[1024];
  gsize hang_length;
  /* The watchdog: armed while a command reads, it stops the process when
   * the core's progress counter stands still for stall_us. */
  gint armed;
  gint64 stall_us;
} GraftCliCrashGuard;

/* The handler and the watchdog have no other way to reach their message
 * than a global: the thread that should be reading may be stuck in a
 * library holding any lock, so they only write() and _exit(). */
static GraftCliCrashGuard graft_cli_crash_guard;

static void
graft_cli_crash_handler (int signum)
{
  ssize_t ignored;

  ignored = write (STDERR_FILENO, graft_cli_crash_guard.message, graft_cli_crash_guard.length);
  (void) ignored;
  _exit (1);
}

static gpointer
graft_cli_watchdog_thread (gpointer data)
{
  guint64 last = graft_progress_get ();
  gint64 since = g_get_monotonic_time ();

  for (;;)
    {
      guint64 now_count;
      gint64 now;

      g_usleep (G_USEC_PER_SEC / 20);
      now_count = graft_progress_get ();
      now = g_get_monotonic_time ();
      if (now_count != last || graft_progress_is_held () ||
          !g_atomic_int_get (&graft_cli_crash_guard.armed))
        {
          last = now_count;
          since = now;
          continue;
        }
      if (now - since >= graft_cli_crash_guard.stall_us)
        {
          ssize_t ignored = write (STDERR_FILENO, graft_cli_crash_guard.hang_message,
                                   graft_cli_crash_guard.hang_length);

          (void) ignored;
          _exit (1);
        }
    }
  return NULL;
}

/**
 * graft_cli_watch_begin:
 * @path: the file being read, for the message
 *
 * Arms the watchdog while a command reads @path: reading a checkpoint moves
 * the core's progress counter (graft_progress_tick()) many times a second,
 * however large the file, but a crafted file can send libhdf5 into an
 * endless loop (tests/fuzz/README.md). When the counter stands still for
 * GRAFT_CLI_STALL_MS milliseconds ($GRAFT_STALL_MS), the command stops with
 * a one-line error naming the file and exit status 1. Calls nest.
 */
void
graft_cli_watch_begin (const char *path)
{
  static gsize started = 0;
  g_autofree char *message = NULL;

  if (g_atomic_int_add (&graft_cli_crash_guard.armed, 1) > 0)
    return;
  message = g_strdup_printf ("graft-cli: %s: reading it stopped making progress for %.1f s; the "
                             "file is corrupt or crafted to attack HDF5 readers\n", path,
                             graft_cli_crash_guard.stall_us / (double) G_USEC_PER_SEC);
  graft_cli_crash_guard.hang_length = MIN (strlen (message),
                                           sizeof graft_cli_crash_guard.hang_message);
  memcpy (graft_cli_crash_guard.hang_message, message, graft_cli_crash_guard.hang_length);
  if (g_once_init_enter (&started))
    {
      g_thread_unref (g_thread_new ("graft-watchdog", graft_cli_watchdog_thread, NULL));
      g_once_init_leave (&started, 1);
    }
}

void
graft_cli_watch_end (void)
{
  g_atomic_int_add (&graft_cli_crash_guard.armed, -1);
}

/**
 * graft_cli_load:
 *
 * graft_keras_load() under the watchdog (graft_cli_watch_begin()).
 */
GraftModel *
graft_cli_load (const char  *path,
                GError     **error)
{
  GraftModel *model;

  graft_cli_watch_begin (path);
  model = graft_keras_load (path, error);
  graft_cli_watch_end ();
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
  const char *stall = g_getenv ("GRAFT_STALL_MS");

  graft_cli_crash_guard.stall_us = (stall != NULL && atoi (stall) > 0 ? atoi (stall)
                                                                      : GRAFT_CLI_STALL_MS) * 1000;
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
