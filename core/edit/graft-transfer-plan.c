/* graft-transfer.c
 *
 * A transfer is planned first and applied second. A plan is a list of
 * (source weight → target weight) pairs, each with a status, built by one
 * or more matchers (explicit rules and layer mappings first, then a
 * strategy for what is left). Finishing the plan adds the weights nothing
 * matched on either side, so a dry run shows everything that will and will
 * not happen, and why. Applying replaces target tensors in one undo step;
 * the source is only read.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-transfer"

#include "config.h"

#include "graft-transfer.h"

#include <string.h>

#include "graft-dtype.h"
#include "graft-error.h"
#include "graft-limits.h"
#include "graft-model.h"
#include "graft-tensor.h"

typedef struct
{
  GraftWeight         *source;   /* borrowed, nullable */
  GraftWeight         *target;   /* borrowed, nullable */
  GraftTransferStatus  status;
  char                *reason;
  gboolean             partial;
} GraftTransferPair;

struct GraftTransferPlan
{
  GraftModel *source;
  GraftModel *target;
  GArray     *pairs;           /* of GraftTransferPair */
  GHashTable *assigned;        /* target GraftWeight → pair index + 1 */
  GHashTable *used;            /* source GraftWeight → itself */
  GHashTable *unmatched_why;   /* GraftWeight → const char * reason, for missing entries */
  GPtrArray  *reasons;         /* owned strings of unmatched_why */
  gboolean    partial;
  gboolean    skip_mismatch;
  gboolean    finished;
};

static const char * const graft_transfer_status_names[] = {
  [GRAFT_TRANSFER_OK] = "ok",
  [GRAFT_TRANSFER_CONVERTED] = "dtype-converted",
  [GRAFT_TRANSFER_SHAPE_MISMATCH] = "shape-mismatch",
  [GRAFT_TRANSFER_MISSING_IN_SOURCE] = "missing-in-source",
  [GRAFT_TRANSFER_MISSING_IN_TARGET] = "missing-in-target",
  [GRAFT_TRANSFER_SKIPPED] = "skipped",
};
G_STATIC_ASSERT (G_N_ELEMENTS (graft_transfer_status_names) == GRAFT_N_TRANSFER_STATUSES);

static const char * const graft_transfer_strategy_names[] = {
  [GRAFT_TRANSFER_BY_NAME] = "name",
  [GRAFT_TRANSFER_BY_ORDER] = "order",
  [GRAFT_TRANSFER_BY_SHAPE] = "shape",
  [GRAFT_TRANSFER_BY_LOCATION] = "location",
};
G_STATIC_ASSERT (G_N_ELEMENTS (graft_transfer_strategy_names) == GRAFT_N_TRANSFER_STRATEGIES);

const char *
graft_transfer_status_get_name (GraftTransferStatus status)
{
  g_return_val_if_fail (status < GRAFT_N_TRANSFER_STATUSES, "unknown");
  return graft_transfer_status_names[status];
}

const char *
graft_transfer_strategy_get_name (GraftTransferStrategy strategy)
{
  g_return_val_if_fail (strategy < GRAFT_N_TRANSFER_STRATEGIES, "unknown");
  return graft_transfer_strategy_names[strategy];
}

/**
 * graft_transfer_strategy_from_name:
 * @name: "name", "order", "shape" or "location"
 *
 * Returns: %FALSE when @name is none of those
 */
gboolean
graft_transfer_strategy_from_name (const char            *name,
                                   GraftTransferStrategy *strategy)
{
  for (guint i = 0; i < GRAFT_N_TRANSFER_STRATEGIES; i++)
    if (g_strcmp0 (name, graft_transfer_strategy_names[i]) == 0)
      {
        *strategy = i;
        return TRUE;
      }
  return FALSE;
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

static void
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
static void
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

/* The weights of @layer and of every layer below it, in model order. */
static GPtrArray *
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
static void
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

/* Index of every layer below @layer by name; a name seen twice maps to
 * NULL (ambiguous). */
static void
graft_transfer_index_names (GraftLayer *layer,
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
      graft_transfer_index_names (child, by_name);
    }
}

/* The layer's own weights (not those of its children). */
static GPtrArray *
graft_transfer_own_weights (GraftLayer *layer)
{
  GPtrArray *weights = g_ptr_array_new ();

  for (guint i = 0; i < graft_layer_get_n_weights (layer); i++)
    g_ptr_array_add (weights, graft_layer_get_weight (layer, i));
  return weights;
}

