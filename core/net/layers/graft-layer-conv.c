/* graft-layer-conv.c: Conv1D, Conv2D, DepthwiseConv2D, SeparableConv2D and
 * Conv2DTranspose, channels_last or channels_first
 *
 * Kernels are in Keras layout (FORMATS.md 6) and used in place: a
 * channels-last [kh, kw, cin, f] kernel is already the [k, f] GEMM operand.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-layer-conv"

#include "config.h"

#include "graft-layer-families-private.h"

#include <string.h>

#include "graft-blas-private.h"
#include "graft-error.h"
#include "graft-tensor.h"

typedef struct
{
  GraftConvVariant  variant;
  guint             rank;         /* spatial axes: 1 or 2 */
  gint64            filters;
  gint64            kernel[2];    /* [kh, kw] */
  gint64            strides[2];
  gint64            dilation[2];
  gint64            groups;
  gint64            multiplier;
  GraftPadding      padding;
  gboolean          channels_first;
  gboolean          use_bias;
  GraftActivation   activation;
} GraftConvPriv;

gboolean
graft_layer_conv_setup (GraftNode   *node,
                        JsonObject  *config,
                        GError     **error)
{
  GraftConvPriv *p = g_new0 (GraftConvPriv, 1);

  node->priv = p;
  p->variant = node->klass->variant;
  p->rank = p->variant == GRAFT_CONV_1D ? 1 : 2;
  p->filters = graft_config_get_int (config, "filters", 0);
  p->groups = graft_config_get_int (config, "groups", 1);
  p->multiplier = graft_config_get_int (config, "depth_multiplier", 1);
  p->use_bias = graft_config_get_bool (config, "use_bias", TRUE);
  p->channels_first = graft_config_channels_first (config);
  for (guint i = 0; i < 2; i++)
    p->kernel[i] = p->strides[i] = p->dilation[i] = 1;
  if (!graft_config_get_ints (config, "kernel_size", p->rank, p->kernel, error) ||
      !graft_config_get_ints (config, "strides", p->rank, p->strides, error) ||
      !graft_config_get_ints (config, "dilation_rate", p->rank, p->dilation, error) ||
      !graft_padding_parse (node, config, &p->padding, error) ||
      !graft_activation_parse (node, config, "activation", &p->activation, error))
    return FALSE;
  for (guint i = 0; i < p->rank; i++)
    if (p->kernel[i] < 1 || p->strides[i] < 1 || p->dilation[i] < 1)
      {
        g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT,
                     "layer '%s': kernel_size, strides and dilation_rate must be at least 1",
                     node->name);
        return FALSE;
      }
  if (p->groups < 1 || p->multiplier < 1 ||
      (p->variant != GRAFT_CONV_DEPTHWISE && p->filters < 1) ||
      (p->filters % p->groups) != 0)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT,
                   "layer '%s': bad filters/groups/depth_multiplier", node->name);
      return FALSE;
    }
  if (p->padding == GRAFT_PADDING_CAUSAL && p->variant != GRAFT_CONV_1D)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED,
                   "layer '%s': causal padding is only for Conv1D", node->name);
      return FALSE;
    }
  return TRUE;
}

/* The spatial geometry of @in; the channel count goes to @channels. */
static void
graft_layer_conv_geometry (GraftConvPriv    *p,
                           const GraftShape *in,
                           GraftConvAxis    *h,
                           GraftConvAxis    *w,
                           gssize           *channels)
{
  gssize dims[2] = { 1, 1 };

  *channels = p->channels_first ? in->dims[1] : in->dims[in->rank - 1];
  for (guint i = 0; i < p->rank; i++)
    dims[2 - p->rank + i] = in->dims[(p->channels_first ? 2 : 1) + i];
  if (p->variant == GRAFT_CONV_TRANSPOSE)
    {
      /* The output geometry of a transposed convolution is computed in forward. */
      graft_conv_axis_init (h, dims[0], p->kernel[0], p->strides[0], p->dilation[0], GRAFT_PADDING_VALID);
      graft_conv_axis_init (w, dims[1], p->kernel[1], p->strides[1], p->dilation[1], GRAFT_PADDING_VALID);
      return;
    }
  graft_conv_axis_init (h, dims[0], p->rank == 1 ? 1 : p->kernel[0], p->rank == 1 ? 1 : p->strides[0],
                        p->rank == 1 ? 1 : p->dilation[0], p->rank == 1 ? GRAFT_PADDING_VALID : p->padding);
  graft_conv_axis_init (w, dims[1], p->kernel[p->rank - 1], p->strides[p->rank - 1],
                        p->dilation[p->rank - 1], p->padding);
}

