/* graft-layout.c: converting tensors between PyTorch's and Keras's layouts
 *
 * The same layer keeps its weights in different layouts in the two
 * frameworks: a Linear's weight is (out, in) and a Dense kernel (in, out);
 * a Conv2d's is (O, I, kh, kw) and a Conv2D kernel (kh, kw, I, O); a GRU
 * orders its gates r, z, n and Keras z, r, h; an LSTM has two biases that
 * Keras sums into one; attention packs query, key and value in one matrix;
 * and the first Linear after a Flatten sees its inputs in C·H·W order
 * where Keras flattens H·W·C. Each conversion here is one entry: the shape
 * it makes and, for every element of the result, where it comes from. So
 * each is exact (a permutation, a transpose or a sum), and the same entry
 * runs backwards (graft_layout_scatter()) to write PyTorch's layout.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-layout"

#include "config.h"

#include "graft-layout.h"

#include <string.h>

#include "graft-error.h"
#include "graft-limits.h"
#include "graft-tensor.h"

typedef gboolean (*GraftLayoutShapeFunc) (const GraftLayoutParams *p,
                                          guint                    rank,
                                          const gsize             *in,
                                          guint                   *out_rank,
                                          gsize                   *out);
/* Where element @coord of the result comes from: a flat index into
 * source *which (0 or 1). */
typedef gsize    (*GraftLayoutIndexFunc) (const GraftLayoutParams *p,
                                          guint                    rank,
                                          const gsize             *in,
                                          const gsize             *coord,
                                          guint                   *which);

struct GraftLayout
{
  const char           *name;
  const char           *label;
  guint                 n_sources;
  gboolean              sum;        /* the two sources' elements are added */
  GraftLayoutShapeFunc  shape;
  GraftLayoutIndexFunc  index;
};

static gsize
graft_layout_flat (guint        rank,
                   const gsize *shape,
                   const gsize *coord)
{
  gsize i = 0;

  for (guint k = 0; k < rank; k++)
    i = i * shape[k] + coord[k];
  return i;
}

/* copy */

static gboolean
graft_layout_same_shape (const GraftLayoutParams *p, guint rank, const gsize *in,
                         guint *out_rank, gsize *out)
{
  *out_rank = rank;
  memcpy (out, in, rank * sizeof (gsize));
  return TRUE;
}

static gsize
graft_layout_same_index (const GraftLayoutParams *p, guint rank, const gsize *in,
                         const gsize *coord, guint *which)
{
  return graft_layout_flat (rank, in, coord);
}

/* Axis permutations: result axis k is source axis perm[k]. A 2-D
 * transpose is (1, 0); a convolution kernel (O, I, spatial…) becomes
 * (spatial…, I, O); a transposed convolution's (I, O, kh, kw) becomes
 * (kh, kw, O, I), the same permutation. */

static void
graft_layout_perm (guint  rank,
                   guint *perm)
{
  if (rank == 2)
    {
      perm[0] = 1, perm[1] = 0;
      return;
    }
  for (guint k = 0; k + 2 < rank; k++)
    perm[k] = k + 2;
  perm[rank - 2] = 1;
  perm[rank - 1] = 0;
}

static gboolean
graft_layout_perm_shape (const GraftLayoutParams *p, guint rank, const gsize *in,
                         guint *out_rank, gsize *out)
{
  guint perm[GRAFT_MAX_RANK];

  if (rank < 2)
    return FALSE;
  graft_layout_perm (rank, perm);
  *out_rank = rank;
  for (guint k = 0; k < rank; k++)
    out[k] = in[perm[k]];
  return TRUE;
}

static gsize
graft_layout_perm_index (const GraftLayoutParams *p, guint rank, const gsize *in,
                         const gsize *coord, guint *which)
{
  guint perm[GRAFT_MAX_RANK];
  gsize src[GRAFT_MAX_RANK];

  graft_layout_perm (rank, perm);
  for (guint k = 0; k < rank; k++)
    src[perm[k]] = coord[k];
  return graft_layout_flat (rank, in, src);
}

static gboolean
graft_layout_transpose_shape (const GraftLayoutParams *p, guint rank, const gsize *in,
                              guint *out_rank, gsize *out)
{
  return rank == 2 && graft_layout_perm_shape (p, rank, in, out_rank, out);
}