static void
graft_transfer_match_name_layer (GraftTransferPlan *self,
                                 GraftLayer        *tlayer,
                                 GHashTable        *source_names)
{
  if (graft_layer_get_n_weights (tlayer) > 0)
    {
      GraftLayer *slayer = graft_model_find_layer (self->source, graft_layer_get_path (tlayer));
      g_autoptr(GPtrArray) targets = graft_transfer_own_weights (tlayer);

      if (slayer == NULL)
        slayer = g_hash_table_lookup (source_names, graft_layer_get_name (tlayer));
      if (slayer != NULL && graft_layer_get_n_weights (slayer) > 0)
        {
          g_autoptr(GPtrArray) sources = graft_transfer_own_weights (slayer);

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
    graft_transfer_match_name_layer (self, graft_layer_get_child (tlayer, i), source_names);
}

/* Says why source layers were left out: no target layer has their name. */
static void
graft_transfer_explain_source (GraftTransferPlan *self,
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
    graft_transfer_explain_source (self, graft_layer_get_child (slayer, i), target_names);
}

static void
graft_transfer_match_by_name (GraftTransferPlan *self)
{
  g_autoptr(GHashTable) source_names = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) target_names = g_hash_table_new (g_str_hash, g_str_equal);
  GraftLayer *root = graft_model_get_root (self->target);

  graft_transfer_index_names (graft_model_get_root (self->source), source_names);
  graft_transfer_match_name_layer (self, root, source_names);
  graft_transfer_index_names (root, target_names);
  graft_transfer_explain_source (self, graft_model_get_root (self->source), target_names);
}

static void
graft_transfer_match_by_location (GraftTransferPlan *self)
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
}

static void
graft_transfer_match_by_shape (GraftTransferPlan *self)
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
}

/* The top-level layers that hold weights, in model order of their first
 * weight. */
