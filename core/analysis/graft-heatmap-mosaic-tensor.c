/* graft-heatmap-mosaic-tensor.c: a kernel's mosaic as a tensor built when first read
 *
 * A view asks for the mosaic of the kernel it shows on its main thread,
 * but building one reads every value of the kernel: a 64 MB attention
 * kernel of a compressed checkpoint takes most of a second to inflate.
 * So the mosaic is a lazy tensor whose values are built the first time
 * anything reads them, which for a view is its render thread. The kernel
 * is read a piece at a time into a float32 copy that lives only while the
 * mosaic is built: it keeps no whole copy of its values, so browsing the
 * kernels of a large checkpoint does not pile them up.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-heatmap"

#include "config.h"

#include "graft-heatmap-mosaic.h"

#include <math.h>
#include <string.h>

#include "graft-dtype.h"
#include "graft-error.h"
#include "graft-heatmap-private.h"
#include "graft-limits.h"
#include "graft-tensor.h"
#include "graft-tensor-stream.h"

typedef struct
{
  GraftHeatmapMosaic layout;
  GraftTensor       *kernel;
  gsize              index[GRAFT_MAX_RANK];
  gboolean           per_filter;
  gsize              n_cols;

  GMutex             lock;
  float             *values;    /* built on the first read */
  GError            *failed;    /* or why that failed, kept so it is not tried again */
} GraftHeatmapMosaicSource;

/**
 * graft_heatmap_mosaic_read_kernel:
 *
 * Every value of @kernel as float32, read in place when it is mapped or
 * small, a bounded piece at a time otherwise; the kernel keeps no copy.
 *
 * Returns: (transfer full): the values, g_free() them; %NULL with @error
 *   set when they cannot be read or would exceed the memory limit
 */
float *
graft_heatmap_mosaic_read_kernel (GraftTensor  *kernel,
                                  GError      **error)
{
  GraftDType dtype = graft_tensor_get_dtype (kernel);
  gsize size = graft_dtype_get_size (dtype);
  gsize n = graft_tensor_get_n_elements (kernel);
  gsize piece = MAX (GRAFT_TENSOR_STREAM_PIECE_BYTES / size, 1);
  g_autofree guint8 *raw = NULL;
  g_autofree float *out = NULL;
  GError *local_error = NULL;
  const guint8 *data;

  if (!graft_limits_check_alloc (n * sizeof (float), error))
    return NULL;
  data = graft_tensor_peek_data (kernel, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  out = g_try_new (float, MAX (n, 1));
  if (out == NULL)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_LIMIT,
                   "not enough memory for the %" G_GSIZE_FORMAT " values of the kernel", n);
      return NULL;
    }
  if (data != NULL)
    {
      graft_dtype_to_float (dtype, data, out, n);
      return g_steal_pointer (&out);
    }
  raw = g_malloc (MIN (piece, n) * size);
  for (gsize i = 0; i < n; i += piece)
    {
      gsize count = MIN (piece, n - i);

      if (!graft_tensor_read_flat (kernel, i, count, raw, error))
        return NULL;
      graft_dtype_to_float (dtype, raw, out + i, count);
    }
  return g_steal_pointer (&out);
}

/* The mosaic's values: each filter's taps at their place, divided by
 * the filter's largest |x| when @per_filter. */
static float *
graft_heatmap_mosaic_source_build (GraftHeatmapMosaicSource  *src,
                                   GError                   **error)
{
  const GraftHeatmapMosaic *m = &src->layout;
  GraftTensor *kernel = src->kernel;
  guint rank = graft_tensor_get_rank (kernel);
  gsize stride[GRAFT_MAX_RANK];
  gsize n_rows = (gsize) m->grid_rows * m->tile_rows;
  gsize base = 0, s_f, s_c, s_y, s_x;
  g_autofree float *values = NULL;
  float *out;

  values = graft_heatmap_mosaic_read_kernel (kernel, error);
  if (values == NULL)
    return NULL;
  stride[rank - 1] = 1;
  for (guint i = rank - 1; i > 0; i--)
    stride[i - 1] = stride[i] * graft_tensor_get_dim (kernel, i);
  for (guint i = 0; i < rank; i++)
    if (i != m->filter_axis && i != m->channel_axis && i != m->kx_axis && (gint) i != m->ky_axis)
      base += src->index[i] * stride[i];
  s_f = stride[m->filter_axis];
  s_c = stride[m->channel_axis];
  s_x = stride[m->kx_axis];
  s_y = m->ky_axis >= 0 ? stride[m->ky_axis] : 0;

  out = g_try_new0 (float, n_rows * src->n_cols);
  if (out == NULL)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_LIMIT, "not enough memory for the mosaic");
      return NULL;
    }
  for (guint f = 0; f < m->n_filters; f++)
    {
      gsize r0 = (gsize) (f / m->grid_cols) * m->tile_rows;
      gsize c0 = (gsize) (f % m->grid_cols) * m->tile_cols;
      float scale = 1;

      if (src->per_filter)
        {
          float peak = 0;

          for (guint c = 0; c < m->n_channels; c++)
            for (guint y = 0; y < m->kh; y++)
              for (guint x = 0; x < m->kw; x++)
                {
                  float v = values[base + f * s_f + c * s_c + y * s_y + x * s_x];

                  if (isfinite (v))
                    peak = MAX (peak, fabsf (v));
                }
          scale = peak > 0 ? 1 / peak : 1;
        }
      for (guint c = 0; c < m->n_channels; c++)
        for (guint y = 0; y < m->kh; y++)
          {
            float *row = out + (r0 + (gsize) (c / m->sub_cols) * m->kh + y) * src->n_cols
                             + c0 + (gsize) (c % m->sub_cols) * m->kw;
            const float *in = values + base + f * s_f + c * s_c + y * s_y;

            for (guint x = 0; x < m->kw; x++)
              row[x] = in[x * s_x] * scale;
          }
    }
  return out;
}

