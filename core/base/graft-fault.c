/* graft-fault.c: failures on purpose, for the tests of every writer
 *
 * Every writer marks the steps of a save (the temporary file created, each
 * archive member added, the data flushed, the rename, the folder flushed)
 * with graft_fault_step(). Normally that does nothing. With the
 * environment variable GRAFT_FAULT set to "kill:N" the N-th step of the
 * process kills it on the spot (SIGKILL: no handler, no cleanup, as the
 * OOM killer or a power cut would), and with "fail:N" the N-th step fails
 * with an I/O error, so that the tests can stop a save at every step and
 * check that the target is the old file or the new one, never a mix, and
 * that a failed save leaves no temporary file behind.
 *
 * The step counter is the one piece of process-wide mutable state in the
 * core, and only the tests ever make it matter.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-fault"

#include "config.h"

#include "graft-fault.h"

#include <signal.h>
#include <stdlib.h>

#include "graft-error.h"

typedef enum
{
  GRAFT_FAULT_NONE,
  GRAFT_FAULT_KILL,
  GRAFT_FAULT_FAIL,
} GraftFaultMode;

typedef struct
{
  GraftFaultMode mode;
  guint          at;
} GraftFaultPlan;

static GraftFaultPlan *
graft_fault_plan (void)
{
  static GraftFaultPlan plan;
  static gsize once = 0;

  if (g_once_init_enter (&once))
    {
      const char *env = g_getenv ("GRAFT_FAULT");
      guint64 at = 0;

      if (env != NULL && g_str_has_prefix (env, "kill:") &&
          g_ascii_string_to_unsigned (env + 5, 10, 1, G_MAXUINT, &at, NULL))
        plan.mode = GRAFT_FAULT_KILL;
      else if (env != NULL && g_str_has_prefix (env, "fail:") &&
               g_ascii_string_to_unsigned (env + 5, 10, 1, G_MAXUINT, &at, NULL))
        plan.mode = GRAFT_FAULT_FAIL;
      plan.at = (guint) at;
      g_once_init_leave (&once, 1);
    }
  return &plan;
}

/**
 * graft_fault_step:
 * @path: the file being written, for the message
 * @what: the step ("rename")
 *
 * Marks one step of a save. Without GRAFT_FAULT it only returns %TRUE.
 *
 * Returns: %FALSE with a %GRAFT_ERROR_IO error when GRAFT_FAULT asks this
 *   step to fail; does not return when it asks this step to kill
 */
gboolean
graft_fault_step (const char  *path,
                  const char  *what,
                  GError     **error)
{
  static gint counter = 0;
  GraftFaultPlan *plan = graft_fault_plan ();
  guint step;

  if (plan->mode == GRAFT_FAULT_NONE)
    return TRUE;
  step = (guint) g_atomic_int_add (&counter, 1) + 1;
  if (step != plan->at)
    return TRUE;
  g_debug ("GRAFT_FAULT: step %u (%s) of %s", step, what, path);
  if (plan->mode == GRAFT_FAULT_KILL)
    {
      raise (SIGKILL);
      abort ();
    }
  g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_IO, "%s: %s: failed on purpose (GRAFT_FAULT)",
               path, what);
  return FALSE;
}