/* Keras's deconv_output_length without output_padding. */
static gssize
graft_layer_conv_transpose_length (gssize       in,
                                   gssize       kernel,
                                   gssize       stride,
                                   gssize       dilation,
                                   GraftPadding padding,
                                   gssize      *crop)
{
  gssize k_eff = (kernel - 1) * dilation + 1;
  gssize full = (in - 1) * stride + k_eff;

  if (in < 0)
    return -1;
  if (padding == GRAFT_PADDING_SAME)
    {
      *crop = MAX (k_eff - stride, 0) / 2;
      return in * stride;
    }
  *crop = 0;
  return full;
}

gboolean
graft_layer_conv_infer (GraftNode         *node,
                        guint              n_in,
                        const GraftShape  *in,
                        guint             *n_out,
                        GraftShape        *out,
                        GError           **error)
{
  GraftConvPriv *p = node->priv;
  GraftConvAxis h, w;
  gssize channels, cout, spatial[2];

  if (!graft_shape_check_rank (node, &in[0], p->rank + 2, p->rank + 2, error))
    return FALSE;
  graft_layer_conv_geometry (p, &in[0], &h, &w, &channels);
  cout = p->variant == GRAFT_CONV_DEPTHWISE ? channels * p->multiplier : p->filters;
  if (p->variant == GRAFT_CONV_TRANSPOSE)
    {
      gssize crop;

      spatial[0] = graft_layer_conv_transpose_length (h.in, p->kernel[0], p->strides[0],
                                                      p->dilation[0], p->padding, &crop);
      spatial[1] = graft_layer_conv_transpose_length (w.in, p->kernel[1], p->strides[1],
                                                      p->dilation[1], p->padding, &crop);
    }
  else
    {
      spatial[0] = h.out;
      spatial[1] = w.out;
    }

  *n_out = 1;
  out->rank = in[0].rank;
  out->dims[0] = in[0].dims[0];
  out->dims[p->channels_first ? 1 : p->rank + 1] = cout;
  for (guint i = 0; i < p->rank; i++)
    out->dims[(p->channels_first ? 2 : 1) + i] = spatial[2 - p->rank + i];
  return TRUE;
}

