/* graft-layer-group-normalization.c: the GroupNormalization layer kind
 *
 * The channels of one axis fall into equal groups of neighbours. Each
 * sample's values in one group, over every other non-batch axis, share a
 * mean and a variance: y = (x - mean) / sqrt(var + epsilon) * gamma + beta,
 * with gamma and beta per channel.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-layer-group-normalization"

#include "config.h"

#include "graft-layer-axes-private.h"
#include "graft-layer-ops-private.h"

#include <math.h>

#include "graft-error.h"
#include "graft-tensor.h"

typedef struct
{
  GraftAxes  axes;
  gint64     groups;    /* as configured: -1 is one group per channel */
  double     epsilon;
  gboolean   center;
  gboolean   scale;
} GraftGroupNormPriv;

/* Where the channels of an input shaped @shape are and how they group. */
typedef struct
{
  guint  axis;
  gsize  channels;
  gsize  groups;
} GraftGroupNormGeometry;

static gboolean
graft_layer_group_normalization_setup (GraftNode   *node,
                                       JsonObject  *config,
                                       GError     **error)
{
  GraftGroupNormPriv *p = g_new0 (GraftGroupNormPriv, 1);

  node->priv = p;
  if (!graft_axes_parse (node, config, &p->axes, error))
    return FALSE;
  if (p->axes.n != 1)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED,
                   "layer '%s': GroupNormalization takes one channel axis, not %u",
                   node->name, p->axes.n);
      return FALSE;
    }
  p->groups = graft_config_get_int (config, "groups", 32);
  if (p->groups == 0 || p->groups < -1)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT,
                   "layer '%s': groups is %" G_GINT64_FORMAT
                   "; it must be positive, or -1 for one group per channel",
                   node->name, p->groups);
      return FALSE;
    }
  p->epsilon = graft_config_get_double (config, "epsilon", 1e-3);
  p->center = graft_config_get_bool (config, "center", TRUE);
  p->scale = graft_config_get_bool (config, "scale", TRUE);
  return TRUE;
}

/* Fills @geo for @shape, whose channel count must be known, and refuses
 * channels that the groups do not divide evenly (as Keras's build does). */
static gboolean
graft_layer_group_normalization_geometry (GraftNode              *node,
                                          const GraftShape       *shape,
                                          GraftGroupNormGeometry *geo,
                                          GError                **error)
{
  GraftGroupNormPriv *p = node->priv;
  g_autofree char *text = NULL;

  if (!graft_axes_resolve (node, &p->axes, shape, &geo->axis, error) ||
      !graft_shape_check_known (node, shape, geo->axis, error))
    return FALSE;
  geo->channels = (gsize) shape->dims[geo->axis];
  geo->groups = p->groups == -1 ? geo->channels : (gsize) p->groups;
  if (geo->groups > 0 && geo->groups <= geo->channels && geo->channels % geo->groups == 0)
    return TRUE;
  text = graft_shape_to_string (shape);
  g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_SHAPE,
               "layer '%s': the %" G_GSIZE_FORMAT " channels on axis %u of its input %s "
               "do not split into %" G_GSIZE_FORMAT " groups of equal size",
               node->name, geo->channels, geo->axis, text, geo->groups);
  return FALSE;
}

static gboolean
graft_layer_group_normalization_infer (GraftNode         *node,
                                       guint              n_in,
                                       const GraftShape  *in,
                                       guint             *n_out,
                                       GraftShape        *out,
                                       GError           **error)
{
  GraftGroupNormPriv *p = node->priv;
  GraftGroupNormGeometry geo;
  guint axis;

  if (!graft_axes_resolve (node, &p->axes, &in[0], &axis, error))
    return FALSE;
  /* An unknown channel count is refused when the layer is built. */
  if (in[0].dims[axis] < 0)
    return graft_layer_infer_same (node, n_in, in, n_out, out, error);
  if (!graft_layer_group_normalization_geometry (node, &in[0], &geo, error))
    return FALSE;
  /* A shared layer must meet the channel count it was built for. */
  for (guint i = 0; i < node->weights->len; i++)
    {
      GraftNodeWeight *w = g_ptr_array_index (node->weights, i);

      if (w->shape[0] != geo.channels)
        {
          g_autofree char *text = graft_shape_to_string (&in[0]);

          g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_SHAPE,
                       "layer '%s': its input %s has %" G_GSIZE_FORMAT " channels on axis %u, "
                       "but its %s has %" G_GSIZE_FORMAT, node->name, text, geo.channels,
                       geo.axis, w->name, w->shape[0]);
          return FALSE;
        }
    }
  return graft_layer_infer_same (node, n_in, in, n_out, out, error);
}

