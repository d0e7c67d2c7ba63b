/* graft-series.h: a training run's checkpoints as per-layer curves
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "graft-drift.h"
#include "graft-types.h"

G_BEGIN_DECLS

typedef struct GraftSeries GraftSeries;

/**
 * GraftSeriesOrder:
 * @GRAFT_SERIES_BY_NAME: file names in natural order (step-2 before step-10)
 * @GRAFT_SERIES_BY_MTIME: modification times, oldest first
 */
typedef enum
{
  GRAFT_SERIES_BY_NAME,
  GRAFT_SERIES_BY_MTIME,
} GraftSeriesOrder;

GPtrArray    *graft_series_list_paths     (const char *const *args,
                                           GraftSeriesOrder   order,
                                           GError           **error) G_GNUC_WARN_UNUSED_RESULT;
GraftSeries  *graft_series_new            (GPtrArray         *paths);
void          graft_series_free           (GraftSeries       *self);
gboolean      graft_series_compute        (GraftSeries       *self,
                                           GCancellable      *cancellable,
                                           GError           **error);
guint         graft_series_get_n_checkpoints (const GraftSeries *self);
guint         graft_series_get_n_done     (GraftSeries       *self);
const char   *graft_series_get_path       (const GraftSeries *self,
                                           guint              i);
guint         graft_series_get_n_weights  (const GraftSeries *self);
const char   *graft_series_get_weight     (const GraftSeries *self,
                                           guint              j);
const GraftDrift *graft_series_get_drift  (const GraftSeries *self,
                                           guint              i,
                                           guint              j);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GraftSeries, graft_series_free)

G_END_DECLS
