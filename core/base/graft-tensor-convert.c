/* graft-tensor-convert.c: tensors in another dtype, and one tensor's block laid over another's
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-tensor-convert"

#include "config.h"

#include "graft-tensor-convert.h"

#include <string.h>

#include "graft-dtype.h"
#include "graft-limits.h"

/**
 * graft_tensor_convert:
 *
 * Returns: (transfer full): @tensor itself (a new reference) when it
 *   already has @dtype, else a new in-memory tensor with converted values;
 *   %NULL with @error set when the values cannot be read or the copy would
 *   exceed the memory limit (%GRAFT_ERROR_LIMIT)
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
 * Returns: (transfer full): a new in-memory tensor, or %NULL with @error
 *   set when either tensor's values cannot be read
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