static gboolean
graft_layout_conv_shape (const GraftLayoutParams *p, guint rank, const gsize *in,
                         guint *out_rank, gsize *out)
{
  return rank >= 3 && graft_layout_perm_shape (p, rank, in, out_rank, out);
}

/* depthwise: (C·M, 1, kh, kw) → (kh, kw, C, M); output channel c·M + m */

static gboolean
graft_layout_depthwise_shape (const GraftLayoutParams *p, guint rank, const gsize *in,
                              guint *out_rank, gsize *out)
{
  if (rank != 4 || in[1] != 1 || p->in_channels == 0 || in[0] % p->in_channels != 0)
    return FALSE;
  *out_rank = 4;
  out[0] = in[2], out[1] = in[3], out[2] = p->in_channels, out[3] = in[0] / p->in_channels;
  return TRUE;
}

static gsize
graft_layout_depthwise_index (const GraftLayoutParams *p, guint rank, const gsize *in,
                              const gsize *coord, guint *which)
{
  gsize m = in[0] / p->in_channels;
  gsize src[4] = { coord[2] * m + coord[3], 0, coord[0], coord[1] };

  return graft_layout_flat (4, in, src);
}

/* flatten: (out, C·H·W) → (H·W·C, out) */

static gboolean
graft_layout_flatten_shape (const GraftLayoutParams *p, guint rank, const gsize *in,
                            guint *out_rank, gsize *out)
{
  if (rank != 2 || p->chw[0] * p->chw[1] * p->chw[2] != in[1] || in[1] == 0)
    return FALSE;
  *out_rank = 2;
  out[0] = in[1], out[1] = in[0];
  return TRUE;
}

static gsize
graft_layout_flatten_index (const GraftLayoutParams *p, guint rank, const gsize *in,
                            const gsize *coord, guint *which)
{
  gsize c_n = p->chw[0], h_n = p->chw[1], w_n = p->chw[2];
  gsize r = coord[0];
  gsize c = r % c_n, hw = r / c_n;
  gsize h = hw / w_n, w = hw % w_n;

  return coord[1] * in[1] + (c * h_n + h) * w_n + w;
}

/* GRU: gate blocks r, z, n (PyTorch) against z, r, h (Keras) */

static gsize
graft_layout_gru_row (gsize row,
                      gsize n_rows)
{
  gsize h = n_rows / 3;

  return row < h ? row + h : row < 2 * h ? row - h : row;
}

static gboolean
graft_layout_gru_kernel_shape (const GraftLayoutParams *p, guint rank, const gsize *in,
                               guint *out_rank, gsize *out)
{
  return rank == 2 && in[0] % 3 == 0 && graft_layout_perm_shape (p, rank, in, out_rank, out);
}

static gsize
graft_layout_gru_kernel_index (const GraftLayoutParams *p, guint rank, const gsize *in,
                               const gsize *coord, guint *which)
{
  return graft_layout_gru_row (coord[1], in[0]) * in[1] + coord[0];
}

static gboolean
graft_layout_gru_bias_shape (const GraftLayoutParams *p, guint rank, const gsize *in,
                             guint *out_rank, gsize *out)
{
  if (rank != 1 || in[0] % 3 != 0)
    return FALSE;
  *out_rank = 2;
  out[0] = 2, out[1] = in[0];
  return TRUE;
}

static gsize
graft_layout_gru_bias_index (const GraftLayoutParams *p, guint rank, const gsize *in,
                             const gsize *coord, guint *which)
{
  *which = coord[0];
  return graft_layout_gru_row (coord[1], in[0]);
}

/* LSTM: b_ih + b_hh */

static gboolean
graft_layout_vector_shape (const GraftLayoutParams *p, guint rank, const gsize *in,
                           guint *out_rank, gsize *out)
{
  return rank == 1 && graft_layout_same_shape (p, rank, in, out_rank, out);
}

/* Multi-head attention: in_proj (3d, d) → one of query, key, value as
 * (d, heads, head_dim); out_proj (d, heads·head_dim) → (heads, head_dim, d) */

static gboolean
graft_layout_mha_heads_ok (const GraftLayoutParams *p,
                           gsize                    d)
{
  return p->heads > 0 && p->head_dim > 0 && (gsize) p->heads * p->head_dim == d && p->part < 3;
}

