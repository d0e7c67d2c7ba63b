/* graft-match-order.c: the legacy load_weights rule
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-match-order"

#include "config.h"

#include "graft-transfer-private.h"

#include "graft-error.h"
#include "graft-model.h"

/* The top-level layers that hold weights, in model order of their first
 * weight. */
static GPtrArray *
graft_match_order_weighted_layers (GraftModel *model)
{
  GPtrArray *layers = g_ptr_array_new ();
  GraftLayer *root = graft_model_get_root (model);

  for (guint i = 0; i < graft_model_get_n_weights (model); i++)
    {
      GraftLayer *l = graft_weight_get_layer (graft_model_get_weight (model, i));

      while (l != NULL && graft_layer_get_parent (l) != root && graft_layer_get_parent (l) != NULL)
        l = graft_layer_get_parent (l);
      if (l != NULL && !g_ptr_array_find (layers, l, NULL))
        g_ptr_array_add (layers, l);
    }
  return layers;
}

/* Legacy order within a layer: trainable weights first, then the others. */
static GPtrArray *
graft_match_order_legacy (GraftModel *model,
                             GraftLayer *layer)
{
  g_autoptr(GPtrArray) all = graft_transfer_subtree_weights (model, layer);
  GPtrArray *ordered = g_ptr_array_new ();

  for (guint pass = 0; pass < 2; pass++)
    for (guint i = 0; i < all->len; i++)
      {
        GraftWeight *w = g_ptr_array_index (all, i);
        gboolean frozen = graft_weight_get_trainable (w) == GRAFT_TRAINABLE_NO;

        if (frozen == (pass == 1))
          g_ptr_array_add (ordered, w);
      }
  return ordered;
}

static gboolean
graft_match_order (GraftTransferPlan  *self,
                   GError            **error)
{
  g_autoptr(GPtrArray) slayers = graft_match_order_weighted_layers (self->source);
  g_autoptr(GPtrArray) tlayers = graft_match_order_weighted_layers (self->target);

  if (slayers->len != tlayers->len)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_SHAPE,
                   "by order: %s has %u layers with weights, %s has %u; the legacy rule needs "
                   "the same number", graft_model_get_filename (self->source), slayers->len,
                   graft_model_get_filename (self->target), tlayers->len);
      return FALSE;
    }
  for (guint i = 0; i < tlayers->len; i++)
    {
      GraftLayer *sl = g_ptr_array_index (slayers, i);
      GraftLayer *tl = g_ptr_array_index (tlayers, i);
      g_autoptr(GPtrArray) sw = graft_match_order_legacy (self->source, sl);
      g_autoptr(GPtrArray) tw = graft_match_order_legacy (self->target, tl);
      g_autofree char *why = g_strdup_printf ("layer #%u with weights", i + 1);

      for (guint j = 0; j < tw->len; j++)
        {
          if (j < sw->len)
            graft_transfer_plan_pair (self, g_ptr_array_index (sw, j), g_ptr_array_index (tw, j), why);
          else
            graft_transfer_plan_note_unmatched (self, g_ptr_array_index (tw, j),
                                                g_strdup_printf ("source layer '%s' has only %u weights",
                                                                 graft_layer_get_path (sl), sw->len));
        }
      for (guint j = tw->len; j < sw->len; j++)
        graft_transfer_plan_note_unmatched (self, g_ptr_array_index (sw, j),
                                            g_strdup_printf ("target layer '%s' has only %u weights",
                                                             graft_layer_get_path (tl), tw->len));
    }
  return TRUE;
}

const GraftMatchStrategy graft_match_by_order = {
  .name = "order",
  .label = "Order",
  .description = "The legacy load_weights rule: top-level layers with weights in order, "
                  "weights by position",
  .match = graft_match_order,
};
