/* graft-diff.c
 *
 * Two checkpoints are aligned weight by weight (by path, or by the same
 * mapping rules a transfer uses) and each pair is compared in one pass, in
 * double precision, a block of elements at a time so that memory stays
 * bounded whatever the tensor size.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-diff"

#include "config.h"

#include "graft-diff.h"

#include <math.h>
#include <string.h>

#include "graft-dtype.h"
#include "graft-error.h"
#include "graft-json.h"
#include "graft-model.h"
#include "graft-tensor.h"
#include "graft-tensor-stream.h"
#include "graft-transfer.h"

/* Elements converted to double per block. */
#define GRAFT_DIFF_BLOCK 65536

typedef struct
{
  GraftWeight    *a;       /* borrowed */
  GraftWeight    *b;       /* borrowed */
  GraftDiffStats  stats;
} GraftDiffPair;

struct GraftDiff
{
  GraftModel *a;
  GraftModel *b;
  GArray     *pairs;       /* of GraftDiffPair */
  GPtrArray  *only_a;      /* of borrowed GraftWeight */
  GPtrArray  *only_b;
};

static gboolean
graft_diff_compare (GraftTensor     *ta,
                    GraftTensor     *tb,
                    GraftDiffStats  *stats,
                    GError         **error)
{
  g_autofree double *da = NULL;
  g_autofree double *db = NULL;
  g_autofree guint8 *bufa = NULL;
  g_autofree guint8 *bufb = NULL;
  const guint8 *pa, *pb;
  gsize piece;
  gsize n = graft_tensor_get_n_elements (ta);
  gsize sa = graft_dtype_get_size (graft_tensor_get_dtype (ta));
  gsize sb = graft_dtype_get_size (graft_tensor_get_dtype (tb));
  double dot = 0, na2 = 0, nb2 = 0, nd2 = 0, max_abs = 0;
  guint64 n_changed = 0;

  memset (stats, 0, sizeof *stats);
  if (!graft_tensor_same_shape (ta, tb))
    {
      stats->shape_mismatch = TRUE;
      return TRUE;
    }
  /* Mapped values are read in place; compressed ones a bounded piece at a
   * time, so that comparing two multi-GB checkpoints keeps no tensor in
   * memory. */
  pa = graft_tensor_get_data_in_place (ta);
  pb = graft_tensor_get_data_in_place (tb);
  piece = MAX (GRAFT_TENSOR_STREAM_PIECE_BYTES / MAX (sa, sb) / GRAFT_DIFF_BLOCK, 1) * GRAFT_DIFF_BLOCK;
  if (pa == NULL)
    bufa = g_malloc (MIN (piece, MAX (n, 1)) * sa);
  if (pb == NULL)
    bufb = g_malloc (MIN (piece, MAX (n, 1)) * sb);

  da = g_new (double, GRAFT_DIFF_BLOCK);
  db = g_new (double, GRAFT_DIFF_BLOCK);
  for (gsize first = 0; first < n; first += piece)
    {
      gsize plen = MIN (piece, n - first);
      const guint8 *qa = pa ? pa + first * sa : bufa;
      const guint8 *qb = pb ? pb + first * sb : bufb;

      if ((pa == NULL && !graft_tensor_read_flat (ta, first, plen, bufa, error)) ||
          (pb == NULL && !graft_tensor_read_flat (tb, first, plen, bufb, error)))
        return FALSE;
      for (gsize off = 0; off < plen; off += GRAFT_DIFF_BLOCK)
        {
          gsize len = MIN (GRAFT_DIFF_BLOCK, plen - off);

          graft_dtype_to_double (graft_tensor_get_dtype (ta), qa + off * sa, da, len);
          graft_dtype_to_double (graft_tensor_get_dtype (tb), qb + off * sb, db, len);
          for (gsize i = 0; i < len; i++)
            {
              double x = da[i], y = db[i], d = y - x;

              if (isnan (x) && isnan (y))
                continue;
              if (x != y)
                {
                  n_changed++;
                  max_abs = isnan (d) ? NAN : MAX (max_abs, fabs (d));
                }
              dot += x * y;
              na2 += x * x;
              nb2 += y * y;
              nd2 += d * d;
            }
        }
    }

  stats->n_elements = n;
  stats->n_changed = n_changed;
  stats->max_abs = max_abs;
  stats->norm_a = sqrt (na2);
  stats->norm_delta = sqrt (nd2);
  if (nd2 == 0)
    stats->rel_norm = 0;
  else
    stats->rel_norm = na2 > 0 ? sqrt (nd2) / sqrt (na2) : INFINITY;
  if (na2 == 0 && nb2 == 0)
    stats->cosine = 1;
  else if (na2 == 0 || nb2 == 0)
    stats->cosine = 0;
  else
    stats->cosine = dot / (sqrt (na2) * sqrt (nb2));
  return TRUE;
}

