/* graft-net.c: the graph of a runnable model, shape propagation and the run
 *
 * A net holds nodes (layer instances, in model.layers order) and calls (one
 * per use of a node, in topological order). A call's arguments are outputs
 * of earlier calls or constants (MobileNetV3 adds 3.0 to a tensor).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-net"

#include "config.h"

#include "graft-net-private.h"

#include <string.h>

#include "graft-dtype.h"
#include "graft-error.h"
#include "graft-net-graph-private.h"
#include "graft-tensor.h"

GraftNet *
graft_net_new (const char *name)
{
  GraftNet *self = g_new0 (GraftNet, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->name = g_strdup (name != NULL ? name : "model");
  self->nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) graft_node_free);
  self->calls = g_array_new (FALSE, TRUE, sizeof (GraftNetCall));
  self->inputs = g_array_new (FALSE, FALSE, sizeof (guint));
  self->outputs = g_array_new (FALSE, FALSE, sizeof (GraftNetArg));
  self->input_shapes = g_array_new (FALSE, TRUE, sizeof (GraftShape));
  return self;
}

GraftNet *
graft_net_ref (GraftNet *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
graft_net_unref (GraftNet *self)
{
  g_return_if_fail (self != NULL);
  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  for (guint i = 0; i < self->calls->len; i++)
    {
      g_array_unref (g_array_index (self->calls, GraftNetCall, i).args);
      g_free (g_array_index (self->calls, GraftNetCall, i).n_uses);
    }
  g_array_unref (self->calls);
  g_ptr_array_unref (self->nodes);
  g_array_unref (self->inputs);
  g_array_unref (self->outputs);
  g_array_unref (self->input_shapes);
  g_clear_pointer (&self->config, json_node_unref);
  g_free (self->name);
  g_free (self);
}

const char *
graft_net_get_name (GraftNet *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->name;
}

guint
graft_net_get_n_inputs (GraftNet *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->inputs->len;
}

guint
graft_net_get_n_outputs (GraftNet *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->outputs->len;
}

guint
graft_net_get_n_nodes (GraftNet *self)
{
  return self->nodes->len;
}

GraftNode *
graft_net_get_node (GraftNet *self,
                    guint     position)
{
  g_return_val_if_fail (position < self->nodes->len, NULL);
  return g_ptr_array_index (self->nodes, position);
}

/* Appends a call of @node; its arguments are filled in by the caller. */
guint
graft_net_append_call (GraftNet  *self,
                       GraftNode *node)
{
  GraftNetCall call = { 0 };

  call.node = node;
  call.args = g_array_new (FALSE, TRUE, sizeof (GraftNetArg));
  call.n_out = 1;
  g_array_append_val (self->calls, call);
  return self->calls->len - 1;
}

void
graft_net_append_input (GraftNet         *self,
                        guint             call,
                        const GraftShape *shape)
{
  g_array_append_val (self->inputs, call);
  g_array_append_val (self->input_shapes, *shape);
}

GraftNode *
graft_net_find_node (GraftNet   *self,
                     const char *name)
{
  for (guint i = 0; i < self->nodes->len; i++)
    {
      GraftNode *node = g_ptr_array_index (self->nodes, i);

      if (g_str_equal (node->name, name))
        return node;
    }
  return NULL;
}

static gboolean
graft_net_is_input_call (GraftNet *self,
                         guint     call,
                         guint    *position)
{
  for (guint i = 0; i < self->inputs->len; i++)
    if (g_array_index (self->inputs, guint, i) == call)
      {
        *position = i;
        return TRUE;
      }
  return FALSE;
}

/* Orders the calls so that every argument comes before its use (shared
 * layers can be listed before the layers that feed their second call),
 * keeping the given order where it already is one, and counts the uses of
 * every output. */