static GPtrArray *
graft_transfer_weighted_layers (GraftModel *model)
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
graft_transfer_legacy_order (GraftModel *model,
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
graft_transfer_match_by_order (GraftTransferPlan  *self,
                               GError            **error)
{
  g_autoptr(GPtrArray) slayers = graft_transfer_weighted_layers (self->source);
  g_autoptr(GPtrArray) tlayers = graft_transfer_weighted_layers (self->target);

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
      g_autoptr(GPtrArray) sw = graft_transfer_legacy_order (self->source, sl);
      g_autoptr(GPtrArray) tw = graft_transfer_legacy_order (self->target, tl);
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

  switch (strategy)
    {
    case GRAFT_TRANSFER_BY_NAME:
      graft_transfer_match_by_name (self);
      return TRUE;
    case GRAFT_TRANSFER_BY_ORDER:
      return graft_transfer_match_by_order (self, error);
    case GRAFT_TRANSFER_BY_SHAPE:
      graft_transfer_match_by_shape (self);
      return TRUE;
    case GRAFT_TRANSFER_BY_LOCATION:
      graft_transfer_match_by_location (self);
      return TRUE;
    case GRAFT_N_TRANSFER_STRATEGIES:
    default:
      g_return_val_if_reached (FALSE);
    }
}

/* Turns a glob with '*' (or '{}') wildcards into an anchored regex that
 * also matches anything below the path (a layer pattern covers its
 * weights). */
static GRegex *
graft_transfer_glob_regex (const char  *glob,
                           guint       *n_stars,
                           GError     **error)
{
  g_autoptr(GString) re = g_string_new ("^");
  const char *p = glob;

  *n_stars = 0;
  while (*p != '\0')
    {
      if (*p == '*' || (p[0] == '{' && p[1] == '}'))
        {
          g_string_append (re, "(.*?)");
          (*n_stars)++;
          p += *p == '*' ? 1 : 2;
          continue;
        }
      {
        g_autofree char *lit = g_regex_escape_string (p, 1);

        g_string_append (re, lit);
      }
      p++;
    }
  g_string_append (re, "(?:/(.*))?$");
  return g_regex_new (re->str, 0, 0, error);
}

static char *
graft_transfer_fill_glob (const char *glob,
                          GMatchInfo *info,
                          guint       n_stars)
{
  g_autoptr(GString) out = g_string_new (NULL);
  guint star = 0;
  g_autofree char *rest = NULL;

  for (const char *p = glob; *p != '\0';)
    {
      if (*p == '*' || (p[0] == '{' && p[1] == '}'))
        {
          g_autofree char *cap = g_match_info_fetch (info, ++star);

          g_string_append (out, cap ? cap : "");
          p += *p == '*' ? 1 : 2;
          continue;
        }
      g_string_append_c (out, *p++);
    }
  rest = g_match_info_fetch (info, n_stars + 1);
  if (rest != NULL && rest[0] != '\0')
    {
      if (out->len > 0 && out->str[out->len - 1] != '/')
        g_string_append_c (out, '/');
      g_string_append (out, rest);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static gboolean
graft_transfer_split_rule (const char  *rule,
                           char       **src,
                           char       **dst,
                           GError     **error)
{
  const char *eq = strchr (rule, '=');

  if (eq == NULL || eq == rule || eq[1] == '\0' || strchr (eq + 1, '=') != NULL)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_INVALID,
                   "mapping '%s' is not of the form SOURCE=TARGET", rule);
      return FALSE;
    }
  *src = g_strndup (rule, eq - rule);
  *dst = g_strdup (eq + 1);
  g_strstrip (*src);
  g_strstrip (*dst);
  return TRUE;
}

/**
 * graft_transfer_plan_add_rule:
 * @rule: "SRC=DST", where SRC and DST are weight or layer paths that may
 *   hold '*' (or '{}') wildcards; DST's wildcards take what SRC's matched,
 *   in order ("enc/{}=encoder/{}"). A layer path covers the weights below it.
 *
 * Pairs each source weight SRC matches with the target weight DST names.
 *
 * Returns: %FALSE when the rule is malformed or matches no source weight
 */
gboolean
graft_transfer_plan_add_rule (GraftTransferPlan  *self,
                              const char         *rule,
                              GError            **error)
{
  g_autofree char *src = NULL;
  g_autofree char *dst = NULL;
  g_autoptr(GRegex) regex = NULL;
  g_autofree char *why = NULL;
  guint n_stars = 0, n_dst_stars = 0, n_matched = 0;

  g_return_val_if_fail (self != NULL && rule != NULL, FALSE);
  g_return_val_if_fail (!self->finished, FALSE);

  if (!graft_transfer_split_rule (rule, &src, &dst, error))
    return FALSE;
  regex = graft_transfer_glob_regex (src, &n_stars, error);
  if (regex == NULL)
    return FALSE;
  for (const char *p = dst; *p != '\0'; p++)
    if (*p == '*' || (p[0] == '{' && p[1] == '}'))
      n_dst_stars++;
  if (n_dst_stars != n_stars)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_INVALID,
                   "mapping '%s': the target has %u wildcards, the source %u", rule, n_dst_stars,
                   n_stars);
      return FALSE;
    }

  why = g_strdup_printf ("rule %s", rule);
  for (guint i = 0; i < graft_model_get_n_weights (self->source); i++)
    {
      GraftWeight *s = graft_model_get_weight (self->source, i);
      g_autoptr(GMatchInfo) info = NULL;
      g_autofree char *dest_path = NULL;
      GraftWeight *t;

      if (!g_regex_match (regex, graft_weight_get_path (s), 0, &info))
        continue;
      n_matched++;
      dest_path = graft_transfer_fill_glob (dst, info, n_stars);
      t = graft_model_find_weight (self->target, dest_path);
      if (t != NULL)
        graft_transfer_plan_pair (self, s, t, why);
      else
        graft_transfer_plan_note_unmatched (self, s,
                                            g_strdup_printf ("rule %s: no weight '%s' in target",
                                                             rule, dest_path));
    }
  if (n_matched == 0)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_NOT_FOUND,
                   "mapping '%s': no weight of %s matches '%s'", rule,
                   graft_model_get_filename (self->source), src);
      return FALSE;
    }
  return TRUE;
}

/**
 * graft_transfer_plan_add_layer:
 * @source_path: a layer (or weight) path of the source
 * @target_path: a layer (or weight) path of the target
 *
 * Maps one layer, with everything below it, onto another (what a drop
 * does): weights pair by their path below the layer, or by position when
 * the names differ and the counts agree.
 *
 * Returns: %FALSE when either path names nothing
 */
