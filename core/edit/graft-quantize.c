/* graft-quantize.c: quantizing float weights as Keras's model.quantize() does
 *
 * int8, as Keras 3 computes it in float32 (verified exact against the
 * corpus pairs): for each output channel (each row of an Embedding), the
 * scale is 127 / (max |w| + 1e-7) and q = clip(round(w · scale), ±127),
 * rounding half to even. A Dense kernel's channels are its columns; an
 * EinsumDense kernel's are its trailing, non-contracted axes (as many
 * values as the layer has scales).
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
 * graft_quantize_int8:
 * @per_row: an Embedding table: one scale per row, else one per output
 *   channel (the trailing @n_scales values of each row of the flattened
 *   kernel)
 * @n_scales: how many scales the layer stores
 * @q: (out): the int8 tensor, of @weight's shape
 * @scale: (out): the float32 scales, @n_scales of them, flat
 *
 * Returns: %FALSE with %GRAFT_ERROR_SHAPE when @n_scales does not divide
 *   @weight that way
 */
gboolean
graft_quantize_int8 (GraftTensor  *weight,
                     gboolean      per_row,
                     gsize         n_scales,
                     GraftTensor **q,
                     GraftTensor **scale,
                     GError      **error)
{
  gsize n = graft_tensor_get_n_elements (weight);
  gsize inner;
  g_autofree float *w = NULL;
  gint8 *qd;
  float *sd;
  gsize one = n_scales;

  if (n_scales == 0 || n % n_scales != 0 ||
      (per_row && graft_tensor_get_dim (weight, 0) != n_scales))
    {
      g_autofree char *shape = graft_tensor_format_shape (weight);

      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_SHAPE,
                   "%" G_GSIZE_FORMAT " int8 scales do not fit a weight of shape %s", n_scales, shape);
      return FALSE;
    }
  w = graft_tensor_dup_float (weight, error);
  if (w == NULL)
    return FALSE;
  inner = n / n_scales;
  *q = graft_tensor_new (GRAFT_DTYPE_INT8, graft_tensor_get_rank (weight), graft_tensor_get_shape (weight));
  *scale = graft_tensor_new (GRAFT_DTYPE_FLOAT32, 1, &one);
  qd = graft_tensor_get_data_mutable (*q);
  sd = graft_tensor_get_data_mutable (*scale);
  for (gsize c = 0; c < n_scales; c++)
    {
      float amax = 0.0f;

      /* Channel c: a row's elements (Embedding), or every n_scales-th. */
      for (gsize i = 0; i < inner; i++)
        amax = fmaxf (amax, fabsf (w[per_row ? c * inner + i : i * n_scales + c]));
      sd[c] = 127.0f / (amax + 1e-7f);
      for (gsize i = 0; i < inner; i++)
        {
          gsize at = per_row ? c * inner + i : i * n_scales + c;
          float v = nearbyintf (w[at] * sd[c]);

          qd[at] = (gint8) fminf (fmaxf (v, -127.0f), 127.0f);
        }
    }
  return TRUE;
}
