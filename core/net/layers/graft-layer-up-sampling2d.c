/* graft-layer-up-sampling2d.c: the UpSampling2D layer kind, nearest neighbour
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-layer-up-sampling2d"

#include "config.h"

#include "graft-layer-ops-private.h"

#include <string.h>

#include "graft-error.h"
#include "graft-tensor.h"

typedef struct
{
  gint64    size[2];
  gboolean  channels_first;
} GraftUpSamplingPriv;

static gboolean
graft_layer_up_sampling2d_setup (GraftNode   *node,
                                 JsonObject  *config,
                                 GError     **error)
{
  GraftUpSamplingPriv *p = g_new0 (GraftUpSamplingPriv, 1);

  node->priv = p;
  p->size[0] = p->size[1] = 2;
  p->channels_first = graft_config_channels_first (config);
  if (g_strcmp0 (graft_config_get_string (config, "interpolation", "nearest"), "nearest") != 0)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED,
                   "layer '%s': only nearest interpolation can run in Graft", node->name);
      return FALSE;
    }
  return graft_config_get_ints (config, "size", 2, p->size, error);
}

static gboolean
graft_layer_up_sampling2d_infer (GraftNode         *node,
                                 guint              n_in,
                                 const GraftShape  *in,
                                 guint             *n_out,
                                 GraftShape        *out,
                                 GError           **error)
{
  GraftUpSamplingPriv *p = node->priv;
  guint hy = p->channels_first ? 2 : 1;

  if (!graft_shape_check_rank (node, &in[0], 4, 4, error))
    return FALSE;
  *n_out = 1;
  out[0] = in[0];
  for (guint i = 0; i < 2; i++)
    out[0].dims[hy + i] = in[0].dims[hy + i] < 0 ? -1 : in[0].dims[hy + i] * p->size[i];
  return TRUE;
}

static gboolean
graft_layer_up_sampling2d_forward (GraftNode          *node,
                                   guint               n_in,
                                   GraftTensor *const *in,
                                   guint               n_out,
                                   GraftTensor *const *out,
                                   GError            **error)
{
  GraftUpSamplingPriv *p = node->priv;
  GraftShape os;
  const float *x = graft_tensor_cfloats (in[0]);
  float *y = graft_tensor_floats (out[0]);
  gsize batch, c, oh, ow, ih, iw;

  graft_shape_from_tensor (&os, out[0]);
  batch = (gsize) os.dims[0];
  c = (gsize) (p->channels_first ? os.dims[1] : os.dims[3]);
  oh = (gsize) os.dims[p->channels_first ? 2 : 1];
  ow = (gsize) os.dims[p->channels_first ? 3 : 2];
  ih = oh / (gsize) p->size[0];
  iw = ow / (gsize) p->size[1];
  for (gsize b = 0; b < batch; b++)
    for (gsize oy = 0; oy < oh; oy++)
      for (gsize ox = 0; ox < ow; ox++)
        {
          gsize iy = oy / (gsize) p->size[0], ix = ox / (gsize) p->size[1];

          if (p->channels_first)
            for (gsize k = 0; k < c; k++)
              y[((b * c + k) * oh + oy) * ow + ox] = x[((b * c + k) * ih + iy) * iw + ix];
          else
            memcpy (y + ((b * oh + oy) * ow + ox) * c, x + ((b * ih + iy) * iw + ix) * c, c * sizeof (float));
        }
  return TRUE;
}

const GraftLayerClass graft_layer_up_sampling2d_class = {
  .class_name = "UpSampling2D",
  .setup = graft_layer_up_sampling2d_setup,
  .infer = graft_layer_up_sampling2d_infer,
  .forward = graft_layer_up_sampling2d_forward,
};