gboolean
graft_transfer_plan_add_layer (GraftTransferPlan  *self,
                               const char         *source_path,
                               const char         *target_path,
                               GError            **error)
{
  GraftLayer *sl, *tl;
  GraftWeight *sw, *tw;
  g_autoptr(GPtrArray) sources = NULL;
  g_autoptr(GPtrArray) targets = NULL;
  g_autofree char *why = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (!self->finished, FALSE);

  why = g_strdup_printf ("layer %s=%s", source_path, target_path);
  sl = graft_model_find_layer (self->source, source_path);
  tl = graft_model_find_layer (self->target, target_path);
  sw = sl ? NULL : graft_model_find_weight (self->source, source_path);
  tw = tl ? NULL : graft_model_find_weight (self->target, target_path);
  if (sl == NULL && sw == NULL)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_NOT_FOUND, "%s: no layer or weight '%s'",
                   graft_model_get_filename (self->source), source_path);
      return FALSE;
    }
  if (tl == NULL && tw == NULL)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_NOT_FOUND, "%s: no layer or weight '%s'",
                   graft_model_get_filename (self->target), target_path);
      return FALSE;
    }
  if (sw != NULL && tw != NULL)
    {
      graft_transfer_plan_pair (self, sw, tw, why);
      return TRUE;
    }
  if (sw != NULL || tw != NULL)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_INVALID,
                   "cannot map %s '%s' onto %s '%s': map a layer onto a layer, or a weight onto "
                   "a weight", sw ? "weight" : "layer", source_path, tw ? "weight" : "layer",
                   target_path);
      return FALSE;
    }

  sources = graft_transfer_subtree_weights (self->source, sl);
  targets = graft_transfer_subtree_weights (self->target, tl);
  graft_transfer_plan_pair_lists (self, sources, graft_layer_get_path (sl), targets,
                                  graft_layer_get_path (tl), why);
  for (guint i = 0; i < sources->len; i++)
    if (!g_hash_table_contains (self->used, g_ptr_array_index (sources, i)))
      graft_transfer_plan_note_unmatched (self, g_ptr_array_index (sources, i),
                                          g_strdup_printf ("target layer '%s' has no counterpart",
                                                           target_path));
  return TRUE;
}

