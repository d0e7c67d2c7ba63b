/* graft-quantize-int4.c: quantizing float weights to int4 as Keras's model.quantize() does
 *
 * The weight is a matrix: a Dense kernel as it is, an EinsumDense kernel
 * reshaped (plain row-major) to rows = its contracted axes × the rest, an
 * Embedding table as (vocab, dim). Keras 3.15.1, in float32, rounding half
 * to even (../shared/corpus/keras-quant/README.md; exact on the corpus):
 *
 * - per channel (block_size -1, symmetric): for each column (each row of
 *   an Embedding), scale = 7 / (max |w| + 1e-7) and
 *   q = clip(round(w · scale), -8, 7). The scale is a multiplier.
 * - grouped (block_size B, asymmetric): the rows (an Embedding's columns)
 *   are cut into groups of B, the last one zero-padded, the padding taking
 *   part in the group's min and max. Per group and column,
 *   scale = (max - min + 1e-7) / 15, zero = clip(round(-min / scale) - 8, -8, 7),
 *   q = clip(round(w / scale) + zero, -8, 7). The scale is a step here;
 *   g_idx gives each row its group, as float32.
 *
 * The integers are then packed two per byte along the last axis: byte j
 * holds element 2j in its low nibble and 2j + 1 in its high nibble, an odd
 * count leaving a zero high nibble in the last byte.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-quantize"

#include "config.h"

#include "graft-quantize.h"

#include <math.h>

#include "graft-error.h"
#include "graft-tensor.h"

/* One quantization problem: n_lines channels of line_len values each;
 * value i of channel c is at c · line_step + i · value_step. */
typedef struct
{
  const float *w;
  gint8       *q;
  gsize        n_lines;
  gsize        line_len;
  gsize        line_step;
  gsize        value_step;
} GraftQuantizeInt4Lines;

static void
graft_quantize_int4_per_channel (const GraftQuantizeInt4Lines *l,
                                 float                        *scale) /* [n_lines] */
{
  for (gsize c = 0; c < l->n_lines; c++)
    {
      float amax = 0.0f;

      for (gsize i = 0; i < l->line_len; i++)
        amax = fmaxf (amax, fabsf (l->w[c * l->line_step + i * l->value_step]));
      scale[c] = 7.0f / (amax + 1e-7f);
      for (gsize i = 0; i < l->line_len; i++)
        {
          gsize at = c * l->line_step + i * l->value_step;
          float v = nearbyintf (l->w[at] * scale[c]);

          l->q[at] = (gint8) fminf (fmaxf (v, -8.0f), 7.0f);
        }
    }
}

/* @scale and @zero of group g, channel c are at c · scale_line + g · scale_group. */
static void
graft_quantize_int4_grouped (const GraftQuantizeInt4Lines *l,
                             gsize                         block,
                             gsize                         scale_line,
                             gsize                         scale_group,
                             float                        *scale,
                             gint8                        *zero)
{
  gsize n_groups = (l->line_len + block - 1) / block;

  for (gsize c = 0; c < l->n_lines; c++)
    for (gsize g = 0; g < n_groups; g++)
      {
        gsize first = g * block, end = MIN (first + block, l->line_len);
        gsize k = c * scale_line + g * scale_group;
        float lo = INFINITY, hi = -INFINITY, s, z;

        for (gsize i = first; i < end; i++)
          {
            float v = l->w[c * l->line_step + i * l->value_step];

            lo = fminf (lo, v);
            hi = fmaxf (hi, v);
          }
        /* The zero padding of a ragged last group counts. */
        if (end - first < block)
          {
            lo = fminf (lo, 0.0f);
            hi = fmaxf (hi, 0.0f);
          }
        s = (hi - lo + 1e-7f) / 15.0f;
        z = fminf (fmaxf (nearbyintf (-lo / s) - 8.0f, -8.0f), 7.0f);
        scale[k] = s;
        zero[k] = (gint8) z;
        for (gsize i = first; i < end; i++)
          {
            gsize at = c * l->line_step + i * l->value_step;
            float v = nearbyintf (l->w[at] / s) + z;

            l->q[at] = (gint8) fminf (fmaxf (v, -8.0f), 7.0f);
          }
      }
}

