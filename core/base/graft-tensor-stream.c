/* graft-tensor-stream.c: a tensor's values a piece at a time
 *
 * A contiguous dataset is mapped and read in place; a small compressed one
 * is cheaper to decompress once into memory. A large compressed or chunked
 * tensor (a 1 GB bfloat16 embedding in a deflated file) is neither: the
 * statistics and heatmaps walk it in pieces of consecutive elements, each
 * read through the tensor's source into a reused buffer, so memory stays
 * bounded by the piece and no whole-tensor copy is ever made.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-tensor"

#include "config.h"

#include "graft-tensor-stream.h"

#ifdef __linux__
#include <sys/mman.h>
#include <unistd.h>
#endif

#include "graft-dtype.h"
#include "graft-error.h"
#include "graft-limits.h"
#include "graft-tensor.h"

/**
 * graft_tensor_peek_data:
 *
 * The tensor's values in place when that costs no more than it is worth:
 * already in memory, mapped from its file, or small enough to read whole
 * (at most %GRAFT_TENSOR_STREAM_MIN_BYTES, and within `GRAFT_MAX_MEMORY`) —
 * graft_tensor_get_data() then.
 *
 * Returns: (transfer none) (nullable): the values; %NULL without @error
 *   when the tensor should be streamed with graft_tensor_read_flat(), or
 *   %NULL with @error set when it could not be read
 */
const void *
graft_tensor_peek_data (GraftTensor  *self,
                        GError      **error)
{
  const void *data;

  g_return_val_if_fail (self != NULL, NULL);

  data = graft_tensor_get_data_in_place (self);
  if (data != NULL)
    return data;
  if (graft_tensor_get_n_bytes (self) <= MIN (GRAFT_TENSOR_STREAM_MIN_BYTES,
                                              graft_limits_get_max_alloc ()))
    return graft_tensor_get_data (self, error);
  return NULL;
}

/* Elements @offset … @offset + @n of the sub-tensor on axes @axis … rank-1
 * at @start (whose entries before @axis are fixed), as at most two partial
 * rows around one block of whole rows. */
static gboolean
graft_tensor_read_flat_axis (GraftTensor  *self,
                             guint         axis,
                             gsize        *start,
                             gsize        *count,
                             gsize         offset,
                             gsize         n,
                             guint8       *dest,
                             GError      **error)
{
  guint rank = graft_tensor_get_rank (self);
  const gsize *shape = graft_tensor_get_shape (self);
  gsize elem = graft_dtype_get_size (graft_tensor_get_dtype (self));
  gsize inner = 1, row, whole;

  for (guint i = axis + 1; i < rank; i++)
    inner *= shape[i];
  row = offset / inner;

  if (offset % inner != 0)
    {
      /* The tail of one row: one axis deeper. */
      gsize k = MIN (n, inner - offset % inner);

      start[axis] = row;
      count[axis] = 1;
      if (!graft_tensor_read_flat_axis (self, axis + 1, start, count, offset % inner, k, dest, error))
        return FALSE;
      dest += k * elem;
      n -= k;
      row++;
    }
  whole = n / inner;
  if (whole > 0)
    {
      start[axis] = row;
      count[axis] = whole;
      for (guint i = axis + 1; i < rank; i++)
        {
          start[i] = 0;
          count[i] = shape[i];
        }
      if (!graft_tensor_read_block (self, start, count, dest, error))
        return FALSE;
      dest += whole * inner * elem;
      n -= whole * inner;
      row += whole;
    }
  if (n > 0)
    {
      /* The head of the last row. */
      start[axis] = row;
      count[axis] = 1;
      return graft_tensor_read_flat_axis (self, axis + 1, start, count, 0, n, dest, error);
    }
  return TRUE;
}

