/* graft-tensor.c
 *
 * A tensor is either in memory (owned bytes) or lazy: a source reads its
 * values on first use, or reads only a block of them. Once a tensor is
 * shared it never changes, so a transfer swaps tensors instead of editing
 * bytes, and a worker thread can read a tensor the GUI also shows.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-tensor"

#include "config.h"

#include "graft-tensor.h"

#include <string.h>

#include "graft-dtype.h"
#include "graft-error.h"
#include "graft-limits.h"
#include "graft-progress.h"

/* Elements converted between two progress ticks. */
#define GRAFT_TENSOR_CONVERT_CHUNK (1u << 20)

struct GraftTensor
{
  gatomicrefcount               ref_count;
  GraftDType                    dtype;
  guint                         rank;
  gsize                         shape[GRAFT_MAX_RANK];
  gsize                         n_elements;

  /* Values in memory, or NULL until a lazy tensor is loaded. */
  gpointer                      data;
  gboolean                      data_owned;

  /* Lazy tensors only. */
  const GraftTensorSourceFuncs *funcs;
  gpointer                      source;
  GMutex                        load_lock;

  /* Facts derived from the values (their statistics), by quark. */
  GData                        *derived;
};

static GraftTensor *
graft_tensor_alloc (GraftDType   dtype,
                    guint        rank,
                    const gsize *shape)
{
  GraftTensor *self;

  g_return_val_if_fail (dtype < GRAFT_N_DTYPES, NULL);
  g_return_val_if_fail (rank <= GRAFT_MAX_RANK, NULL);
  g_return_val_if_fail (rank == 0 || shape != NULL, NULL);

  self = g_new0 (GraftTensor, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->dtype = dtype;
  self->rank = rank;
  self->n_elements = 1;
  for (guint i = 0; i < rank; i++)
    {
      self->shape[i] = shape[i];
      self->n_elements *= shape[i];
    }
  g_mutex_init (&self->load_lock);
  return self;
}

/**
 * graft_tensor_new:
 *
 * Creates an in-memory tensor filled with zeros. Its bytes may be written
 * through graft_tensor_get_data_mutable() until it is shared.
 *
 * Returns: (transfer full): a new tensor
 */
GraftTensor *
graft_tensor_new (GraftDType   dtype,
                  guint        rank,
                  const gsize *shape)
{
  GraftTensor *self = graft_tensor_alloc (dtype, rank, shape);

  self->data = g_malloc0_n (MAX (self->n_elements, 1), graft_dtype_get_size (dtype));
  self->data_owned = TRUE;
  return self;
}

/**
 * graft_tensor_new_take:
 * @data: (transfer full): g_malloc()ed row-major elements
 *
 * Returns: (transfer full): a tensor that owns @data
 */
GraftTensor *
graft_tensor_new_take (GraftDType   dtype,
                       guint        rank,
                       const gsize *shape,
                       gpointer     data)
{
  GraftTensor *self = graft_tensor_alloc (dtype, rank, shape);

  self->data = data;
  self->data_owned = TRUE;
  return self;
}

/**
 * graft_tensor_new_lazy:
 * @funcs: (not nullable): how to read values; must outlive the tensor
 * @source: (transfer full): passed to @funcs, freed with @funcs->free
 *
 * Returns: (transfer full): a tensor whose values are read when first needed
 */
GraftTensor *
graft_tensor_new_lazy (GraftDType                    dtype,
                       guint                         rank,
                       const gsize                  *shape,
                       const GraftTensorSourceFuncs *funcs,
                       gpointer                      source)
{
  GraftTensor *self;

  g_return_val_if_fail (funcs != NULL && funcs->read != NULL, NULL);

  self = graft_tensor_alloc (dtype, rank, shape);
  self->funcs = funcs;
  self->source = source;
  return self;
}

GraftTensor *
graft_tensor_ref (GraftTensor *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
graft_tensor_unref (GraftTensor *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  if (self->data_owned)
    g_free (self->data);
  if (self->funcs != NULL && self->funcs->free != NULL)
    self->funcs->free (self->source);
  g_mutex_clear (&self->load_lock);
  g_datalist_clear (&self->derived);
  g_free (self);
}

GraftDType
graft_tensor_get_dtype (const GraftTensor *self)
{
  return self->dtype;
}

guint
graft_tensor_get_rank (const GraftTensor *self)
{
  return self->rank;
}

const gsize *
graft_tensor_get_shape (const GraftTensor *self)
{
  return self->shape;
}

gsize
graft_tensor_get_dim (const GraftTensor *self,
                      guint              axis)
{
  g_return_val_if_fail (axis < self->rank, 0);
  return self->shape[axis];
}

gsize
graft_tensor_get_n_elements (const GraftTensor *self)
{
  return self->n_elements;
}

gsize
graft_tensor_get_n_bytes (const GraftTensor *self)
{
  return self->n_elements * graft_dtype_get_size (self->dtype);
}

gboolean
graft_tensor_is_lazy (const GraftTensor *self)
{
  return self->funcs != NULL;
}

gboolean
graft_tensor_same_shape (const GraftTensor *a,
                         const GraftTensor *b)
{
  if (a->rank != b->rank)
    return FALSE;
  for (guint i = 0; i < a->rank; i++)
    if (a->shape[i] != b->shape[i])
      return FALSE;
  return TRUE;
}

/**
 * graft_shape_format:
 *
 * Returns: (transfer full): the shape as Keras users write it, "[3, 3, 1, 32]"
 */
char *
graft_shape_format (guint        rank,
                    const gsize *shape)
{
  GString *str = g_string_new ("[");

  for (guint i = 0; i < rank; i++)
    g_string_append_printf (str, "%s%" G_GSIZE_FORMAT, i ? ", " : "", shape[i]);
  g_string_append_c (str, ']');
  return g_string_free (str, FALSE);
}

char *
graft_tensor_format_shape (const GraftTensor *self)
{
  return graft_shape_format (self->rank, self->shape);
}

/**
 * graft_tensor_get_data_mutable:
 *
 * Returns the bytes of an in-memory tensor for filling it in. Only valid
 * while the caller holds the only reference, before the tensor is shared.
 *
 * Returns: (transfer none): the tensor's bytes
 */
void *
graft_tensor_get_data_mutable (GraftTensor *self)
{
  g_return_val_if_fail (self->funcs == NULL, NULL);
  g_return_val_if_fail (g_atomic_ref_count_compare (&self->ref_count, 1), NULL);
  /* The caller may now change the values: what was derived is stale. */
  g_datalist_clear (&self->derived);
  return self->data;
}

/**
 * graft_tensor_get_data:
 *
 * Gives all values of the tensor, row-major, in its own dtype. A lazy
 * tensor is mapped in place when its source allows it, and read into memory
 * otherwise; either way only once. Safe to call from several threads.
 *
 * Returns: (transfer none): the values, valid as long as @self, or %NULL
 *   with @error set when they cannot be read or exceed the memory limit
 */
const void *
graft_tensor_get_data (GraftTensor  *self,
                       GError      **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  gsize start[GRAFT_MAX_RANK] = { 0 };
  gsize n_bytes;
  gpointer buf;

  g_return_val_if_fail (self != NULL, NULL);

  if (self->funcs == NULL)
    return self->data;

  locker = g_mutex_locker_new (&self->load_lock);
  if (self->data != NULL)
    return self->data;

  if (self->funcs->map != NULL)
    {
      const void *mapped = self->funcs->map (self->source);

      /* Unaligned elements would be undefined behaviour to read as numbers. */
      if (mapped != NULL && (GPOINTER_TO_SIZE (mapped) % graft_dtype_get_size (self->dtype)) == 0)
        {
          self->data = (gpointer) mapped;
          self->data_owned = FALSE;
          return self->data;
        }
    }

  n_bytes = graft_tensor_get_n_bytes (self);
  if (!graft_limits_check_alloc (n_bytes, error))
    return NULL;

  buf = g_try_malloc (MAX (n_bytes, 1));
  if (buf == NULL)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_LIMIT,
                   "not enough memory for a tensor of %" G_GSIZE_FORMAT " bytes", n_bytes);
      return NULL;
    }
  if (self->n_elements > 0 &&
      !self->funcs->read (self->source, start, self->shape, buf, error))
    {
      g_free (buf);
      return NULL;
    }
  self->data = buf;
  self->data_owned = TRUE;
  return self->data;
}