static gboolean
graft_layout_mha_in_shape (const GraftLayoutParams *p, guint rank, const gsize *in,
                           guint *out_rank, gsize *out)
{
  if (rank != 2 || in[0] != 3 * in[1] || !graft_layout_mha_heads_ok (p, in[1]))
    return FALSE;
  *out_rank = 3;
  out[0] = in[1], out[1] = p->heads, out[2] = p->head_dim;
  return TRUE;
}

static gsize
graft_layout_mha_in_index (const GraftLayoutParams *p, guint rank, const gsize *in,
                           const gsize *coord, guint *which)
{
  gsize row = p->part * in[1] + coord[1] * p->head_dim + coord[2];

  return row * in[1] + coord[0];
}

static gboolean
graft_layout_mha_in_bias_shape (const GraftLayoutParams *p, guint rank, const gsize *in,
                                guint *out_rank, gsize *out)
{
  if (rank != 1 || in[0] % 3 != 0 || !graft_layout_mha_heads_ok (p, in[0] / 3))
    return FALSE;
  *out_rank = 2;
  out[0] = p->heads, out[1] = p->head_dim;
  return TRUE;
}

static gsize
graft_layout_mha_in_bias_index (const GraftLayoutParams *p, guint rank, const gsize *in,
                                const gsize *coord, guint *which)
{
  return p->part * (in[0] / 3) + coord[0] * p->head_dim + coord[1];
}

static gboolean
graft_layout_mha_out_shape (const GraftLayoutParams *p, guint rank, const gsize *in,
                            guint *out_rank, gsize *out)
{
  if (rank != 2 || !graft_layout_mha_heads_ok (p, in[1]))
    return FALSE;
  *out_rank = 3;
  out[0] = p->heads, out[1] = p->head_dim, out[2] = in[0];
  return TRUE;
}

static gsize
graft_layout_mha_out_index (const GraftLayoutParams *p, guint rank, const gsize *in,
                            const gsize *coord, guint *which)
{
  return coord[2] * in[1] + coord[0] * p->head_dim + coord[1];
}

static const GraftLayout graft_layouts[] = {
  { "copy", "as is", 1, FALSE, graft_layout_same_shape, graft_layout_same_index },
  { "transpose", "transposed (out, in) → (in, out)", 1, FALSE,
    graft_layout_transpose_shape, graft_layout_perm_index },
  { "conv_oiw_to_wio", "Conv1d (O, I, k) → (k, I, O)", 1, FALSE,
    graft_layout_conv_shape, graft_layout_perm_index },
  { "conv_oihw_to_hwio", "Conv2d (O, I, kh, kw) → (kh, kw, I, O)", 1, FALSE,
    graft_layout_conv_shape, graft_layout_perm_index },
  { "conv_oidhw_to_dhwio", "Conv3d (O, I, kd, kh, kw) → (kd, kh, kw, I, O)", 1, FALSE,
    graft_layout_conv_shape, graft_layout_perm_index },
  { "depthwise_to_hwcm", "depthwise (C·M, 1, kh, kw) → (kh, kw, C, M)", 1, FALSE,
    graft_layout_depthwise_shape, graft_layout_depthwise_index },
  { "convtranspose_iohw_to_hwoi", "ConvTranspose2d (I, O, kh, kw) → (kh, kw, O, I)", 1, FALSE,
    graft_layout_conv_shape, graft_layout_perm_index },
  { "flatten_chw_to_hwc", "after Flatten: rows C·H·W → H·W·C, transposed", 1, FALSE,
    graft_layout_flatten_shape, graft_layout_flatten_index },
  { "gru_kernel", "GRU gates r,z,n → z,r,h, transposed", 1, FALSE,
    graft_layout_gru_kernel_shape, graft_layout_gru_kernel_index },
  { "gru_bias", "GRU biases (input, recurrent) stacked, gates r,z,n → z,r,h", 2, FALSE,
    graft_layout_gru_bias_shape, graft_layout_gru_bias_index },
  { "lstm_bias_sum", "LSTM b_ih + b_hh", 2, TRUE, graft_layout_vector_shape,
    graft_layout_same_index },
  { "mha_in_proj_split", "in_proj_weight split → (d, heads, head_dim)", 1, FALSE,
    graft_layout_mha_in_shape, graft_layout_mha_in_index },
  { "mha_in_proj_bias_split", "in_proj_bias split → (heads, head_dim)", 1, FALSE,
    graft_layout_mha_in_bias_shape, graft_layout_mha_in_bias_index },
  { "mha_out", "out_proj (d, heads·head_dim) → (heads, head_dim, d)", 1, FALSE,
    graft_layout_mha_out_shape, graft_layout_mha_out_index },
};

