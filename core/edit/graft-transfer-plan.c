/* graft-transfer-plan.c: transfer plans: pairs of weights with a status
 *
 * A transfer is planned first and applied second. A plan is a list of
 * (source weight → target weight) pairs, each with a status, built by one
 * or more matchers (explicit rules and layer mappings first, then a
 * strategy for what is left). Finishing the plan adds the weights nothing
 * matched on either side, so a dry run shows everything that will and will
 * not happen, and why. Applying replaces target tensors in one undo step;
 * the source is only read.
 *
 * The matchers are apart: the strategies (graft-match*.c), explicit rules
 * and layer mappings (graft-transfer-rules.c); so are the reports
 * (graft-transfer-report.c) and applying (graft-transfer-apply.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-transfer-plan"

#include "config.h"

#include "graft-transfer-private.h"

#include <string.h>

#include "graft-dtype.h"
#include "graft-model.h"
#include "graft-tensor.h"

static const char * const graft_transfer_status_names[] = {
  [GRAFT_TRANSFER_OK] = "ok",
  [GRAFT_TRANSFER_CONVERTED] = "dtype-converted",
  [GRAFT_TRANSFER_SHAPE_MISMATCH] = "shape-mismatch",
  [GRAFT_TRANSFER_MISSING_IN_SOURCE] = "missing-in-source",
  [GRAFT_TRANSFER_MISSING_IN_TARGET] = "missing-in-target",
  [GRAFT_TRANSFER_SKIPPED] = "skipped",
};
G_STATIC_ASSERT (G_N_ELEMENTS (graft_transfer_status_names) == GRAFT_N_TRANSFER_STATUSES);

const char *
graft_transfer_status_get_name (GraftTransferStatus status)
{
  g_return_val_if_fail (status < GRAFT_N_TRANSFER_STATUSES, "unknown");
  return graft_transfer_status_names[status];
}

static void
graft_transfer_pair_clear (gpointer data)
{
  GraftTransferPair *pair = data;

  g_free (pair->reason);
}

/**
 * graft_transfer_plan_new:
 * @source: (transfer none): where values come from; only read
 * @target: (transfer none): the model whose weights will be replaced
 *
 * Returns: (transfer full): an empty plan holding references on both models
 */
GraftTransferPlan *
graft_transfer_plan_new (GraftModel *source,
                         GraftModel *target)
{
  GraftTransferPlan *self;

  g_return_val_if_fail (source != NULL && target != NULL, NULL);

  self = g_new0 (GraftTransferPlan, 1);
  self->source = graft_model_ref (source);
  self->target = graft_model_ref (target);
  self->pairs = g_array_new (FALSE, TRUE, sizeof (GraftTransferPair));
  g_array_set_clear_func (self->pairs, graft_transfer_pair_clear);
  self->assigned = g_hash_table_new (NULL, NULL);
  self->used = g_hash_table_new (NULL, NULL);
  self->unmatched_why = g_hash_table_new (NULL, NULL);
  self->reasons = g_ptr_array_new_with_free_func (g_free);
  return self;
}

void
graft_transfer_plan_free (GraftTransferPlan *self)
{
  if (self == NULL)
    return;
  g_array_unref (self->pairs);
  g_hash_table_unref (self->assigned);
  g_hash_table_unref (self->used);
  g_hash_table_unref (self->unmatched_why);
  g_ptr_array_unref (self->reasons);
  graft_model_unref (self->source);
  graft_model_unref (self->target);
  g_free (self);
}

/**
 * graft_transfer_plan_set_partial:
 *
 * Shape mismatches of equal rank become partial copies: the overlapping
 * block is copied and the target keeps its own values elsewhere.
 */
void
graft_transfer_plan_set_partial (GraftTransferPlan *self,
                                 gboolean           partial)
{
  g_return_if_fail (!self->finished);
  self->partial = partial;
}

/**
 * graft_transfer_plan_set_quantize:
 *
 * A float weight onto an int8- or int4-quantized target is quantized as
 * Keras's model.quantize() does, in the target's mode and block size
 * (graft-transfer-quantize.c), its scales, zero points and group index
 * written too, instead of refused.
 */
