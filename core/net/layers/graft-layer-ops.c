/* graft-layer-ops.c: math shared by the layer kinds
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-layer-ops"

#include "config.h"

#include "graft-layer-ops-private.h"

#include <math.h>
#include <string.h>

#include "graft-blas-private.h"
#include "graft-error.h"
#include "graft-tensor.h"

/* Bounds the im2col buffer so it stays in cache-friendly pieces. */
#define GRAFT_IM2COL_MAX_FLOATS (1u << 20)

float *
graft_tensor_floats (GraftTensor *tensor)
{
  return graft_tensor_get_data_mutable (tensor);
}

const float *
graft_tensor_cfloats (GraftTensor *tensor)
{
  /* Activations are always in memory, so this cannot fail. */
  return graft_tensor_get_data (tensor, NULL);
}

gboolean
graft_activation_from_name (const char      *name,
                            GraftActivation *act)
{
  static const struct { const char *name; GraftActivation act; } table[] = {
    { "linear", GRAFT_ACT_LINEAR }, { "relu", GRAFT_ACT_RELU }, { "relu6", GRAFT_ACT_RELU6 },
    { "sigmoid", GRAFT_ACT_SIGMOID }, { "tanh", GRAFT_ACT_TANH }, { "softmax", GRAFT_ACT_SOFTMAX },
    { "log_softmax", GRAFT_ACT_LOG_SOFTMAX }, { "elu", GRAFT_ACT_ELU }, { "selu", GRAFT_ACT_SELU },
    { "gelu", GRAFT_ACT_GELU }, { "swish", GRAFT_ACT_SWISH }, { "silu", GRAFT_ACT_SWISH },
    { "softplus", GRAFT_ACT_SOFTPLUS }, { "softsign", GRAFT_ACT_SOFTSIGN },
    { "hard_sigmoid", GRAFT_ACT_HARD_SIGMOID }, { "hard_silu", GRAFT_ACT_HARD_SWISH },
    { "hard_swish", GRAFT_ACT_HARD_SWISH }, { "leaky_relu", GRAFT_ACT_LEAKY_RELU },
    { "exponential", GRAFT_ACT_EXPONENTIAL }, { "mish", GRAFT_ACT_MISH },
  };

  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    if (g_str_equal (name, table[i].name))
      {
        *act = table[i].act;
        return TRUE;
      }
  return FALSE;
}

/* "activation" is a name, null, or (Keras 3) a serialized function. */
gboolean
graft_activation_parse (GraftNode       *node,
                        JsonObject      *config,
                        const char      *key,
                        GraftActivation *act,
                        GError         **error)
{
  JsonNode *value = json_object_get_member (config, key);
  const char *name = NULL;

  *act = GRAFT_ACT_LINEAR;
  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    return TRUE;
  if (json_node_get_value_type (value) == G_TYPE_STRING)
    name = json_node_get_string (value);
  else if (JSON_NODE_HOLDS_OBJECT (value))
    {
      JsonObject *object = json_node_get_object (value);

      name = graft_config_get_string (object, "config", NULL);
      if (name == NULL)
        name = graft_config_get_string (object, "class_name", NULL);
    }
  if (name != NULL && graft_activation_from_name (name, act))
    return TRUE;
  g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED,
               "layer '%s': activation '%s' cannot run in Graft", node->name, name ? name : "?");
  return FALSE;
}

void
softmax_forward (float *x,
                 gsize  outer,
                 gsize  axis_len,
                 gsize  inner)
{
  for (gsize o = 0; o < outer; o++)
    for (gsize i = 0; i < inner; i++)
      {
        float *p = x + o * axis_len * inner + i;
        float max = -INFINITY, sum = 0.0f;

        for (gsize a = 0; a < axis_len; a++)
          max = MAX (max, p[a * inner]);
        for (gsize a = 0; a < axis_len; a++)
          {
            p[a * inner] = expf (p[a * inner] - max);
            sum += p[a * inner];
          }
        for (gsize a = 0; a < axis_len; a++)
          p[a * inner] /= sum;
      }
}

static inline float
sigmoid (float x)
{
  return 1.0f / (1.0f + expf (-x));
}

static inline float
softplus (float x)
{
  /* log1p(exp(x)) without overflow. */
  return x > 0.0f ? x + log1pf (expf (-x)) : log1pf (expf (x));
}

