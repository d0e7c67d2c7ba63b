/* graft-layer-dense.c: the Dense layer kind: one GEMM (GEMV for a single row)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-layer-dense"

#include "config.h"

#include "graft-layer-ops-private.h"

#include "graft-dtype.h"
#include "graft-error.h"
#include "graft-keras-quant.h"
#include "graft-tensor.h"
#include "graft-blas-private.h"

typedef struct
{
  gint64           units;
  gboolean         use_bias;
  GraftActivation  activation;
  GraftQuantMode   quant;      /* model.quantize(): how the inputs are quantized too */
} GraftDensePriv;

static gboolean
graft_layer_dense_setup (GraftNode   *node,
                         JsonObject  *config,
                         GError     **error)
{
  GraftDensePriv *p = g_new0 (GraftDensePriv, 1);

  node->priv = p;
  p->units = graft_config_get_int (config, "units", 0);
  p->use_bias = graft_config_get_bool (config, "use_bias", TRUE);
  p->quant = graft_keras_quant_mode (config, NULL);
  if (p->units < 1)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT, "layer '%s': units must be positive", node->name);
      return FALSE;
    }
  return graft_activation_parse (node, config, "activation", &p->activation, error);
}

static gboolean
graft_layer_dense_infer (GraftNode         *node,
                         guint              n_in,
                         const GraftShape  *in,
                         guint             *n_out,
                         GraftShape        *out,
                         GError           **error)
{
  GraftDensePriv *p = node->priv;

  if (!graft_shape_check_rank (node, &in[0], 2, GRAFT_MAX_RANK, error))
    return FALSE;
  *n_out = 1;
  out[0] = in[0];
  out[0].dims[in[0].rank - 1] = p->units;
  return TRUE;
}

static gboolean
graft_layer_dense_build (GraftNode         *node,
                         guint              n_in,
                         const GraftShape  *in,
                         GError           **error)
{
  GraftDensePriv *p = node->priv;
  gsize shape[2];

  if (!graft_shape_check_rank (node, &in[0], 2, GRAFT_MAX_RANK, error) ||
      !graft_shape_check_known (node, &in[0], in[0].rank - 1, error))
    return FALSE;
  shape[0] = (gsize) in[0].dims[in[0].rank - 1];
  shape[1] = (gsize) p->units;
  graft_node_add_weight (node, "kernel", 2, shape, "kernel_initializer", TRUE);
  if (p->use_bias)
    graft_node_add_weight (node, "bias", 1, shape + 1, "bias_initializer", TRUE);
  if (p->quant == GRAFT_QUANT_FLOAT8)
    graft_node_add_weight (node, "inputs_scale", 0, shape, "ones", FALSE);
  return TRUE;
}

/* Dense applies to the last axis; every other axis is a row of the product. */
static gboolean
graft_layer_dense_forward (GraftNode          *node,
                           guint               n_in,
                           GraftTensor *const *in,
                           guint               n_out,
                           GraftTensor *const *out,
                           GError            **error)
{
  GraftDensePriv *p = node->priv;
  guint rank = graft_tensor_get_rank (in[0]);
  gsize k = graft_tensor_get_dim (in[0], rank - 1);
  gsize rows = graft_tensor_get_n_elements (in[0]) / MAX (k, 1);
  float *y = graft_tensor_floats (out[0]);   /* [rows, units] */
  const float *x = graft_tensor_cfloats (in[0]);
  const float *bias = graft_node_get_weight_data (node, "bias");
  g_autofree float *xq = NULL;
  g_autofree float *bq = NULL;

  /* Quantized layers run on the kernel's real values and quantize their
   * inputs as Keras does: int8 per row, float8 through its input scale,
   * with the bias rounded to bfloat16. */
  x = graft_quant_layer_inputs (node, p->quant, x, rows, k, &xq);
  if (p->quant == GRAFT_QUANT_FLOAT8 && bias != NULL)
    {
      bq = g_new (float, p->units);
      for (gint64 j = 0; j < p->units; j++)
        bq[j] = graft_quant_layer_bias (p->quant, bias[j]);
      bias = bq;
    }
  graft_blas_matmul (x, graft_node_get_weight_data (node, "kernel"), bias, rows, k, (gsize) p->units, y);
  graft_activation_apply (p->activation, y, rows * (gsize) p->units, (gsize) p->units);
  return TRUE;
}

const GraftLayerClass graft_layer_dense_class = {
  .class_name = "Dense",
  .setup = graft_layer_dense_setup,
  .infer = graft_layer_dense_infer,
  .build = graft_layer_dense_build,
  .forward = graft_layer_dense_forward,
  .compute_mask = graft_layer_mask_keep,
};
