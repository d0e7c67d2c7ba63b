/* graft-layer-concatenate.c: the Concatenate layer kind
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-layer-concatenate"

#include "config.h"

#include "graft-layer-ops-private.h"

#include <string.h>

#include "graft-error.h"
#include "graft-tensor.h"

typedef struct
{
  gint64 axis;
} GraftConcatenatePriv;

static gboolean
graft_layer_concatenate_setup (GraftNode   *node,
                               JsonObject  *config,
                               GError     **error)
{
  GraftConcatenatePriv *p = g_new0 (GraftConcatenatePriv, 1);

  node->priv = p;
  p->axis = graft_config_get_int (config, "axis", -1);
  return TRUE;
}

static gboolean
graft_layer_concatenate_infer (GraftNode         *node,
                               guint              n_in,
                               const GraftShape  *in,
                               guint             *n_out,
                               GraftShape        *out,
                               GError           **error)
{
  GraftConcatenatePriv *p = node->priv;
  gint64 axis = p->axis < 0 ? (gint64) in[0].rank + p->axis : p->axis;

  if (n_in < 1 || axis < 1 || axis >= (gint64) in[0].rank)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_SHAPE, "layer '%s': bad inputs or axis", node->name);
      return FALSE;
    }
  *n_out = 1;
  out[0] = in[0];
  for (guint i = 1; i < n_in; i++)
    {
      if (in[i].rank != in[0].rank)
        {
          g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_SHAPE, "layer '%s': inputs differ in rank", node->name);
          return FALSE;
        }
      for (guint d = 1; d < in[0].rank; d++)
        if ((gint64) d != axis && in[i].dims[d] >= 0 && in[0].dims[d] >= 0 && in[i].dims[d] != in[0].dims[d])
          {
            g_autofree char *a = graft_shape_to_string (&in[0]);
            g_autofree char *b = graft_shape_to_string (&in[i]);

            g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_SHAPE,
                         "layer '%s': cannot concatenate %s and %s", node->name, a, b);
            return FALSE;
          }
      out[0].dims[axis] = (out[0].dims[axis] < 0 || in[i].dims[axis] < 0) ? -1
                          : out[0].dims[axis] + in[i].dims[axis];
    }
  return TRUE;
}

static gboolean
graft_layer_concatenate_forward (GraftNode          *node,
                                 guint               n_in,
                                 GraftTensor *const *in,
                                 guint               n_out,
                                 GraftTensor *const *out,
                                 GError            **error)
{
  GraftConcatenatePriv *p = node->priv;
  guint rank = graft_tensor_get_rank (out[0]);
  guint axis = (guint) (p->axis < 0 ? (gint64) rank + p->axis : p->axis);
  gsize outer = 1, inner_out = 1, offset = 0;
  float *y = graft_tensor_floats (out[0]);

  for (guint d = 0; d < axis; d++)
    outer *= graft_tensor_get_dim (out[0], d);
  for (guint d = axis; d < rank; d++)
    inner_out *= graft_tensor_get_dim (out[0], d);
  for (guint i = 0; i < n_in; i++)
    {
      gsize inner = graft_tensor_get_n_elements (in[i]) / MAX (outer, 1);
      const float *x = graft_tensor_cfloats (in[i]);

      for (gsize o = 0; o < outer; o++)
        memcpy (y + o * inner_out + offset, x + o * inner, inner * sizeof (float));
      offset += inner;
    }
  return TRUE;
}

const GraftLayerClass graft_layer_concatenate_class = {
  .class_name = "Concatenate",
  .setup = graft_layer_concatenate_setup,
  .infer = graft_layer_concatenate_infer,
  .forward = graft_layer_concatenate_forward,
};
