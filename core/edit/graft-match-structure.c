/* graft-match-structure.c: matching a PyTorch state_dict to a Keras model
 *
 * The two name their layers differently ("features.0" against "conv1")
 * and keep the weights in different layouts, but they list the same
 * layers in the same order. So the PyTorch modules (the layers that hold
 * tensors, in state_dict order) are walked against the Keras layers with
 * weights (in the model's order); each Keras layer's class says which
 * PyTorch module it expects and how its tensors convert
 * (graft-layout-kinds.c), and a pair is made only when every converted
 * shape fits. A PyTorch module the Keras layer does not fit is passed
 * over and reported, so one extra module does not shift everything after
 * it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-match-structure"

#include "config.h"

#include "graft-transfer-private.h"

#include <string.h>

#include "graft-error.h"
#include "graft-model.h"

/* How many PyTorch modules may be passed over to find the one a Keras
 * layer fits. */
#define GRAFT_STRUCTURE_LOOKAHEAD 4

/* The PyTorch modules: layers that hold tensors, in the order of their
 * first tensor. Attention's out_proj belongs to its attention module. */
static gboolean
graft_structure_under (GraftLayer *layer,
                       GraftLayer *top)
{
  for (GraftLayer *l = layer; l != NULL; l = graft_layer_get_parent (l))
    if (l == top)
      return TRUE;
  return FALSE;
}

static GPtrArray *
graft_structure_torch_modules (GraftModel *model,
                               GraftLayer *top)
{
  GPtrArray *modules = g_ptr_array_new ();

  for (guint i = 0; i < graft_model_get_n_weights (model); i++)
    {
      GraftLayer *l = graft_weight_get_layer (graft_model_get_weight (model, i));
      GraftLayer *parent = graft_layer_get_parent (l);

      if (!graft_structure_under (l, top))
        continue;
      if (g_str_equal (graft_layer_get_name (l), "out_proj") && parent != NULL &&
          graft_layer_get_n_weights (parent) > 0 &&
          g_str_equal (graft_weight_get_name (graft_layer_get_weight (parent, 0)), "in_proj_weight"))
        continue;
      if (!g_ptr_array_find (modules, l, NULL))
        g_ptr_array_add (modules, l);
    }
  return modules;
}

/* The Keras layers with weights: the outermost layer of a class the kinds
 * table knows, or else the layer that holds the weight. */
static GPtrArray *
graft_structure_keras_layers (GraftModel *model,
                              GraftLayer *top)
{
  GPtrArray *layers = g_ptr_array_new ();

  for (guint i = 0; i < graft_model_get_n_weights (model); i++)
    {
      GraftLayer *holder = graft_weight_get_layer (graft_model_get_weight (model, i));
      GraftLayer *chosen = holder;

      if (!graft_structure_under (holder, top))
        continue;
      for (GraftLayer *l = holder; l != NULL && graft_structure_under (l, top);
           l = graft_layer_get_parent (l))
        if (graft_layer_get_class_name (l) != NULL &&
            graft_layout_kind_find (graft_layer_get_class_name (l)) != NULL)
          chosen = l;
      if (!g_ptr_array_find (layers, chosen, NULL))
        g_ptr_array_add (layers, chosen);
    }
  return layers;
}

static void
graft_structure_commit (GraftTransferPlan *self,
                        GArray            *proposals,
                        const char        *why)
{
  for (guint i = 0; i < proposals->len; i++)
    {
      GraftTransferPair *p = &g_array_index (proposals, GraftTransferPair, i);

      graft_transfer_plan_pair_converted (self, p->source, p->source2, p->target, p->layout,
                                          &p->params, why);
    }
}

/**
 * graft_structure_match_layers:
 * @source_top: a layer of the PyTorch source (its root for all of it)
 * @target_top: a layer of the Keras target (its root for all of it)
 *
 * Matches the PyTorch modules under @source_top to the Keras layers under
 * @target_top, in order; what a drop of one layer onto another does
 * between frameworks.
 */