void
graft_transfer_plan_set_quantize (GraftTransferPlan *self,
                                  gboolean           quantize)
{
  g_return_if_fail (!self->finished);
  self->quantize = quantize;
}

/**
 * graft_transfer_plan_set_skip_mismatch:
 *
 * A target layer with any shape mismatch is skipped as a whole (Keras's
 * skip_mismatch) instead of refusing the transfer.
 */
void
graft_transfer_plan_set_skip_mismatch (GraftTransferPlan *self,
                                       gboolean           skip)
{
  g_return_if_fail (!self->finished);
  self->skip_mismatch = skip;
}

void
graft_transfer_plan_note_unmatched (GraftTransferPlan *self,
                                    GraftWeight       *weight,
                                    char              *reason)
{
  if (g_hash_table_contains (self->unmatched_why, weight))
    {
      g_free (reason);
      return;
    }
  g_ptr_array_add (self->reasons, reason);
  g_hash_table_insert (self->unmatched_why, weight, reason);
}

/* Records source → target unless the target already has a source. */
void
graft_transfer_plan_pair (GraftTransferPlan *self,
                          GraftWeight       *source,
                          GraftWeight       *target,
                          const char        *why)
{
  GraftTransferPair pair = { 0 };

  if (g_hash_table_contains (self->assigned, target))
    return;
  pair.source = source;
  pair.target = target;
  pair.status = GRAFT_TRANSFER_OK;
  pair.reason = g_strdup (why);
  g_array_append_val (self->pairs, pair);
  g_hash_table_insert (self->assigned, target, GUINT_TO_POINTER (self->pairs->len));
  g_hash_table_add (self->used, source);
}

/* Records source (and source2) → target through a layout conversion,
 * unless the target already has a source. */
void
graft_transfer_plan_pair_converted (GraftTransferPlan       *self,
                                    GraftWeight             *source,
                                    GraftWeight             *source2,
                                    GraftWeight             *target,
                                    const GraftLayout       *layout,
                                    const GraftLayoutParams *params,
                                    const char              *why)
{
  GraftTransferPair *pair;

  if (g_hash_table_contains (self->assigned, target))
    return;
  graft_transfer_plan_pair (self, source, target, why);
  pair = &g_array_index (self->pairs, GraftTransferPair, self->pairs->len - 1);
  pair->layout = g_str_equal (graft_layout_get_name (layout), "copy") ? NULL : layout;
  pair->params = *params;
  pair->source2 = source2;
  if (source2 != NULL)
    g_hash_table_add (self->used, source2);
}

/* The weights of @layer and of every layer below it, in model order. */
GPtrArray *
graft_transfer_subtree_weights (GraftModel *model,
                                GraftLayer *layer)
{
  GPtrArray *weights = g_ptr_array_new ();

  for (guint i = 0; i < graft_model_get_n_weights (model); i++)
    {
      GraftWeight *w = graft_model_get_weight (model, i);

      for (GraftLayer *l = graft_weight_get_layer (w); l != NULL; l = graft_layer_get_parent (l))
        if (l == layer)
          {
            g_ptr_array_add (weights, w);
            break;
          }
    }
  return weights;
}

static const char *
graft_transfer_relative (const char *path,
                         const char *prefix)
{
  gsize len = strlen (prefix);

  if (len == 0)
    return path;
  if (strncmp (path, prefix, len) == 0 && path[len] == '/')
    return path + len + 1;
  return path;
}

/* Pairs two lists of weights: by relative path when every target weight
 * finds its namesake, otherwise by position when the counts agree,
 * otherwise by the names that do agree. */