/* Two int4 values per byte along the last axis of a rows × cols matrix. */
static GraftTensor *
graft_quantize_int4_pack (const gint8 *q, /* [rows, cols] */
                          gsize        rows,
                          gsize        cols)
{
  gsize shape[2] = { rows, (cols + 1) / 2 };
  GraftTensor *packed = graft_tensor_new (GRAFT_DTYPE_INT8, 2, shape);
  guint8 *p = graft_tensor_get_data_mutable (packed); /* [rows, ceil(cols / 2)] */

  for (gsize r = 0; r < rows; r++)
    for (gsize j = 0; j < shape[1]; j++)
      {
        guint8 low = (guint8) q[r * cols + 2 * j] & 0xf;
        guint8 high = 2 * j + 1 < cols ? (guint8) q[r * cols + 2 * j + 1] & 0xf : 0;

        p[r * shape[1] + j] = (guint8) (low | high << 4);
      }
  return packed;
}

/**
 * graft_quantize_int4:
 * @weight: the float kernel or embedding table
 * @rows: the rows of the matrix @weight is read as (a Dense kernel's
 *   input size, the product of an EinsumDense kernel's contracted axes, an
 *   Embedding's vocabulary size); its columns are the rest
 * @per_row: an Embedding table: channels are rows and groups run along
 *   the columns, else channels are columns and groups run along the rows
 * @block_size: the group size, or -1 for one symmetric scale per channel
 * @out: (out caller-allocates): packed integers (rows, ceil(cols / 2)),
 *   scales ((cols) or (n_groups, cols); an Embedding's (rows) or
 *   (rows, n_groups)), and for groups zero points of the scales' shape and
 *   g_idx (one float per row; an Embedding's per column)
 *
 * Returns: %FALSE with %GRAFT_ERROR_SHAPE when @rows does not divide
 *   @weight, with %GRAFT_ERROR_INVALID for a block size of 0 or below -1
 *   or for NaN and infinite values
 */
gboolean
graft_quantize_int4 (GraftTensor    *weight,
                     gsize           rows,
                     gboolean        per_row,
                     gint            block_size,
                     GraftQuantized *out,
                     GError        **error)
{
  gsize n = graft_tensor_get_n_elements (weight);
  gsize cols = rows > 0 ? n / rows : 0;
  g_autofree float *w = NULL;
  g_autofree gint8 *q = NULL; /* [rows, cols] */
  GraftQuantizeInt4Lines lines;

  g_return_val_if_fail (out != NULL && out->q == NULL, FALSE);

  if (rows == 0 || cols == 0 || n % rows != 0)
    {
      g_autofree char *shape = graft_tensor_format_shape (weight);

      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_SHAPE,
                   "a weight of shape %s cannot be read as %" G_GSIZE_FORMAT " rows for int4", shape, rows);
      return FALSE;
    }
  if (block_size == 0 || block_size < -1)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_INVALID,
                   "int4 block size %d: expected a positive group size or -1 (per channel)", block_size);
      return FALSE;
    }
  w = graft_tensor_dup_float (weight, error);
  if (w == NULL)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (!isfinite (w[i]))
      {
        g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_INVALID,
                     "element %" G_GSIZE_FORMAT " is %g: Keras's quantizer has no integer for it", i,
                     (double) w[i]);
        return FALSE;
      }
  q = g_new (gint8, n);
  lines.w = w;
  lines.q = q;
  lines.n_lines = per_row ? rows : cols;
  lines.line_len = per_row ? cols : rows;
  lines.line_step = per_row ? cols : 1;
  lines.value_step = per_row ? 1 : cols;

  if (block_size == -1)
    {
      gsize n_scales = lines.n_lines;

      out->scale = graft_tensor_new (GRAFT_DTYPE_FLOAT32, 1, &n_scales);
      graft_quantize_int4_per_channel (&lines, graft_tensor_get_data_mutable (out->scale));
    }
  else
    {
      gsize block = (gsize) block_size;
      gsize n_groups = (lines.line_len + block - 1) / block;
      gsize shape[2] = { per_row ? rows : n_groups, per_row ? n_groups : cols };
      float *g_idx; /* [line_len] */

      out->scale = graft_tensor_new (GRAFT_DTYPE_FLOAT32, 2, shape);
      out->zero = graft_tensor_new (GRAFT_DTYPE_INT8, 2, shape);
      out->g_idx = graft_tensor_new (GRAFT_DTYPE_FLOAT32, 1, &lines.line_len);
      graft_quantize_int4_grouped (&lines, block, per_row ? n_groups : 1, per_row ? 1 : cols,
                                   graft_tensor_get_data_mutable (out->scale),
                                   graft_tensor_get_data_mutable (out->zero));
      g_idx = graft_tensor_get_data_mutable (out->g_idx);
      for (gsize i = 0; i < lines.line_len; i++)
        g_idx[i] = (float) (i / block);
    }
  out->q = graft_quantize_int4_pack (q, rows, cols);
  return TRUE;
}
