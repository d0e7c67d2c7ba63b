/* graft-transfer-quantize.c: float weights onto quantized targets
 *
 * A quantized target holds integers whose meaning depends on its scales
 * (and, for grouped int4, zero points): copying float values into it would
 * be silently wrong, so such a pair is refused. With the plan's quantize
 * flag (--quantize), a float kernel or embedding table onto an int8 or int4
 * target is quantized as Keras's model.quantize() does instead
 * (graft-quantize*.c), in the target's own mode and block size, and the
 * target's scales, zero points and group index are written with it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-transfer-plan"

#include "config.h"

#include "graft-transfer-private.h"

#include <string.h>

#include "graft-dtype.h"
#include "graft-error.h"
#include "graft-keras-config.h"
#include "graft-keras-quant.h"
#include "graft-model.h"
#include "graft-quantize.h"
#include "graft-tensor.h"

/* What quantizing a source onto a target needs, found without changing
 * the plan. */
typedef struct
{
  GraftQuantMode  mode;
  gint            block_size;   /* int4: the group size, -1 per channel */
  gboolean        per_row;      /* an Embedding table */
  gsize           rows;         /* int4: the rows of the matrix the source is read as */
  GraftWeight    *scale;
  GraftWeight    *zero;
  GraftWeight    *g_idx;
} GraftTransferQuantize;

static gboolean
graft_transfer_quantize_is_embedding (GraftWeight *target)
{
  return g_strcmp0 (graft_layer_get_class_name (graft_weight_get_layer (target)), "Embedding") == 0;
}

/* The variable of @target's layer named after it ("kernel_scale"), or
 * @name itself when @suffix is NULL. */
static GraftWeight *
graft_transfer_quantize_companion (GraftWeight *target,
                                   const char  *suffix,
                                   const char  *name)
{
  GraftLayer *layer = graft_weight_get_layer (target);
  g_autofree char *full = suffix ? g_strconcat (graft_weight_get_name (target), suffix, NULL)
                                 : g_strdup (name);

  return layer != NULL ? graft_layer_find_weight (layer, full) : NULL;
}

/* Whether @source fills @real: the same shape, or the same values
 * flattened to @real's rows × cols when only the 2-D layout is known (a
 * standalone EinsumDense whose kernel shape the checkpoint does not keep). */
static gboolean
graft_transfer_quantize_fits (GraftTensor *source,
                              GraftTensor *real)
{
  gsize lead = 1;

  if (graft_tensor_same_shape (source, real))
    return TRUE;
  if (graft_tensor_get_rank (real) != 2 ||
      graft_tensor_get_n_elements (source) != graft_tensor_get_n_elements (real))
    return FALSE;
  for (guint a = 0; a < graft_tensor_get_rank (source); a++)
    {
      lead *= graft_tensor_get_dim (source, a);
      if (lead == graft_tensor_get_dim (real, 0))
        return TRUE;
    }
  return FALSE;
}

/* A companion's problem, or NULL when it exists, is free and holds @n
 * values. */
static char *
graft_transfer_quantize_check_companion (GraftTransferPlan *self,
                                         GraftWeight       *companion,
                                         const char        *name,
                                         gsize              n)
{
  if (companion == NULL)
    return g_strdup_printf ("its layer has no '%s'", name);
  if (g_hash_table_contains (self->assigned, companion))
    return g_strdup_printf ("'%s' is already filled by another pair", graft_weight_get_path (companion));
  if (graft_tensor_get_n_elements (graft_weight_get_tensor (companion)) != n)
    {
      g_autofree char *shape = graft_tensor_format_shape (graft_weight_get_tensor (companion));

      return g_strdup_printf ("'%s' is %s, quantizing gives %" G_GSIZE_FORMAT " values",
                              graft_weight_get_path (companion), shape, n);
    }
  return NULL;
}

/* int4: the packed kernel, scales, zero points and group index the source
 * gives must be the target's shapes. */