/**
 * graft_tensor_get_data_in_place:
 *
 * The tensor's values when they are in memory or can be mapped from the
 * file (a contiguous dataset, a stored archive member), without reading
 * anything.
 *
 * Returns: (transfer none) (nullable): the values, or %NULL when they
 *   would have to be read (compressed or chunked storage)
 */
const void *
graft_tensor_get_data_in_place (GraftTensor *self)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  if (self->funcs == NULL)
    return self->data;
  locker = g_mutex_locker_new (&self->load_lock);
  if (self->data == NULL && self->funcs->map != NULL)
    {
      const void *mapped = self->funcs->map (self->source);

      if (mapped != NULL && (GPOINTER_TO_SIZE (mapped) % graft_dtype_get_size (self->dtype)) == 0)
        {
          self->data = (gpointer) mapped;
          self->data_owned = FALSE;
        }
    }
  return self->data;
}

static gboolean
graft_tensor_check_block (const GraftTensor  *self,
                          const gsize        *start,
                          const gsize        *count,
                          GError            **error)
{
  for (guint i = 0; i < self->rank; i++)
    if (start[i] > self->shape[i] || count[i] > self->shape[i] - start[i])
      {
        g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_INVALID,
                     "block [%" G_GSIZE_FORMAT ":%" G_GSIZE_FORMAT "] is outside axis %u of length %"
                     G_GSIZE_FORMAT, start[i], start[i] + count[i], i, self->shape[i]);
        return FALSE;
      }
  return TRUE;
}