/* Applies @act to x[n] in place; softmax runs over the last axis of length @inner. */
void
graft_activation_apply (GraftActivation  act,
                        float           *x,
                        gsize            n,
                        gsize            inner)
{
  const float selu_alpha = 1.67326324235437728481f, selu_scale = 1.05070098735548049342f;

  switch (act)
    {
    case GRAFT_ACT_LINEAR:
      return;
    case GRAFT_ACT_SOFTMAX:
      softmax_forward (x, n / MAX (inner, 1), inner, 1);
      return;
    case GRAFT_ACT_LOG_SOFTMAX:
      for (gsize o = 0; o < n / MAX (inner, 1); o++)
        {
          float *p = x + o * inner, max = -INFINITY, sum = 0.0f;

          for (gsize i = 0; i < inner; i++)
            max = MAX (max, p[i]);
          for (gsize i = 0; i < inner; i++)
            sum += expf (p[i] - max);
          for (gsize i = 0; i < inner; i++)
            p[i] = p[i] - max - logf (sum);
        }
      return;
    default:
      break;
    }

  for (gsize i = 0; i < n; i++)
    {
      float v = x[i];

      switch (act)
        {
        case GRAFT_ACT_RELU: v = MAX (v, 0.0f); break;
        case GRAFT_ACT_RELU6: v = CLAMP (v, 0.0f, 6.0f); break;
        case GRAFT_ACT_SIGMOID: v = sigmoid (v); break;
        case GRAFT_ACT_TANH: v = tanhf (v); break;
        case GRAFT_ACT_ELU: v = v > 0.0f ? v : expm1f (v); break;
        case GRAFT_ACT_SELU: v = selu_scale * (v > 0.0f ? v : selu_alpha * expm1f (v)); break;
        case GRAFT_ACT_GELU: v = 0.5f * v * (1.0f + erff (v * (float) G_SQRT2 / 2.0f)); break;
        case GRAFT_ACT_GELU_TANH:
          v = 0.5f * v * (1.0f + tanhf (0.7978845608028654f * (v + 0.044715f * v * v * v)));
          break;
        case GRAFT_ACT_SWISH: v = v * sigmoid (v); break;
        case GRAFT_ACT_SOFTPLUS: v = softplus (v); break;
        case GRAFT_ACT_SOFTSIGN: v = v / (1.0f + fabsf (v)); break;
        /* Keras 3's hard_sigmoid is relu6(x + 3) / 6. */
        case GRAFT_ACT_HARD_SIGMOID: v = CLAMP (v + 3.0f, 0.0f, 6.0f) / 6.0f; break;
        case GRAFT_ACT_HARD_SWISH: v = v * CLAMP (v + 3.0f, 0.0f, 6.0f) / 6.0f; break;
        case GRAFT_ACT_LEAKY_RELU: v = v > 0.0f ? v : 0.2f * v; break;
        case GRAFT_ACT_EXPONENTIAL: v = expf (v); break;
        case GRAFT_ACT_MISH: v = v * tanhf (softplus (v)); break;
        default: break;
        }
      x[i] = v;
    }
}

gboolean
graft_padding_parse (GraftNode     *node,
                     JsonObject    *config,
                     GraftPadding  *padding,
                     GError       **error)
{
  const char *name = graft_config_get_string (config, "padding", "valid");

  if (g_ascii_strcasecmp (name, "valid") == 0)
    *padding = GRAFT_PADDING_VALID;
  else if (g_ascii_strcasecmp (name, "same") == 0)
    *padding = GRAFT_PADDING_SAME;
  else if (g_ascii_strcasecmp (name, "causal") == 0)
    *padding = GRAFT_PADDING_CAUSAL;
  else
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED,
                   "layer '%s': padding '%s' cannot run in Graft", node->name, name);
      return FALSE;
    }
  return TRUE;
}

/* Output length and leading padding as TensorFlow and Keras define them:
 * "same" puts the odd padding element at the end, "causal" pads only the
 * start. An unknown input length gives an unknown output length. */
void
graft_conv_axis_init (GraftConvAxis *axis,
                      gssize         in,
                      gssize         kernel,
                      gssize         stride,
                      gssize         dilation,
                      GraftPadding   padding)
{
  gssize k_eff = (kernel - 1) * dilation + 1;

  axis->in = in;
  axis->kernel = kernel;
  axis->stride = stride;
  axis->dilation = dilation;
  axis->pad_before = 0;
  if (in < 0)
    {
      axis->out = -1;
      return;
    }
  switch (padding)
    {
    case GRAFT_PADDING_SAME:
      axis->out = (in + stride - 1) / stride;
      axis->pad_before = MAX ((axis->out - 1) * stride + k_eff - in, 0) / 2;
      break;
    case GRAFT_PADDING_CAUSAL:
      axis->out = (in + stride - 1) / stride;
      axis->pad_before = k_eff - 1;
      if (stride > 1)
        axis->out = (in + k_eff - 1 - k_eff) / stride + 1;
      break;
    case GRAFT_PADDING_VALID:
    default:
      axis->out = in >= k_eff ? (in - k_eff) / stride + 1 : 0;
      break;
    }
}