void
graft_transfer_plan_pair_lists (GraftTransferPlan *self,
                                GPtrArray         *sources,
                                const char        *source_prefix,
                                GPtrArray         *targets,
                                const char        *target_prefix,
                                const char        *why)
{
  g_autoptr(GHashTable) by_rel = g_hash_table_new (g_str_hash, g_str_equal);
  guint n_named = 0;

  for (guint i = 0; i < sources->len; i++)
    {
      GraftWeight *s = g_ptr_array_index (sources, i);

      g_hash_table_insert (by_rel, (gpointer) graft_transfer_relative (graft_weight_get_path (s),
                                                                       source_prefix), s);
    }
  for (guint i = 0; i < targets->len; i++)
    {
      GraftWeight *t = g_ptr_array_index (targets, i);

      if (g_hash_table_contains (by_rel, graft_transfer_relative (graft_weight_get_path (t),
                                                                  target_prefix)))
        n_named++;
    }

  if (n_named < targets->len && sources->len == targets->len)
    {
      for (guint i = 0; i < targets->len; i++)
        graft_transfer_plan_pair (self, g_ptr_array_index (sources, i),
                                  g_ptr_array_index (targets, i), why);
      return;
    }

  for (guint i = 0; i < targets->len; i++)
    {
      GraftWeight *t = g_ptr_array_index (targets, i);
      GraftWeight *s = g_hash_table_lookup (by_rel, graft_transfer_relative (graft_weight_get_path (t),
                                                                             target_prefix));

      if (s != NULL)
        graft_transfer_plan_pair (self, s, t, why);
      else
        graft_transfer_plan_note_unmatched (self, t,
                                            g_strdup_printf ("source '%s' has no weight '%s'",
                                                             source_prefix[0] ? source_prefix : "(root)",
                                                             graft_transfer_relative (graft_weight_get_path (t),
                                                                                      target_prefix)));
    }
}

static void
graft_transfer_pair_classify (GraftTransferPlan *self,
                              GraftTransferPair *pair)
{
  GraftTensor *s = graft_weight_get_tensor (pair->source);
  GraftTensor *t = graft_weight_get_tensor (pair->target);
  g_autofree char *why = g_steal_pointer (&pair->reason);

  /* A float source onto a quantized target: quantized, or refused. */
  if (graft_transfer_quantize_classify (self, pair, why))
    return;
  if (pair->layout != NULL)
    {
      g_autofree char *how = graft_layout_describe (pair->layout, &pair->params);
      gsize shape[GRAFT_MAX_RANK];
      guint rank;

      if (!graft_layout_get_shape (pair->layout, &pair->params, s, &rank, shape) ||
          rank != graft_tensor_get_rank (t) ||
          memcmp (shape, graft_tensor_get_shape (t), rank * sizeof (gsize)) != 0)
        {
          g_autofree char *ss = graft_tensor_format_shape (s);
          g_autofree char *ts = graft_tensor_format_shape (t);

          pair->status = GRAFT_TRANSFER_SHAPE_MISMATCH;
          pair->reason = g_strdup_printf ("%s; %s: source is %s, target is %s", why, how, ss, ts);
          return;
        }
      pair->status = graft_tensor_get_dtype (t) == GRAFT_DTYPE_FLOAT32 &&
                     graft_tensor_get_dtype (s) == GRAFT_DTYPE_FLOAT32
                       ? GRAFT_TRANSFER_OK : GRAFT_TRANSFER_CONVERTED;
      if (pair->status == GRAFT_TRANSFER_CONVERTED)
        pair->reason = g_strdup_printf ("%s; %s; %s converted to %s", why, how,
                                        graft_dtype_get_name (graft_tensor_get_dtype (s)),
                                        graft_dtype_get_name (graft_tensor_get_dtype (t)));
      else
        pair->reason = g_strdup_printf ("%s; %s", why, how);
      return;
    }

  if (!graft_tensor_same_shape (s, t))
    {
      g_autofree char *ss = graft_tensor_format_shape (s);
      g_autofree char *ts = graft_tensor_format_shape (t);

      pair->status = GRAFT_TRANSFER_SHAPE_MISMATCH;
      pair->partial = self->partial && graft_tensor_get_rank (s) == graft_tensor_get_rank (t);
      if (pair->partial)
        pair->reason = g_strdup_printf ("%s; partial copy of the overlapping block of %s into %s",
                                        why, ss, ts);
      else if (self->partial)
        pair->reason = g_strdup_printf ("%s; %s vs %s: ranks differ, no partial copy", why, ss, ts);
      else
        pair->reason = g_strdup_printf ("%s; source is %s, target is %s", why, ss, ts);
      return;
    }
  if (graft_tensor_get_dtype (s) != graft_tensor_get_dtype (t))
    {
      pair->status = GRAFT_TRANSFER_CONVERTED;
      pair->reason = g_strdup_printf ("%s; %s converted to %s", why,
                                      graft_dtype_get_name (graft_tensor_get_dtype (s)),
                                      graft_dtype_get_name (graft_tensor_get_dtype (t)));
      return;
    }
  pair->status = GRAFT_TRANSFER_OK;
  pair->reason = g_steal_pointer (&why);
}