static char *
graft_transfer_quantize_check_int4 (GraftTransferPlan     *self,
                                    GraftTransferPair     *pair,
                                    GraftTransferQuantize *q)
{
  GraftTensor *s = graft_weight_get_tensor (pair->source);
  GraftTensor *t = graft_weight_get_tensor (pair->target);
  GraftTensor *real = graft_weight_get_values (pair->target);
  const char *w = graft_weight_get_name (pair->target);
  g_autofree char *scale_name = g_strconcat (w, "_scale", NULL);
  g_autofree char *zero_name = g_strconcat (w, "_zero", NULL);
  gsize cols, channels, along, n_groups;
  char *problem;

  if (real == t || graft_tensor_get_rank (t) != 2)
    return g_strdup ("its real (unpacked) shape is unknown");
  if (!graft_transfer_quantize_fits (s, real))
    {
      g_autofree char *ss = graft_tensor_format_shape (s);
      g_autofree char *rs = graft_tensor_format_shape (real);

      return g_strdup_printf ("the source is %s, the target's real shape is %s", ss, rs);
    }
  q->rows = graft_tensor_get_dim (t, 0);
  cols = graft_tensor_get_n_elements (s) / q->rows;
  if ((cols + 1) / 2 != graft_tensor_get_dim (t, 1))
    {
      g_autofree char *ts = graft_tensor_format_shape (t);

      return g_strdup_printf ("%" G_GSIZE_FORMAT " columns pack into %" G_GSIZE_FORMAT " bytes a row, "
                              "the target stores %s", cols, (cols + 1) / 2, ts);
    }
  channels = q->per_row ? q->rows : cols;
  along = q->per_row ? cols : q->rows;
  n_groups = q->block_size > 0 ? (along + (gsize) q->block_size - 1) / (gsize) q->block_size : 1;
  q->scale = graft_transfer_quantize_companion (pair->target, "_scale", NULL);
  if ((problem = graft_transfer_quantize_check_companion (self, q->scale, scale_name,
                                                          channels * n_groups)) != NULL)
    return problem;
  if (q->block_size < 0)
    return NULL;
  q->zero = graft_transfer_quantize_companion (pair->target, "_zero", NULL);
  q->g_idx = graft_transfer_quantize_companion (pair->target, NULL, "g_idx");
  if ((problem = graft_transfer_quantize_check_companion (self, q->zero, zero_name,
                                                          channels * n_groups)) != NULL ||
      (problem = graft_transfer_quantize_check_companion (self, q->g_idx, "g_idx",
                                                          along)) != NULL)
    return problem;
  return NULL;
}

/* Why @pair's source cannot be quantized onto its target, or NULL with
 * @q filled. */
static char *
graft_transfer_quantize_check (GraftTransferPlan     *self,
                               GraftTransferPair     *pair,
                               GraftTransferQuantize *q)
{
  GraftLayer *layer = graft_weight_get_layer (pair->target);
  g_autofree char *scale_name = NULL;

  memset (q, 0, sizeof *q);
  q->mode = graft_keras_quant_mode (layer ? graft_layer_get_config (layer) : NULL, &q->block_size);
  q->per_row = graft_transfer_quantize_is_embedding (pair->target);
  if (q->mode != GRAFT_QUANT_INT8 && q->mode != GRAFT_QUANT_INT4)
    return g_strdup ("only int8 and int4 targets can be quantized onto");
  if (q->mode == GRAFT_QUANT_INT4)
    return graft_transfer_quantize_check_int4 (self, pair, q);

  q->block_size = 0;
  if (!graft_tensor_same_shape (graft_weight_get_tensor (pair->source), graft_weight_get_tensor (pair->target)))
    {
      g_autofree char *ss = graft_transfer_weight_shape (pair->source);
      g_autofree char *ts = graft_transfer_weight_shape (pair->target);

      return g_strdup_printf ("the source is %s, the target %s", ss, ts);
    }
  scale_name = g_strconcat (graft_weight_get_name (pair->target), "_scale", NULL);
  q->scale = graft_transfer_quantize_companion (pair->target, "_scale", NULL);
  if (q->scale == NULL)
    return g_strdup_printf ("its layer has no '%s'", scale_name);
  if (g_hash_table_contains (self->assigned, q->scale))
    return g_strdup_printf ("'%s' is already filled by another pair", graft_weight_get_path (q->scale));
  return NULL;
}

