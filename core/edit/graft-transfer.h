/* graft-transfer.h: planning and applying weight transfers between models
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "graft-edit.h"
#include "graft-types.h"

G_BEGIN_DECLS

typedef struct GraftTransferPlan GraftTransferPlan;

/**
 * GraftTransferStatus:
 * @GRAFT_TRANSFER_OK: same shape and dtype, copied as is
 * @GRAFT_TRANSFER_CONVERTED: same shape, values converted to the target's dtype
 * @GRAFT_TRANSFER_SHAPE_MISMATCH: shapes differ; refused unless a partial copy
 * @GRAFT_TRANSFER_MISSING_IN_SOURCE: a target weight nothing maps to
 * @GRAFT_TRANSFER_MISSING_IN_TARGET: a source weight that maps to nothing
 * @GRAFT_TRANSFER_SKIPPED: left out on request (skip-mismatch)
 */
typedef enum
{
  GRAFT_TRANSFER_OK,
  GRAFT_TRANSFER_CONVERTED,
  GRAFT_TRANSFER_SHAPE_MISMATCH,
  GRAFT_TRANSFER_MISSING_IN_SOURCE,
  GRAFT_TRANSFER_MISSING_IN_TARGET,
  GRAFT_TRANSFER_SKIPPED,
  GRAFT_N_TRANSFER_STATUSES
} GraftTransferStatus;

/**
 * GraftTransferStrategy:
 * @GRAFT_TRANSFER_BY_NAME: layers with the same name (nested ones too),
 *   weights by name within them
 * @GRAFT_TRANSFER_BY_ORDER: the legacy load_weights rule: top-level layers
 *   that have weights, in order; weights by position within a layer
 * @GRAFT_TRANSFER_BY_SHAPE: greedily, in order, among equal shapes
 * @GRAFT_TRANSFER_BY_LOCATION: the same place in the file (Keras 3 matches
 *   this way: layers/dense/vars/0 to layers/dense/vars/0)
 * @GRAFT_TRANSFER_BY_STRUCTURE: between frameworks: PyTorch modules in
 *   order against Keras layers with weights, each pair converted to the
 *   target's layout
 */
typedef enum
{
  GRAFT_TRANSFER_BY_NAME,
  GRAFT_TRANSFER_BY_ORDER,
  GRAFT_TRANSFER_BY_SHAPE,
  GRAFT_TRANSFER_BY_LOCATION,
  GRAFT_TRANSFER_BY_STRUCTURE,
  GRAFT_N_TRANSFER_STRATEGIES
} GraftTransferStrategy;

const char          *graft_transfer_status_get_name     (GraftTransferStatus    status);
const char          *graft_transfer_strategy_get_name   (GraftTransferStrategy  strategy);
const char          *graft_transfer_strategy_get_label  (GraftTransferStrategy  strategy);
char                *graft_transfer_strategy_dup_names  (void) G_GNUC_WARN_UNUSED_RESULT;
const char          *graft_transfer_strategy_get_description (GraftTransferStrategy strategy);
gboolean             graft_transfer_strategy_from_name  (const char            *name,
                                                         GraftTransferStrategy *strategy);

GraftTransferPlan   *graft_transfer_plan_new            (GraftModel            *source,
                                                         GraftModel            *target) G_GNUC_WARN_UNUSED_RESULT;
void                 graft_transfer_plan_free           (GraftTransferPlan     *self);
void                 graft_transfer_plan_set_partial    (GraftTransferPlan     *self,
                                                         gboolean               partial);
void                 graft_transfer_plan_set_quantize   (GraftTransferPlan     *self,
                                                         gboolean               quantize);
void                 graft_transfer_plan_set_skip_mismatch (GraftTransferPlan  *self,
                                                         gboolean               skip);

gboolean             graft_transfer_plan_add_rule       (GraftTransferPlan     *self,
                                                         const char            *rule,
                                                         GError               **error);
gboolean             graft_transfer_plan_add_layer      (GraftTransferPlan     *self,
                                                         const char            *source_path,
                                                         const char            *target_path,
                                                         GError               **error);
gboolean             graft_transfer_plan_match          (GraftTransferPlan     *self,
                                                         GraftTransferStrategy  strategy,
                                                         GError               **error);
void                 graft_transfer_plan_finish         (GraftTransferPlan     *self);

guint                graft_transfer_plan_get_n_pairs    (const GraftTransferPlan *self);
GraftWeight         *graft_transfer_plan_get_source     (GraftTransferPlan       *self,
                                                         guint                  position);
GraftWeight         *graft_transfer_plan_get_target     (GraftTransferPlan       *self,
                                                         guint                  position);
GraftTransferStatus  graft_transfer_plan_get_status     (const GraftTransferPlan *self,
                                                         guint                  position);
const char          *graft_transfer_plan_get_reason     (const GraftTransferPlan *self,
                                                         guint                  position);
const char          *graft_transfer_plan_get_conversion (const GraftTransferPlan *self,
                                                         guint                  position);
char                *graft_transfer_plan_describe_conversion (const GraftTransferPlan *self,
                                                         guint                  position) G_GNUC_WARN_UNUSED_RESULT;
GraftTransferStrategy graft_transfer_strategy_default   (GraftModel            *source,
                                                         GraftModel            *target);
gboolean             graft_transfer_plan_get_partial    (const GraftTransferPlan *self,
                                                         guint                  position);
guint                graft_transfer_plan_count          (const GraftTransferPlan *self,
                                                         GraftTransferStatus    status);
guint                graft_transfer_plan_get_n_copies   (const GraftTransferPlan *self);

char                *graft_transfer_plan_to_table       (const GraftTransferPlan *self) G_GNUC_WARN_UNUSED_RESULT;
JsonNode            *graft_transfer_plan_to_json        (const GraftTransferPlan *self) G_GNUC_WARN_UNUSED_RESULT;

gboolean             graft_transfer_plan_apply          (GraftTransferPlan     *self,
                                                         GraftEdit             *edit,
                                                         GError               **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GraftTransferPlan, graft_transfer_plan_free)

G_END_DECLS
