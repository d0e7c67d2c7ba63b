/* graft-layer-pool.c: max and average pooling, windowed and global, 1-D and 2-D
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-layer-pool"

#include "config.h"

#include "graft-layer-families-private.h"

#include <math.h>
#include <string.h>

#include "graft-error.h"
#include "graft-tensor.h"

typedef struct
{
  gboolean      max;
  gboolean      global;
  guint         rank;       /* spatial axes */
  gint64        size[2];
  gint64        strides[2];
  GraftPadding  padding;
  gboolean      channels_first;
  gboolean      keepdims;
} GraftPoolPriv;

gboolean
graft_layer_pool_setup (GraftNode   *node,
                        JsonObject  *config,
                        GError     **error)
{
  GraftPoolPriv *p = g_new0 (GraftPoolPriv, 1);
  int variant = node->klass->variant;

  node->priv = p;
  p->max = (variant & GRAFT_POOL_MAX) != 0;
  p->global = (variant & GRAFT_POOL_GLOBAL) != 0;
  p->rank = (variant & GRAFT_POOL_1D) ? 1 : 2;
  p->channels_first = graft_config_channels_first (config);
  p->keepdims = graft_config_get_bool (config, "keepdims", FALSE);
  if (p->global)
    return TRUE;
  p->size[0] = p->size[1] = 2;
  if (!graft_config_get_ints (config, "pool_size", p->rank, p->size, error))
    return FALSE;
  p->strides[0] = p->size[0];
  p->strides[1] = p->size[1];
  if (!graft_config_get_ints (config, "strides", p->rank, p->strides, error) ||
      !graft_padding_parse (node, config, &p->padding, error))
    return FALSE;
  for (guint i = 0; i < p->rank; i++)
    if (p->size[i] < 1 || p->strides[i] < 1)
      {
        g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT,
                     "layer '%s': pool_size and strides must be at least 1", node->name);
        return FALSE;
      }
  return TRUE;
}

static void
graft_layer_pool_geometry (GraftPoolPriv    *p,
                           const GraftShape *in,
                           GraftConvAxis    *h,
                           GraftConvAxis    *w)
{
  gssize first = p->channels_first ? 2 : 1;

  if (p->rank == 1)
    graft_conv_axis_init (h, 1, 1, 1, 1, GRAFT_PADDING_VALID);
  else
    graft_conv_axis_init (h, in->dims[first], p->size[0], p->strides[0], 1, p->padding);
  graft_conv_axis_init (w, in->dims[first + p->rank - 1], p->size[p->rank - 1],
                        p->strides[p->rank - 1], 1, p->padding);
}

gboolean
graft_layer_pool_infer (GraftNode         *node,
                        guint              n_in,
                        const GraftShape  *in,
                        guint             *n_out,
                        GraftShape        *out,
                        GError           **error)
{
  GraftPoolPriv *p = node->priv;
  gssize channels;
  GraftConvAxis h, w;

  if (!graft_shape_check_rank (node, &in[0], p->rank + 2, p->rank + 2, error))
    return FALSE;
  *n_out = 1;
  channels = p->channels_first ? in[0].dims[1] : in[0].dims[in[0].rank - 1];
  if (p->global)
    {
      out->dims[0] = in[0].dims[0];
      if (!p->keepdims)
        {
          out->rank = 2;
          out->dims[1] = channels;
          return TRUE;
        }
      *out = in[0];
      for (guint i = 0; i < p->rank; i++)
        out->dims[(p->channels_first ? 2 : 1) + i] = 1;
      return TRUE;
    }
  graft_layer_pool_geometry (p, &in[0], &h, &w);
  *out = in[0];
  if (p->rank == 2)
    out->dims[p->channels_first ? 2 : 1] = h.out;
  out->dims[(p->channels_first ? 2 : 1) + p->rank - 1] = w.out;
  return TRUE;
}

gboolean
graft_layer_pool_forward (GraftNode          *node,
                          guint               n_in,
                          GraftTensor *const *in,
                          guint               n_out,
                          GraftTensor *const *out,
                          GError            **error)
{
  GraftPoolPriv *p = node->priv;
  GraftShape shape;
  GraftConvAxis h, w;
  gsize batch, channels, spatial, out_spatial;
  const float *x = graft_tensor_cfloats (in[0]);
  float *y = graft_tensor_floats (out[0]);
  g_autofree float *x_last = NULL;
  g_autofree float *y_last = NULL;
  float *dst;

  graft_shape_from_tensor (&shape, in[0]);
  batch = (gsize) shape.dims[0];
  channels = (gsize) (p->channels_first ? shape.dims[1] : shape.dims[shape.rank - 1]);
  spatial = graft_shape_n_elements (&shape) / MAX (batch * channels, 1);
  if (p->global)
    {
      /* Reductions read either layout directly. */
      for (gsize b = 0; b < batch; b++)
        for (gsize c = 0; c < channels; c++)
          {
            float acc = p->max ? -INFINITY : 0.0f;

            for (gsize s = 0; s < spatial; s++)
              {
                float v = p->channels_first ? x[(b * channels + c) * spatial + s]
                                            : x[(b * spatial + s) * channels + c];

                acc = p->max ? MAX (acc, v) : acc + v;
              }
            y[b * channels + c] = p->max ? acc : acc / (float) spatial;
          }
      return TRUE;
    }

  graft_layer_pool_geometry (p, &shape, &h, &w);
  out_spatial = (gsize) (h.out * w.out);
  if (p->channels_first)
    {
      x_last = g_new (float, batch * spatial * channels);
      transpose_channels (x, batch, channels, spatial, TRUE, x_last);
      x = x_last;
      y_last = g_new (float, batch * out_spatial * channels);
      dst = y_last;
    }
  else
    dst = y;

  for (gsize b = 0; b < batch; b++)
    for (gssize oh = 0; oh < h.out; oh++)
      for (gssize ow = 0; ow < w.out; ow++)
        {
          float *o = dst + ((b * (gsize) h.out + (gsize) oh) * (gsize) w.out + (gsize) ow) * channels;
          guint count = 0;

          for (gsize c = 0; c < channels; c++)
            o[c] = p->max ? -INFINITY : 0.0f;
          /* Average pooling with "same" padding divides by the number of
           * real elements in the window, as Keras does. */
          for (gssize ky = 0; ky < h.kernel; ky++)
            {
              gssize iy = oh * h.stride - h.pad_before + ky;

              if (iy < 0 || iy >= h.in)
                continue;
              for (gssize kx = 0; kx < w.kernel; kx++)
                {
                  gssize ix = ow * w.stride - w.pad_before + kx;
                  const float *src;

                  if (ix < 0 || ix >= w.in)
                    continue;
                  src = x + ((b * (gsize) h.in + (gsize) iy) * (gsize) w.in + (gsize) ix) * channels;
                  count++;
                  if (p->max)
                    for (gsize c = 0; c < channels; c++)
                      o[c] = MAX (o[c], src[c]);
                  else
                    for (gsize c = 0; c < channels; c++)
                      o[c] += src[c];
                }
            }
          if (!p->max && count > 0)
            for (gsize c = 0; c < channels; c++)
              o[c] /= (float) count;
        }

  if (p->channels_first)
    transpose_channels (y_last, batch, channels, out_spatial, FALSE, y);
  return TRUE;
}
