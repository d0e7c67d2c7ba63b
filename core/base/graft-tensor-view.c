/* graft-tensor-view.c: a lazy tensor over a strided window of bytes
 *
 * A safetensors file and a PyTorch storage both hold little-endian
 * elements in a mapped file; a PyTorch tensor is a view into its storage
 * (an offset and a stride per axis, so a transposed or sliced tensor is
 * saved as is). Such a tensor is read here without copying the file: a
 * contiguous, row-major view is handed out in place, any other is
 * gathered run by run when read.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-tensor-view"

#include "config.h"

#include "graft-tensor-view.h"

#include <string.h>

#include "graft-dtype.h"
#include "graft-error.h"
#include "graft-tensor.h"

typedef struct
{
  GBytes  *bytes;
  gsize    first;                     /* byte offset of element [0, …, 0] */
  gsize    elem;
  guint    rank;
  gsize    shape[GRAFT_MAX_RANK];
  gint64   stride[GRAFT_MAX_RANK];    /* in elements */
  gboolean row_major;
} GraftTensorView;

static gboolean
graft_tensor_view_read (gpointer      source,
                        const gsize  *start,
                        const gsize  *count,
                        void         *dest,
                        GError      **error)
{
  GraftTensorView *v = source;
  const guint8 *base = (const guint8 *) g_bytes_get_data (v->bytes, NULL) + v->first;
  gsize idx[GRAFT_MAX_RANK] = { 0 };
  guint8 *out = dest;
  gsize n_runs = 1, run;
  guint last;

  if (v->rank == 0)
    {
      memcpy (dest, base, v->elem);
      return TRUE;
    }
  last = v->rank - 1;
  for (guint i = 0; i < last; i++)
    n_runs *= count[i];
  run = count[last];
  if (run == 0 || n_runs == 0)
    return TRUE;

  for (gsize r = 0; r < n_runs; r++)
    {
      gsize off = 0;

      for (guint i = 0; i < last; i++)
        off += (start[i] + idx[i]) * (gsize) v->stride[i];
      off += start[last] * (gsize) v->stride[last];
      if (v->stride[last] == 1)
        {
          memcpy (out, base + off * v->elem, run * v->elem);
          out += run * v->elem;
        }
      else
        for (gsize k = 0; k < run; k++, out += v->elem)
          memcpy (out, base + (off + k * (gsize) v->stride[last]) * v->elem, v->elem);

      for (guint i = last; i > 0; i--)
        {
          if (++idx[i - 1] < count[i - 1])
            break;
          idx[i - 1] = 0;
        }
    }
  (void) error;
  return TRUE;
}

static const void *
graft_tensor_view_map (gpointer source)
{
  GraftTensorView *v = source;

  if (!v->row_major || G_BYTE_ORDER != G_LITTLE_ENDIAN)
    return NULL;
  return (const guint8 *) g_bytes_get_data (v->bytes, NULL) + v->first;
}

static void
graft_tensor_view_free (gpointer source)
{
  GraftTensorView *v = source;

  g_bytes_unref (v->bytes);
  g_free (v);
}

static const GraftTensorSourceFuncs graft_tensor_view_funcs = {
  graft_tensor_view_read,
  graft_tensor_view_map,
  graft_tensor_view_free,
};

/**
 * graft_tensor_new_view:
 * @bytes: the mapped file or storage; kept alive by the tensor
 * @first: the byte offset of the first element in @bytes
 * @stride: (nullable) (array): elements between neighbours along each
 *   axis (0 allowed, for broadcast views), or %NULL for row-major
 *
 * Makes a lazy tensor of little-endian elements viewed in @bytes.
 *
 * Returns: (transfer full): the tensor, or %NULL with %GRAFT_ERROR_CORRUPT
 *   when the view reaches past the end of @bytes
 */
GraftTensor *
graft_tensor_new_view (GBytes        *bytes,
                       gsize          first,
                       GraftDType     dtype,
                       guint          rank,
                       const gsize   *shape,
                       const gint64  *stride,
                       GError       **error)
{
  GraftTensorView *v;
  gsize len = g_bytes_get_size (bytes);
  guint64 last = 0, expect = 1;
  gboolean empty = FALSE;

  g_return_val_if_fail (rank <= GRAFT_MAX_RANK, NULL);

  v = g_new0 (GraftTensorView, 1);
  v->elem = graft_dtype_get_size (dtype);
  v->rank = rank;
  v->row_major = TRUE;
  for (guint i = rank; i-- > 0;)
    {
      v->shape[i] = shape[i];
      v->stride[i] = stride != NULL ? stride[i] : (gint64) expect;
      if (shape[i] == 0)
        empty = TRUE;
      if (shape[i] > 1 && (guint64) v->stride[i] != expect)
        v->row_major = FALSE;
      if (v->stride[i] < 0 ||
          (shape[i] > 1 && (guint64) v->stride[i] > (G_MAXUINT64 - last) / (shape[i] - 1)))
        last = G_MAXUINT64;
      else if (shape[i] > 1)
        last += (guint64) (shape[i] - 1) * (guint64) v->stride[i];
      expect = shape[i] != 0 && expect > G_MAXUINT64 / shape[i] ? G_MAXUINT64 : expect * shape[i];
    }
  /* The last element viewed must lie whole inside @bytes. */
  if (!empty && (first > len || last == G_MAXUINT64 || last >= (len - first) / v->elem))
    {
      g_free (v);
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT,
                   "a tensor view reaches past the end of its %" G_GSIZE_FORMAT "-byte storage", len);
      return NULL;
    }
  v->first = first;
  v->bytes = g_bytes_ref (bytes);
  return graft_tensor_new_lazy (dtype, rank, shape, &graft_tensor_view_funcs, v);
}