/* col [rows, kh * kw * cin] for output pixels first .. first + rows of one
 * image; cin is the group's channels, starting at channel c0 of c_total. */
static void
im2col (const float         *in,    /* [H, W, c_total] */
        const GraftConvAxis *h,
        const GraftConvAxis *w,
        gsize                c_total,
        gsize                c0,
        gsize                cin,
        gsize                first,
        gsize                rows,
        float               *col)
{
  gsize k = (gsize) (h->kernel * w->kernel) * cin;

  for (gsize r = 0; r < rows; r++)
    {
      gssize oh = (gssize) ((first + r) / (gsize) w->out);
      gssize ow = (gssize) ((first + r) % (gsize) w->out);
      float *dst = col + r * k;

      for (gssize ky = 0; ky < h->kernel; ky++)
        {
          gssize iy = oh * h->stride - h->pad_before + ky * h->dilation;

          for (gssize kx = 0; kx < w->kernel; kx++, dst += cin)
            {
              gssize ix = ow * w->stride - w->pad_before + kx * w->dilation;

              if (iy < 0 || iy >= h->in || ix < 0 || ix >= w->in)
                memset (dst, 0, cin * sizeof (float));
              else
                memcpy (dst, in + ((gsize) iy * (gsize) w->in + (gsize) ix) * c_total + c0,
                        cin * sizeof (float));
            }
        }
    }
}

void
conv2d_forward (const float         *in,      /* [batch, H, W, channels] */
                gsize                batch,
                const GraftConvAxis *h,
                const GraftConvAxis *w,
                gsize                channels,
                const float         *kernel,  /* [kh, kw, channels / groups, filters] */
                const float         *bias,    /* [filters] or NULL */
                gsize                filters,
                gsize                groups,
                float               *out)     /* [batch, OH, OW, filters] */
{
  gsize cin = channels / groups, fout = filters / groups;
  gsize k = (gsize) (h->kernel * w->kernel) * cin;
  gsize pixels = (gsize) (h->out * w->out);
  gsize in_pixels = (gsize) (h->in * w->in);
  gboolean pointwise = h->kernel == 1 && w->kernel == 1 && h->stride == 1 && w->stride == 1 &&
                       groups == 1;
  gsize chunk = MAX (GRAFT_IM2COL_MAX_FLOATS / MAX (k, 1), 1);
  g_autofree float *col = NULL;  /* [chunk, k] */

  if (bias != NULL)
    for (gsize p = 0; p < batch * pixels; p++)
      memcpy (out + p * filters, bias, filters * sizeof (float));

  /* A 1x1 convolution is a plain product on the input. */
  if (pointwise)
    {
      graft_blas_sgemm (FALSE, FALSE, batch * pixels, filters, channels, 1.0f, in, channels,
                        kernel, filters, bias != NULL ? 1.0f : 0.0f, out, filters);
      return;
    }

  col = g_new (float, MIN (chunk, pixels) * k);
  for (gsize b = 0; b < batch; b++)
    for (gsize g = 0; g < groups; g++)
      for (gsize first = 0; first < pixels; first += chunk)
        {
          gsize rows = MIN (chunk, pixels - first);

          im2col (in + b * in_pixels * channels, h, w, channels, g * cin, cin, first, rows, col);
          /* Each group's kernel is columns g * fout .. of the [k, filters] matrix. */
          graft_blas_sgemm (FALSE, FALSE, rows, fout, k, 1.0f, col, k, kernel + g * fout, filters,
                            bias != NULL ? 1.0f : 0.0f,
                            out + (b * pixels + first) * filters + g * fout, filters);
        }
}