void
graft_structure_match_layers (GraftTransferPlan *self,
                              GraftLayer        *source_top,
                              GraftLayer        *target_top)
{
  g_autoptr(GPtrArray) modules = graft_structure_torch_modules (self->source, source_top);
  g_autoptr(GPtrArray) layers = graft_structure_keras_layers (self->target, target_top);
  g_autoptr(GArray) proposals = g_array_new (FALSE, TRUE, sizeof (GraftTransferPair));
  guint next = 0;

  for (guint i = 0; i < layers->len; i++)
    {
      GraftLayer *target = g_ptr_array_index (layers, i);
      const char *klass = graft_layer_get_class_name (target);
      const GraftLayoutKind *kind = klass ? graft_layout_kind_find (klass) : NULL;
      guint used = 0, skip;

      if (kind == NULL)
        {
          g_autoptr(GPtrArray) weights = graft_transfer_subtree_weights (self->target, target);

          for (guint k = 0; k < weights->len; k++)
            graft_transfer_plan_note_unmatched (self, g_ptr_array_index (weights, k),
                                                g_strdup_printf ("by structure: no PyTorch "
                                                                 "counterpart is known for a %s layer",
                                                                 klass ? klass : "layer of unknown class"));
          continue;
        }
      for (skip = 0; skip < GRAFT_STRUCTURE_LOOKAHEAD && next + skip < modules->len; skip++)
        {
          GraftStructureMatch m = { self->target, target,
                                    (GraftLayer *const *) modules->pdata + next + skip,
                                    modules->len - next - skip, proposals };

          g_array_set_size (proposals, 0);
          used = kind->pair (&m);
          if (used > 0)
            break;
        }
      if (used == 0)
        {
          g_autoptr(GPtrArray) weights = graft_transfer_subtree_weights (self->target, target);

          for (guint k = 0; k < weights->len; k++)
            graft_transfer_plan_note_unmatched (self, g_ptr_array_index (weights, k),
                                                g_strdup_printf ("by structure: no %s module in "
                                                                 "the source fits this %s",
                                                                 kind->torch_module, klass));
          continue;
        }
      for (guint k = 0; k < skip; k++)
        {
          GraftLayer *passed = g_ptr_array_index (modules, next + k);
          g_autoptr(GPtrArray) weights = graft_transfer_subtree_weights (self->source, passed);

          for (guint w = 0; w < weights->len; w++)
            graft_transfer_plan_note_unmatched (self, g_ptr_array_index (weights, w),
                                                g_strdup_printf ("by structure: passed over; "
                                                                 "the next Keras layer '%s' is a %s",
                                                                 graft_layer_get_path (target), klass));
        }
      {
        GString *names = g_string_new (NULL);
        g_autofree char *why = NULL;

        for (guint k = 0; k < used; k++)
          g_string_append_printf (names, "%s%s", k ? " + " : "",
                                  graft_layer_get_path (g_ptr_array_index (modules, next + skip + k)));
        why = g_strdup_printf ("by structure: %s %s → %s %s", kind->torch_module, names->str, klass,
                               graft_layer_get_path (target));
        g_string_free (names, TRUE);
        graft_structure_commit (self, proposals, why);
        /* What the used modules hold that Keras has no place for. */
        for (guint k = 0; k < used; k++)
          {
            GraftLayer *module = g_ptr_array_index (modules, next + skip + k);
            g_autoptr(GPtrArray) held = graft_transfer_subtree_weights (self->source, module);

            for (guint w = 0; w < held->len; w++)
              graft_transfer_plan_note_unmatched (self, g_ptr_array_index (held, w),
                                                  g_strdup_printf ("by structure: a Keras %s has "
                                                                   "no counterpart; dropped", klass));
          }
      }
      next += skip + used;
    }
}

/**
 * graft_structure_pair_weights:
 *
 * Pairs one PyTorch tensor with one Keras weight through the conversion
 * matching by structure would choose for them (the pair a Match… row or a
 * drop of one weight onto another stands for).
 *
 * Returns: %TRUE when the layer kind knows that pair; %FALSE, adding
 *   nothing, otherwise
 */
gboolean
graft_structure_pair_weights (GraftTransferPlan *self,
                              GraftWeight       *source,
                              GraftWeight       *target)
{
  g_autoptr(GPtrArray) modules = graft_structure_torch_modules (self->source,
                                                                graft_model_get_root (self->source));
  g_autoptr(GArray) proposals = g_array_new (FALSE, TRUE, sizeof (GraftTransferPair));
  GraftLayer *layer = NULL;
  GraftLayer *module = graft_weight_get_layer (source);
  const GraftLayoutKind *kind = NULL;
  guint at;

  for (GraftLayer *l = graft_weight_get_layer (target); l != NULL; l = graft_layer_get_parent (l))
    if (graft_layer_get_class_name (l) != NULL && graft_layout_kind_find (graft_layer_get_class_name (l)))
      {
        layer = l;
        kind = graft_layout_kind_find (graft_layer_get_class_name (l));
      }
  if (kind == NULL)
    return FALSE;
  if (!g_ptr_array_find (modules, module, &at) &&
      !(graft_layer_get_parent (module) != NULL &&
        g_ptr_array_find (modules, graft_layer_get_parent (module), &at)))
    return FALSE;
  /* The module may be the second of the pair (a separable convolution's
   * pointwise half). */
  for (guint back = 0; back < 2 && back <= at; back++)
    {
      GraftStructureMatch m = { self->target, layer, (GraftLayer *const *) modules->pdata + at - back,
                                modules->len - at + back, proposals };

      g_array_set_size (proposals, 0);
      if (kind->pair (&m) == 0)
        continue;
      for (guint i = 0; i < proposals->len; i++)
        {
          GraftTransferPair *p = &g_array_index (proposals, GraftTransferPair, i);

          if (p->target == target && (p->source == source || p->source2 == source))
            {
              g_autofree char *why = g_strdup_printf ("weight %s=%s, as a %s",
                                                      graft_weight_get_path (source),
                                                      graft_weight_get_path (target),
                                                      kind->keras_class);

              graft_transfer_plan_pair_converted (self, p->source, p->source2, target, p->layout,
                                                  &p->params, why);
              return TRUE;
            }
        }
    }
  return FALSE;
}

static gboolean
graft_match_structure (GraftTransferPlan  *self,
                       GError            **error)
{
  graft_structure_match_layers (self, graft_model_get_root (self->source),
                                graft_model_get_root (self->target));
  return TRUE;
}

const GraftMatchStrategy graft_match_by_structure = {
  .name = "structure",
  .label = "Structure",
  .description = "Between PyTorch and Keras: modules in order against layers with weights, "
                  "each converted to the target's layout",
  .match = graft_match_structure,
};