static void
graft_diff_add (GraftDiff   *self,
                GraftWeight *a,
                GraftWeight *b)
{
  GraftDiffPair pair = { a, b, { 0 } };

  g_array_append_val (self->pairs, pair);
}

/**
 * graft_diff_new:
 * @a: (transfer none): the reference checkpoint
 * @b: (transfer none): the checkpoint compared with it
 * @rules: (nullable) (array zero-terminated=1): "A_PATH=B_PATH" mappings
 *   with '*' wildcards, as for transfers; %NULL aligns by weight path
 *
 * Compares every aligned pair of weights.
 *
 * Returns: (transfer full): the comparison, or %NULL when a rule is
 *   malformed or values cannot be read
 */
GraftDiff *
graft_diff_new (GraftModel          *a,
                GraftModel          *b,
                const char * const  *rules,
                GError             **error)
{
  g_autoptr(GraftDiff) self = NULL;

  g_return_val_if_fail (a != NULL && b != NULL, NULL);

  self = g_new0 (GraftDiff, 1);
  self->a = graft_model_ref (a);
  self->b = graft_model_ref (b);
  self->pairs = g_array_new (FALSE, TRUE, sizeof (GraftDiffPair));
  self->only_a = g_ptr_array_new ();
  self->only_b = g_ptr_array_new ();

  if (rules != NULL && rules[0] != NULL)
    {
      g_autoptr(GraftTransferPlan) plan = graft_transfer_plan_new (a, b);

      for (guint i = 0; rules[i] != NULL; i++)
        if (!graft_transfer_plan_add_rule (plan, rules[i], error))
          return NULL;
      graft_transfer_plan_finish (plan);
      for (guint i = 0; i < graft_transfer_plan_get_n_pairs (plan); i++)
        {
          GraftWeight *wa = graft_transfer_plan_get_source (plan, i);
          GraftWeight *wb = graft_transfer_plan_get_target (plan, i);

          if (wa != NULL && wb != NULL)
            graft_diff_add (self, wa, wb);
          else if (wa != NULL)
            g_ptr_array_add (self->only_a, wa);
          else
            g_ptr_array_add (self->only_b, wb);
        }
    }
  else
    {
      g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);

      for (guint i = 0; i < graft_model_get_n_weights (a); i++)
        {
          GraftWeight *wa = graft_model_get_weight (a, i);
          GraftWeight *wb = graft_model_find_weight (b, graft_weight_get_path (wa));

          if (wb != NULL && g_strcmp0 (graft_weight_get_path (wb), graft_weight_get_path (wa)) == 0)
            {
              graft_diff_add (self, wa, wb);
              g_hash_table_add (seen, wb);
            }
          else
            g_ptr_array_add (self->only_a, wa);
        }
      for (guint i = 0; i < graft_model_get_n_weights (b); i++)
        if (!g_hash_table_contains (seen, graft_model_get_weight (b, i)))
          g_ptr_array_add (self->only_b, graft_model_get_weight (b, i));
    }

  for (guint i = 0; i < self->pairs->len; i++)
    {
      GraftDiffPair *pair = &g_array_index (self->pairs, GraftDiffPair, i);
      g_autoptr(GError) local = NULL;

      if (!graft_diff_compare (graft_weight_get_values (pair->a), graft_weight_get_values (pair->b),
                               &pair->stats, &local))
        {
          g_set_error (error, GRAFT_ERROR, local->code, "weight '%s': %s",
                       graft_weight_get_path (pair->a), local->message);
          return NULL;
        }
    }
  return g_steal_pointer (&self);
}

