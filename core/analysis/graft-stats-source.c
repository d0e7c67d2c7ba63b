/* graft-stats-source.c
 *
 * Where a pass over a tensor's values comes from and the threads it runs
 * on: the mapped values, or the tensor streamed a piece at a time; the
 * values handed to the kernels as float32 or double; jobs one thread each.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-stats"

#include "config.h"

#include "graft-stats-private.h"

#include <string.h>

#include "graft-dtype.h"
#include "graft-error.h"
#include "graft-tensor.h"
#include "graft-tensor-stream.h"

/**
 * graft_stats_source_init:
 *
 * Gets the values of @tensor in place: mapped from the file when its
 * dataset is contiguous, so no private copy is made; a large compressed
 * one is streamed instead (graft_tensor_peek_data()).
 */
gboolean
graft_stats_source_init (GraftStatsSource  *src,
                         GraftTensor       *tensor,
                         GError           **error)
{
  GraftDType dtype = graft_tensor_get_dtype (tensor);

  g_autoptr(GError) local_error = NULL;

  src->data = graft_tensor_peek_data (tensor, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (src->data != NULL)
    graft_tensor_populate (tensor);
  src->stream = src->data == NULL ? tensor : NULL;
  src->stream_error = NULL;
  g_mutex_init (&src->stream_lock);
  src->dtype = dtype;
  src->n = graft_tensor_get_n_elements (tensor);
  src->wide = graft_stats_dtype_is_wide (dtype);
  return TRUE;
}

/* Whether values of @dtype need double: float32 holds every value of the
 * others exactly. */
gboolean
graft_stats_dtype_is_wide (GraftDType dtype)
{
  return !(dtype == GRAFT_DTYPE_FLOAT32 || dtype == GRAFT_DTYPE_FLOAT16 ||
           dtype == GRAFT_DTYPE_BFLOAT16 || dtype == GRAFT_DTYPE_INT8 ||
           dtype == GRAFT_DTYPE_UINT8 || dtype == GRAFT_DTYPE_INT16 ||
           dtype == GRAFT_DTYPE_UINT16 || dtype == GRAFT_DTYPE_BOOL);
}

void
graft_stats_source_clear (GraftStatsSource *src)
{
  g_clear_error (&src->stream_error);
  g_mutex_clear (&src->stream_lock);
}

/* Keeps the first read error of any thread. */
void
graft_stats_source_fail (GraftStatsSource *src,
                         GError           *error)
{
  g_mutex_lock (&src->stream_lock);
  if (src->stream_error == NULL)
    src->stream_error = g_steal_pointer (&error);
  g_mutex_unlock (&src->stream_lock);
  g_clear_error (&error);
}

/**
 * graft_stats_source_failed:
 *
 * Whether a pass over @src stopped early: a streamed read failed (its
 * error is copied to @error) or the work was cancelled.
 */
gboolean
graft_stats_source_failed (GraftStatsSource  *src,
                           GCancellable      *cancellable,
                           GError           **error)
{
  if (src->stream_error != NULL)
    {
      g_propagate_error (error, g_error_copy (src->stream_error));
      return TRUE;
    }
  return graft_stats_check_cancelled (cancellable, error);
}

/**
 * graft_stats_source_f32:
 * @buf: [len] room for converted values
 *
 * Returns: (transfer none): elements @offset … @offset + @len as float32,
 *   either in place or converted into @buf
 */
const float *
graft_stats_source_f32 (const GraftStatsSource *src,
                        gsize                   offset,
                        gsize                   len,
                        float                  *buf)
{
  gsize elem = graft_dtype_get_size (src->dtype);

  if (src->dtype == GRAFT_DTYPE_FLOAT32)
    return (const float *) src->data + offset;
  graft_dtype_to_float (src->dtype, src->data + offset * elem, buf, len);
  return buf;
}

const double *
graft_stats_source_f64 (const GraftStatsSource *src,
                        gsize                   offset,
                        gsize                   len,
                        double                 *buf)
{
  gsize elem = graft_dtype_get_size (src->dtype);

  if (src->dtype == GRAFT_DTYPE_FLOAT64)
    return (const double *) src->data + offset;
  graft_dtype_to_double (src->dtype, src->data + offset * elem, buf, len);
  return buf;
}

/* Threads pay off only on tensors that take milliseconds to scan. */
guint
graft_stats_choose_n_threads (gsize n_elements)
{
  if (n_elements < 4 * 1024 * 1024)
    return 1;
  return CLAMP (g_get_num_processors (), 1, 8);
}

typedef struct
{
  GraftStatsJobFunc func;
  gpointer          job;
} GraftStatsThreadData;

static gpointer
graft_stats_thread_main (gpointer data)
{
  GraftStatsThreadData *td = data;

  td->func (td->job);
  return NULL;
}

/**
 * graft_stats_run_jobs:
 * @jobs: [n_jobs] job structs of @job_size bytes each
 *
 * Runs @func on every job, one thread each, the first on the calling
 * thread, and returns when all are done.
 */
void
graft_stats_run_jobs (gpointer          jobs,
                      gsize             job_size,
                      guint             n_jobs,
                      GraftStatsJobFunc func)
{
  g_autofree GThread **threads = g_new0 (GThread *, MAX (n_jobs, 1));
  g_autofree GraftStatsThreadData *tds = g_new0 (GraftStatsThreadData, MAX (n_jobs, 1));

  for (guint j = 1; j < n_jobs; j++)
    {
      tds[j].func = func;
      tds[j].job = (guint8 *) jobs + j * job_size;
      threads[j] = g_thread_new ("graft-stats", graft_stats_thread_main, &tds[j]);
    }
  if (n_jobs > 0)
    func (jobs);
  for (guint j = 1; j < n_jobs; j++)
    g_thread_join (threads[j]);
}

gboolean
graft_stats_check_cancelled (GCancellable  *cancellable,
                             GError       **error)
{
  if (cancellable == NULL || !g_cancellable_is_cancelled (cancellable))
    return FALSE;
  g_set_error_literal (error, GRAFT_ERROR, GRAFT_ERROR_CANCELLED, "cancelled");
  return TRUE;
}