gboolean
graft_layer_conv_build (GraftNode         *node,
                        guint              n_in,
                        const GraftShape  *in,
                        GError           **error)
{
  GraftConvPriv *p = node->priv;
  GraftConvAxis h, w;
  gssize channels;
  gsize shape[4];
  guint r = 0;

  if (!graft_shape_check_rank (node, &in[0], p->rank + 2, p->rank + 2, error))
    return FALSE;
  graft_layer_conv_geometry (p, &in[0], &h, &w, &channels);
  if (channels < 0 || (p->variant <= GRAFT_CONV_2D && channels % p->groups != 0))
    {
      g_autofree char *text = graft_shape_to_string (&in[0]);

      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_SHAPE,
                   "layer '%s': input %s has no usable channel count", node->name, text);
      return FALSE;
    }
  for (guint i = 0; i < p->rank; i++)
    shape[r++] = (gsize) p->kernel[i];

  switch (p->variant)
    {
    case GRAFT_CONV_DEPTHWISE:
      shape[r] = (gsize) channels;
      shape[r + 1] = (gsize) p->multiplier;
      graft_node_add_weight (node, "kernel", r + 2, shape, "depthwise_initializer", TRUE);
      shape[0] = (gsize) (channels * p->multiplier);
      break;
    case GRAFT_CONV_SEPARABLE:
      shape[r] = (gsize) channels;
      shape[r + 1] = (gsize) p->multiplier;
      graft_node_add_weight (node, "depthwise_kernel", r + 2, shape, "depthwise_initializer", TRUE);
      shape[0] = shape[1] = 1;
      shape[2] = (gsize) (channels * p->multiplier);
      shape[3] = (gsize) p->filters;
      graft_node_add_weight (node, "pointwise_kernel", 4, shape, "pointwise_initializer", TRUE);
      shape[0] = (gsize) p->filters;
      break;
    case GRAFT_CONV_TRANSPOSE:
      shape[r] = (gsize) p->filters;
      shape[r + 1] = (gsize) channels;
      graft_node_add_weight (node, "kernel", r + 2, shape, "kernel_initializer", TRUE);
      shape[0] = (gsize) p->filters;
      break;
    case GRAFT_CONV_1D:
    case GRAFT_CONV_2D:
    default:
      shape[r] = (gsize) (channels / p->groups);
      shape[r + 1] = (gsize) p->filters;
      graft_node_add_weight (node, "kernel", r + 2, shape, "kernel_initializer", TRUE);
      shape[0] = (gsize) p->filters;
      break;
    }
  if (p->use_bias)
    graft_node_add_weight (node, "bias", 1, shape, "bias_initializer", TRUE);
  return TRUE;
}

/* Conv2DTranspose on channels-last data: one GEMM gives every input
 * pixel's contribution [kh, kw, f], which is then added into place. */
static void
graft_layer_conv_transpose_run (GraftConvPriv *p,
                                const float   *in,      /* [batch, H, W, cin] */
                                gsize          batch,
                                gssize         in_h,
                                gssize         in_w,
                                gsize          cin,
                                const float   *kernel,  /* [kh, kw, f, cin] */
                                const float   *bias,    /* [f] or NULL */
                                gssize         out_h,
                                gssize         out_w,
                                float         *out)     /* [batch, OH, OW, f] */
{
  gsize f = (gsize) p->filters;
  gsize kk = (gsize) (p->kernel[0] * p->kernel[1]) * f;
  gsize pixels = (gsize) (in_h * in_w);
  gssize crop_h = 0, crop_w = 0;
  g_autofree float *cols = g_new (float, pixels * kk);   /* [H * W, kh * kw * f] */

  graft_layer_conv_transpose_length (in_h, p->kernel[0], p->strides[0], p->dilation[0], p->padding, &crop_h);
  graft_layer_conv_transpose_length (in_w, p->kernel[1], p->strides[1], p->dilation[1], p->padding, &crop_w);

  for (gsize b = 0; b < batch; b++)
    {
      float *dst = out + b * (gsize) (out_h * out_w) * f;

      for (gsize i = 0; i < (gsize) (out_h * out_w); i++)
        {
          if (bias != NULL)
            memcpy (dst + i * f, bias, f * sizeof (float));
          else
            memset (dst + i * f, 0, f * sizeof (float));
        }
      graft_blas_sgemm (FALSE, TRUE, pixels, kk, cin, 1.0f, in + b * pixels * cin, cin,
                        kernel, cin, 0.0f, cols, kk);
      for (gssize iy = 0; iy < in_h; iy++)
        for (gssize ix = 0; ix < in_w; ix++)
          for (gssize ky = 0; ky < p->kernel[0]; ky++)
            {
              gssize oy = iy * p->strides[0] + ky * p->dilation[0] - crop_h;

              if (oy < 0 || oy >= out_h)
                continue;
              for (gssize kx = 0; kx < p->kernel[1]; kx++)
                {
                  gssize ox = ix * p->strides[1] + kx * p->dilation[1] - crop_w;
                  const float *src;
                  float *o;

                  if (ox < 0 || ox >= out_w)
                    continue;
                  src = cols + ((gsize) (iy * in_w + ix)) * kk + ((gsize) (ky * p->kernel[1] + kx)) * f;
                  o = dst + ((gsize) (oy * out_w + ox)) * f;
                  for (gsize c = 0; c < f; c++)
                    o[c] += src[c];
                }
            }
    }
}

