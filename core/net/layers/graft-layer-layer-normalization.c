/* graft-layer-layer-normalization.c: the LayerNormalization layer kind over the last axis
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-layer-layer-normalization"

#include "config.h"

#include "graft-layer-ops-private.h"

#include <math.h>

#include "graft-error.h"
#include "graft-tensor.h"

typedef struct
{
  double    epsilon;
  gboolean  center;
  gboolean  scale;
  gboolean  rms;
  gint64    axis;     /* as the config spells it; only the last is supported */
} GraftLayerNormPriv;

static gboolean
graft_layer_layer_normalization_setup (GraftNode   *node,
                                       JsonObject  *config,
                                       GError     **error)
{
  GraftLayerNormPriv *p = g_new0 (GraftLayerNormPriv, 1);
  JsonNode *axis = json_object_get_member (config, "axis");
  gint64 a = -1;

  node->priv = p;
  if (axis != NULL && JSON_NODE_HOLDS_ARRAY (axis))
    {
      if (json_array_get_length (json_node_get_array (axis)) != 1)
        a = 0;
      else
        a = json_array_get_int_element (json_node_get_array (axis), 0);
    }
  else if (axis != NULL)
    a = graft_config_get_int (config, "axis", -1);
  /* Only the usual last-axis normalisation; which axis that is, build
   * knows from the input's rank. */
  p->axis = a;
  if (a == 0)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED,
                   "layer '%s': only the last axis can be normalised", node->name);
      return FALSE;
    }
  p->epsilon = graft_config_get_double (config, "epsilon", 1e-3);
  p->center = graft_config_get_bool (config, "center", TRUE);
  p->scale = graft_config_get_bool (config, "scale", TRUE);
  p->rms = graft_config_get_bool (config, "rms_scaling", FALSE);
  return TRUE;
}

static gboolean
graft_layer_layer_normalization_build (GraftNode         *node,
                                       guint              n_in,
                                       const GraftShape  *in,
                                       GError           **error)
{
  GraftLayerNormPriv *p = node->priv;
  gsize shape[1];

  if (!graft_shape_check_known (node, &in[0], in[0].rank - 1, error))
    return FALSE;
  if ((p->axis < 0 ? p->axis + (gint64) in[0].rank : p->axis) != (gint64) in[0].rank - 1)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED,
                   "layer '%s': axis %" G_GINT64_FORMAT " of a rank-%u input is not its last; "
                   "only the last axis can be normalised", node->name, p->axis, in[0].rank);
      return FALSE;
    }
  shape[0] = (gsize) in[0].dims[in[0].rank - 1];
  if (p->scale)
    graft_node_add_weight (node, "gamma", 1, shape, "gamma_initializer", TRUE);
  if (p->center)
    graft_node_add_weight (node, "beta", 1, shape, "beta_initializer", TRUE);
  return TRUE;
}

static gboolean
graft_layer_layer_normalization_forward (GraftNode          *node,
                                         guint               n_in,
                                         GraftTensor *const *in,
                                         guint               n_out,
                                         GraftTensor *const *out,
                                         GError            **error)
{
  GraftLayerNormPriv *p = node->priv;
  gsize c = graft_tensor_get_dim (in[0], graft_tensor_get_rank (in[0]) - 1);
  gsize rows = graft_tensor_get_n_elements (in[0]) / MAX (c, 1);
  const float *gamma = graft_node_get_weight_data (node, "gamma");
  const float *beta = graft_node_get_weight_data (node, "beta");
  const float *x = graft_tensor_cfloats (in[0]);
  float *y = graft_tensor_floats (out[0]);

  for (gsize r = 0; r < rows; r++)
    {
      const float *xr = x + r * c;
      float *yr = y + r * c;
      double mean = 0.0, var = 0.0;
      float inv;

      for (gsize i = 0; i < c; i++)
        mean += xr[i];
      mean /= (double) c;
      for (gsize i = 0; i < c; i++)
        var += p->rms ? (double) xr[i] * xr[i] : (xr[i] - mean) * (xr[i] - mean);
      var /= (double) c;
      inv = (float) (1.0 / sqrt (var + p->epsilon));
      for (gsize i = 0; i < c; i++)
        {
          float v = p->rms ? xr[i] * inv : (float) (xr[i] - mean) * inv;

          if (gamma != NULL)
            v *= gamma[i];
          if (beta != NULL && !p->rms)
            v += beta[i];
          yr[i] = v;
        }
    }
  return TRUE;
}

const GraftLayerClass graft_layer_layer_normalization_class = {
  .class_name = "LayerNormalization",
  .setup = graft_layer_layer_normalization_setup,
  .infer = graft_layer_infer_same,
  .build = graft_layer_layer_normalization_build,
  .forward = graft_layer_layer_normalization_forward,
  .compute_mask = graft_layer_mask_keep,
};
