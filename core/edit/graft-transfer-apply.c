/* graft-transfer-apply.c: applying a plan to an edit session, as one undo step
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-transfer-apply"

#include "config.h"

#include "graft-transfer-private.h"

#include "graft-error.h"
#include "graft-model.h"
#include "graft-tensor-convert.h"
#include "graft-tensor.h"

#include <string.h>

/**
 * graft_transfer_plan_apply:
 * @edit: the edit session of the plan's target model
 *
 * Replaces the target tensors of every copying pair, as one undo step.
 * Same shape and dtype: the source tensor is shared, nothing is copied.
 * The source model is only read.
 *
 * Returns: %FALSE, changing nothing, when a shape mismatch remains that is
 *   neither skipped nor a partial copy (the message names both weights and
 *   both shapes), or when values cannot be read
 */
gboolean
graft_transfer_plan_apply (GraftTransferPlan  *self,
                           GraftEdit          *edit,
                           GError            **error)
{
  g_autoptr(GPtrArray) tensors = g_ptr_array_new_with_free_func ((GDestroyNotify) graft_tensor_unref);
  g_autoptr(GPtrArray) targets = g_ptr_array_new ();
  g_autofree char *label = NULL;
  guint n_refused = 0;
  const GraftTransferPair *first_refused = NULL;

  g_return_val_if_fail (self != NULL && edit != NULL, FALSE);
  g_return_val_if_fail (graft_edit_get_model (edit) == self->target, FALSE);

  graft_transfer_plan_finish (self);

  for (guint i = 0; i < self->pairs->len; i++)
    {
      const GraftTransferPair *pair = &g_array_index (self->pairs, GraftTransferPair, i);

      if (pair->status == GRAFT_TRANSFER_SHAPE_MISMATCH && !pair->partial)
        {
          if (first_refused == NULL)
            first_refused = pair;
          n_refused++;
        }
    }
  if (first_refused != NULL)
    {
      g_autofree char *ss = graft_transfer_weight_shape (first_refused->source);
      g_autofree char *ts = graft_transfer_weight_shape (first_refused->target);
      g_autofree char *more = n_refused > 1 ? g_strdup_printf (" (and %u more mismatches)",
                                                               n_refused - 1) : g_strdup ("");
      g_autofree char *refusal = NULL;

      if (graft_weight_get_quantization (first_refused->target) != NULL &&
          graft_weight_get_quantization (first_refused->source) == NULL &&
          (refusal = graft_transfer_quantize_refusal (self, (GraftTransferPair *) first_refused)) != NULL)
        {
          /* The quantized target's file, layer, shapes and what stops it. */
          GraftTensor *real = graft_weight_get_values (first_refused->target);
          g_autofree char *rs = graft_tensor_format_shape (real);
          g_autofree char *stored = !graft_tensor_same_shape (real, graft_weight_get_tensor (first_refused->target))
                                    ? g_strdup_printf (" (stored %s)", ts) : g_strdup ("");

          g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED,
                       "%s: layer '%s': '%s' %s onto '%s' %s%s refused: %s%s; nothing was changed",
                       graft_model_get_filename (self->target),
                       graft_layer_get_path (graft_weight_get_layer (first_refused->target)),
                       graft_weight_get_path (first_refused->source), ss,
                       graft_weight_get_path (first_refused->target), rs, stored, refusal, more);
        }
      else
        g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_SHAPE,
                     "shape mismatch: source '%s' is %s but target '%s' is %s%s; nothing was "
                     "changed (use a partial copy or skip mismatches)",
                     graft_weight_get_path (first_refused->source), ss,
                     graft_weight_get_path (first_refused->target), ts, more);
      return FALSE;
    }

  /* Build every new tensor first, so a read failure changes nothing. */
  for (guint i = 0; i < self->pairs->len; i++)
    {
      const GraftTransferPair *pair = &g_array_index (self->pairs, GraftTransferPair, i);
      GraftTensor *s, *t, *made;
      g_autoptr(GError) local = NULL;

      if (!graft_transfer_pair_copies (pair))
        continue;
      s = graft_weight_get_tensor (pair->source);
      t = graft_weight_get_tensor (pair->target);
      if (pair->scale_target != NULL)
        {
          /* A quantized target: its integers and scales at once. */
          if (graft_transfer_quantize_make (pair, tensors, targets, &local))
            continue;
          made = NULL;
        }
      else if (pair->layout != NULL)
        {
          g_autoptr(GraftTensor) relaid =
            graft_layout_apply (pair->layout, &pair->params, s,
                                pair->source2 ? graft_weight_get_tensor (pair->source2) : NULL,
                                &local);

          made = relaid ? graft_tensor_convert (relaid, graft_tensor_get_dtype (t), &local) : NULL;
        }
      else if (pair->status == GRAFT_TRANSFER_SHAPE_MISMATCH)
        made = graft_tensor_new_overlay (t, s, &local);
      else
        made = graft_tensor_convert (s, graft_tensor_get_dtype (t), &local);
      if (made == NULL && pair->scale_target != NULL)
        {
          g_autofree char *ss = graft_transfer_weight_shape (pair->source);

          g_set_error (error, GRAFT_ERROR, local->code, "%s: weight '%s' %s onto '%s' (layer '%s'): %s",
                       graft_model_get_filename (self->source), graft_weight_get_path (pair->source), ss,
                       graft_weight_get_path (pair->target),
                       graft_layer_get_path (graft_weight_get_layer (pair->target)), local->message);
          return FALSE;
        }
      if (made == NULL)
        {
          g_set_error (error, GRAFT_ERROR, local->code, "%s: weight '%s': %s",
                       graft_model_get_filename (self->source), graft_weight_get_path (pair->source),
                       local->message);
          return FALSE;
        }
      g_ptr_array_add (tensors, made);
      g_ptr_array_add (targets, pair->target);
    }

  label = g_strdup_printf ("Transfer %u weights", targets->len);
  graft_edit_begin (edit, label);
  for (guint i = 0; i < targets->len; i++)
    graft_edit_set_tensor (edit, g_ptr_array_index (targets, i), g_ptr_array_index (tensors, i));
  graft_edit_end (edit);
  return TRUE;
}