static gboolean
graft_layer_group_normalization_build (GraftNode         *node,
                                       guint              n_in,
                                       const GraftShape  *in,
                                       GError           **error)
{
  GraftGroupNormPriv *p = node->priv;
  GraftGroupNormGeometry geo;
  gsize shape[1];

  if (!graft_layer_group_normalization_geometry (node, &in[0], &geo, error))
    return FALSE;
  shape[0] = geo.channels;
  if (p->scale)
    graft_node_add_weight (node, "gamma", 1, shape, "gamma_initializer", TRUE);
  if (p->center)
    graft_node_add_weight (node, "beta", 1, shape, "beta_initializer", TRUE);
  return TRUE;
}

static gboolean
graft_layer_group_normalization_forward (GraftNode          *node,
                                         guint               n_in,
                                         GraftTensor *const *in,
                                         guint               n_out,
                                         GraftTensor *const *out,
                                         GError            **error)
{
  GraftGroupNormPriv *p = node->priv;
  const float *gamma = graft_node_get_weight_data (node, "gamma");
  const float *beta = graft_node_get_weight_data (node, "beta");
  const float *x;
  float *y;
  gsize n = graft_layer_unary_floats (in, out, &x, &y);
  GraftGroupNormGeometry geo;
  GraftShape shape;
  gsize outer = 1, inner = 1, per_group, sample, count;

  graft_shape_from_tensor (&shape, in[0]);
  if (!graft_layer_group_normalization_geometry (node, &shape, &geo, error))
    return FALSE;
  /* One sample is [outer][channels][inner]; a group is per_group channels. */
  for (guint d = 1; d < geo.axis; d++)
    outer *= (gsize) shape.dims[d];
  for (guint d = geo.axis + 1; d < shape.rank; d++)
    inner *= (gsize) shape.dims[d];
  per_group = geo.channels / geo.groups;
  sample = outer * geo.channels * inner;
  count = outer * per_group * inner;
  if (sample == 0)
    return TRUE;

  for (gsize s = 0; s < n / sample; s++)
    for (gsize g = 0; g < geo.groups; g++)
      {
        const float *xs = x + s * sample;
        float *ys = y + s * sample;
        gsize first = g * per_group;
        double mean = 0.0, var = 0.0;
        float inv;

        for (gsize o = 0; o < outer; o++)
          for (gsize c = first; c < first + per_group; c++)
            for (gsize i = 0; i < inner; i++)
              mean += xs[(o * geo.channels + c) * inner + i];
        mean /= (double) count;
        for (gsize o = 0; o < outer; o++)
          for (gsize c = first; c < first + per_group; c++)
            for (gsize i = 0; i < inner; i++)
              {
                double d = xs[(o * geo.channels + c) * inner + i] - mean;

                var += d * d;
              }
        var /= (double) count;
        inv = (float) (1.0 / sqrt (var + p->epsilon));
        for (gsize o = 0; o < outer; o++)
          for (gsize c = first; c < first + per_group; c++)
            {
              float mul = inv * (gamma != NULL ? gamma[c] : 1.0f);
              float add = beta != NULL ? beta[c] : 0.0f;

              for (gsize i = 0; i < inner; i++)
                {
                  gsize at = (o * geo.channels + c) * inner + i;

                  ys[at] = (float) (xs[at] - mean) * mul + add;
                }
            }
      }
  return TRUE;
}

const GraftLayerClass graft_layer_group_normalization_class = {
  .class_name = "GroupNormalization",
  .setup = graft_layer_group_normalization_setup,
  .infer = graft_layer_group_normalization_infer,
  .build = graft_layer_group_normalization_build,
  .forward = graft_layer_group_normalization_forward,
  .compute_mask = graft_layer_mask_keep,
};
