/* graft-transfer-private.h: the plan's insides, for the files of core/edit
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "graft-layout.h"
#include "graft-transfer.h"

G_BEGIN_DECLS

typedef struct
{
  GraftWeight         *source;   /* borrowed, nullable */
  GraftWeight         *target;   /* borrowed, nullable */
  GraftTransferStatus  status;
  char                *reason;
  gboolean             partial;
  const GraftLayout   *layout;   /* a conversion between frameworks, or NULL */
  GraftLayoutParams    params;
  GraftWeight         *source2;  /* its second source (LSTM, GRU biases), or NULL */
  /* --quantize: the target's scales, zero points and group index,
   * written too (graft-transfer-quantize.c) */
  GraftWeight         *scale_target;
  GraftWeight         *zero_target;
  GraftWeight         *g_idx_target;
  gint                 block_size;  /* 0 for int8; int4's group size, -1 per channel */
  gsize                int4_rows;   /* int4: the rows of the matrix the source is read as */
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
  gboolean    quantize;        /* float onto int8 and int4 targets: quantize as Keras does */
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
extern const GraftMatchStrategy graft_match_by_structure;

/* graft-transfer-plan.c: what matchers record */
void        graft_transfer_plan_pair           (GraftTransferPlan *self,
                                                GraftWeight       *source,
                                                GraftWeight       *target,
                                                const char        *why);
void        graft_transfer_plan_pair_converted (GraftTransferPlan *self,
                                                GraftWeight       *source,
                                                GraftWeight       *source2,
                                                GraftWeight       *target,
                                                const GraftLayout *layout,
                                                const GraftLayoutParams *params,
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

/* graft-transfer-quantize.c */
gboolean    graft_transfer_quantize_classify  (GraftTransferPlan *self,
                                               GraftTransferPair *pair,
                                               const char        *why);
char       *graft_transfer_quantize_refusal   (GraftTransferPlan *self,
                                               GraftTransferPair *pair) G_GNUC_WARN_UNUSED_RESULT;
gboolean    graft_transfer_quantize_make      (const GraftTransferPair *pair,
                                               GPtrArray         *tensors,
                                               GPtrArray         *targets,
                                               GError           **error);

/* graft-match-structure.c */
void        graft_structure_match_layers      (GraftTransferPlan *self,
                                               GraftLayer        *source_top,
                                               GraftLayer        *target_top);
gboolean    graft_structure_pair_weights      (GraftTransferPlan *self,
                                               GraftWeight       *source,
                                               GraftWeight       *target);

/* graft-layout-kinds.c: the layer kinds matching by structure knows */

/**
 * GraftStructureMatch:
 * @target: the Keras layer to fill
 * @sources: the PyTorch modules not yet used, in order
 * @proposals: where a kind's pair function adds #GraftTransferPair
 *   proposals (source, source2, target, layout, params)
 */
typedef struct
{
  GraftModel *target_model;
  GraftLayer *target;
  GraftLayer *const *sources;
  guint       n_sources;
  GArray     *proposals;
} GraftStructureMatch;

/**
 * GraftLayoutKind:
 * @keras_class: the Keras class of the target layer
 * @torch_module: the PyTorch module that is its counterpart, for messages
 * @pair: proposes the pairs that fill @target from the first PyTorch
 *   modules; returns how many modules it used, 0 when they do not fit
 */
typedef struct
{
  const char *keras_class;
  const char *torch_module;
  guint     (*pair) (GraftStructureMatch *m);
} GraftLayoutKind;

const GraftLayoutKind *graft_layout_kind_find (const char *keras_class);

G_END_DECLS
