/* graft-transfer-rules.c: matching by explicit rules and by layer mappings
 *
 * A rule "SRC=DST" names weights or layers with '*' (or '{}') wildcards
 * whose captures carry over ("enc/{}=encoder/{}"); a layer mapping is what
 * a drop does: one layer and everything below it onto another.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-transfer-rules"

#include "config.h"

#include "graft-transfer-private.h"

#include <string.h>

#include "graft-error.h"
#include "graft-model.h"

/* Turns a glob with '*' (or '{}') wildcards into an anchored regex that
 * also matches anything below the path (a layer pattern covers its
 * weights). */
static GRegex *
graft_transfer_rules_glob_regex (const char  *glob,
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
graft_transfer_rules_fill_glob (const char *glob,
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
graft_transfer_rules_split (const char  *rule,
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

/* One weight onto another: between frameworks through the conversion
 * their layer kind gives, as it is otherwise. */
static void
graft_transfer_rules_pair (GraftTransferPlan *self,
                           GraftWeight       *source,
                           GraftWeight       *target,
                           const char        *why)
{
  if (graft_transfer_strategy_default (self->source, self->target) != GRAFT_TRANSFER_BY_STRUCTURE ||
      !graft_structure_pair_weights (self, source, target))
    graft_transfer_plan_pair (self, source, target, why);
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

  if (!graft_transfer_rules_split (rule, &src, &dst, error))
    return FALSE;
  regex = graft_transfer_rules_glob_regex (src, &n_stars, error);
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
      dest_path = graft_transfer_rules_fill_glob (dst, info, n_stars);
      t = graft_model_find_weight (self->target, dest_path);
      if (t != NULL)
        graft_transfer_rules_pair (self, s, t, why);
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
      graft_transfer_rules_pair (self, sw, tw, why);
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

  /* Between frameworks, layers pair as matching by structure pairs them,
   * through their layout conversions. */
  if (graft_transfer_strategy_default (self->source, self->target) == GRAFT_TRANSFER_BY_STRUCTURE)
    {
      graft_structure_match_layers (self, sl, tl);
      return TRUE;
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