/* Copies a block out of row-major memory, one contiguous run at a time. */
static void
graft_tensor_copy_block (const GraftTensor *self,
                         const guint8      *data,
                         const gsize       *start,
                         const gsize       *count,
                         guint8            *dest)
{
  gsize elem = graft_dtype_get_size (self->dtype);
  gsize strides[GRAFT_MAX_RANK];
  gsize idx[GRAFT_MAX_RANK] = { 0 };
  gsize run, n_runs = 1;
  guint last;

  if (self->rank == 0)
    {
      memcpy (dest, data, elem);
      return;
    }

  last = self->rank - 1;
  strides[last] = elem;
  for (guint i = last; i > 0; i--)
    strides[i - 1] = strides[i] * self->shape[i];
  for (guint i = 0; i < last; i++)
    n_runs *= count[i];
  run = count[last] * elem;
  if (run == 0)
    return;

  for (gsize r = 0; r < n_runs; r++)
    {
      gsize off = start[last] * elem;

      for (guint i = 0; i < last; i++)
        off += (start[i] + idx[i]) * strides[i];
      memcpy (dest, data + off, run);
      dest += run;

      for (guint i = last; i > 0; i--)
        {
          if (++idx[i - 1] < count[i - 1])
            break;
          idx[i - 1] = 0;
        }
    }
}

/**
 * graft_tensor_read_block:
 * @start: (array): first index on every axis
 * @count: (array): number of indices on every axis
 * @dest: (out caller-allocates): room for the product of @count elements
 *
 * Reads a block without loading the rest of the tensor: a lazy tensor
 * that is not loaded or mapped asks its source for just that block.
 *
 * Returns: %FALSE with @error set when the block lies outside the tensor
 *   (%GRAFT_ERROR_INVALID) or the file cannot be read (the source's error)
 */
gboolean
graft_tensor_read_block (GraftTensor  *self,
                         const gsize  *start,
                         const gsize  *count,
                         void         *dest,
                         GError      **error)
{
  gpointer data;

  g_return_val_if_fail (self != NULL, FALSE);

  if (!graft_tensor_check_block (self, start, count, error))
    return FALSE;

  data = (gpointer) graft_tensor_get_data_in_place (self);
  if (data != NULL)
    {
      graft_tensor_copy_block (self, data, start, count, dest);
      return TRUE;
    }
  for (guint i = 0; i < self->rank; i++)
    if (count[i] == 0)
      return TRUE;
  return self->funcs->read (self->source, start, count, dest, error);
}