static void
graft_transfer_pair_classify (GraftTransferPlan *self,
                              GraftTransferPair *pair)
{
  GraftTensor *s = graft_weight_get_tensor (pair->source);
  GraftTensor *t = graft_weight_get_tensor (pair->target);
  g_autofree char *why = g_steal_pointer (&pair->reason);

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
graft_transfer_plan_get_source (const GraftTransferPlan *self,
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
graft_transfer_plan_get_target (const GraftTransferPlan *self,
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

static gboolean
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

static char *
graft_transfer_weight_shape (GraftWeight *w)
{
  return w ? graft_tensor_format_shape (graft_weight_get_tensor (w)) : g_strdup ("-");
}

/**
 * graft_transfer_plan_to_table:
 *
 * Returns: (transfer full): the plan as aligned text, one pair a line,
 *   then a summary
 */
char *
graft_transfer_plan_to_table (const GraftTransferPlan *self)
{
  GString *out = g_string_new (NULL);
  gsize wsrc = strlen ("SOURCE"), wdst = strlen ("TARGET");

  for (guint i = 0; i < self->pairs->len; i++)
    {
      const GraftTransferPair *pair = &g_array_index (self->pairs, GraftTransferPair, i);

      if (pair->source)
        wsrc = MAX (wsrc, strlen (graft_weight_get_path (pair->source)));
      if (pair->target)
        wdst = MAX (wdst, strlen (graft_weight_get_path (pair->target)));
    }
  wsrc = MIN (wsrc, 60);
  wdst = MIN (wdst, 60);

  g_string_append_printf (out, "%-17s  %-*s  %-*s  %-15s  %-15s  %s\n", "STATUS", (int) wsrc,
                          "SOURCE", (int) wdst, "TARGET", "SOURCE SHAPE", "TARGET SHAPE", "WHY");
  for (guint i = 0; i < self->pairs->len; i++)
    {
      const GraftTransferPair *pair = &g_array_index (self->pairs, GraftTransferPair, i);
      g_autofree char *ss = graft_transfer_weight_shape (pair->source);
      g_autofree char *ts = graft_transfer_weight_shape (pair->target);

      g_string_append_printf (out, "%-17s  %-*s  %-*s  %-15s  %-15s  %s\n",
                              graft_transfer_status_get_name (pair->status), (int) wsrc,
                              pair->source ? graft_weight_get_path (pair->source) : "-", (int) wdst,
                              pair->target ? graft_weight_get_path (pair->target) : "-", ss, ts,
                              pair->reason ? pair->reason : "");
    }
  g_string_append_printf (out, "\n%u weights copied (%u as is, %u converted, %u partial); "
                          "%u shape mismatches refused; %u skipped; %u target weights keep their "
                          "values; %u source weights unused\n",
                          graft_transfer_plan_get_n_copies (self),
                          graft_transfer_plan_count (self, GRAFT_TRANSFER_OK),
                          graft_transfer_plan_count (self, GRAFT_TRANSFER_CONVERTED),
                          graft_transfer_plan_get_n_copies (self) -
                          graft_transfer_plan_count (self, GRAFT_TRANSFER_OK) -
                          graft_transfer_plan_count (self, GRAFT_TRANSFER_CONVERTED),
                          graft_transfer_plan_count (self, GRAFT_TRANSFER_SHAPE_MISMATCH) -
                          (graft_transfer_plan_get_n_copies (self) -
                           graft_transfer_plan_count (self, GRAFT_TRANSFER_OK) -
                           graft_transfer_plan_count (self, GRAFT_TRANSFER_CONVERTED)),
                          graft_transfer_plan_count (self, GRAFT_TRANSFER_SKIPPED),
                          graft_transfer_plan_count (self, GRAFT_TRANSFER_MISSING_IN_SOURCE) +
                          graft_transfer_plan_count (self, GRAFT_TRANSFER_SKIPPED),
                          graft_transfer_plan_count (self, GRAFT_TRANSFER_MISSING_IN_TARGET));
  return g_string_free (out, FALSE);
}

static void
graft_transfer_json_weight (JsonBuilder *builder,
                            const char  *key,
                            GraftWeight *w)
{
  GraftTensor *t;

  json_builder_set_member_name (builder, key);
  if (w == NULL)
    {
      json_builder_add_null_value (builder);
      return;
    }
  t = graft_weight_get_tensor (w);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "path");
  json_builder_add_string_value (builder, graft_weight_get_path (w));
  json_builder_set_member_name (builder, "location");
  json_builder_add_string_value (builder, graft_weight_get_location (w));
  json_builder_set_member_name (builder, "shape");
  json_builder_begin_array (builder);
  for (guint i = 0; i < graft_tensor_get_rank (t); i++)
    json_builder_add_int_value (builder, graft_tensor_get_dim (t, i));
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "dtype");
  json_builder_add_string_value (builder, graft_dtype_get_name (graft_tensor_get_dtype (t)));
  json_builder_end_object (builder);
}

/**
 * graft_transfer_plan_to_json:
 *
 * Returns: (transfer full): `{"source", "target", "pairs": [{"status",
 *   "source": {path, location, shape, dtype} | null, "target": …,
 *   "partial", "reason"}], "counts": {status: n}, "copies": n}`
 */
JsonNode *
graft_transfer_plan_to_json (const GraftTransferPlan *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "source");
  json_builder_add_string_value (builder, graft_model_get_filename (self->source));
  json_builder_set_member_name (builder, "target");
  json_builder_add_string_value (builder, graft_model_get_filename (self->target));
  json_builder_set_member_name (builder, "pairs");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->pairs->len; i++)
    {
      const GraftTransferPair *pair = &g_array_index (self->pairs, GraftTransferPair, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "status");
      json_builder_add_string_value (builder, graft_transfer_status_get_name (pair->status));
      graft_transfer_json_weight (builder, "source", pair->source);
      graft_transfer_json_weight (builder, "target", pair->target);
      json_builder_set_member_name (builder, "partial");
      json_builder_add_boolean_value (builder, pair->partial);
      json_builder_set_member_name (builder, "reason");
      json_builder_add_string_value (builder, pair->reason);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "counts");
  json_builder_begin_object (builder);
  for (guint s = 0; s < GRAFT_N_TRANSFER_STATUSES; s++)
    {
      json_builder_set_member_name (builder, graft_transfer_status_get_name (s));
      json_builder_add_int_value (builder, graft_transfer_plan_count (self, s));
    }
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "copies");
  json_builder_add_int_value (builder, graft_transfer_plan_get_n_copies (self));
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/**
 * graft_tensor_convert:
 *
 * Returns: (transfer full): @tensor itself (a new reference) when it
 *   already has @dtype, else a new in-memory tensor with converted values
 */