/**
 * graft_transfer_plan_finish:
 *
 * Gives every pair its status, applies skip-mismatch (a target layer with
 * a mismatch is skipped as a whole) and lists the weights nothing matched
 * on either side. No matcher may be added afterwards.
 */
void
graft_transfer_plan_finish (GraftTransferPlan *self)
{
  g_autoptr(GHashTable) bad_layers = g_hash_table_new (NULL, NULL);
  guint n_pairs;

  g_return_if_fail (self != NULL);
  if (self->finished)
    return;
  self->finished = TRUE;

  n_pairs = self->pairs->len;
  for (guint i = 0; i < n_pairs; i++)
    {
      GraftTransferPair *pair = &g_array_index (self->pairs, GraftTransferPair, i);

      graft_transfer_pair_classify (self, pair);
      if (pair->status == GRAFT_TRANSFER_SHAPE_MISMATCH && !pair->partial)
        g_hash_table_add (bad_layers, graft_weight_get_layer (pair->target));
    }

  if (self->skip_mismatch)
    for (guint i = 0; i < n_pairs; i++)
      {
        GraftTransferPair *pair = &g_array_index (self->pairs, GraftTransferPair, i);
        GraftLayer *layer = graft_weight_get_layer (pair->target);

        if (g_hash_table_contains (bad_layers, layer) && pair->status != GRAFT_TRANSFER_SKIPPED)
          {
            g_autofree char *old = g_steal_pointer (&pair->reason);

            pair->reason = g_strdup_printf ("layer '%s' skipped (skip-mismatch): %s",
                                            graft_layer_get_path (layer), old);
            pair->status = GRAFT_TRANSFER_SKIPPED;
            pair->partial = FALSE;
          }
      }

  for (guint i = 0; i < graft_model_get_n_weights (self->source); i++)
    {
      GraftWeight *s = graft_model_get_weight (self->source, i);
      GraftTransferPair pair = { 0 };
      const char *why;

      if (g_hash_table_contains (self->used, s))
        continue;
      why = g_hash_table_lookup (self->unmatched_why, s);
      pair.source = s;
      pair.status = GRAFT_TRANSFER_MISSING_IN_TARGET;
      pair.reason = g_strdup (why ? why : "no target weight maps to it");
      g_array_append_val (self->pairs, pair);
    }
  for (guint i = 0; i < graft_model_get_n_weights (self->target); i++)
    {
      GraftWeight *t = graft_model_get_weight (self->target, i);
      GraftTransferPair pair = { 0 };
      const char *why;

      if (g_hash_table_contains (self->assigned, t))
        continue;
      why = g_hash_table_lookup (self->unmatched_why, t);
      pair.target = t;
      pair.status = GRAFT_TRANSFER_MISSING_IN_SOURCE;
      pair.reason = g_strdup_printf ("%s; keeps its values", why ? why : "nothing maps to it");
      g_array_append_val (self->pairs, pair);
    }
}

guint
graft_transfer_plan_get_n_pairs (const GraftTransferPlan *self)
{
  return self->pairs->len;
}