/**
 * graft_layout_find:
 * @name: a conversion's name ("conv_oihw_to_hwio")
 *
 * Returns: (nullable): the conversion, or %NULL
 */
const GraftLayout *
graft_layout_find (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (graft_layouts); i++)
    if (g_strcmp0 (graft_layouts[i].name, name) == 0)
      return &graft_layouts[i];
  return NULL;
}

const char *
graft_layout_get_name (const GraftLayout *layout)
{
  return layout->name;
}

guint
graft_layout_get_n_sources (const GraftLayout *layout)
{
  return layout->n_sources;
}

/**
 * graft_layout_get_shape:
 * @shape: (out caller-allocates) (array fixed-size=8): the result's shape
 *
 * Returns: whether @layout applies to a tensor of @source's shape, and the
 *   shape it makes of it
 */
gboolean
graft_layout_get_shape (const GraftLayout       *layout,
                        const GraftLayoutParams *params,
                        GraftTensor             *source,
                        guint                   *rank,
                        gsize                   *shape)
{
  return layout->shape (params, graft_tensor_get_rank (source), graft_tensor_get_shape (source),
                        rank, shape);
}

/**
 * graft_layout_describe:
 *
 * Returns: (transfer full): what the conversion does, in words, with its
 *   parameters ("after Flatten: … (C, H, W) = (16, 6, 6)")
 */
char *
graft_layout_describe (const GraftLayout       *layout,
                       const GraftLayoutParams *params)
{
  static const char *const parts[] = { "query", "key", "value" };

  if (g_str_equal (layout->name, "flatten_chw_to_hwc"))
    return g_strdup_printf ("%s, (C, H, W) = (%" G_GSIZE_FORMAT ", %" G_GSIZE_FORMAT ", %"
                            G_GSIZE_FORMAT ")", layout->label, params->chw[0], params->chw[1],
                            params->chw[2]);
  if (g_str_has_prefix (layout->name, "mha_in"))
    return g_strdup_printf ("%s, %s part, %u heads of %u", layout->label,
                            parts[MIN (params->part, 2)], params->heads, params->head_dim);
  if (g_str_equal (layout->name, "depthwise_to_hwcm"))
    return g_strdup_printf ("%s, C = %u", layout->label, params->in_channels);
  return g_strdup (layout->label);
}

/* Calls @func for every element of the result: its flat index, the
 * source it comes from and the flat index there. */
static void
graft_layout_walk (const GraftLayout       *layout,
                   const GraftLayoutParams *params,
                   guint                    in_rank,
                   const gsize             *in,
                   guint                    out_rank,
                   const gsize             *out,
                   void                   (*func) (gsize i, guint which, gsize j, gpointer data),
                   gpointer                 data)
{
  gsize coord[GRAFT_MAX_RANK] = { 0 };
  gsize n = 1;

  for (guint k = 0; k < out_rank; k++)
    n *= out[k];
  for (gsize i = 0; i < n; i++)
    {
      guint which = 0;
      gsize j = layout->index (params, in_rank, in, coord, &which);

      func (i, which, j, data);
      for (guint k = out_rank; k > 0; k--)
        {
          if (++coord[k - 1] < out[k - 1])
            break;
          coord[k - 1] = 0;
        }
    }
}

typedef struct
{
  const float *a, *b;
  float       *out;
  gboolean     sum;
} GraftLayoutGather;

static void
graft_layout_gather_one (gsize i, guint which, gsize j, gpointer data)
{
  GraftLayoutGather *g = data;

  g->out[i] = g->sum ? g->a[j] + g->b[j] : (which ? g->b : g->a)[j];
}

/**
 * graft_layout_apply:
 * @source: the PyTorch tensor
 * @source2: (nullable): the second one, for conversions of two tensors
 *   (LSTM and GRU biases), of the same shape
 *
 * Returns: (transfer full): the Keras tensor, float32, or %NULL with
 *   @error set (%GRAFT_ERROR_SHAPE naming the shapes when the conversion
 *   does not apply to them)
 */
