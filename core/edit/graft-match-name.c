/* graft-match-name.c: by layer name, nested models too
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-match-name"

#include "config.h"

#include "graft-transfer-private.h"

#include "graft-model.h"

/* Index of every layer below @layer by name; a name seen twice maps to
 * NULL (ambiguous). */
static void
graft_match_name_index (GraftLayer *layer,
                            GHashTable *by_name)
{
  for (guint i = 0; i < graft_layer_get_n_children (layer); i++)
    {
      GraftLayer *child = graft_layer_get_child (layer, i);
      const char *name = graft_layer_get_name (child);

      if (g_hash_table_contains (by_name, name))
        g_hash_table_insert (by_name, (gpointer) name, NULL);
      else
        g_hash_table_insert (by_name, (gpointer) name, child);
      graft_match_name_index (child, by_name);
    }
}

/* The layer's own weights (not those of its children). */
static GPtrArray *
graft_match_name_own_weights (GraftLayer *layer)
{
  GPtrArray *weights = g_ptr_array_new ();

  for (guint i = 0; i < graft_layer_get_n_weights (layer); i++)
    g_ptr_array_add (weights, graft_layer_get_weight (layer, i));
  return weights;
}

static void
graft_match_name_layer (GraftTransferPlan *self,
                                 GraftLayer        *tlayer,
                                 GHashTable        *source_names)
{
  if (graft_layer_get_n_weights (tlayer) > 0)
    {
      GraftLayer *slayer = graft_model_find_layer (self->source, graft_layer_get_path (tlayer));
      g_autoptr(GPtrArray) targets = graft_match_name_own_weights (tlayer);

      if (slayer == NULL)
        slayer = g_hash_table_lookup (source_names, graft_layer_get_name (tlayer));
      if (slayer != NULL && graft_layer_get_n_weights (slayer) > 0)
        {
          g_autoptr(GPtrArray) sources = graft_match_name_own_weights (slayer);

          graft_transfer_plan_pair_lists (self, sources, graft_layer_get_path (slayer),
                                          targets, graft_layer_get_path (tlayer), "same layer name");
        }
      else
        for (guint i = 0; i < targets->len; i++)
          graft_transfer_plan_note_unmatched (self, g_ptr_array_index (targets, i),
                                              g_strdup_printf ("no layer '%s' in source",
                                                               graft_layer_get_name (tlayer)));
    }
  for (guint i = 0; i < graft_layer_get_n_children (tlayer); i++)
    graft_match_name_layer (self, graft_layer_get_child (tlayer, i), source_names);
}

/* Says why source layers were left out: no target layer has their name. */
static void
graft_match_name_explain_source (GraftTransferPlan *self,
                               GraftLayer        *slayer,
                               GHashTable        *target_names)
{
  if (graft_layer_get_n_weights (slayer) > 0 &&
      graft_model_find_layer (self->target, graft_layer_get_path (slayer)) == NULL &&
      g_hash_table_lookup (target_names, graft_layer_get_name (slayer)) == NULL)
    for (guint i = 0; i < graft_layer_get_n_weights (slayer); i++)
      graft_transfer_plan_note_unmatched (self, graft_layer_get_weight (slayer, i),
                                          g_strdup_printf ("no layer '%s' in target",
                                                           graft_layer_get_name (slayer)));
  for (guint i = 0; i < graft_layer_get_n_children (slayer); i++)
    graft_match_name_explain_source (self, graft_layer_get_child (slayer, i), target_names);
}

static gboolean
graft_match_name (GraftTransferPlan  *self,
                  GError            **error)
{
  g_autoptr(GHashTable) source_names = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) target_names = g_hash_table_new (g_str_hash, g_str_equal);
  GraftLayer *root = graft_model_get_root (self->target);

  graft_match_name_index (graft_model_get_root (self->source), source_names);
  graft_match_name_layer (self, root, source_names);
  graft_match_name_index (root, target_names);
  graft_match_name_explain_source (self, graft_model_get_root (self->source), target_names);
  return TRUE;
}

const GraftMatchStrategy graft_match_by_name = {
  .name = "name",
  .label = "Name",
  .description = "Layers of the same name, nested ones too; weights by name within them",
  .match = graft_match_name,
};