/**
 * graft_transfer_quantize_classify:
 * @why: what matched the pair
 *
 * Gives a pair whose target is quantized and whose source is not its
 * status: converted by quantizing (with the quantize flag, when the
 * shapes allow it; the target's scales and zero points are then taken
 * too), else refused.
 *
 * Returns: %FALSE, changing nothing, when the pair is not such a pair
 */
gboolean
graft_transfer_quantize_classify (GraftTransferPlan *self,
                                  GraftTransferPair *pair,
                                  const char        *why)
{
  const char *how = graft_weight_get_quantization (pair->target);
  GraftTransferQuantize q;
  g_autofree char *problem = NULL;

  if (how == NULL || graft_weight_get_quantization (pair->source) != NULL)
    return FALSE;
  problem = graft_transfer_quantize_refusal (self, pair);
  if (problem != NULL)
    {
      pair->status = GRAFT_TRANSFER_SHAPE_MISMATCH;
      pair->reason = g_strdup_printf ("%s; %s", why, problem);
      return TRUE;
    }
  graft_transfer_quantize_check (self, pair, &q);
  pair->status = GRAFT_TRANSFER_CONVERTED;
  pair->scale_target = q.scale;
  pair->zero_target = q.zero;
  pair->g_idx_target = q.g_idx;
  pair->block_size = q.block_size;
  pair->int4_rows = q.rows;
  /* The companions are written too: nothing else may fill them. */
  g_hash_table_insert (self->assigned, q.scale, GUINT_TO_POINTER (G_MAXUINT));
  if (q.zero != NULL)
    g_hash_table_insert (self->assigned, q.zero, GUINT_TO_POINTER (G_MAXUINT));
  if (q.g_idx != NULL)
    g_hash_table_insert (self->assigned, q.g_idx, GUINT_TO_POINTER (G_MAXUINT));
  if (q.mode == GRAFT_QUANT_INT8)
    pair->reason = g_strdup_printf ("%s; quantized to int8 as Keras does, with '%s'", why,
                                    graft_weight_get_path (q.scale));
  else if (q.block_size < 0)
    pair->reason = g_strdup_printf ("%s; quantized to int4 (per channel) as Keras does, with '%s'", why,
                                    graft_weight_get_path (q.scale));
  else
    pair->reason = g_strdup_printf ("%s; quantized to int4 (groups of %d) as Keras does, with '%s', "
                                    "'%s' and '%s'", why, q.block_size, graft_weight_get_path (q.scale),
                                    graft_weight_get_path (q.zero), graft_weight_get_path (q.g_idx));
  return TRUE;
}

/**
 * graft_transfer_quantize_refusal:
 *
 * Returns: (transfer full) (nullable): why a float source is not written
 *   into @pair's quantized target, or %NULL when it is quantized onto it
 */
char *
graft_transfer_quantize_refusal (GraftTransferPlan *self,
                                 GraftTransferPair *pair)
{
  const char *how = graft_weight_get_quantization (pair->target);
  const char *path = graft_weight_get_path (pair->target);
  GraftLayer *layer = graft_weight_get_layer (pair->target);
  GraftQuantMode mode = graft_keras_quant_mode (layer ? graft_layer_get_config (layer) : NULL, NULL);
  GraftTransferQuantize q;
  g_autofree char *problem = NULL;

  if (!self->quantize)
    return g_strdup_printf ("target '%s' is quantized (%s): copying float values into its integers "
                            "would be wrong%s", path, how,
                            mode == GRAFT_QUANT_INT8 || mode == GRAFT_QUANT_INT4
                              ? " (quantize it: --quantize)" : "");
  problem = graft_transfer_quantize_check (self, pair, &q);
  if (problem == NULL)
    return NULL;
  return g_strdup_printf ("target '%s' is quantized (%s), and quantizing onto it is not possible: %s",
                          path, how, problem);
}

