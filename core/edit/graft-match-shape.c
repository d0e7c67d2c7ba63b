/* graft-match-shape.c: greedily, in order, among equal shapes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-match-shape"

#include "config.h"

#include "graft-transfer-private.h"

#include "graft-model.h"
#include "graft-tensor.h"

static gboolean
graft_match_shape (GraftTransferPlan  *self,
                   GError            **error)
{
  for (guint i = 0; i < graft_model_get_n_weights (self->target); i++)
    {
      GraftWeight *t = graft_model_get_weight (self->target, i);
      gboolean found = FALSE;

      if (g_hash_table_contains (self->assigned, t))
        continue;
      for (guint j = 0; j < graft_model_get_n_weights (self->source) && !found; j++)
        {
          GraftWeight *s = graft_model_get_weight (self->source, j);

          if (g_hash_table_contains (self->used, s))
            continue;
          if (graft_tensor_same_shape (graft_weight_get_tensor (s), graft_weight_get_tensor (t)))
            {
              graft_transfer_plan_pair (self, s, t, "first unused weight of that shape");
              found = TRUE;
            }
        }
      if (!found)
        {
          g_autofree char *shape = graft_tensor_format_shape (graft_weight_get_tensor (t));

          graft_transfer_plan_note_unmatched (self, t,
                                              g_strdup_printf ("no unused source weight is %s", shape));
        }
    }
  return TRUE;
}

const GraftMatchStrategy graft_match_by_shape = {
  .name = "shape",
  .label = "Shape",
  .description = "Greedily, in model order, the first unused source weight of the same "
                  "shape",
  .match = graft_match_shape,
};
