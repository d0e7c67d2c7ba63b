/* graft-layer-pad2d.c: ZeroPadding2D and Cropping2D, channels_last or
 * channels_first
 *
 * Cropping is padding by a negative amount, so both kinds share this one
 * implementation (GraftLayerClass.variant says which).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-layer-pad2d"

#include "config.h"

#include "graft-layer-families-private.h"

#include <string.h>

#include "graft-error.h"
#include "graft-tensor.h"

typedef struct
{
  gint64    amount[4];   /* [top, bottom, left, right], or [size_h, size_w] */
  gint64    sign;        /* +1 pads, -1 crops */
  gboolean  channels_first;
} GraftPad2dPriv;

/* Reads an int, a pair, or a pair of pairs into [top, bottom, left, right]. */
static gboolean
graft_layer_pad2d_parse (GraftNode   *node,
                         JsonObject  *config,
                         const char  *key,
                         gint64      *amount,
                         GError     **error)
{
  JsonNode *value = json_object_get_member (config, key);

  if (value != NULL && JSON_NODE_HOLDS_ARRAY (value) &&
      json_array_get_length (json_node_get_array (value)) == 2 &&
      JSON_NODE_HOLDS_ARRAY (json_array_get_element (json_node_get_array (value), 0)))
    {
      JsonArray *pairs = json_node_get_array (value);

      for (guint i = 0; i < 2; i++)
        {
          JsonArray *pair = json_array_get_array_element (pairs, i);

          if (json_array_get_length (pair) != 2)
            goto bad;
          amount[2 * i] = json_array_get_int_element (pair, 0);
          amount[2 * i + 1] = json_array_get_int_element (pair, 1);
        }
      return TRUE;
    }
  {
    gint64 pair[2] = { amount[0], amount[2] };

    if (!graft_config_get_ints (config, key, 2, pair, error))
      return FALSE;
    amount[0] = amount[1] = pair[0];
    amount[2] = amount[3] = pair[1];
    return TRUE;
  }
bad:
  g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT, "layer '%s': bad %s", node->name, key);
  return FALSE;
}

gboolean
graft_layer_pad2d_setup (GraftNode   *node,
                         JsonObject  *config,
                         GError     **error)
{
  GraftPad2dPriv *p = g_new0 (GraftPad2dPriv, 1);
  gboolean crop = node->klass->variant == GRAFT_PAD2D_CROP;

  node->priv = p;
  p->sign = crop ? -1 : 1;
  p->channels_first = graft_config_channels_first (config);
  /* Keras defaults: no cropping, one pixel of padding on every side. */
  for (guint i = 0; i < 4; i++)
    p->amount[i] = crop ? 0 : 1;
  return graft_layer_pad2d_parse (node, config, crop ? "cropping" : "padding", p->amount, error);
}

gboolean
graft_layer_pad2d_infer (GraftNode         *node,
                         guint              n_in,
                         const GraftShape  *in,
                         guint             *n_out,
                         GraftShape        *out,
                         GError           **error)
{
  GraftPad2dPriv *p = node->priv;
  guint hy = p->channels_first ? 2 : 1;

  if (!graft_shape_check_rank (node, &in[0], 4, 4, error))
    return FALSE;
  *n_out = 1;
  out[0] = in[0];
  for (guint i = 0; i < 2; i++)
    if (in[0].dims[hy + i] >= 0)
      {
        out[0].dims[hy + i] = in[0].dims[hy + i] + p->sign * (p->amount[2 * i] + p->amount[2 * i + 1]);
        if (out[0].dims[hy + i] < 0)
          {
            g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_SHAPE, "layer '%s': input too small", node->name);
            return FALSE;
          }
      }
  return TRUE;
}

gboolean
graft_layer_pad2d_forward (GraftNode          *node,
                           guint               n_in,
                           GraftTensor *const *in,
                           guint               n_out,
                           GraftTensor *const *out,
                           GError            **error)
{
  GraftPad2dPriv *p = node->priv;
  GraftShape is, os;
  const float *x = graft_tensor_cfloats (in[0]);
  float *y = graft_tensor_floats (out[0]);
  gsize batch, c, ih, iw, oh, ow;
  gssize top = p->sign * p->amount[0], left = p->sign * p->amount[2];

  graft_shape_from_tensor (&is, in[0]);
  graft_shape_from_tensor (&os, out[0]);
  batch = (gsize) is.dims[0];
  c = (gsize) (p->channels_first ? is.dims[1] : is.dims[3]);
  ih = (gsize) is.dims[p->channels_first ? 2 : 1];
  iw = (gsize) is.dims[p->channels_first ? 3 : 2];
  oh = (gsize) os.dims[p->channels_first ? 2 : 1];
  ow = (gsize) os.dims[p->channels_first ? 3 : 2];
  /* Output pixel (y, x) reads input pixel (y - top, x - left), or zero. */
  memset (y, 0, graft_shape_n_elements (&os) * sizeof (float));
  for (gsize b = 0; b < batch; b++)
    for (gsize oy = 0; oy < oh; oy++)
      {
        gssize iy = (gssize) oy - top;

        if (iy < 0 || iy >= (gssize) ih)
          continue;
        for (gsize ox = 0; ox < ow; ox++)
          {
            gssize ix = (gssize) ox - left;

            if (ix < 0 || ix >= (gssize) iw)
              continue;
            if (p->channels_first)
              for (gsize k = 0; k < c; k++)
                y[((b * c + k) * oh + oy) * ow + ox] = x[((b * c + k) * ih + (gsize) iy) * iw + (gsize) ix];
            else
              memcpy (y + ((b * oh + oy) * ow + ox) * c, x + ((b * ih + (gsize) iy) * iw + (gsize) ix) * c,
                      c * sizeof (float));
          }
      }
  return TRUE;
}
