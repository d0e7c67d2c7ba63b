/* graft-match-location.c: by place in the file, Keras 3's rule
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-match-location"

#include "config.h"

#include "graft-transfer-private.h"

#include "graft-model.h"

static gboolean
graft_match_location (GraftTransferPlan  *self,
                      GError            **error)
{
  for (guint i = 0; i < graft_model_get_n_weights (self->target); i++)
    {
      GraftWeight *t = graft_model_get_weight (self->target, i);
      const char *location = graft_weight_get_location (t);
      GraftWeight *s = location ? graft_model_find_weight (self->source, location) : NULL;

      /* find_weight also answers paths: insist on the location. */
      if (s != NULL && g_strcmp0 (graft_weight_get_location (s), location) == 0)
        graft_transfer_plan_pair (self, s, t, "same place in the file");
      else
        graft_transfer_plan_note_unmatched (self, t,
                                            g_strdup_printf ("nothing at '%s' in source",
                                                             location ? location : "?"));
    }
  return TRUE;
}

const GraftMatchStrategy graft_match_by_location = {
  .name = "location",
  .label = "File location",
  .description = "The same place in the file (Keras 3 matches layers/dense/vars/0 to "
                  "layers/dense/vars/0)",
  .match = graft_match_location,
};
