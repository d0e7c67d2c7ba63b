/* graft-diff.h: comparing the weights of two checkpoints
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "graft-types.h"

G_BEGIN_DECLS

typedef struct GraftDiff GraftDiff;

/**
 * GraftDiffStats:
 * @max_abs: max |b - a|
 * @rel_norm: ‖b - a‖ / ‖a‖ (Frobenius); 0 when both are zero, +inf when
 *   only a is zero
 * @cosine: a·b / (‖a‖ ‖b‖); 1 when both are zero, 0 when one is
 * @n_changed: elements that differ (NaN against NaN counts as equal)
 * @n_elements: elements compared
 * @norm_a: ‖a‖
 * @norm_delta: ‖b - a‖
 * @shape_mismatch: the shapes differ, nothing was compared
 */
typedef struct
{
  double   max_abs;
  double   rel_norm;
  double   cosine;
  guint64  n_changed;
  guint64  n_elements;
  double   norm_a;
  double   norm_delta;
  gboolean shape_mismatch;
} GraftDiffStats;

GraftDiff            *graft_diff_new            (GraftModel          *a,
                                                 GraftModel          *b,
                                                 const char * const  *rules,
                                                 GError             **error) G_GNUC_WARN_UNUSED_RESULT;
void                  graft_diff_free           (GraftDiff           *self);
guint                 graft_diff_get_n_pairs    (const GraftDiff     *self);
GraftWeight          *graft_diff_get_a          (GraftDiff           *self,
                                                 guint                position);
GraftWeight          *graft_diff_get_b          (GraftDiff           *self,
                                                 guint                position);
const GraftDiffStats *graft_diff_get_stats      (const GraftDiff     *self,
                                                 guint                position);
guint                 graft_diff_get_n_only_a   (const GraftDiff     *self);
GraftWeight          *graft_diff_get_only_a     (GraftDiff           *self,
                                                 guint                position);
guint                 graft_diff_get_n_only_b   (const GraftDiff     *self);
GraftWeight          *graft_diff_get_only_b     (GraftDiff           *self,
                                                 guint                position);
guint                 graft_diff_get_n_changed  (const GraftDiff     *self);
gboolean              graft_diff_is_identical   (const GraftDiff     *self);

char                 *graft_diff_to_text        (const GraftDiff     *self) G_GNUC_WARN_UNUSED_RESULT;
JsonNode             *graft_diff_to_json        (const GraftDiff     *self) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GraftDiff, graft_diff_free)

G_END_DECLS