void
graft_diff_free (GraftDiff *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->pairs, g_array_unref);
  g_clear_pointer (&self->only_a, g_ptr_array_unref);
  g_clear_pointer (&self->only_b, g_ptr_array_unref);
  g_clear_pointer (&self->a, graft_model_unref);
  g_clear_pointer (&self->b, graft_model_unref);
  g_free (self);
}

guint
graft_diff_get_n_pairs (const GraftDiff *self)
{
  return self->pairs->len;
}

/**
 * graft_diff_get_a:
 *
 * Returns: (transfer none): the weight of A in an aligned pair
 */
GraftWeight *
graft_diff_get_a (GraftDiff       *self,
                  guint            position)
{
  g_return_val_if_fail (position < self->pairs->len, NULL);
  return g_array_index (self->pairs, GraftDiffPair, position).a;
}

/**
 * graft_diff_get_b:
 *
 * Returns: (transfer none): the weight of B in an aligned pair
 */
GraftWeight *
graft_diff_get_b (GraftDiff       *self,
                  guint            position)
{
  g_return_val_if_fail (position < self->pairs->len, NULL);
  return g_array_index (self->pairs, GraftDiffPair, position).b;
}

const GraftDiffStats *
graft_diff_get_stats (const GraftDiff *self,
                      guint            position)
{
  g_return_val_if_fail (position < self->pairs->len, NULL);
  return &g_array_index (self->pairs, GraftDiffPair, position).stats;
}

guint
graft_diff_get_n_only_a (const GraftDiff *self)
{
  return self->only_a->len;
}

GraftWeight *
graft_diff_get_only_a (GraftDiff       *self,
                       guint            position)
{
  g_return_val_if_fail (position < self->only_a->len, NULL);
  return g_ptr_array_index (self->only_a, position);
}

guint
graft_diff_get_n_only_b (const GraftDiff *self)
{
  return self->only_b->len;
}

GraftWeight *
graft_diff_get_only_b (GraftDiff       *self,
                       guint            position)
{
  g_return_val_if_fail (position < self->only_b->len, NULL);
  return g_ptr_array_index (self->only_b, position);
}

/**
 * graft_diff_get_n_changed:
 *
 * Returns: how many aligned pairs differ (values or shape)
 */
guint
graft_diff_get_n_changed (const GraftDiff *self)
{
  guint n = 0;

  for (guint i = 0; i < self->pairs->len; i++)
    {
      const GraftDiffStats *s = &g_array_index (self->pairs, GraftDiffPair, i).stats;

      if (s->shape_mismatch || s->n_changed > 0)
        n++;
    }
  return n;
}

/**
 * graft_diff_is_identical:
 *
 * Returns: %TRUE when every weight has a counterpart with equal values
 */
gboolean
graft_diff_is_identical (const GraftDiff *self)
{
  return graft_diff_get_n_changed (self) == 0 && self->only_a->len == 0 && self->only_b->len == 0;
}

typedef struct
{
  const char *path;
  guint       n_tensors;
  guint       n_changed_tensors;
  guint64     n_changed;
  guint64     n_elements;
  double      max_abs;
  double      norm_a2;
  double      norm_delta2;
} GraftDiffLayer;

/* Per-layer totals, in order of first appearance. */
static GArray *
graft_diff_layers (const GraftDiff *self)
{
  GArray *layers = g_array_new (FALSE, TRUE, sizeof (GraftDiffLayer));
  g_autoptr(GHashTable) index = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < self->pairs->len; i++)
    {
      const GraftDiffPair *pair = &g_array_index (self->pairs, GraftDiffPair, i);
      const char *path = graft_layer_get_path (graft_weight_get_layer (pair->b));
      gpointer found;
      GraftDiffLayer *layer;

      if (!g_hash_table_lookup_extended (index, path, NULL, &found))
        {
          GraftDiffLayer fresh = { path, 0 };

          g_array_append_val (layers, fresh);
          found = GUINT_TO_POINTER (layers->len - 1);
          g_hash_table_insert (index, (gpointer) path, found);
        }
      layer = &g_array_index (layers, GraftDiffLayer, GPOINTER_TO_UINT (found));
      layer->n_tensors++;
      if (pair->stats.shape_mismatch || pair->stats.n_changed > 0)
        layer->n_changed_tensors++;
      layer->n_changed += pair->stats.n_changed;
      layer->n_elements += pair->stats.n_elements;
      if (isnan (pair->stats.max_abs) || pair->stats.max_abs > layer->max_abs)
        layer->max_abs = pair->stats.max_abs;
      layer->norm_a2 += pair->stats.norm_a * pair->stats.norm_a;
      layer->norm_delta2 += pair->stats.norm_delta * pair->stats.norm_delta;
    }
  return layers;
}