GraftTensor *
graft_tensor_convert (GraftTensor  *tensor,
                      GraftDType    dtype,
                      GError      **error)
{
  g_autoptr(GraftTensor) out = NULL;
  g_autofree double *tmp = NULL;
  const void *data;
  gsize n = graft_tensor_get_n_elements (tensor);

  if (graft_tensor_get_dtype (tensor) == dtype)
    return graft_tensor_ref (tensor);

  if (!graft_limits_check_alloc ((guint64) n * sizeof (double), error))
    return NULL;
  data = graft_tensor_get_data (tensor, error);
  if (data == NULL)
    return NULL;
  out = graft_tensor_new (dtype, graft_tensor_get_rank (tensor), graft_tensor_get_shape (tensor));
  tmp = g_new (double, MAX (n, 1));
  graft_dtype_to_double (graft_tensor_get_dtype (tensor), data, tmp, n);
  graft_dtype_from_double (dtype, tmp, graft_tensor_get_data_mutable (out), n);
  return g_steal_pointer (&out);
}

/**
 * graft_tensor_new_overlay:
 * @base: the target's values: gives the shape, the dtype and the values
 *   outside the block
 * @block: the source's values, same rank; its overlap with @base (the
 *   first min(n, m) indices of every axis) is copied in, converted
 *
 * Returns: (transfer full): a new in-memory tensor
 */
GraftTensor *
graft_tensor_new_overlay (GraftTensor  *base,
                          GraftTensor  *block,
                          GError      **error)
{
  g_autoptr(GraftTensor) out = NULL;
  g_autoptr(GraftTensor) src = NULL;
  GraftDType dtype = graft_tensor_get_dtype (base);
  guint rank = graft_tensor_get_rank (base);
  gsize elem = graft_dtype_get_size (dtype);
  gsize count[GRAFT_MAX_RANK], idx[GRAFT_MAX_RANK] = { 0 };
  gsize n_runs = 1, run;
  const guint8 *in;
  const void *base_data;
  guint8 *dest;

  g_return_val_if_fail (graft_tensor_get_rank (block) == rank, NULL);

  base_data = graft_tensor_get_data (base, error);
  if (base_data == NULL)
    return NULL;
  src = graft_tensor_convert (block, dtype, error);
  if (src == NULL)
    return NULL;
  in = graft_tensor_get_data (src, error);
  if (in == NULL)
    return NULL;

  out = graft_tensor_new (dtype, rank, graft_tensor_get_shape (base));
  dest = graft_tensor_get_data_mutable (out);
  memcpy (dest, base_data, graft_tensor_get_n_bytes (base));
  if (rank == 0)
    {
      memcpy (dest, in, elem);
      return g_steal_pointer (&out);
    }

  for (guint i = 0; i < rank; i++)
    {
      count[i] = MIN (graft_tensor_get_dim (base, i), graft_tensor_get_dim (block, i));
      if (count[i] == 0)
        return g_steal_pointer (&out);
    }
  for (guint i = 0; i + 1 < rank; i++)
    n_runs *= count[i];
  run = count[rank - 1] * elem;

  /* One contiguous run along the last axis at a time. */
  for (gsize r = 0; r < n_runs; r++)
    {
      gsize off_out = 0, off_in = 0;

      for (guint i = 0; i + 1 < rank; i++)
        {
          off_out = off_out * graft_tensor_get_dim (base, i) + idx[i];
          off_in = off_in * graft_tensor_get_dim (block, i) + idx[i];
        }
      off_out *= graft_tensor_get_dim (base, rank - 1);
      off_in *= graft_tensor_get_dim (block, rank - 1);
      memcpy (dest + off_out * elem, in + off_in * elem, run);

      for (guint i = rank - 1; i > 0; i--)
        {
          if (++idx[i - 1] < count[i - 1])
            break;
          idx[i - 1] = 0;
        }
    }
  return g_steal_pointer (&out);
}

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
      if (pair->status == GRAFT_TRANSFER_SHAPE_MISMATCH)
        made = graft_tensor_new_overlay (t, s, &local);
      else
        made = graft_tensor_convert (s, graft_tensor_get_dtype (t), &local);
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