static const GraftTransferPair *
graft_transfer_plan_get_pair (const GraftTransferPlan *self,
                              guint                    position)
{
  g_return_val_if_fail (position < self->pairs->len, NULL);
  return &g_array_index (self->pairs, GraftTransferPair, position);
}

/**
 * graft_transfer_plan_get_source:
 *
 * Returns: (transfer none) (nullable): the source weight of a pair
 */
GraftWeight *
graft_transfer_plan_get_source (GraftTransferPlan       *self,
                                guint                    position)
{
  const GraftTransferPair *pair = graft_transfer_plan_get_pair (self, position);

  return pair ? pair->source : NULL;
}

/**
 * graft_transfer_plan_get_target:
 *
 * Returns: (transfer none) (nullable): the target weight of a pair
 */
GraftWeight *
graft_transfer_plan_get_target (GraftTransferPlan       *self,
                                guint                    position)
{
  const GraftTransferPair *pair = graft_transfer_plan_get_pair (self, position);

  return pair ? pair->target : NULL;
}

GraftTransferStatus
graft_transfer_plan_get_status (const GraftTransferPlan *self,
                                guint                    position)
{
  const GraftTransferPair *pair = graft_transfer_plan_get_pair (self, position);

  return pair ? pair->status : GRAFT_TRANSFER_SKIPPED;
}

const char *
graft_transfer_plan_get_reason (const GraftTransferPlan *self,
                                guint                    position)
{
  const GraftTransferPair *pair = graft_transfer_plan_get_pair (self, position);

  return pair ? pair->reason : NULL;
}

/**
 * graft_transfer_plan_get_conversion:
 *
 * Returns: (nullable): the name of the layout conversion a pair applies
 *   ("conv_oihw_to_hwio"), or %NULL when values are copied as they are
 */
const char *
graft_transfer_plan_get_conversion (const GraftTransferPlan *self,
                                    guint                    position)
{
  const GraftTransferPair *pair = graft_transfer_plan_get_pair (self, position);

  return pair && pair->layout ? graft_layout_get_name (pair->layout) : NULL;
}

/**
 * graft_transfer_plan_describe_conversion:
 *
 * Returns: (transfer full) (nullable): the layout conversion of a pair in
 *   words ("Conv2d (O, I, kh, kw) → (kh, kw, I, O)"), or %NULL
 */
char *
graft_transfer_plan_describe_conversion (const GraftTransferPlan *self,
                                         guint                    position)
{
  const GraftTransferPair *pair = graft_transfer_plan_get_pair (self, position);

  return pair && pair->layout ? graft_layout_describe (pair->layout, &pair->params) : NULL;
}

gboolean
graft_transfer_plan_get_partial (const GraftTransferPlan *self,
                                 guint                    position)
{
  const GraftTransferPair *pair = graft_transfer_plan_get_pair (self, position);

  return pair ? pair->partial : FALSE;
}

guint
graft_transfer_plan_count (const GraftTransferPlan *self,
                           GraftTransferStatus      status)
{
  guint n = 0;

  for (guint i = 0; i < self->pairs->len; i++)
    if (g_array_index (self->pairs, GraftTransferPair, i).status == status)
      n++;
  return n;
}

gboolean
graft_transfer_pair_copies (const GraftTransferPair *pair)
{
  return pair->status == GRAFT_TRANSFER_OK || pair->status == GRAFT_TRANSFER_CONVERTED ||
         (pair->status == GRAFT_TRANSFER_SHAPE_MISMATCH && pair->partial);
}

/**
 * graft_transfer_plan_get_n_copies:
 *
 * Returns: how many target weights applying the plan replaces
 */
guint
graft_transfer_plan_get_n_copies (const GraftTransferPlan *self)
{
  guint n = 0;

  for (guint i = 0; i < self->pairs->len; i++)
    if (graft_transfer_pair_copies (&g_array_index (self->pairs, GraftTransferPair, i)))
      n++;
  return n;
}

char *
graft_transfer_weight_shape (GraftWeight *w)
{
  return w ? graft_tensor_format_shape (graft_weight_get_tensor (w)) : g_strdup ("-");
}