static double
graft_diff_layer_rel (const GraftDiffLayer *layer)
{
  if (layer->norm_delta2 == 0)
    return 0;
  return layer->norm_a2 > 0 ? sqrt (layer->norm_delta2 / layer->norm_a2) : INFINITY;
}

/**
 * graft_diff_to_text:
 *
 * Returns: (transfer full): a table per weight, a summary per layer, and
 *   the weights found on one side only
 */
char *
graft_diff_to_text (const GraftDiff *self)
{
  GString *out = g_string_new (NULL);
  g_autoptr(GArray) layers = graft_diff_layers (self);
  gsize w = strlen ("WEIGHT");

  for (guint i = 0; i < self->pairs->len; i++)
    w = MAX (w, strlen (graft_weight_get_path (g_array_index (self->pairs, GraftDiffPair, i).b)));
  w = MIN (w, 60);

  g_string_append_printf (out, "A: %s\nB: %s\n\n", graft_model_get_filename (self->a),
                          graft_model_get_filename (self->b));
  g_string_append_printf (out, "%-*s  %-16s  %12s  %12s  %10s  %s\n", (int) w, "WEIGHT", "SHAPE",
                          "MAX |Δ|", "REL ‖Δ‖", "COSINE", "CHANGED");
  for (guint i = 0; i < self->pairs->len; i++)
    {
      const GraftDiffPair *pair = &g_array_index (self->pairs, GraftDiffPair, i);
      g_autofree char *shape = graft_tensor_format_shape (graft_weight_get_tensor (pair->b));
      g_autofree char *name = NULL;

      if (g_strcmp0 (graft_weight_get_path (pair->a), graft_weight_get_path (pair->b)) == 0)
        name = g_strdup (graft_weight_get_path (pair->b));
      else
        name = g_strdup_printf ("%s → %s", graft_weight_get_path (pair->a),
                                graft_weight_get_path (pair->b));
      if (pair->stats.shape_mismatch)
        {
          g_autofree char *sa = graft_tensor_format_shape (graft_weight_get_tensor (pair->a));

          g_string_append_printf (out, "%-*s  %-16s  shape differs: A is %s\n", (int) w, name, shape, sa);
          continue;
        }
      g_string_append_printf (out, "%-*s  %-16s  %12.6g  %12.6g  %10.6f  %" G_GUINT64_FORMAT "/%"
                              G_GUINT64_FORMAT "\n", (int) w, name, shape, pair->stats.max_abs,
                              pair->stats.rel_norm, pair->stats.cosine, pair->stats.n_changed,
                              pair->stats.n_elements);
    }

  g_string_append_printf (out, "\n%-*s  %8s  %12s  %12s  %s\n", (int) w, "LAYER", "TENSORS",
                          "MAX |Δ|", "REL ‖Δ‖", "CHANGED");
  for (guint i = 0; i < layers->len; i++)
    {
      const GraftDiffLayer *layer = &g_array_index (layers, GraftDiffLayer, i);
      g_autofree char *counts = g_strdup_printf ("%u/%u", layer->n_changed_tensors, layer->n_tensors);

      g_string_append_printf (out, "%-*s  %8s  %12.6g  %12.6g  %" G_GUINT64_FORMAT "/%"
                              G_GUINT64_FORMAT "\n", (int) w, layer->path[0] ? layer->path : "(root)",
                              counts, layer->max_abs, graft_diff_layer_rel (layer),
                              layer->n_changed, layer->n_elements);
    }

  for (guint i = 0; i < self->only_a->len; i++)
    g_string_append_printf (out, "%sonly in A: %s\n", i == 0 ? "\n" : "",
                            graft_weight_get_path (g_ptr_array_index (self->only_a, i)));
  for (guint i = 0; i < self->only_b->len; i++)
    g_string_append_printf (out, "%sonly in B: %s\n", i == 0 ? "\n" : "",
                            graft_weight_get_path (g_ptr_array_index (self->only_b, i)));
  g_string_append_printf (out, "\n%u of %u aligned weights differ; %u only in A, %u only in B\n",
                          graft_diff_get_n_changed (self), self->pairs->len, self->only_a->len,
                          self->only_b->len);
  return g_string_free (out, FALSE);
}