/* @made with @like's shape, when it holds as many values of its dtype. */
static gboolean
graft_transfer_quantize_take (GraftTensor  *made,
                              GraftWeight  *like,
                              GPtrArray    *tensors,
                              GPtrArray    *targets,
                              GError      **error)
{
  GraftTensor *t = graft_weight_get_tensor (like);
  GraftTensor *shaped;

  if (graft_tensor_get_dtype (made) != graft_tensor_get_dtype (t) ||
      graft_tensor_get_n_elements (made) != graft_tensor_get_n_elements (t))
    {
      g_autofree char *ms = graft_tensor_format_shape (made);
      g_autofree char *ts = graft_tensor_format_shape (t);

      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_SHAPE,
                   "quantizing gives %s %s for '%s', which is %s %s",
                   graft_dtype_get_name (graft_tensor_get_dtype (made)), ms, graft_weight_get_path (like),
                   graft_dtype_get_name (graft_tensor_get_dtype (t)), ts);
      return FALSE;
    }
  shaped = graft_tensor_new (graft_tensor_get_dtype (t), graft_tensor_get_rank (t), graft_tensor_get_shape (t));
  memcpy (graft_tensor_get_data_mutable (shaped), graft_tensor_get_data (made, NULL),
          graft_tensor_get_n_bytes (made));
  g_ptr_array_add (tensors, shaped);
  g_ptr_array_add (targets, like);
  return TRUE;
}

/**
 * graft_transfer_quantize_make:
 * @tensors: where the new tensors go
 * @targets: the weights they replace, in the same order
 *
 * Quantizes the source of a pair graft_transfer_quantize_classify()
 * accepted into the target's integers, scales, zero points and group
 * index.
 *
 * Returns: %FALSE with @error set when the source cannot be read or holds
 *   values Keras cannot quantize
 */
gboolean
graft_transfer_quantize_make (const GraftTransferPair  *pair,
                              GPtrArray                *tensors,
                              GPtrArray                *targets,
                              GError                  **error)
{
  GraftTensor *s = graft_weight_get_tensor (pair->source);
  gboolean per_row = graft_transfer_quantize_is_embedding (pair->target);
  g_auto(GraftQuantized) made = { NULL };

  if (pair->block_size == 0)
    {
      GraftLayer *layer = graft_weight_get_layer (pair->target);
      gsize n_scales = graft_tensor_get_n_elements (graft_weight_get_tensor (pair->scale_target));
      const char *equation = g_strcmp0 (graft_layer_get_class_name (layer), "EinsumDense") == 0
                             ? graft_config_get_string (graft_layer_get_config (layer), "equation", NULL)
                             : NULL;
      GraftQuantChannels channels;

      /* An EinsumDense's scales follow its output's order of the kernel's
       * axes; attention's projections (no equation here) keep theirs last. */
      if (equation == NULL)
        {
          if (!graft_quantize_int8 (s, per_row, n_scales, &made.q, &made.scale, error))
            return FALSE;
        }
      else if (!graft_quantize_einsum_channels (equation, graft_tensor_get_rank (s), graft_tensor_get_shape (s),
                                                &channels, error))
        return FALSE;
      else if (channels.n_channels != n_scales)
        {
          g_autofree char *shape = graft_transfer_weight_shape (pair->scale_target);

          g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_SHAPE,
                       "einsum '%s' gives %" G_GSIZE_FORMAT " int8 scales, '%s' is %s", equation,
                       channels.n_channels, graft_weight_get_path (pair->scale_target), shape);
          return FALSE;
        }
      else if (!graft_quantize_int8_channels (s, &channels, &made.q, &made.scale, error))
        return FALSE;
    }
  else if (!graft_quantize_int4 (s, pair->int4_rows, per_row, pair->block_size, &made, error))
    return FALSE;
  return graft_transfer_quantize_take (made.q, pair->target, tensors, targets, error) &&
         graft_transfer_quantize_take (made.scale, pair->scale_target, tensors, targets, error) &&
         (made.zero == NULL ||
          graft_transfer_quantize_take (made.zero, pair->zero_target, tensors, targets, error)) &&
         (made.g_idx == NULL ||
          graft_transfer_quantize_take (made.g_idx, pair->g_idx_target, tensors, targets, error));
}
