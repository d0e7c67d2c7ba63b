/* graft-layer-einsum-dense.c: the EinsumDense layer kind
 *
 * Keras's EinsumDense contracts its input with a kernel along an einsum
 * equation. The equations models use ("abc,cde->abde" for attention's
 * projections, "ab,bc->ac", "abcd,cde->abe", "abc,cd->abd") all read: the
 * input's free letters, then the contracted ones; the kernel's contracted
 * letters, then its free ones; the output, the input's free letters then
 * the kernel's. Such an equation is one GEMM: [rows, k] · [k, n]. Other
 * equations are refused, naming the equation. The bias covers the output's
 * last letters (bias_axes). Quantized layers quantize their inputs as
 * Dense does.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-layer-einsum-dense"

#include "config.h"

#include "graft-layer-ops-private.h"

#include <string.h>

#include "graft-dtype.h"
#include "graft-error.h"
#include "graft-keras-quant.h"
#include "graft-tensor.h"
#include "graft-blas-private.h"

typedef struct
{
  char            *in, *kernel, *out, *bias_axes;
  guint            n_free_in, n_contract, n_free_k;
  gssize           out_dims[GRAFT_MAX_RANK];  /* output_shape, without the batch */
  guint            n_out_dims;
  GraftActivation  activation;
  GraftQuantMode   quant;
} GraftEinsumPriv;

static void
graft_layer_einsum_dense_clear (GraftNode *node)
{
  GraftEinsumPriv *p = node->priv;

  if (p == NULL)
    return;
  g_free (p->in);
  g_free (p->kernel);
  g_free (p->out);
  g_free (p->bias_axes);
}

static gboolean
graft_layer_einsum_dense_setup (GraftNode   *node,
                                JsonObject  *config,
                                GError     **error)
{
  GraftEinsumPriv *p = g_new0 (GraftEinsumPriv, 1);
  const char *equation = graft_config_get_string (config, "equation", NULL);
  g_auto(GStrv) sides = NULL;
  g_auto(GStrv) operands = NULL;
  GraftShape shape = { 0 };
  gsize nc = 0;

  node->priv = p;
  p->quant = graft_keras_quant_mode (config, NULL);
  if (equation != NULL)
    sides = g_strsplit (equation, "->", 2);
  if (sides != NULL && sides[0] != NULL && sides[1] != NULL)
    operands = g_strsplit (sides[0], ",", 3);
  if (operands == NULL || g_strv_length (operands) != 2)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT, "layer '%s': no einsum equation", node->name);
      return FALSE;
    }
  p->in = g_strdup (operands[0]);
  p->kernel = g_strdup (operands[1]);
  p->out = g_strdup (sides[1]);
  /* Contracted letters: the kernel's letters not in the output, which
   * must end the input and start the kernel, in the same order. */
  while (nc < strlen (p->kernel) && strchr (p->out, p->kernel[nc]) == NULL)
    nc++;
  p->n_contract = nc;
  p->n_free_in = strlen (p->in) >= nc ? strlen (p->in) - nc : 0;
  p->n_free_k = strlen (p->kernel) - nc;
  if (nc == 0 || strlen (p->in) < nc || strncmp (p->in + p->n_free_in, p->kernel, nc) != 0 ||
      strlen (p->out) != p->n_free_in + p->n_free_k ||
      strncmp (p->out, p->in, p->n_free_in) != 0 ||
      strcmp (p->out + p->n_free_in, p->kernel + nc) != 0 || strlen (p->out) > GRAFT_MAX_RANK)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED,
                   "layer '%s': the einsum equation '%s' is not one Graft runs (input free "
                   "letters, then contracted; kernel contracted, then free)", node->name, equation);
      return FALSE;
    }
  if (!graft_config_get_shape (config, "output_shape", &shape))
    {
      /* A single number is allowed too. */
      gint64 n = graft_config_get_int (config, "output_shape", -1);

      shape.rank = 1;
      shape.dims[0] = n;
    }
  p->n_out_dims = shape.rank;
  memcpy (p->out_dims, shape.dims, shape.rank * sizeof (gssize));
  if (p->n_out_dims != strlen (p->out) - 1)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT,
                   "layer '%s': output_shape has %u dimensions for the equation's output '%s'",
                   node->name, p->n_out_dims, p->out);
      return FALSE;
    }
  p->bias_axes = g_strdup (graft_config_get_string (config, "bias_axes", NULL));
  if (p->bias_axes != NULL &&
      (strlen (p->bias_axes) > p->n_free_k ||
       strcmp (p->out + strlen (p->out) - strlen (p->bias_axes), p->bias_axes) != 0))
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED,
                   "layer '%s': bias_axes '%s' are not the output's last kernel letters", node->name,
                   p->bias_axes);
      return FALSE;
    }
  return graft_activation_parse (node, config, "activation", &p->activation, error);
}

