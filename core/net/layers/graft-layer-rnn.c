/* graft-layer-rnn.c: SimpleRNN, LSTM and GRU (both reset_after settings)
 *
 * The input projection of every time step is one GEMM up front; each step
 * then adds h · recurrent_kernel. Gate blocks are in Keras order: LSTM
 * i, f, c, o; GRU z, r, h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-layer-rnn"

#include "config.h"

#include "graft-layer-families-private.h"

#include <string.h>

#include "graft-blas-private.h"
#include "graft-error.h"
#include "graft-tensor.h"

typedef struct
{
  GraftRnnVariant  variant;
  gint64           units;
  guint            gates;
  gboolean         use_bias;
  gboolean         return_sequences;
  gboolean         return_state;
  gboolean         go_backwards;
  gboolean         reset_after;
  gboolean         zero_output_for_mask;
  GraftActivation  activation;
  GraftActivation  recurrent_activation;
} GraftRnnPriv;

gboolean
graft_layer_rnn_setup (GraftNode   *node,
                       JsonObject  *config,
                       GError     **error)
{
  GraftRnnPriv *p = g_new0 (GraftRnnPriv, 1);

  node->priv = p;
  p->variant = node->klass->variant;
  p->gates = p->variant == GRAFT_RNN_LSTM ? 4 : p->variant == GRAFT_RNN_GRU ? 3 : 1;
  p->units = graft_config_get_int (config, "units", 0);
  p->use_bias = graft_config_get_bool (config, "use_bias", TRUE);
  p->return_sequences = graft_config_get_bool (config, "return_sequences", FALSE);
  p->return_state = graft_config_get_bool (config, "return_state", FALSE);
  p->go_backwards = graft_config_get_bool (config, "go_backwards", FALSE);
  p->reset_after = graft_config_get_bool (config, "reset_after", TRUE);
  p->zero_output_for_mask = graft_config_get_bool (config, "zero_output_for_mask", FALSE);
  if (p->units < 1)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT, "layer '%s': units must be positive", node->name);
      return FALSE;
    }
  if (graft_config_get_bool (config, "stateful", FALSE))
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED,
                   "layer '%s': stateful recurrent layers cannot run in Graft", node->name);
      return FALSE;
    }
  if (!graft_activation_parse (node, config, "activation", &p->activation, error))
    return FALSE;
  if (!json_object_has_member (config, "activation"))
    p->activation = GRAFT_ACT_TANH;
  if (p->variant != GRAFT_RNN_SIMPLE)
    {
      if (!graft_activation_parse (node, config, "recurrent_activation", &p->recurrent_activation, error))
        return FALSE;
      if (!json_object_has_member (config, "recurrent_activation"))
        p->recurrent_activation = GRAFT_ACT_SIGMOID;
    }
  return TRUE;
}

gboolean
graft_layer_rnn_infer (GraftNode         *node,
                       guint              n_in,
                       const GraftShape  *in,
                       guint             *n_out,
                       GraftShape        *out,
                       GError           **error)
{
  GraftRnnPriv *p = node->priv;
  guint n_states = p->variant == GRAFT_RNN_LSTM ? 2 : 1;

  if (!graft_shape_check_rank (node, &in[0], 3, 3, error))
    return FALSE;
  out[0].dims[0] = in[0].dims[0];
  if (p->return_sequences)
    {
      out[0].rank = 3;
      out[0].dims[1] = in[0].dims[1];
      out[0].dims[2] = p->units;
    }
  else
    {
      out[0].rank = 2;
      out[0].dims[1] = p->units;
    }
  *n_out = 1;
  if (p->return_state)
    for (guint i = 0; i < n_states; i++)
      {
        out[1 + i].rank = 2;
        out[1 + i].dims[0] = in[0].dims[0];
        out[1 + i].dims[1] = p->units;
        (*n_out)++;
      }
  return TRUE;
}

gboolean
graft_layer_rnn_build (GraftNode         *node,
                       guint              n_in,
                       const GraftShape  *in,
                       GError           **error)
{
  GraftRnnPriv *p = node->priv;
  gsize shape[2];

  if (!graft_shape_check_rank (node, &in[0], 3, 3, error) ||
      !graft_shape_check_known (node, &in[0], 2, error))
    return FALSE;
  shape[0] = (gsize) in[0].dims[2];
  shape[1] = (gsize) p->units * p->gates;
  graft_node_add_weight (node, "kernel", 2, shape, "kernel_initializer", TRUE);
  shape[0] = (gsize) p->units;
  graft_node_add_weight (node, "recurrent_kernel", 2, shape, "recurrent_initializer", TRUE);
  if (p->use_bias)
    {
      if (p->variant == GRAFT_RNN_GRU && p->reset_after)
        {
          shape[0] = 2;
          graft_node_add_weight (node, "bias", 2, shape, "bias_initializer", TRUE);
        }
      else
        graft_node_add_weight (node, "bias", 1, shape + 1, "bias_initializer", TRUE);
    }
  return TRUE;
}

/**
 * graft_layer_rnn_run:
 * @mask: (nullable): [batch, T], 0 where a step is padding
 * @zero_masked: give zeros, not the carried output, at masked steps of
 *   the returned sequence (Keras's zero_output_for_mask)
 * @reverse: run the sequence backwards, on top of go_backwards
 *
 * Runs @node over @in [batch, T, in]; the outputs are as in infer. A
 * masked step leaves the state as it was, as Keras's rnn() does.
 */
