/* graft-quantize.c: quantizing float weights to int8 as Keras's model.quantize() does
 *
 * int8, as Keras 3 computes it in float32 (verified exact against the
 * corpus pairs): for each output channel (each row of an Embedding), the
 * scale is 127 / (max |w| + 1e-7) and q = clip(round(w · scale), ±127),
 * rounding half to even. A Dense kernel's channels are its columns; an
 * EinsumDense kernel's are its non-contracted axes, in the order its
 * einsum output lists them (graft-quantize-einsum.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-quantize"

#include "config.h"

#include "graft-quantize.h"

#include <math.h>

#include "graft-error.h"
#include "graft-tensor.h"

/**
 * graft_quantized_clear:
 *
 * Drops the tensors @self holds; it can be filled again.
 */
void
graft_quantized_clear (GraftQuantized *self)
{
  g_clear_pointer (&self->q, graft_tensor_unref);
  g_clear_pointer (&self->scale, graft_tensor_unref);
  g_clear_pointer (&self->zero, graft_tensor_unref);
  g_clear_pointer (&self->g_idx, graft_tensor_unref);
}

/* Steps the multi-index @idx of a row-major walk over @shape by one and
 * keeps @channel = Σ idx[a] · stride[a]. */
static inline void
graft_quantize_step (guint        rank,
                     const gsize *shape,
                     const gsize *stride,
                     gsize       *idx,
                     gsize       *channel)
{
  for (guint a = rank; a-- > 0;)
    {
      idx[a]++;
      *channel += stride[a];
      if (idx[a] < shape[a])
        return;
      *channel -= stride[a] * shape[a];
      idx[a] = 0;
    }
}

/**
 * graft_quantize_int8_channels:
 * @channels: the scale each element of @weight belongs to
 * @q: (out): the int8 tensor, of @weight's shape
 * @scale: (out): the float32 scales, @channels->n_channels of them, flat
 *
 * Returns: %FALSE with %GRAFT_ERROR_INVALID when @weight holds NaN or
 *   infinity (Keras's integers would then be undefined)
 */
gboolean
graft_quantize_int8_channels (GraftTensor              *weight,
                              const GraftQuantChannels *channels,
                              GraftTensor             **q,
                              GraftTensor             **scale,
                              GError                  **error)
{
  guint rank = graft_tensor_get_rank (weight);
  const gsize *shape = graft_tensor_get_shape (weight);
  gsize n = graft_tensor_get_n_elements (weight);
  gsize idx[GRAFT_MAX_RANK] = { 0 };
  gsize one = channels->n_channels, c = 0;
  g_autofree float *w = graft_tensor_dup_float (weight, error);
  g_autofree float *amax = NULL; /* [n_channels] */
  gint8 *qd;
  float *sd;

  if (w == NULL)
    return FALSE;
  amax = g_new0 (float, channels->n_channels);
  for (gsize i = 0; i < n; i++)
    {
      if (!isfinite (w[i]))
        {
          g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_INVALID,
                       "element %" G_GSIZE_FORMAT " is %g: Keras's quantizer has no integer for it", i,
                       (double) w[i]);
          return FALSE;
        }
      amax[c] = fmaxf (amax[c], fabsf (w[i]));
      graft_quantize_step (rank, shape, channels->stride, idx, &c);
    }

  *q = graft_tensor_new (GRAFT_DTYPE_INT8, rank, shape);
  *scale = graft_tensor_new (GRAFT_DTYPE_FLOAT32, 1, &one);
  qd = graft_tensor_get_data_mutable (*q);
  sd = graft_tensor_get_data_mutable (*scale);
  /* float32 throughout, as numpy computes it: 127 / (amax + 1e-7). */
  for (gsize k = 0; k < channels->n_channels; k++)
    sd[k] = 127.0f / (amax[k] + 1e-7f);
  c = 0;
  for (gsize i = 0; i < n; i++)
    {
      float v = nearbyintf (w[i] * sd[c]);

      qd[i] = (gint8) fminf (fmaxf (v, -127.0f), 127.0f);
      graft_quantize_step (rank, shape, channels->stride, idx, &c);
    }
  return TRUE;
}

/**
 * graft_quantize_int8:
 * @per_row: an Embedding table: one scale per row, else one per output
 *   channel (the trailing axes of the kernel that hold @n_scales values)
 * @n_scales: how many scales the layer stores
 * @q: (out): the int8 tensor, of @weight's shape
 * @scale: (out): the float32 scales, @n_scales of them, flat
 *
 * Returns: %FALSE with %GRAFT_ERROR_SHAPE when @n_scales does not divide
 *   @weight that way, or as graft_quantize_int8_channels()
 */
gboolean
graft_quantize_int8 (GraftTensor  *weight,
                     gboolean      per_row,
                     gsize         n_scales,
                     GraftTensor **q,
                     GraftTensor **scale,
                     GError      **error)
{
  GraftQuantChannels channels = { n_scales, { 0 } };
  guint rank = graft_tensor_get_rank (weight);
  gsize trailing = 1;
  guint first = rank;

  /* The trailing axes whose sizes multiply to n_scales. */
  while (first > 0 && trailing < n_scales)
    trailing *= graft_tensor_get_dim (weight, --first);
  if (rank == 0 || n_scales == 0 || (per_row && graft_tensor_get_dim (weight, 0) != n_scales) ||
      (!per_row && trailing != n_scales))
    {
      g_autofree char *shape = graft_tensor_format_shape (weight);

      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_SHAPE,
                   "%" G_GSIZE_FORMAT " int8 scales do not fit a weight of shape %s", n_scales, shape);
      return FALSE;
    }
  if (per_row)
    channels.stride[0] = 1;
  else
    {
      gsize stride = 1;

      for (guint a = rank; a-- > first;)
        {
          channels.stride[a] = stride;
          stride *= graft_tensor_get_dim (weight, a);
        }
    }
  return graft_quantize_int8_channels (weight, &channels, q, scale, error);
}