static gboolean
graft_layer_einsum_dense_infer (GraftNode         *node,
                                guint              n_in,
                                const GraftShape  *in,
                                guint             *n_out,
                                GraftShape        *out,
                                GError           **error)
{
  GraftEinsumPriv *p = node->priv;

  if (in[0].rank != strlen (p->in))
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_SHAPE,
                   "layer '%s': input of rank %u for the equation's '%s'", node->name, in[0].rank, p->in);
      return FALSE;
    }
  *n_out = 1;
  out[0].rank = strlen (p->out);
  for (guint i = 0; i < p->n_free_in; i++)
    out[0].dims[i] = in[0].dims[i];
  for (guint i = 0; i < p->n_free_k; i++)
    out[0].dims[p->n_free_in + i] = p->out_dims[p->n_free_in + i - 1];
  return TRUE;
}

static gboolean
graft_layer_einsum_dense_build (GraftNode         *node,
                                guint              n_in,
                                const GraftShape  *in,
                                GError           **error)
{
  GraftEinsumPriv *p = node->priv;
  gsize shape[GRAFT_MAX_RANK], bias[GRAFT_MAX_RANK];
  guint nb = p->bias_axes ? strlen (p->bias_axes) : 0;

  for (guint i = 0; i < p->n_contract; i++)
    {
      if (!graft_shape_check_known (node, &in[0], p->n_free_in + i, error))
        return FALSE;
      shape[i] = (gsize) in[0].dims[p->n_free_in + i];
    }
  for (guint i = 0; i < p->n_free_k; i++)
    {
      gssize d = p->out_dims[p->n_free_in + i - 1];

      if (d < 1)
        {
          g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT,
                       "layer '%s': output_shape leaves a kernel axis unknown", node->name);
          return FALSE;
        }
      shape[p->n_contract + i] = (gsize) d;
    }
  graft_node_add_weight (node, "kernel", p->n_contract + p->n_free_k, shape, "kernel_initializer", TRUE);
  for (guint i = 0; i < nb; i++)
    bias[i] = shape[p->n_contract + p->n_free_k - nb + i];
  if (nb > 0)
    graft_node_add_weight (node, "bias", nb, bias, "bias_initializer", TRUE);
  if (p->quant == GRAFT_QUANT_FLOAT8)
    graft_node_add_weight (node, "inputs_scale", 0, shape, "ones", FALSE);
  return TRUE;
}

static gboolean
graft_layer_einsum_dense_forward (GraftNode          *node,
                                  guint               n_in,
                                  GraftTensor *const *in,
                                  guint               n_out,
                                  GraftTensor *const *out,
                                  GError            **error)
{
  GraftEinsumPriv *p = node->priv;
  gsize rows = 1, k = 1, n = 1, nb = 1;
  const float *x = graft_tensor_cfloats (in[0]);
  const float *bias = graft_node_get_weight_data (node, "bias");
  float *y = graft_tensor_floats (out[0]);
  g_autofree float *xq = NULL;
  g_autofree float *full_bias = NULL;
  guint rank = graft_tensor_get_rank (out[0]);

  for (guint i = 0; i < p->n_free_in; i++)
    rows *= graft_tensor_get_dim (in[0], i);
  for (guint i = 0; i < p->n_contract; i++)
    k *= graft_tensor_get_dim (in[0], p->n_free_in + i);
  for (guint i = 0; i < p->n_free_k; i++)
    n *= graft_tensor_get_dim (out[0], p->n_free_in + i);
  x = graft_quant_layer_inputs (node, p->quant, x, rows, k, &xq);
  if (bias != NULL)
    {
      /* The bias covers the output's last letters: repeat it over the rest
       * of the kernel's free axes. */
      for (guint i = rank - strlen (p->bias_axes); i < rank; i++)
        nb *= graft_tensor_get_dim (out[0], i);
      full_bias = g_new (float, n);
      for (gsize j = 0; j < n; j++)
        full_bias[j] = graft_quant_layer_bias (p->quant, bias[j % nb]);
    }
  graft_blas_matmul (x, graft_node_get_weight_data (node, "kernel"), full_bias, rows, k, n, y);
  graft_activation_apply (p->activation, y, rows * n, n);
  return TRUE;
}

const GraftLayerClass graft_layer_einsum_dense_class = {
  .class_name = "EinsumDense",
  .setup = graft_layer_einsum_dense_setup,
  .clear = graft_layer_einsum_dense_clear,
  .infer = graft_layer_einsum_dense_infer,
  .build = graft_layer_einsum_dense_build,
  .forward = graft_layer_einsum_dense_forward,
  .compute_mask = graft_layer_mask_keep,
};