gboolean
graft_layer_rnn_run (GraftNode          *node,
                     const GraftTensor  *in,
                     GraftTensor        *mask,
                     gboolean            zero_masked,
                     gboolean            reverse,
                     guint               n_out,
                     GraftTensor *const *out,
                     GError            **error)
{
  GraftRnnPriv *p = node->priv;
  gsize batch = graft_tensor_get_dim (in, 0), steps = graft_tensor_get_dim (in, 1);
  gsize features = graft_tensor_get_dim (in, 2), u = (gsize) p->units, g = p->gates * u;
  const float *kernel = graft_node_get_weight_data (node, "kernel");             /* [in, g] */
  const float *recurrent = graft_node_get_weight_data (node, "recurrent_kernel"); /* [u, g] */
  const float *bias = graft_node_get_weight_data (node, "bias");   /* [g] or GRU [2, g] */
  gboolean backwards = p->go_backwards != reverse;
  gboolean gru_after = p->variant == GRAFT_RNN_GRU && p->reset_after;
  g_autofree float *xw = g_new (float, batch * steps * g);   /* [batch, T, g] */
  g_autofree float *hu = g_new (float, batch * g);           /* [batch, g] */
  g_autofree float *h = g_new0 (float, batch * u);           /* [batch, u] */
  g_autofree float *c = g_new0 (float, batch * u);           /* [batch, u], LSTM */
  g_autofree float *rh = g_new0 (float, batch * u);          /* [batch, u], GRU r * h */
  float *seq = p->return_sequences ? graft_tensor_floats (out[0]) : NULL;
  const float *keep = mask != NULL ? graft_tensor_cfloats (mask) : NULL;   /* [batch, T] */
  g_autofree float *h_prev = keep != NULL ? g_new (float, batch * u) : NULL;   /* [batch, u] */
  g_autofree float *c_prev = keep != NULL ? g_new (float, batch * u) : NULL;   /* [batch, u] */

  graft_blas_matmul (graft_tensor_cfloats ((GraftTensor *) in), kernel, bias, batch * steps,
                     features, g, xw);

  for (gsize s = 0; s < steps; s++)
    {
      gsize t = backwards ? steps - 1 - s : s;

      if (keep != NULL)
        {
          memcpy (h_prev, h, batch * u * sizeof (float));
          memcpy (c_prev, c, batch * u * sizeof (float));
        }

      if (p->variant == GRAFT_RNN_GRU && !p->reset_after)
        /* Only z and r use h · U directly; h's block uses (r * h) · U_h below. */
        graft_blas_sgemm (FALSE, FALSE, batch, 2 * u, u, 1.0f, h, u, recurrent, g, 0.0f, hu, g);
      else
        {
          for (gsize b = 0; b < batch; b++)
            {
              if (gru_after && bias != NULL)
                memcpy (hu + b * g, bias + g, g * sizeof (float));
              else
                memset (hu + b * g, 0, g * sizeof (float));
            }
          graft_blas_sgemm (FALSE, FALSE, batch, g, u, 1.0f, h, u, recurrent, g, 1.0f, hu, g);
        }

      for (gsize b = 0; b < batch; b++)
        {
          float *z = xw + (b * steps + t) * g;   /* this step's input projection */
          float *r = hu + b * g;
          float *hb = h + b * u;

          switch (p->variant)
            {
            case GRAFT_RNN_SIMPLE:
              for (gsize i = 0; i < u; i++)
                hb[i] = z[i] + r[i];
              graft_activation_apply (p->activation, hb, u, u);
              break;
            case GRAFT_RNN_LSTM:
              {
                float *cb = c + b * u;

                for (gsize i = 0; i < g; i++)
                  z[i] += r[i];
                graft_activation_apply (p->recurrent_activation, z, 2 * u, u);
                graft_activation_apply (p->activation, z + 2 * u, u, u);
                graft_activation_apply (p->recurrent_activation, z + 3 * u, u, u);
                for (gsize i = 0; i < u; i++)
                  {
                    cb[i] = z[u + i] * cb[i] + z[i] * z[2 * u + i];
                    hb[i] = cb[i];
                  }
                graft_activation_apply (p->activation, hb, u, u);
                for (gsize i = 0; i < u; i++)
                  hb[i] *= z[3 * u + i];
              }
              break;
            case GRAFT_RNN_GRU:
            default:
              for (gsize i = 0; i < 2 * u; i++)
                z[i] += r[i];
              graft_activation_apply (p->recurrent_activation, z, 2 * u, u);
              if (p->reset_after)
                for (gsize i = 0; i < u; i++)
                  z[2 * u + i] += z[u + i] * r[2 * u + i];
              else
                for (gsize i = 0; i < u; i++)
                  rh[b * u + i] = z[u + i] * hb[i];
              break;
            }
        }

      if (p->variant == GRAFT_RNN_GRU)
        {
          if (!p->reset_after)
            {
              /* Add (r * h) · U_h into each step's candidate block. */
              for (gsize b = 0; b < batch; b++)
                graft_blas_sgemv (TRUE, u, u, 1.0f, recurrent + 2 * u, g, rh + b * u, 1.0f,
                                  xw + (b * steps + t) * g + 2 * u);
            }
          for (gsize b = 0; b < batch; b++)
            {
              float *z = xw + (b * steps + t) * g;
              float *hb = h + b * u;

              graft_activation_apply (p->activation, z + 2 * u, u, u);
              for (gsize i = 0; i < u; i++)
                hb[i] = z[i] * hb[i] + (1.0f - z[i]) * z[2 * u + i];
            }
        }

      /* Padding: the state stays, the output repeats (or is zero). */
      for (gsize b = 0; keep != NULL && b < batch; b++)
        if (keep[b * steps + t] == 0.0f)
          {
            memcpy (h + b * u, h_prev + b * u, u * sizeof (float));
            memcpy (c + b * u, c_prev + b * u, u * sizeof (float));
          }

      if (seq != NULL)
        for (gsize b = 0; b < batch; b++)
          {
            if (zero_masked && keep != NULL && keep[b * steps + t] == 0.0f)
              memset (seq + (b * steps + s) * u, 0, u * sizeof (float));
            else
              memcpy (seq + (b * steps + s) * u, h + b * u, u * sizeof (float));
          }
    }

  if (!p->return_sequences)
    memcpy (graft_tensor_floats (out[0]), h, batch * u * sizeof (float));
  if (n_out > 1)
    memcpy (graft_tensor_floats (out[1]), h, batch * u * sizeof (float));
  if (n_out > 2)
    memcpy (graft_tensor_floats (out[2]), c, batch * u * sizeof (float));
  return TRUE;
}

gboolean
graft_layer_rnn_forward (GraftNode          *node,
                         guint               n_in,
                         GraftTensor *const *in,
                         guint               n_out,
                         GraftTensor *const *out,
                         GError            **error)
{
  return graft_layer_rnn_run (node, in[0], NULL, FALSE, FALSE, n_out, out, error);
}

gboolean
graft_layer_rnn_forward_masked (GraftNode          *node,
                                guint               n_in,
                                GraftTensor *const *in,
                                GraftTensor *const *in_masks,
                                guint               n_out,
                                GraftTensor *const *out,
                                GError            **error)
{
  GraftRnnPriv *p = node->priv;

  return graft_layer_rnn_run (node, in[0], in_masks[0], p->zero_output_for_mask, FALSE, n_out,
                              out, error);
}

/* The sequence keeps its mask; a last output or a state has none. */
GraftTensor *
graft_layer_rnn_compute_mask (GraftNode          *node,
                              guint               n_in,
                              GraftTensor *const *in,
                              GraftTensor *const *in_masks,
                              guint               output)
{
  GraftRnnPriv *p = node->priv;

  if (output != 0 || !p->return_sequences || in_masks[0] == NULL)
    return NULL;
  return graft_tensor_ref (in_masks[0]);
}