/**
 * graft_tensor_read_flat:
 * @offset: first element, in row-major order
 * @n: number of elements
 * @dest: (out caller-allocates): room for @n elements of the tensor's dtype
 *
 * Reads consecutive elements of the tensor (row-major) without loading the
 * rest: whole rows in one block read, partial rows at either end in a few
 * more. Safe to call from several threads when the tensor's source is.
 *
 * Returns: %FALSE with @error set when the range lies outside the tensor
 *   (%GRAFT_ERROR_INVALID) or the file cannot be read
 */
gboolean
graft_tensor_read_flat (GraftTensor  *self,
                        gsize         offset,
                        gsize         n,
                        void         *dest,
                        GError      **error)
{
  gsize start[GRAFT_MAX_RANK] = { 0 }, count[GRAFT_MAX_RANK] = { 0 };
  gsize total;

  g_return_val_if_fail (self != NULL, FALSE);

  total = graft_tensor_get_n_elements (self);
  if (offset > total || n > total - offset)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_INVALID,
                   "elements %" G_GSIZE_FORMAT " … %" G_GSIZE_FORMAT " are outside a tensor of %"
                   G_GSIZE_FORMAT, offset, offset + n, total);
      return FALSE;
    }
  if (n == 0)
    return TRUE;
  if (graft_tensor_get_rank (self) == 0)
    return graft_tensor_read_block (self, start, count, dest, error);
  return graft_tensor_read_flat_axis (self, 0, start, count, offset, n, dest, error);
}

/* Linux 5.14's madvise advice; older kernels refuse it, which costs nothing. */
#if defined(__linux__) && !defined(MADV_POPULATE_READ)
#define MADV_POPULATE_READ 22
#endif

/**
 * graft_tensor_populate:
 *
 * Before a pass over every value of a mapped tensor: maps all its pages in
 * one call rather than one page fault at a time during the pass (about a
 * fifth of a pass over a 411 MB kernel in the page cache). Only worth it
 * when every value is about to be read: a zoomed view reads a few pages.
 */
static GQuark
graft_tensor_populated_quark (void)
{
  return g_quark_from_static_string ("graft-populated");
}

void
graft_tensor_populate (GraftTensor *self)
{
  gboolean done;

  /* A second pass (the histogram after the frame) finds the pages mapped:
   * asking again would walk 100 000 page-table entries for nothing. */
  if (graft_tensor_get_n_bytes (self) < GRAFT_TENSOR_POPULATE_MIN_BYTES ||
      graft_tensor_get_derived (self, graft_tensor_populated_quark (), &done, sizeof done))
    return;
  graft_tensor_populate_part (self, 0, graft_tensor_get_n_elements (self));
  graft_tensor_note_populated (self);
}

/**
 * graft_tensor_note_populated:
 *
 * Records that every page of the tensor's mapping was populated (by parts,
 * graft_tensor_populate_part()), so graft_tensor_populate() has nothing to do.
 */
void
graft_tensor_note_populated (GraftTensor *self)
{
  gboolean done = TRUE;

  graft_tensor_put_derived (self, graft_tensor_populated_quark (), &done, sizeof done);
}

/**
 * graft_tensor_populate_part:
 * @first: first element
 * @n: number of elements from @first
 *
 * graft_tensor_populate() for the elements a thread is about to read, so
 * that threads map their own parts at the same time.
 */
void
graft_tensor_populate_part (GraftTensor *self,
                            gsize        first,
                            gsize        n)
{
#ifdef __linux__
  const guint8 *data = graft_tensor_get_data_in_place (self);
  gsize elem = graft_dtype_get_size (graft_tensor_get_dtype (self));
  gsize page = (gsize) sysconf (_SC_PAGESIZE);
  guintptr start, end;

  if (data == NULL || n == 0 || first >= graft_tensor_get_n_elements (self))
    return;
  n = MIN (n, graft_tensor_get_n_elements (self) - first);
  start = (GPOINTER_TO_SIZE (data) + first * elem) / page * page;
  end = GPOINTER_TO_SIZE (data) + (first + n) * elem;
  (void) madvise (GSIZE_TO_POINTER (start), end - start, MADV_POPULATE_READ);
#endif
}
