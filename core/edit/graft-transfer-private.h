/* graft-transfer-private.h: the plan's insides, for the files of core/edit
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "graft-transfer.h"

G_BEGIN_DECLS

typedef struct
{
  GraftWeight         *source;   /* borrowed, nullable */
  GraftWeight         *target;   /* borrowed, nullable */
  GraftTransferStatus  status;
  char                *reason;
  gboolean             partial;
} GraftTransferPair;

struct GraftTransferPlan
{
  GraftModel *source;
  GraftModel *target;
  GArray     *pairs;           /* of GraftTransferPair */
  GHashTable *assigned;        /* target GraftWeight → pair index + 1 */
  GHashTable *used;            /* source GraftWeight → itself */
  GHashTable *unmatched_why;   /* GraftWeight → const char * reason, for missing entries */
  GPtrArray  *reasons;         /* owned strings of unmatched_why */
  gboolean    partial;
  gboolean    skip_mismatch;
  gboolean    finished;
};

/**
 * GraftMatchStrategy:
 * @name: the name of `--by` and of the plan's JSON
 * @label: the name the Match dialog shows
 * @description: one sentence for `--help` and the Match dialog
 * @match: pairs every target weight the plan has not paired yet;
 *   %FALSE with @error set when the strategy cannot apply
 *
 * One way of matching weights; graft-match.c indexes them by
 * #GraftTransferStrategy. A new strategy is one file and one entry.
 */
typedef struct
{
  const char  *name;
  const char  *label;
  const char  *description;
  gboolean   (*match) (GraftTransferPlan  *plan,
                       GError            **error);
} GraftMatchStrategy;

extern const GraftMatchStrategy graft_match_by_name;
extern const GraftMatchStrategy graft_match_by_order;
extern const GraftMatchStrategy graft_match_by_shape;
extern const GraftMatchStrategy graft_match_by_location;

/* graft-transfer-plan.c: what matchers record */
void        graft_transfer_plan_pair           (GraftTransferPlan *self,
                                                GraftWeight       *source,
                                                GraftWeight       *target,
                                                const char        *why);
void        graft_transfer_plan_note_unmatched (GraftTransferPlan *self,
                                                GraftWeight       *weight,
                                                char              *reason);
void        graft_transfer_plan_pair_lists     (GraftTransferPlan *self,
                                                GPtrArray         *sources,
                                                const char        *source_prefix,
                                                GPtrArray         *targets,
                                                const char        *target_prefix,
                                                const char        *why);
GPtrArray  *graft_transfer_subtree_weights     (GraftModel        *model,
                                                GraftLayer        *layer);
gboolean    graft_transfer_pair_copies         (const GraftTransferPair *pair);
char       *graft_transfer_weight_shape        (GraftWeight       *w);

G_END_DECLS
