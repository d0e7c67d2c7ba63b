/* graft-progress.c: a count of the work done, for a watchdog to see it move
 *
 * Reading a sound file goes through many small steps: a link looked up, an
 * attribute read, a block of values read or reduced. Each step ticks this
 * counter. A library that loops on a crafted file (libhdf5 does, see
 * tests/fuzz/README.md) stops the ticks, and a watchdog that sees the
 * count stand still for a second knows the read is stuck, however large
 * the file is; a legitimate read of a big file ticks all along.
 *
 * A long computation on values already in memory (an eigensolver in
 * LAPACK) cannot tick from inside, and cannot be stuck on a crafted file
 * either: it holds the counter (graft_progress_hold()) for its duration,
 * which a watchdog reads as progress.
 *
 * The counter is process-wide (it is the one thing a watchdog thread and a
 * stuck library call can share) and costs one relaxed atomic add a step.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-progress"

#include "config.h"

#include "graft-progress.h"

static gint64 graft_progress_count;
static gint graft_progress_holds;

/* One step of reading or computing done. */
void
graft_progress_tick (void)
{
  __atomic_add_fetch (&graft_progress_count, 1, __ATOMIC_RELAXED);
}

/* The steps done so far, from any thread. */
guint64
graft_progress_get (void)
{
  return (guint64) __atomic_load_n (&graft_progress_count, __ATOMIC_RELAXED);
}

/* A computation that cannot tick starts: the counter counts as moving. */
void
graft_progress_hold (void)
{
  __atomic_add_fetch (&graft_progress_holds, 1, __ATOMIC_RELAXED);
}

void
graft_progress_release (void)
{
  __atomic_sub_fetch (&graft_progress_holds, 1, __ATOMIC_RELAXED);
  graft_progress_tick ();
}

/* Whether a computation holds the counter now. */
gboolean
graft_progress_is_held (void)
{
  return __atomic_load_n (&graft_progress_holds, __ATOMIC_RELAXED) > 0;
}