/* Builds the values once, whichever thread asks first; a failure is
 * reported to every read without reading the kernel again. */
static gboolean
graft_heatmap_mosaic_source_ensure (GraftHeatmapMosaicSource  *src,
                                    GError                   **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&src->lock);

  if (src->values == NULL && src->failed == NULL)
    src->values = graft_heatmap_mosaic_source_build (src, &src->failed);
  if (src->failed != NULL)
    g_propagate_error (error, g_error_copy (src->failed));
  return src->values != NULL;
}

static const void *
graft_heatmap_mosaic_source_map (gpointer source)
{
  GraftHeatmapMosaicSource *src = source;
  g_autoptr(GError) error = NULL;

  if (!graft_heatmap_mosaic_source_ensure (src, &error))
    {
      /* The read that follows reports it. */
      g_debug ("no mosaic: %s", error->message);
      return NULL;
    }
  return src->values;
}

static gboolean
graft_heatmap_mosaic_source_read (gpointer      source,
                                  const gsize  *start,
                                  const gsize  *count,
                                  void         *dest,
                                  GError      **error)
{
  GraftHeatmapMosaicSource *src = source;
  float *out = dest;

  if (!graft_heatmap_mosaic_source_ensure (src, error))
    return FALSE;
  for (gsize r = 0; r < count[0]; r++)
    memcpy (out + r * count[1], src->values + (start[0] + r) * src->n_cols + start[1],
            count[1] * sizeof (float));
  return TRUE;
}

static void
graft_heatmap_mosaic_source_free (gpointer source)
{
  GraftHeatmapMosaicSource *src = source;

  graft_tensor_unref (src->kernel);
  g_free (src->values);
  g_clear_error (&src->failed);
  g_mutex_clear (&src->lock);
  g_free (src);
}

static const GraftTensorSourceFuncs graft_heatmap_mosaic_source_funcs = {
  graft_heatmap_mosaic_source_read,
  graft_heatmap_mosaic_source_map,
  graft_heatmap_mosaic_source_free,
};

/**
 * graft_heatmap_mosaic_new_tensor:
 * @index: (nullable): the index on the axes not shown (a 3-D kernel's depth)
 * @per_filter: divide every filter by its own largest |x|, so that each
 *   spans the whole colour map
 *
 * The mosaic of @kernel as a float32 matrix of (@grid_rows × @tile_rows)
 * × (@grid_cols × @tile_cols). Nothing is read here: the values are built
 * when the tensor is first read, in whichever thread reads it; a kernel
 * that cannot be read then fails that read.
 *
 * Returns: (transfer full): the mosaic, or %NULL with @error set when it
 *   would be too large
 */
GraftTensor *
graft_heatmap_mosaic_new_tensor (const GraftHeatmapMosaic *self,
                                 GraftTensor              *kernel,
                                 const gsize              *index,
                                 gboolean                  per_filter,
                                 GError                  **error)
{
  gsize shape[2] = { (gsize) self->grid_rows * self->tile_rows,
                     (gsize) self->grid_cols * self->tile_cols };
  GraftHeatmapMosaicSource *src;

  if (shape[0] * shape[1] > (gsize) 1 << 30)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_LIMIT, "the kernel is too large for a mosaic");
      return NULL;
    }
  /* The mosaic and, while it is built, the kernel as float32. */
  if (!graft_limits_check_alloc ((shape[0] * shape[1] + graft_tensor_get_n_elements (kernel))
                                 * sizeof (float), error))
    return NULL;
  src = g_new0 (GraftHeatmapMosaicSource, 1);
  src->layout = *self;
  src->kernel = graft_tensor_ref (kernel);
  if (index != NULL)
    memcpy (src->index, index, sizeof src->index);
  src->per_filter = per_filter;
  src->n_cols = shape[1];
  g_mutex_init (&src->lock);
  return graft_tensor_new_lazy (GRAFT_DTYPE_FLOAT32, 2, shape, &graft_heatmap_mosaic_source_funcs, src);
}
