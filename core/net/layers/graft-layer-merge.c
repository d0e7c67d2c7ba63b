/* graft-layer-merge.c: Add, Subtract, Multiply, Average, Maximum, Minimum
 *
 * Inputs broadcast as in NumPy, which also covers a tensor merged with a
 * constant (MobileNetV3's x + 3.0) and squeeze-excite's [n, 1, 1, c] scale.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-layer-merge"

#include "config.h"

#include "graft-layer-families-private.h"

#include <string.h>

#include "graft-error.h"
#include "graft-tensor.h"

gboolean
graft_layer_merge_setup (GraftNode   *node,
                         JsonObject  *config,
                         GError     **error)
{
  return TRUE;
}

gboolean
graft_layer_merge_infer (GraftNode         *node,
                         guint              n_in,
                         const GraftShape  *in,
                         guint             *n_out,
                         GraftShape        *out,
                         GError           **error)
{
  if (n_in < 1 || (node->klass->variant == GRAFT_MERGE_SUBTRACT && n_in != 2))
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_SHAPE, "layer '%s': got %u inputs", node->name, n_in);
      return FALSE;
    }
  *n_out = 1;
  *out = in[0];
  for (guint i = 1; i < n_in; i++)
    {
      GraftShape acc = *out;

      if (!graft_broadcast_shape (node, &acc, &in[i], out, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
graft_layer_merge_forward (GraftNode          *node,
                           guint               n_in,
                           GraftTensor *const *in,
                           guint               n_out,
                           GraftTensor *const *out,
                           GError            **error)
{
  static const GraftBinaryOp ops[] = {
    [GRAFT_MERGE_ADD] = GRAFT_BINARY_ADD,
    [GRAFT_MERGE_SUBTRACT] = GRAFT_BINARY_SUB,
    [GRAFT_MERGE_MULTIPLY] = GRAFT_BINARY_MUL,
    [GRAFT_MERGE_AVERAGE] = GRAFT_BINARY_ADD,
    [GRAFT_MERGE_MAXIMUM] = GRAFT_BINARY_MAX,
    [GRAFT_MERGE_MINIMUM] = GRAFT_BINARY_MIN,
  };
  GraftBinaryOp op = ops[node->klass->variant];
  GraftShape out_shape, acc_shape, in_shape;
  float *y = graft_tensor_floats (out[0]);
  gsize n;

  graft_shape_from_tensor (&out_shape, out[0]);
  n = graft_shape_n_elements (&out_shape);
  graft_shape_from_tensor (&acc_shape, in[0]);
  if (n_in == 1)
    {
      memcpy (y, graft_tensor_cfloats (in[0]), n * sizeof (float));
      return TRUE;
    }

  /* The partial result lives in y; its shape grows to the output's. */
  graft_shape_from_tensor (&in_shape, in[1]);
  {
    GraftShape first;

    graft_broadcast_shape (node, &acc_shape, &in_shape, &first, NULL);
    binary_forward (op, graft_tensor_cfloats (in[0]), &acc_shape, graft_tensor_cfloats (in[1]),
                    &in_shape, y, &first);
    acc_shape = first;
  }
  for (guint i = 2; i < n_in; i++)
    {
      GraftShape next;
      g_autofree float *acc = g_memdup2 (y, graft_shape_n_elements (&acc_shape) * sizeof (float));

      graft_shape_from_tensor (&in_shape, in[i]);
      graft_broadcast_shape (node, &acc_shape, &in_shape, &next, NULL);
      binary_forward (op, acc, &acc_shape, graft_tensor_cfloats (in[i]), &in_shape, y, &next);
      acc_shape = next;
    }
  if (node->klass->variant == GRAFT_MERGE_AVERAGE)
    for (gsize i = 0; i < n; i++)
      y[i] /= (float) n_in;
  return TRUE;
}
