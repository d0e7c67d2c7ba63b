/* graft-background.c: work off the main thread, below its priority
 *
 * On a machine of two cores, a heatmap, the statistics and a spectrum each
 * scanning a large tensor on every core leave the main thread waiting for
 * its turn, and the window stutters although nothing blocks it. Background
 * work therefore runs at a lower scheduling priority (nice 10; threads it
 * starts inherit it), so the main loop gets a core whenever it needs one.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-background"

#include "config.h"

#include "graft-background.h"

#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#define GRAFT_BACKGROUND_NICE 10

static void
graft_background_lower_priority (void)
{
#ifdef __linux__
  /* Linux keeps a nice value per thread: this one only. */
  pid_t tid = (pid_t) syscall (SYS_gettid);

  if (getpriority (PRIO_PROCESS, tid) < GRAFT_BACKGROUND_NICE)
    setpriority (PRIO_PROCESS, tid, GRAFT_BACKGROUND_NICE);
#endif
}

static void
graft_background_thread (GTask        *task,
                         gpointer      source,
                         gpointer      task_data,
                         GCancellable *cancellable)
{
  GTaskThreadFunc func = (GTaskThreadFunc) g_object_get_data (G_OBJECT (task), "graft-background-func");

  graft_background_lower_priority ();
  func (task, source, task_data, cancellable);
}

/**
 * graft_background_run:
 *
 * g_task_run_in_thread(), at a priority below the main thread's.
 */
void
graft_background_run (GTask           *task,
                      GTaskThreadFunc  func)
{
  g_object_set_data (G_OBJECT (task), "graft-background-func", (gpointer) func);
  g_task_run_in_thread (task, graft_background_thread);
}
