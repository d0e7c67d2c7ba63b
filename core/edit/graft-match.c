/* graft-match.c: the table of matching strategies
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-match"

#include "config.h"

#include "graft-transfer-private.h"

#include <assert.h>

#include "graft-format.h"
#include "graft-model.h"

static const GraftMatchStrategy *const graft_match_strategies[] = {
  [GRAFT_TRANSFER_BY_NAME] = &graft_match_by_name,
  [GRAFT_TRANSFER_BY_ORDER] = &graft_match_by_order,
  [GRAFT_TRANSFER_BY_SHAPE] = &graft_match_by_shape,
  [GRAFT_TRANSFER_BY_LOCATION] = &graft_match_by_location,
  [GRAFT_TRANSFER_BY_STRUCTURE] = &graft_match_by_structure,
};

static_assert (G_N_ELEMENTS (graft_match_strategies) == GRAFT_N_TRANSFER_STRATEGIES,
               "every GraftTransferStrategy needs exactly one entry");

const char *
graft_transfer_strategy_get_name (GraftTransferStrategy strategy)
{
  g_return_val_if_fail (strategy < GRAFT_N_TRANSFER_STRATEGIES, "unknown");
  return graft_match_strategies[strategy]->name;
}

/**
 * graft_transfer_strategy_get_label:
 *
 * Returns: the name the user interface shows for @strategy ("Name")
 */
const char *
graft_transfer_strategy_get_label (GraftTransferStrategy strategy)
{
  g_return_val_if_fail (strategy < GRAFT_N_TRANSFER_STRATEGIES, "");
  return graft_match_strategies[strategy]->label;
}

/**
 * graft_transfer_strategy_get_description:
 *
 * Returns: one sentence that says how @strategy matches weights
 */
const char *
graft_transfer_strategy_get_description (GraftTransferStrategy strategy)
{
  g_return_val_if_fail (strategy < GRAFT_N_TRANSFER_STRATEGIES, "");
  return graft_match_strategies[strategy]->description;
}

/**
 * graft_transfer_strategy_dup_names:
 *
 * Returns: (transfer full): every strategy's name, in the table's order,
 *   separated by ", " ("name, order, shape, location")
 */
char *
graft_transfer_strategy_dup_names (void)
{
  GString *names = g_string_new (NULL);

  for (guint i = 0; i < GRAFT_N_TRANSFER_STRATEGIES; i++)
    g_string_append_printf (names, "%s%s", i > 0 ? ", " : "", graft_match_strategies[i]->name);
  return g_string_free (names, FALSE);
}

/**
 * graft_transfer_strategy_from_name:
 * @name: a strategy's name ("name", "order", "shape", "location", …)
 *
 * Returns: %FALSE when @name is no strategy's
 */
gboolean
graft_transfer_strategy_from_name (const char            *name,
                                   GraftTransferStrategy *strategy)
{
  for (guint i = 0; i < GRAFT_N_TRANSFER_STRATEGIES; i++)
    if (g_strcmp0 (name, graft_match_strategies[i]->name) == 0)
      {
        *strategy = i;
        return TRUE;
      }
  return FALSE;
}

/**
 * graft_transfer_plan_match:
 *
 * Pairs every target weight that has no source yet, with @strategy.
 *
 * Returns: %FALSE when the strategy cannot apply (by order: the numbers of
 *   layers with weights differ)
 */
gboolean
graft_transfer_plan_match (GraftTransferPlan      *self,
                           GraftTransferStrategy   strategy,
                           GError                **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (!self->finished, FALSE);
  g_return_val_if_fail (strategy < GRAFT_N_TRANSFER_STRATEGIES, FALSE);

  return graft_match_strategies[strategy]->match (self, error);
}

/**
 * graft_transfer_strategy_default:
 *
 * Returns: how to match when the user has not said: by structure between
 *   a PyTorch and a Keras checkpoint (their names and layouts differ), by
 *   name otherwise
 */
GraftTransferStrategy
graft_transfer_strategy_default (GraftModel *source,
                                 GraftModel *target)
{
  GraftFramework a = graft_format_get_framework (graft_model_get_format (source));
  GraftFramework b = graft_format_get_framework (graft_model_get_format (target));

  return a != b ? GRAFT_TRANSFER_BY_STRUCTURE : GRAFT_TRANSFER_BY_NAME;
}
