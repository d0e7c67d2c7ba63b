/* graft-layer-unit-normalization.c: the UnitNormalization layer kind
 *
 * Scales each sample to an L2 norm of one over the configured axes, which
 * need not be next to each other: y = x / sqrt(max(sum(x²), 1e-12)), the
 * floor keeping an all-zero slice at zero. No weights.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-layer-unit-normalization"

#include "config.h"

#include "graft-layer-axes-private.h"
#include "graft-layer-ops-private.h"

#include <math.h>

#include "graft-tensor.h"

/* Keras's floor under the sum of squares. */
#define GRAFT_UNIT_NORM_MIN_SQUARES 1e-12

typedef struct
{
  GraftAxes axes;
} GraftUnitNormPriv;

/* Walks an index over @rank axes of sizes @dims, last axis fastest, and
 * keeps @key, the position of the slice the element belongs to. */
typedef struct
{
  guint  rank;
  gsize  dims[GRAFT_MAX_RANK];
  gsize  stride[GRAFT_MAX_RANK];   /* in slices; 0 on a reduced axis */
  gsize  at[GRAFT_MAX_RANK];
  gsize  key;
} GraftUnitNormWalk;

static gsize
graft_unit_norm_walk_init (GraftUnitNormWalk *walk,
                           const GraftShape  *shape,
                           const guint       *axes,
                           guint              n_axes)
{
  gsize slices = 1;

  walk->rank = shape->rank;
  walk->key = 0;
  for (guint d = shape->rank; d-- > 0;)
    {
      gboolean reduced = FALSE;

      for (guint i = 0; i < n_axes; i++)
        reduced = reduced || axes[i] == d;
      walk->dims[d] = (gsize) shape->dims[d];
      walk->stride[d] = reduced ? 0 : slices;
      walk->at[d] = 0;
      if (!reduced)
        slices *= walk->dims[d];
    }
  return slices;
}

static void
graft_unit_norm_walk_next (GraftUnitNormWalk *walk)
{
  for (guint d = walk->rank; d-- > 0;)
    {
      walk->key += walk->stride[d];
      if (++walk->at[d] < walk->dims[d])
        return;
      walk->key -= walk->stride[d] * walk->dims[d];
      walk->at[d] = 0;
    }
}

static gboolean
graft_layer_unit_normalization_setup (GraftNode   *node,
                                      JsonObject  *config,
                                      GError     **error)
{
  GraftUnitNormPriv *p = g_new0 (GraftUnitNormPriv, 1);

  node->priv = p;
  return graft_axes_parse (node, config, &p->axes, error);
}

static gboolean
graft_layer_unit_normalization_infer (GraftNode         *node,
                                      guint              n_in,
                                      const GraftShape  *in,
                                      guint             *n_out,
                                      GraftShape        *out,
                                      GError           **error)
{
  GraftUnitNormPriv *p = node->priv;
  guint axes[GRAFT_MAX_RANK];

  if (!graft_axes_resolve (node, &p->axes, &in[0], axes, error))
    return FALSE;
  return graft_layer_infer_same (node, n_in, in, n_out, out, error);
}

static gboolean
graft_layer_unit_normalization_forward (GraftNode          *node,
                                        guint               n_in,
                                        GraftTensor *const *in,
                                        guint               n_out,
                                        GraftTensor *const *out,
                                        GError            **error)
{
  GraftUnitNormPriv *p = node->priv;
  const float *x;
  float *y;
  gsize n = graft_layer_unary_floats (in, out, &x, &y);
  guint axes[GRAFT_MAX_RANK];
  GraftShape shape;
  GraftUnitNormWalk walk;
  g_autofree double *squares = NULL;
  gsize slices;

  graft_shape_from_tensor (&shape, in[0]);
  if (!graft_axes_resolve (node, &p->axes, &shape, axes, error))
    return FALSE;
  if (n == 0)
    return TRUE;
  slices = graft_unit_norm_walk_init (&walk, &shape, axes, p->axes.n);
  squares = g_new0 (double, slices);   /* [slices] */
  for (gsize i = 0; i < n; i++, graft_unit_norm_walk_next (&walk))
    squares[walk.key] += (double) x[i] * x[i];
  /* Each slice's sum becomes its scale. */
  for (gsize s = 0; s < slices; s++)
    squares[s] = 1.0 / sqrt (MAX (squares[s], GRAFT_UNIT_NORM_MIN_SQUARES));
  graft_unit_norm_walk_init (&walk, &shape, axes, p->axes.n);
  for (gsize i = 0; i < n; i++, graft_unit_norm_walk_next (&walk))
    y[i] = (float) (x[i] * squares[walk.key]);
  return TRUE;
}

const GraftLayerClass graft_layer_unit_normalization_class = {
  .class_name = "UnitNormalization",
  .setup = graft_layer_unit_normalization_setup,
  .infer = graft_layer_unit_normalization_infer,
  .forward = graft_layer_unit_normalization_forward,
  .compute_mask = graft_layer_mask_keep,
};
