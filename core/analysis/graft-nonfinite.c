/* graft-nonfinite.c: which weights of a model hold NaN or infinite values
 *
 * The layer tree marks such weights as soon as a file is open, so the scan
 * reads every floating-point tensor up to a size; larger ones are left to
 * their own statistics, which show the counts when they are selected.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-nonfinite"

#include "config.h"

#include "graft-nonfinite.h"

#include "graft-dtype.h"
#include "graft-error.h"
#include "graft-model.h"
#include "graft-stats.h"
#include "graft-tensor.h"

/**
 * graft_nonfinite_scan:
 * @max_elements: tensors with more elements are not read
 * @cancellable: (nullable): stops the scan between tensors
 *
 * Returns: (transfer container) (element-type GraftWeight): the weights of
 *   @model, borrowed from it, whose values include a NaN or an infinity, in
 *   model order; %NULL with %GRAFT_ERROR_CANCELLED when cancelled. A
 *   tensor that cannot be read is left out.
 */
GPtrArray *
graft_nonfinite_scan (GraftModel    *model,
                      guint64        max_elements,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new ();

  g_return_val_if_fail (model != NULL, NULL);

  for (guint i = 0; i < graft_model_get_n_weights (model); i++)
    {
      GraftWeight *w = graft_model_get_weight (model, i);
      GraftTensor *t = graft_weight_get_tensor (w);
      GraftStats stats;

      if (g_cancellable_is_cancelled (cancellable))
        {
          g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CANCELLED, "the scan was cancelled");
          return NULL;
        }
      if (graft_tensor_get_n_elements (t) > max_elements ||
          !graft_dtype_is_float (graft_tensor_get_dtype (t)))
        continue;
      if (graft_stats_compute (t, &stats, cancellable, NULL) &&
          stats.nan + stats.pos_inf + stats.neg_inf > 0)
        g_ptr_array_add (found, w);
    }
  return g_steal_pointer (&found);
}
