/* graft-drop-explain.c: why a drop of one layer onto another copies nothing, in a person's words
 *
 * The transfer plan's reasons are written for a log ("…; source is
 * [5408, 10], target is [5408, 5]"); a drop is answered with a sentence
 * that names the weight and both shapes, and says whether the overlapping
 * block could be copied instead.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-drop"

#include "config.h"

#include "graft-drop-explain.h"

#include <glib/gi18n.h>

/* "5408 × 10", or "one value" for a scalar. */
static char *
graft_drop_explain_shape (GraftWeight *weight)
{
  GraftTensor *tensor = graft_weight_get_tensor (weight);
  const gsize *shape = graft_tensor_get_shape (tensor);
  guint rank = graft_tensor_get_rank (tensor);
  g_autoptr(GString) text = g_string_new (NULL);

  if (rank == 0)
    return g_strdup (_("one value"));
  for (guint i = 0; i < rank; i++)
    g_string_append_printf (text, "%s%" G_GSIZE_FORMAT, i ? " × " : "", shape[i]);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static GraftTransferPlan *
graft_drop_explain_plan (GraftModel  *source,
                         GraftModel  *target,
                         const char  *source_path,
                         const char  *target_path,
                         gboolean     partial,
                         GError     **error)
{
  g_autoptr(GraftTransferPlan) plan = graft_transfer_plan_new (source, target);

  graft_transfer_plan_set_partial (plan, partial);
  if (!graft_transfer_plan_add_layer (plan, source_path, target_path, error))
    return NULL;
  graft_transfer_plan_finish (plan);
  return g_steal_pointer (&plan);
}

/* Whether a partial plan copies every pair the plain one refused. */
static gboolean
graft_drop_explain_partial_ok (GraftModel *source,
                               GraftModel *target,
                               const char *source_path,
                               const char *target_path)
{
  g_autoptr(GraftTransferPlan) plan = graft_drop_explain_plan (source, target, source_path,
                                                               target_path, TRUE, NULL);

  if (plan == NULL)
    return FALSE;
  for (guint i = 0; i < graft_transfer_plan_get_n_pairs (plan); i++)
    if (graft_transfer_plan_get_status (plan, i) == GRAFT_TRANSFER_SHAPE_MISMATCH &&
        !graft_transfer_plan_get_partial (plan, i))
      return FALSE;
  return TRUE;
}

/**
 * graft_drop_explain:
 * @partial_possible: (out) (optional): whether copying the overlapping
 *   block of each mismatched weight would work
 *
 * Plans the drop of @source_path onto @target_path.
 *
 * Returns: (transfer full) (nullable): %NULL when the drop copies
 *   everything it pairs, else why it does not, in a person's words
 */
char *
graft_drop_explain (GraftModel *source,
                    GraftModel *target,
                    const char *source_path,
                    const char *target_path,
                    gboolean   *partial_possible)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GraftTransferPlan) plan = NULL;
  guint n_refused = 0, first = G_MAXUINT;

  if (partial_possible != NULL)
    *partial_possible = FALSE;
  plan = graft_drop_explain_plan (source, target, source_path, target_path, FALSE, &error);
  if (plan == NULL)
    return g_strdup_printf (_("“%s” cannot be copied onto “%s”: %s."), source_path, target_path,
                            error->message);
  for (guint i = 0; i < graft_transfer_plan_get_n_pairs (plan); i++)
    if (graft_transfer_plan_get_status (plan, i) == GRAFT_TRANSFER_SHAPE_MISMATCH)
      {
        n_refused++;
        first = MIN (first, i);
      }
  if (n_refused == 0)
    {
      if (graft_transfer_plan_get_n_copies (plan) > 0)
        return NULL;
      return g_strdup_printf (_("Nothing in “%s” has the name of a weight of “%s”."), source_path,
                              target_path);
    }

  {
    GraftWeight *s = graft_transfer_plan_get_source (plan, first);
    GraftWeight *t = graft_transfer_plan_get_target (plan, first);
    g_autofree char *ss = graft_drop_explain_shape (s);
    g_autofree char *ts = graft_drop_explain_shape (t);
    g_autofree char *more = NULL;
    g_autofree char *text = NULL;
    gboolean partial = graft_drop_explain_partial_ok (source, target, source_path, target_path);

    if (partial_possible != NULL)
      *partial_possible = partial;
    more = n_refused > 1 ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, " (and %u more weight)",
                                                         " (and %u more weights)", n_refused - 1),
                                            n_refused - 1)
                         : g_strdup ("");
    if (graft_weight_get_quantization (t) != NULL && graft_weight_get_quantization (s) == NULL)
      text = g_strdup_printf (_("Not copied: “%s” is quantized (%s), and float values copied into "
                                "its integers would be wrong%s."),
                              graft_weight_get_path (t), graft_weight_get_quantization (t), more);
    else if (partial)
      text = g_strdup_printf (_("Not copied: “%s” is %s in the source but %s in the target%s. "
                                "The overlapping block can be copied instead."),
                              graft_weight_get_path (s), ss, ts, more);
    else
      text = g_strdup_printf (_("Not copied: “%s” is %s in the source but %s in the target%s."),
                              graft_weight_get_path (s), ss, ts, more);
    return g_steal_pointer (&text);
  }
}
