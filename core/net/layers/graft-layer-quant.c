/* graft-layer-quant.c: how quantized Keras layers quantize their inputs
 *
 * A layer quantized with model.quantize("int8") quantizes each input row
 * too before its integer product (AbsMax over the contracted axis), and a
 * float8 layer passes its inputs through float8 with its input scale. The
 * forward pass does the same in float32 on the kernel's real values: the
 * result equals Keras's to float rounding (corpus keras-quant/README.md).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-layer-quant"

#include "config.h"

#include "graft-layer-ops-private.h"

#include <math.h>

#include "graft-dtype.h"

/* int8: sx = 127 / (max |x| + 1e-7) per row, x ← clip(round(x·sx), ±127) / sx */
void
graft_quant_inputs_int8 (const float *x,
                         gsize        rows,
                         gsize        k,
                         float       *out)
{
  for (gsize r = 0; r < rows; r++)
    {
      const float *row = x + r * k;
      float amax = 0.0f, sx;

      for (gsize j = 0; j < k; j++)
        amax = fmaxf (amax, fabsf (row[j]));
      sx = 127.0f / (amax + 1e-7f);
      for (gsize j = 0; j < k; j++)
        {
          float q = nearbyintf (row[j] * sx);

          out[r * k + j] = fminf (fmaxf (q, -127.0f), 127.0f) / sx;
        }
    }
}

/* float8: x ← e4m3(clip(x / scale, ±448)) · scale */
void
graft_quant_inputs_float8 (const float *x,
                           gsize        n,
                           float        scale,
                           float       *out)
{
  for (gsize i = 0; i < n; i++)
    {
      float v = fminf (fmaxf (x[i] / scale, -448.0f), 448.0f);

      out[i] = graft_float8_e4m3_to_float (graft_float_to_float8_e4m3 (v)) * scale;
    }
}

/**
 * graft_quant_layer_inputs:
 * @owned: (out): set to the buffer to free when the inputs were quantized
 *
 * The inputs a quantized layer multiplies: @x itself, or, for int8 and
 * float8 layers, @x quantized as Keras does (float8 through the node's
 * inputs_scale).
 */
const float *
graft_quant_layer_inputs (GraftNode      *node,
                          GraftQuantMode  mode,
                          const float    *x,
                          gsize           rows,
                          gsize           k,
                          float         **owned)
{
  *owned = NULL;
  if (mode != GRAFT_QUANT_INT8 && mode != GRAFT_QUANT_FLOAT8)
    return x;
  *owned = g_new (float, rows * k);
  if (mode == GRAFT_QUANT_INT8)
    graft_quant_inputs_int8 (x, rows, k, *owned);
  else
    graft_quant_inputs_float8 (x, rows * k,
                               *(const float *) graft_node_get_weight_data (node, "inputs_scale"),
                               *owned);
  return *owned;
}

/* A float8 layer computing in float32 rounds its bias to bfloat16 first. */
float
graft_quant_layer_bias (GraftQuantMode mode,
                        float          b)
{
  return mode == GRAFT_QUANT_FLOAT8 ? graft_bfloat16_to_float (graft_float_to_bfloat16 (b)) : b;
}