static void
graft_diff_json_double (JsonBuilder *builder,
                        const char  *key,
                        double       value)
{
  json_builder_set_member_name (builder, key);
  if (isfinite (value))
    json_builder_add_double_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
graft_diff_json_paths (JsonBuilder *builder,
                       const char  *key,
                       GPtrArray   *weights)
{
  json_builder_set_member_name (builder, key);
  json_builder_begin_array (builder);
  for (guint i = 0; i < weights->len; i++)
    json_builder_add_string_value (builder, graft_weight_get_path (g_ptr_array_index (weights, i)));
  json_builder_end_array (builder);
}

/**
 * graft_diff_to_json:
 *
 * Returns: (transfer full): `{"a", "b", "identical", "weights": [{"a",
 *   "b", "shape", "shape_mismatch", "max_abs_diff", "rel_frobenius",
 *   "cosine", "changed", "elements"}], "layers": [{"layer", "tensors",
 *   "changed_tensors", "max_abs_diff", "rel_frobenius", "changed",
 *   "elements"}], "only_in_a": [path], "only_in_b": [path]}`; non-finite
 *   numbers are null
 */
JsonNode *
graft_diff_to_json (const GraftDiff *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GArray) layers = graft_diff_layers (self);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "a");
  json_builder_add_string_value (builder, graft_model_get_filename (self->a));
  json_builder_set_member_name (builder, "b");
  json_builder_add_string_value (builder, graft_model_get_filename (self->b));
  json_builder_set_member_name (builder, "identical");
  json_builder_add_boolean_value (builder, graft_diff_is_identical (self));
  json_builder_set_member_name (builder, "weights");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->pairs->len; i++)
    {
      const GraftDiffPair *pair = &g_array_index (self->pairs, GraftDiffPair, i);
      GraftTensor *t = graft_weight_get_tensor (pair->b);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "a");
      json_builder_add_string_value (builder, graft_weight_get_path (pair->a));
      json_builder_set_member_name (builder, "b");
      json_builder_add_string_value (builder, graft_weight_get_path (pair->b));
      json_builder_set_member_name (builder, "shape");
      graft_json_add_shape (builder, graft_tensor_get_rank (t), graft_tensor_get_shape (t));
      json_builder_set_member_name (builder, "shape_mismatch");
      json_builder_add_boolean_value (builder, pair->stats.shape_mismatch);
      graft_diff_json_double (builder, "max_abs_diff", pair->stats.max_abs);
      graft_diff_json_double (builder, "rel_frobenius", pair->stats.rel_norm);
      graft_diff_json_double (builder, "cosine", pair->stats.cosine);
      json_builder_set_member_name (builder, "changed");
      json_builder_add_int_value (builder, pair->stats.n_changed);
      json_builder_set_member_name (builder, "elements");
      json_builder_add_int_value (builder, pair->stats.n_elements);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "layers");
  json_builder_begin_array (builder);
  for (guint i = 0; i < layers->len; i++)
    {
      const GraftDiffLayer *layer = &g_array_index (layers, GraftDiffLayer, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "layer");
      json_builder_add_string_value (builder, layer->path);
      json_builder_set_member_name (builder, "tensors");
      json_builder_add_int_value (builder, layer->n_tensors);
      json_builder_set_member_name (builder, "changed_tensors");
      json_builder_add_int_value (builder, layer->n_changed_tensors);
      graft_diff_json_double (builder, "max_abs_diff", layer->max_abs);
      graft_diff_json_double (builder, "rel_frobenius", graft_diff_layer_rel (layer));
      json_builder_set_member_name (builder, "changed");
      json_builder_add_int_value (builder, layer->n_changed);
      json_builder_set_member_name (builder, "elements");
      json_builder_add_int_value (builder, layer->n_elements);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  graft_diff_json_paths (builder, "only_in_a", self->only_a);
  graft_diff_json_paths (builder, "only_in_b", self->only_b);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}