void
depthwise_conv2d_forward (const float         *in,      /* [batch, H, W, channels] */
                          gsize                batch,
                          const GraftConvAxis *h,
                          const GraftConvAxis *w,
                          gsize                channels,
                          gsize                multiplier,
                          const float         *kernel,  /* [kh, kw, channels, multiplier] */
                          const float         *bias,    /* [channels * multiplier] or NULL */
                          float               *out)     /* [batch, OH, OW, channels * multiplier] */
{
  gsize cout = channels * multiplier;

  for (gsize b = 0; b < batch; b++)
    for (gssize oh = 0; oh < h->out; oh++)
      for (gssize ow = 0; ow < w->out; ow++)
        {
          float *dst = out + ((b * (gsize) h->out + (gsize) oh) * (gsize) w->out + (gsize) ow) * cout;

          if (bias != NULL)
            memcpy (dst, bias, cout * sizeof (float));
          else
            memset (dst, 0, cout * sizeof (float));
          for (gssize ky = 0; ky < h->kernel; ky++)
            {
              gssize iy = oh * h->stride - h->pad_before + ky * h->dilation;

              if (iy < 0 || iy >= h->in)
                continue;
              for (gssize kx = 0; kx < w->kernel; kx++)
                {
                  gssize ix = ow * w->stride - w->pad_before + kx * w->dilation;
                  const float *src, *kern;

                  if (ix < 0 || ix >= w->in)
                    continue;
                  src = in + ((b * (gsize) h->in + (gsize) iy) * (gsize) w->in + (gsize) ix) * channels;
                  kern = kernel + ((gsize) ky * (gsize) w->kernel + (gsize) kx) * cout;
                  if (multiplier == 1)
                    for (gsize c = 0; c < channels; c++)
                      dst[c] += src[c] * kern[c];
                  else
                    for (gsize c = 0; c < channels; c++)
                      for (gsize m = 0; m < multiplier; m++)
                        dst[c * multiplier + m] += src[c] * kern[c * multiplier + m];
                }
            }
        }
}

void
transpose_channels (const float *in,
                    gsize        batch,
                    gsize        channels,
                    gsize        spatial,
                    gboolean     to_last,
                    float       *out)
{
  for (gsize b = 0; b < batch; b++)
    {
      const float *src = in + b * channels * spatial;
      float *dst = out + b * channels * spatial;

      for (gsize c = 0; c < channels; c++)
        for (gsize s = 0; s < spatial; s++)
          {
            if (to_last)
              dst[s * channels + c] = src[c * spatial + s];
            else
              dst[c * spatial + s] = src[s * channels + c];
          }
    }
}

gboolean
graft_broadcast_shape (GraftNode        *node,
                       const GraftShape *a,
                       const GraftShape *b,
                       GraftShape       *out,
                       GError          **error)
{
  out->rank = MAX (a->rank, b->rank);
  for (guint i = 0; i < out->rank; i++)
    {
      gssize da = i < out->rank - a->rank ? 1 : a->dims[i - (out->rank - a->rank)];
      gssize db = i < out->rank - b->rank ? 1 : b->dims[i - (out->rank - b->rank)];

      if (da == db || db == 1)
        out->dims[i] = da;
      else if (da == 1)
        out->dims[i] = db;
      else if (da < 0 || db < 0)
        out->dims[i] = MAX (da, db);
      else
        {
          g_autofree char *sa = graft_shape_to_string (a);
          g_autofree char *sb = graft_shape_to_string (b);

          g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_SHAPE,
                       "layer '%s': inputs %s and %s do not broadcast", node->name, sa, sb);
          return FALSE;
        }
    }
  return TRUE;
}

static inline float
binary_apply (GraftBinaryOp op,
              float         x,
              float         y)
{
  switch (op)
    {
    case GRAFT_BINARY_ADD: return x + y;
    case GRAFT_BINARY_SUB: return x - y;
    case GRAFT_BINARY_MUL: return x * y;
    case GRAFT_BINARY_MAX: return MAX (x, y);
    case GRAFT_BINARY_MIN: return MIN (x, y);
    default: return 0.0f;
    }
}

