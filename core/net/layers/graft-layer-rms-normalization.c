/* graft-layer-rms-normalization.c: the RMSNormalization layer kind
 *
 * Divides each slice over the configured axes by its root mean square and
 * multiplies by a learnt scale of the slice's shape:
 * y = x / sqrt(mean(x²) + epsilon) * scale. Keras lines the scale up with
 * the last axes of the input, so those are the axes Graft accepts.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-layer-rms-normalization"

#include "config.h"

#include "graft-layer-axes-private.h"
#include "graft-layer-ops-private.h"

#include <math.h>

#include "graft-error.h"
#include "graft-tensor.h"

typedef struct
{
  GraftAxes  axes;
  double     epsilon;
} GraftRmsNormPriv;

static gboolean
graft_layer_rms_normalization_setup (GraftNode   *node,
                                     JsonObject  *config,
                                     GError     **error)
{
  GraftRmsNormPriv *p = g_new0 (GraftRmsNormPriv, 1);

  node->priv = p;
  p->epsilon = graft_config_get_double (config, "epsilon", 1e-6);
  return graft_axes_parse (node, config, &p->axes, error);
}

/* The first normalised axis of @shape; the rest follow it to the end. */
static gboolean
graft_layer_rms_normalization_first_axis (GraftNode         *node,
                                          const GraftShape  *shape,
                                          guint             *first,
                                          GError           **error)
{
  GraftRmsNormPriv *p = node->priv;
  guint axes[GRAFT_MAX_RANK];
  g_autofree char *text = NULL;

  if (!graft_axes_resolve (node, &p->axes, shape, axes, error))
    return FALSE;
  *first = shape->rank - p->axes.n;
  if (axes[0] == *first)
    return TRUE;
  text = graft_shape_to_string (shape);
  g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED,
               "layer '%s': normalising axes that are not the last ones of its input %s; "
               "Keras multiplies its scale into the last axes", node->name, text);
  return FALSE;
}

static gboolean
graft_layer_rms_normalization_infer (GraftNode         *node,
                                     guint              n_in,
                                     const GraftShape  *in,
                                     guint             *n_out,
                                     GraftShape        *out,
                                     GError           **error)
{
  GraftNodeWeight *scale = graft_node_find_weight (node, "scale");
  gboolean same;
  guint first;

  if (!graft_layer_rms_normalization_first_axis (node, &in[0], &first, error))
    return FALSE;
  /* A shared layer must meet the shape it was built for. */
  same = scale == NULL || scale->rank == in[0].rank - first;
  for (guint d = first; same && d < in[0].rank; d++)
    same = in[0].dims[d] < 0 || (gsize) in[0].dims[d] == scale->shape[d - first];
  if (!same)
    {
      g_autofree char *text = graft_shape_to_string (&in[0]);
      g_autofree char *want = graft_shape_format (scale->rank, scale->shape);

      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_SHAPE,
                   "layer '%s': its input %s does not end in the shape %s of its scale",
                   node->name, text, want);
      return FALSE;
    }
  return graft_layer_infer_same (node, n_in, in, n_out, out, error);
}

static gboolean
graft_layer_rms_normalization_build (GraftNode         *node,
                                     guint              n_in,
                                     const GraftShape  *in,
                                     GError           **error)
{
  gsize shape[GRAFT_MAX_RANK];
  guint first;

  if (!graft_layer_rms_normalization_first_axis (node, &in[0], &first, error))
    return FALSE;
  for (guint d = first; d < in[0].rank; d++)
    {
      if (!graft_shape_check_known (node, &in[0], d, error))
        return FALSE;
      shape[d - first] = (gsize) in[0].dims[d];
    }
  graft_node_add_weight (node, "scale", in[0].rank - first, shape, "ones", TRUE);
  return TRUE;
}

static gboolean
graft_layer_rms_normalization_forward (GraftNode          *node,
                                       guint               n_in,
                                       GraftTensor *const *in,
                                       guint               n_out,
                                       GraftTensor *const *out,
                                       GError            **error)
{
  GraftRmsNormPriv *p = node->priv;
  const float *scale = graft_node_get_weight_data (node, "scale");
  const float *x;
  float *y;
  gsize n = graft_layer_unary_floats (in, out, &x, &y);
  GraftShape shape;
  gsize len = 1;
  guint first;

  graft_shape_from_tensor (&shape, in[0]);
  if (!graft_layer_rms_normalization_first_axis (node, &shape, &first, error))
    return FALSE;
  for (guint d = first; d < shape.rank; d++)
    len *= (gsize) shape.dims[d];
  if (len == 0)
    return TRUE;

  for (gsize r = 0; r < n / len; r++)
    {
      const float *xr = x + r * len;
      float *yr = y + r * len;
      double squares = 0.0;
      float inv;

      for (gsize i = 0; i < len; i++)
        squares += (double) xr[i] * xr[i];
      inv = (float) (1.0 / sqrt (squares / (double) len + p->epsilon));
      for (gsize i = 0; i < len; i++)
        yr[i] = xr[i] * inv * (scale != NULL ? scale[i] : 1.0f);
    }
  return TRUE;
}

const GraftLayerClass graft_layer_rms_normalization_class = {
  .class_name = "RMSNormalization",
  .setup = graft_layer_rms_normalization_setup,
  .infer = graft_layer_rms_normalization_infer,
  .build = graft_layer_rms_normalization_build,
  .forward = graft_layer_rms_normalization_forward,
};