gboolean
graft_layer_conv_forward (GraftNode          *node,
                          guint               n_in,
                          GraftTensor *const *in,
                          guint               n_out,
                          GraftTensor *const *out,
                          GError            **error)
{
  GraftConvPriv *p = node->priv;
  GraftShape in_shape, out_shape;
  GraftConvAxis h, w;
  gssize channels, cout;
  gsize batch, in_spatial, out_spatial;
  const float *x = graft_tensor_cfloats (in[0]);
  float *y = graft_tensor_floats (out[0]);
  g_autofree float *x_last = NULL;   /* channels-last copies for channels_first data */
  g_autofree float *y_last = NULL;
  float *dst;
  const float *bias = graft_node_get_weight_data (node, "bias");

  graft_shape_from_tensor (&in_shape, in[0]);
  graft_shape_from_tensor (&out_shape, out[0]);
  graft_layer_conv_geometry (p, &in_shape, &h, &w, &channels);
  batch = (gsize) in_shape.dims[0];
  in_spatial = (gsize) (h.in * w.in);
  out_spatial = graft_shape_n_elements (&out_shape) / MAX (batch, 1);
  cout = p->variant == GRAFT_CONV_DEPTHWISE ? channels * p->multiplier : p->filters;
  out_spatial /= (gsize) MAX (cout, 1);

  if (p->channels_first)
    {
      x_last = g_new (float, batch * in_spatial * (gsize) channels);
      transpose_channels (x, batch, (gsize) channels, in_spatial, TRUE, x_last);
      x = x_last;
      y_last = g_new (float, batch * out_spatial * (gsize) cout);
      dst = y_last;
    }
  else
    dst = y;

  switch (p->variant)
    {
    case GRAFT_CONV_DEPTHWISE:
      depthwise_conv2d_forward (x, batch, &h, &w, (gsize) channels, (gsize) p->multiplier,
                                graft_node_get_weight_data (node, "kernel"), bias, dst);
      break;
    case GRAFT_CONV_SEPARABLE:
      {
        gsize mid = (gsize) (channels * p->multiplier);
        g_autofree float *tmp = g_new (float, batch * (gsize) (h.out * w.out) * mid);

        depthwise_conv2d_forward (x, batch, &h, &w, (gsize) channels, (gsize) p->multiplier,
                                  graft_node_get_weight_data (node, "depthwise_kernel"), NULL, tmp);
        graft_blas_matmul (tmp, graft_node_get_weight_data (node, "pointwise_kernel"), bias,
                           batch * (gsize) (h.out * w.out), mid, (gsize) p->filters, dst);
      }
      break;
    case GRAFT_CONV_TRANSPOSE:
      {
        gssize oh = p->channels_first ? out_shape.dims[2] : out_shape.dims[1];
        gssize ow = p->channels_first ? out_shape.dims[3] : out_shape.dims[2];

        graft_layer_conv_transpose_run (p, x, batch, h.in, w.in, (gsize) channels,
                                        graft_node_get_weight_data (node, "kernel"), bias, oh, ow, dst);
      }
      break;
    case GRAFT_CONV_1D:
    case GRAFT_CONV_2D:
    default:
      conv2d_forward (x, batch, &h, &w, (gsize) channels, graft_node_get_weight_data (node, "kernel"),
                      bias, (gsize) p->filters, (gsize) p->groups, dst);
      break;
    }

  graft_activation_apply (p->activation, dst, batch * out_spatial * (gsize) cout, (gsize) cout);
  if (p->channels_first)
    transpose_channels (y_last, batch, (gsize) cout, out_spatial, FALSE, y);
  return TRUE;
}