GraftTensor *
graft_layout_apply (const GraftLayout       *layout,
                    const GraftLayoutParams *params,
                    GraftTensor             *source,
                    GraftTensor             *source2,
                    GError                 **error)
{
  g_autofree float *a = NULL;
  g_autofree float *b = NULL;
  gsize shape[GRAFT_MAX_RANK];
  guint rank;
  GraftLayoutGather g = { 0 };
  GraftTensor *result;

  if (!graft_layout_get_shape (layout, params, source, &rank, shape) ||
      (layout->n_sources == 2 && (source2 == NULL || !graft_tensor_same_shape (source, source2))))
    {
      g_autofree char *s = graft_tensor_format_shape (source);

      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_SHAPE,
                   "the conversion %s does not apply to a tensor of shape %s", layout->name, s);
      return NULL;
    }
  a = graft_tensor_dup_float (source, error);
  if (a == NULL)
    return NULL;
  if (layout->n_sources == 2)
    {
      b = graft_tensor_dup_float (source2, error);
      if (b == NULL)
        return NULL;
    }
  result = graft_tensor_new (GRAFT_DTYPE_FLOAT32, rank, shape);
  g.a = a, g.b = b, g.sum = layout->sum;
  g.out = graft_tensor_get_data_mutable (result);
  graft_layout_walk (layout, params, graft_tensor_get_rank (source), graft_tensor_get_shape (source),
                     rank, shape, graft_layout_gather_one, &g);
  return result;
}

typedef struct
{
  const float *keras;
  float       *a, *b;
  gboolean     sum;
} GraftLayoutScatter;

static void
graft_layout_scatter_one (gsize i, guint which, gsize j, gpointer data)
{
  GraftLayoutScatter *s = data;
  float *dest = which ? s->b : s->a;

  if (s->sum)
    {
      float other = s->b != NULL ? s->b[j] : 0.0f;

      /* (a + b) - b is not always a in floating point: keep a value of
       * @torch that already sums to the Keras one. */
      if (s->a[j] + other != s->keras[i])
        s->a[j] = s->keras[i] - other;
    }
  else if (dest != NULL)
    dest[j] = s->keras[i];
}

/**
 * graft_layout_scatter:
 * @keras: a Keras tensor this conversion makes
 * @torch_shape: (array length=rank): the PyTorch tensor's shape
 * @torch: (array): the PyTorch tensor's values, float32, row-major;
 *   the elements the conversion reads are written
 * @torch2: (nullable) (array): the second tensor of a two-tensor conversion
 *
 * Runs the conversion backwards. A summed LSTM bias is split as @torch2
 * already splits it: @torch gets the sum less @torch2 (all of it when
 * @torch2 is %NULL: PyTorch adds the two, so the function is the same),
 * and keeps its own value when that already adds up;
 * attention's query, key and value each fill their third of in_proj.
 *
 * Returns: %FALSE with %GRAFT_ERROR_SHAPE when @keras is not what the
 *   conversion makes of @torch_shape
 */
gboolean
graft_layout_scatter (const GraftLayout       *layout,
                      const GraftLayoutParams *params,
                      GraftTensor             *keras,
                      guint                    rank,
                      const gsize             *torch_shape,
                      float                   *torch,
                      float                   *torch2,
                      GError                 **error)
{
  gsize shape[GRAFT_MAX_RANK];
  guint out_rank;
  g_autofree float *values = NULL;
  GraftLayoutScatter s;

  if (!layout->shape (params, rank, torch_shape, &out_rank, shape) ||
      out_rank != graft_tensor_get_rank (keras) ||
      memcmp (shape, graft_tensor_get_shape (keras), out_rank * sizeof (gsize)) != 0)
    {
      g_autofree char *ks = graft_tensor_format_shape (keras);
      g_autofree char *ts = graft_shape_format (rank, torch_shape);

      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_SHAPE,
                   "the conversion %s does not make %s of a PyTorch tensor %s", layout->name, ks, ts);
      return FALSE;
    }
  values = graft_tensor_dup_float (keras, error);
  if (values == NULL)
    return FALSE;
  s.keras = values, s.a = torch, s.b = torch2, s.sum = layout->sum;
  graft_layout_walk (layout, params, rank, torch_shape, out_rank, shape, graft_layout_scatter_one, &s);
  return TRUE;
}