/**
 * graft_tensor_read_block_float:
 * @dest: (out caller-allocates): room for the product of @count floats
 *
 * graft_tensor_read_block(), converted to float32.
 *
 * Returns: %FALSE with @error set as graft_tensor_read_block() does
 */
gboolean
graft_tensor_read_block_float (GraftTensor  *self,
                               const gsize  *start,
                               const gsize  *count,
                               float        *dest,
                               GError      **error)
{
  gsize n = 1;
  g_autofree guint8 *raw = NULL;

  for (guint i = 0; i < self->rank; i++)
    n *= count[i];

  if (self->dtype == GRAFT_DTYPE_FLOAT32)
    return graft_tensor_read_block (self, start, count, dest, error);

  if (!graft_limits_check_alloc (n * graft_dtype_get_size (self->dtype), error))
    return FALSE;
  raw = g_malloc (MAX (n * graft_dtype_get_size (self->dtype), 1));
  if (!graft_tensor_read_block (self, start, count, raw, error))
    return FALSE;
  graft_dtype_to_float (self->dtype, raw, dest, n);
  return TRUE;
}

/**
 * graft_tensor_dup_float:
 *
 * Returns: (transfer full): every value converted to float32, g_free() it;
 *   %NULL with @error set when the values cannot be read or would exceed
 *   the memory limit (%GRAFT_ERROR_LIMIT)
 */
float *
graft_tensor_dup_float (GraftTensor  *self,
                        GError      **error)
{
  const void *data;
  float *out;

  if (!graft_limits_check_alloc (self->n_elements * sizeof (float), error))
    return NULL;
  data = graft_tensor_get_data (self, error);
  if (data == NULL)
    return NULL;
  out = g_malloc_n (MAX (self->n_elements, 1), sizeof (float));
  /* A chunk at a time, ticking: a mapped tensor's pages are read from the
   * disk here, and a watchdog must see that move. */
  for (gsize i = 0; i < self->n_elements; i += GRAFT_TENSOR_CONVERT_CHUNK)
    {
      gsize n = MIN (GRAFT_TENSOR_CONVERT_CHUNK, self->n_elements - i);

      graft_dtype_to_float (self->dtype, (const guint8 *) data + i * graft_dtype_get_size (self->dtype),
                            out + i, n);
      graft_progress_tick ();
    }
  return out;
}

/**
 * graft_tensor_put_derived:
 * @key: what @blob is ("graft-stats")
 * @blob: (array length=size): a fact derived from the tensor's values
 *
 * Keeps a copy of @blob with the tensor, so that a second computation of
 * the same fact (statistics a heatmap found in its pass over the values)
 * costs nothing. A tensor's values do not change once it is shared; the
 * facts are dropped when its owner takes the values to change them.
 */
void
graft_tensor_put_derived (GraftTensor   *self,
                          GQuark         key,
                          gconstpointer  blob,
                          gsize          size)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_if_fail (self != NULL);

  locker = g_mutex_locker_new (&self->load_lock);
  g_datalist_id_set_data_full (&self->derived, key, g_bytes_new (blob, size),
                               (GDestroyNotify) g_bytes_unref);
}

/**
 * graft_tensor_get_derived:
 * @dest: (out caller-allocates) (array length=size): filled in when found
 *
 * Returns: whether a fact of @size bytes was kept under @key
 */
gboolean
graft_tensor_get_derived (GraftTensor *self,
                          GQuark       key,
                          gpointer     dest,
                          gsize        size)
{
  g_autoptr(GMutexLocker) locker = NULL;
  GBytes *blob;

  g_return_val_if_fail (self != NULL, FALSE);

  locker = g_mutex_locker_new (&self->load_lock);
  blob = g_datalist_id_get_data (&self->derived, key);
  if (blob == NULL || g_bytes_get_size (blob) != size)
    return FALSE;
  memcpy (dest, g_bytes_get_data (blob, NULL), size);
  return TRUE;
}