gboolean
graft_net_finish (GraftNet  *self,
                  GError   **error)
{
  guint n = self->calls->len;
  g_autofree gboolean *placed = g_new0 (gboolean, n);
  g_autofree guint *order = g_new0 (guint, n);
  g_autofree guint *rank = g_new0 (guint, n);
  guint n_order = 0;
  g_autoptr(GArray) sorted = NULL;

  while (n_order < n)
    {
      guint before = n_order;

      for (guint c = 0; c < n; c++)
        {
          GraftNetCall *call = &g_array_index (self->calls, GraftNetCall, c);
          gboolean ready = !placed[c];

          for (guint a = 0; ready && a < call->args->len; a++)
            {
              GraftNetArg *arg = &g_array_index (call->args, GraftNetArg, a);

              ready = arg->call == GRAFT_NET_CONSTANT || placed[arg->call];
            }
          if (ready)
            {
              placed[c] = TRUE;
              rank[c] = n_order;
              order[n_order++] = c;
            }
        }
      if (n_order == before)
        {
          g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT,
                       "model '%s': its layers form a cycle", self->name);
          return FALSE;
        }
    }

  sorted = g_array_sized_new (FALSE, TRUE, sizeof (GraftNetCall), n);
  for (guint i = 0; i < n; i++)
    {
      GraftNetCall call = g_array_index (self->calls, GraftNetCall, order[i]);

      call.n_uses = g_new0 (guint, GRAFT_NODE_MAX_OUTPUTS);
      for (guint a = 0; a < call.args->len; a++)
        {
          GraftNetArg *arg = &g_array_index (call.args, GraftNetArg, a);

          if (arg->call != GRAFT_NET_CONSTANT)
            arg->call = rank[arg->call];
        }
      g_array_append_val (sorted, call);
    }
  for (guint i = 0; i < self->inputs->len; i++)
    g_array_index (self->inputs, guint, i) = rank[g_array_index (self->inputs, guint, i)];
  for (guint i = 0; i < self->outputs->len; i++)
    {
      GraftNetArg *arg = &g_array_index (self->outputs, GraftNetArg, i);

      arg->call = rank[arg->call];
    }
  /* Old call structs moved into sorted; free only the previous use counts. */
  for (guint i = 0; i < n; i++)
    g_free (g_array_index (self->calls, GraftNetCall, i).n_uses);
  g_array_set_size (self->calls, 0);
  g_array_append_vals (self->calls, sorted->data, n);

  for (guint c = 0; c < n; c++)
    {
      GraftNetCall *call = &g_array_index (self->calls, GraftNetCall, c);

      for (guint a = 0; a < call->args->len; a++)
        {
          GraftNetArg *arg = &g_array_index (call->args, GraftNetArg, a);

          if (arg->call != GRAFT_NET_CONSTANT)
            g_array_index (self->calls, GraftNetCall, arg->call).n_uses[arg->index]++;
        }
    }
  for (guint i = 0; i < self->outputs->len; i++)
    {
      GraftNetArg *arg = &g_array_index (self->outputs, GraftNetArg, i);

      g_array_index (self->calls, GraftNetCall, arg->call).n_uses[arg->index]++;
    }
  self->finished = TRUE;
  return TRUE;
}

static void
graft_net_arg_shape (GraftNet         *self,
                     const GraftNetArg *arg,
                     GraftShape       *shapes,
                     GraftShape       *shape)
{
  if (arg->call == GRAFT_NET_CONSTANT)
    shape->rank = 0;
  else
    *shape = shapes[arg->call * GRAFT_NODE_MAX_OUTPUTS + arg->index];
}

/**
 * graft_net_propagate:
 * @in: shapes of the inputs, batch axis first
 * @build: whether to declare the weights of layers on the way
 * @out: (out caller-allocates): room for every output's shape
 *
 * Computes the shape of every call's outputs, as Keras's build() does.
 */
gboolean
graft_net_propagate (GraftNet          *self,
                     guint              n_in,
                     const GraftShape  *in,
                     gboolean           build,
                     guint             *n_out,
                     GraftShape        *out,
                     GError           **error)
{
  g_autofree GraftShape *shapes = g_new0 (GraftShape, self->calls->len * GRAFT_NODE_MAX_OUTPUTS);
  GraftShape args[GRAFT_NODE_MAX_OUTPUTS * 4];

  if (n_in != self->inputs->len)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_INVALID,
                   "model '%s' takes %u inputs, got %u", self->name, self->inputs->len, n_in);
      return FALSE;
    }

  for (guint c = 0; c < self->calls->len; c++)
    {
      GraftNetCall *call = &g_array_index (self->calls, GraftNetCall, c);
      guint position, n_args = MIN (call->args->len, G_N_ELEMENTS (args));
      guint n_res = 1;

      if (graft_net_is_input_call (self, c, &position))
        {
          shapes[c * GRAFT_NODE_MAX_OUTPUTS] = in[position];
          call->n_out = 1;
          continue;
        }
      for (guint a = 0; a < n_args; a++)
        graft_net_arg_shape (self, &g_array_index (call->args, GraftNetArg, a), shapes, &args[a]);
      if (build && !graft_node_build (call->node, n_args, args, error))
        return FALSE;
      for (guint w = 0; build && w < call->node->weights->len; w++)
        {
          GraftNodeWeight *weight = g_ptr_array_index (call->node->weights, w);
          gssize dims[GRAFT_MAX_RANK];

          for (guint d = 0; d < weight->rank; d++)
            dims[d] = (gssize) MIN (weight->shape[d], (gsize) G_MAXSSIZE);
          if (!graft_shape_check_size (call->node->name, weight->name, weight->rank, dims, error))
            return FALSE;
        }
      if (!call->node->klass->infer (call->node, n_args, args, &n_res,
                                     &shapes[c * GRAFT_NODE_MAX_OUTPUTS], error))
        return FALSE;
      for (guint r = 0; r < n_res; r++)
        {
          const GraftShape *shape = &shapes[c * GRAFT_NODE_MAX_OUTPUTS + r];

          if (!graft_shape_check_size (call->node->name, "its output", shape->rank, shape->dims, error))
            return FALSE;
        }
      call->n_out = n_res;
    }

  *n_out = self->outputs->len;
  for (guint i = 0; i < self->outputs->len; i++)
    graft_net_arg_shape (self, &g_array_index (self->outputs, GraftNetArg, i), shapes, &out[i]);
  return TRUE;
}