void
binary_forward (GraftBinaryOp     op,
                const float      *a,
                const GraftShape *a_shape,
                const float      *b,
                const GraftShape *b_shape,
                float            *out,
                const GraftShape *out_shape)
{
  gsize n = graft_shape_n_elements (out_shape);
  gsize a_strides[GRAFT_MAX_RANK], b_strides[GRAFT_MAX_RANK];
  gsize sa = 1, sb = 1;
  guint rank = out_shape->rank;

  /* Equal shapes (the common case) need no index arithmetic. */
  if (graft_shape_n_elements (a_shape) == n && graft_shape_n_elements (b_shape) == n)
    {
      for (gsize i = 0; i < n; i++)
        out[i] = binary_apply (op, a[i], b[i]);
      return;
    }

  for (gint i = (gint) rank - 1; i >= 0; i--)
    {
      gint ia = i - (gint) (rank - a_shape->rank), ib = i - (gint) (rank - b_shape->rank);
      gssize da = ia >= 0 ? a_shape->dims[ia] : 1, db = ib >= 0 ? b_shape->dims[ib] : 1;

      a_strides[i] = da == 1 ? 0 : sa;
      b_strides[i] = db == 1 ? 0 : sb;
      sa *= (gsize) da;
      sb *= (gsize) db;
    }
  for (gsize i = 0; i < n; i++)
    {
      gsize rest = i, oa = 0, ob = 0;

      for (gint d = (gint) rank - 1; d >= 0; d--)
        {
          gsize idx = rest % (gsize) out_shape->dims[d];

          rest /= (gsize) out_shape->dims[d];
          oa += idx * a_strides[d];
          ob += idx * b_strides[d];
        }
      out[i] = binary_apply (op, a[oa], b[ob]);
    }
}

gboolean
graft_layer_setup_none (GraftNode   *node,
                        JsonObject  *config,
                        GError     **error)
{
  return TRUE;
}

gboolean
graft_layer_infer_same (GraftNode         *node,
                        guint              n_in,
                        const GraftShape  *in,
                        guint             *n_out,
                        GraftShape        *out,
                        GError           **error)
{
  *n_out = 1;
  out[0] = in[0];
  return TRUE;
}

gboolean
graft_layer_forward_copy (GraftNode          *node,
                          guint               n_in,
                          GraftTensor *const *in,
                          guint               n_out,
                          GraftTensor *const *out,
                          GError            **error)
{
  memcpy (graft_tensor_floats (out[0]), graft_tensor_cfloats (in[0]),
          graft_tensor_get_n_elements (in[0]) * sizeof (float));
  return TRUE;
}

gsize
graft_layer_unary_floats (GraftTensor *const *in,
                          GraftTensor *const *out,
                          const float       **x,
                          float             **y)
{
  *x = graft_tensor_cfloats (in[0]);
  *y = graft_tensor_floats (out[0]);
  return graft_tensor_get_n_elements (in[0]);
}

/* Layers that support masking without using the mask pass the first
 * input's mask on unchanged (Keras's default compute_mask). */
GraftTensor *
graft_layer_mask_keep (GraftNode          *node,
                       guint               n_in,
                       GraftTensor *const *in,
                       GraftTensor *const *in_masks,
                       guint               output)
{
  if (output != 0 || n_in == 0 || in_masks[0] == NULL)
    return NULL;
  return graft_tensor_ref (in_masks[0]);
}

/* Merge layers: a step is kept when every masked input keeps it. */
GraftTensor *
graft_layer_mask_all (GraftNode          *node,
                      guint               n_in,
                      GraftTensor *const *in,
                      GraftTensor *const *in_masks,
                      guint               output)
{
  GraftTensor *first = NULL;
  GraftTensor *mask;
  float *m;

  for (guint i = 0; i < n_in && first == NULL; i++)
    first = in_masks[i];
  if (output != 0 || first == NULL)
    return NULL;
  mask = graft_tensor_new (GRAFT_DTYPE_FLOAT32, graft_tensor_get_rank (first),
                           graft_tensor_get_shape (first));
  m = graft_tensor_floats (mask);
  for (gsize k = 0; k < graft_tensor_get_n_elements (mask); k++)
    m[k] = 1.0f;
  for (guint i = 0; i < n_in; i++)
    if (in_masks[i] != NULL && graft_tensor_same_shape (in_masks[i], mask))
      {
        const float *o = graft_tensor_cfloats (in_masks[i]);

        for (gsize k = 0; k < graft_tensor_get_n_elements (mask); k++)
          m[k] = m[k] != 0.0f && o[k] != 0.0f ? 1.0f : 0.0f;
      }
  return mask;
}

/* Layers Keras feeds the mask to, but whose masked computation Graft does
 * not have: better refuse than answer differently. */
gboolean
graft_layer_mask_refuse (GraftNode          *node,
                         guint               n_in,
                         GraftTensor *const *in,
                         GraftTensor *const *in_masks,
                         guint               n_out,
                         GraftTensor *const *out,
                         GError            **error)
{
  g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED,
               "layer '%s': %s with a mask (from Embedding mask_zero) cannot run in Graft",
               node->name, node->klass->class_name);
  return FALSE;
}