/**
 * graft_net_run:
 * @in: float32 input tensors, batch axis first
 * @out: (out caller-allocates) (transfer full): one tensor per output
 *
 * Runs every call once, in order, freeing each activation after its last use.
 */
gboolean
graft_net_run (GraftNet           *self,
               guint               n_in,
               GraftTensor *const *in,
               GraftTensor       **out,
               GError            **error)
{
  guint n_calls = self->calls->len;
  g_autofree GraftTensor **values = g_new0 (GraftTensor *, n_calls * GRAFT_NODE_MAX_OUTPUTS);
  /* Keras masks (Embedding mask_zero) travel beside the values they mask. */
  g_autofree GraftTensor **masks = g_new0 (GraftTensor *, n_calls * GRAFT_NODE_MAX_OUTPUTS);
  g_autofree guint *uses = g_new0 (guint, n_calls * GRAFT_NODE_MAX_OUTPUTS);
  gboolean ok = TRUE;

  g_return_val_if_fail (n_in == self->inputs->len, FALSE);

  for (guint c = 0; c < n_calls; c++)
    memcpy (uses + c * GRAFT_NODE_MAX_OUTPUTS,
            g_array_index (self->calls, GraftNetCall, c).n_uses,
            GRAFT_NODE_MAX_OUTPUTS * sizeof (guint));

  for (guint c = 0; ok && c < n_calls; c++)
    {
      GraftNetCall *call = &g_array_index (self->calls, GraftNetCall, c);
      GraftTensor *args[GRAFT_NODE_MAX_OUTPUTS * 4];
      GraftTensor *arg_masks[GRAFT_NODE_MAX_OUTPUTS * 4] = { NULL };
      gboolean masked = FALSE;
      GraftShape arg_shapes[GRAFT_NODE_MAX_OUTPUTS * 4];
      GraftShape out_shapes[GRAFT_NODE_MAX_OUTPUTS];
      guint n_args = MIN (call->args->len, G_N_ELEMENTS (args));
      guint position, n_res = 1;

      if (graft_net_is_input_call (self, c, &position))
        {
          values[c * GRAFT_NODE_MAX_OUTPUTS] = graft_tensor_ref (in[position]);
          continue;
        }

      for (guint a = 0; a < n_args; a++)
        {
          GraftNetArg *arg = &g_array_index (call->args, GraftNetArg, a);

          if (arg->call == GRAFT_NET_CONSTANT)
            {
              float *value = g_new (float, 1);

              *value = arg->value;
              args[a] = graft_tensor_new_take (GRAFT_DTYPE_FLOAT32, 0, NULL, value);
            }
          else
            {
              guint slot = arg->call * GRAFT_NODE_MAX_OUTPUTS + arg->index;

              args[a] = graft_tensor_ref (values[slot]);
              arg_masks[a] = masks[slot];
              masked = masked || masks[slot] != NULL;
            }
          graft_shape_from_tensor (&arg_shapes[a], args[a]);
        }

      ok = call->node->klass->infer (call->node, n_args, arg_shapes, &n_res, out_shapes, error);
      if (ok)
        {
          GraftTensor **res = values + c * GRAFT_NODE_MAX_OUTPUTS;

          const GraftLayerClass *klass = call->node->klass;

          for (guint r = 0; r < n_res; r++)
            res[r] = graft_shape_new_tensor (&out_shapes[r]);
          if (masked && klass->forward_masked != NULL)
            ok = klass->forward_masked (call->node, n_args, args, arg_masks, n_res, res, error);
          else
            ok = klass->forward (call->node, n_args, args, n_res, res, error);
          for (guint r = 0; ok && klass->compute_mask != NULL && r < n_res; r++)
            masks[c * GRAFT_NODE_MAX_OUTPUTS + r] = klass->compute_mask (call->node, n_args, args,
                                                                          arg_masks, r);
        }

      /* Drop each argument, and an activation once its last user has run. */
      for (guint a = 0; a < n_args; a++)
        {
          GraftNetArg *arg = &g_array_index (call->args, GraftNetArg, a);

          graft_tensor_unref (args[a]);
          if (arg->call != GRAFT_NET_CONSTANT)
            {
              guint slot = arg->call * GRAFT_NODE_MAX_OUTPUTS + arg->index;

              if (--uses[slot] == 0)
                {
                  g_clear_pointer (&values[slot], graft_tensor_unref);
                  g_clear_pointer (&masks[slot], graft_tensor_unref);
                }
            }
        }
    }

  for (guint i = 0; i < self->outputs->len; i++)
    {
      GraftNetArg *arg = &g_array_index (self->outputs, GraftNetArg, i);

      out[i] = ok ? graft_tensor_ref (values[arg->call * GRAFT_NODE_MAX_OUTPUTS + arg->index]) : NULL;
    }
  for (guint i = 0; i < n_calls * GRAFT_NODE_MAX_OUTPUTS; i++)
    {
      g_clear_pointer (&values[i], graft_tensor_unref);
      g_clear_pointer (&masks[i], graft_tensor_unref);
    }
  return ok;
}
