/* graft-net-run.c: building a net's weights, and predict
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-net-run"

#include "config.h"

#include "graft-net-private.h"

#include <string.h>

#include "graft-dtype.h"
#include "graft-error.h"
#include "graft-initializer.h"
#include "graft-net-graph-private.h"
#include "graft-tensor.h"

typedef void (*GraftNetWeightFunc) (GraftNode       *node,
                                    GraftNodeWeight *weight,
                                    const char      *path,
                                    gpointer         user_data);

static void graft_net_foreach_weight (GraftNet           *self,
                                      const char         *prefix,
                                      GraftNetWeightFunc  func,
                                      gpointer            user_data);

/* Children and nested models come after a node's own weights, as in
 * Keras's get_weights() order. */
static void
graft_node_foreach_weight (GraftNode          *node,
                           const char         *prefix,
                           GraftNetWeightFunc  func,
                           gpointer            user_data)
{
  g_autofree char *scope = prefix[0] ? g_strconcat (prefix, "/", node->name, NULL)
                                     : g_strdup (node->name);

  for (guint i = 0; i < node->weights->len; i++)
    {
      GraftNodeWeight *w = g_ptr_array_index (node->weights, i);
      g_autofree char *path = g_strconcat (scope, "/", w->name, NULL);

      func (node, w, path, user_data);
    }
  for (guint i = 0; i < node->children->len; i++)
    graft_node_foreach_weight (g_ptr_array_index (node->children, i), scope, func, user_data);
  if (node->net != NULL)
    graft_net_foreach_weight (node->net, scope, func, user_data);
}

static void
graft_net_foreach_weight (GraftNet           *self,
                          const char         *prefix,
                          GraftNetWeightFunc  func,
                          gpointer            user_data)
{
  for (guint i = 0; i < self->nodes->len; i++)
    graft_node_foreach_weight (g_ptr_array_index (self->nodes, i), prefix, func, user_data);
}

/**
 * graft_net_check_runnable:
 *
 * Fails with %GRAFT_ERROR_UNSUPPORTED when the graph is incomplete, for
 * example a net built in code without outputs. Nets from configs whose
 * layers Graft cannot run were already refused, naming those layers.
 *
 * Returns: %TRUE when the net can run
 */
gboolean
graft_net_check_runnable (GraftNet  *self,
                          GError   **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (self->inputs->len == 0 || self->outputs->len == 0)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_INVALID,
                   "model '%s' has no %s", self->name, self->inputs->len == 0 ? "inputs" : "outputs");
      return FALSE;
    }
  if (!self->finished && !graft_net_finish (self, error))
    return FALSE;
  return TRUE;
}

/**
 * graft_net_set_input_shape:
 * @shape: the shape without the batch axis
 *
 * Replaces the shape of input @input before graft_net_build().
 *
 * Returns: %FALSE with %GRAFT_ERROR_INVALID when @input does not exist,
 *   the net is already built, or @rank leaves no room for the batch axis
 */
gboolean
graft_net_set_input_shape (GraftNet      *self,
                           guint          input,
                           guint          rank,
                           const gssize  *shape,
                           GError       **error)
{
  GraftShape *s;

  g_return_val_if_fail (self != NULL, FALSE);

  if (input >= self->inputs->len)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_INVALID,
                   "model '%s' has %u inputs, not %u", self->name, self->inputs->len, input + 1);
      return FALSE;
    }
  if (self->built || rank + 1 > GRAFT_MAX_RANK)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_INVALID,
                   "model '%s': cannot set the shape of input %u", self->name, input);
      return FALSE;
    }
  s = &g_array_index (self->input_shapes, GraftShape, input);
  s->rank = rank + 1;
  s->dims[0] = -1;
  for (guint i = 0; i < rank; i++)
    s->dims[i + 1] = shape[i];
  return TRUE;
}

/**
 * graft_net_build:
 *
 * Infers every weight's shape from the input shapes, as Keras's build()
 * does. Weights have no values until graft_net_bind() or
 * graft_net_init_weights().
 *
 * Returns: %FALSE with @error set, naming the layer and the shapes, when an
 *   input shape is unknown or does not fit a layer (%GRAFT_ERROR_SHAPE) or
 *   a weight would exceed the memory limit (%GRAFT_ERROR_LIMIT)
 */
gboolean
graft_net_build (GraftNet  *self,
                 GError   **error)
{
  GraftShape out[64];
  guint n_out;

  g_return_val_if_fail (self != NULL, FALSE);

  if (self->built)
    return TRUE;
  if (!graft_net_check_runnable (self, error))
    return FALSE;
  for (guint i = 0; i < self->input_shapes->len; i++)
    if (g_array_index (self->input_shapes, GraftShape, i).rank == 0)
      {
        GraftNetCall *call = &g_array_index (self->calls, GraftNetCall,
                                             g_array_index (self->inputs, guint, i));

        g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_INVALID,
                     "model '%s': input '%s' has no shape; give one", self->name, call->node->name);
        return FALSE;
      }
  if (self->outputs->len > G_N_ELEMENTS (out))
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_LIMIT,
                   "model '%s' has more than %u outputs", self->name, (guint) G_N_ELEMENTS (out));
      return FALSE;
    }
  if (!graft_net_propagate (self, self->input_shapes->len,
                            (const GraftShape *) self->input_shapes->data, TRUE, &n_out, out, error))
    return FALSE;
  self->built = TRUE;
  return TRUE;
}

typedef struct
{
  GRand   *rng;
  GError  *error;
} GraftNetInitData;

/* Keras's default for each initializer argument a config leaves out. */
static const char *
graft_net_default_initializer (const char *key)
{
  static const struct { const char *key, *name; } defaults[] = {
    { "kernel_initializer", "glorot_uniform" }, { "depthwise_initializer", "glorot_uniform" },
    { "pointwise_initializer", "glorot_uniform" }, { "recurrent_initializer", "orthogonal" },
    { "bias_initializer", "zeros" }, { "beta_initializer", "zeros" }, { "gamma_initializer", "ones" },
    { "moving_mean_initializer", "zeros" }, { "moving_variance_initializer", "ones" },
    { "embeddings_initializer", "random_uniform" }, { "alpha_initializer", "zeros" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (defaults); i++)
    if (g_str_equal (key, defaults[i].key))
      return defaults[i].name;
  return key;
}

static void
graft_net_init_weight_cb (GraftNode       *node,
                          GraftNodeWeight *weight,
                          const char      *path,
                          gpointer         user_data)
{
  GraftNetInitData *data = user_data;
  JsonNode *spec = json_object_get_member (node->config, weight->initializer);
  g_autoptr(GraftTensor) tensor = NULL;

  if (data->error != NULL)
    return;
  tensor = graft_initializer_run (spec, spec == NULL ? graft_net_default_initializer (weight->initializer) : NULL,
                                  weight->rank, weight->shape, data->rng, &data->error);
  if (tensor == NULL)
    {
      g_prefix_error (&data->error, "layer '%s': %s: ", node->name, weight->name);
      return;
    }
  graft_node_weight_set (node, weight, tensor, &data->error);
}

/**
 * graft_net_init_weights:
 * @seed: seeds the random generator; the same seed gives the same weights
 *
 * Builds the net if needed and gives every weight values from its Keras
 * initialiser (the layer config's kernel_initializer and so on).
 *
 * Returns: %FALSE with @error set when building fails (graft_net_build())
 *   or an initialiser is unknown (%GRAFT_ERROR_UNSUPPORTED, naming it)
 */
gboolean
graft_net_init_weights (GraftNet  *self,
                        guint64    seed,
                        GError   **error)
{
  GraftNetInitData data = { 0 };
  guint32 seeds[2] = { (guint32) seed, (guint32) (seed >> 32) };

  g_return_val_if_fail (self != NULL, FALSE);

  if (!graft_net_build (self, error))
    return FALSE;
  data.rng = g_rand_new_with_seed_array (seeds, 2);
  graft_net_foreach_weight (self, "", graft_net_init_weight_cb, &data);
  g_rand_free (data.rng);
  if (data.error != NULL)
    {
      g_propagate_error (error, data.error);
      return FALSE;
    }
  return TRUE;
}

typedef struct
{
  guint         position;
  guint         n;
  GraftTensor  *tensor;
  char         *path;
  GString      *missing;
} GraftNetWeightQuery;

static void
graft_net_count_weight_cb (GraftNode       *node,
                           GraftNodeWeight *weight,
                           const char      *path,
                           gpointer         user_data)
{
  GraftNetWeightQuery *query = user_data;

  if (query->n == query->position)
    {
      query->tensor = weight->tensor;
      query->path = g_strdup (path);
    }
  if (weight->tensor == NULL && query->missing != NULL && query->missing->len < 400)
    g_string_append_printf (query->missing, "%s'%s'", query->missing->len ? ", " : "", path);
  query->n++;
}

guint
graft_net_get_n_weights (GraftNet *self)
{
  GraftNetWeightQuery query = { G_MAXUINT, 0, NULL, NULL, NULL };

  g_return_val_if_fail (self != NULL, 0);
  graft_net_foreach_weight (self, "", graft_net_count_weight_cb, &query);
  return query.n;
}

/**
 * graft_net_get_weight:
 * @path: (out) (optional) (transfer full): the weight's path, "dense/kernel"
 *
 * Returns: (transfer none) (nullable): the values of weight @position, in
 *   get_weights() order, or %NULL while it has none
 */
GraftTensor *
graft_net_get_weight (GraftNet  *self,
                      guint      position,
                      char     **path)
{
  GraftNetWeightQuery query = { position, 0, NULL, NULL, NULL };

  g_return_val_if_fail (self != NULL, NULL);
  graft_net_foreach_weight (self, "", graft_net_count_weight_cb, &query);
  if (path != NULL)
    *path = g_steal_pointer (&query.path);
  g_free (query.path);
  return query.tensor;
}

static gboolean
graft_net_check_shape (GraftNet          *self,
                       guint              input,
                       const GraftShape  *want,
                       GraftTensor       *tensor,
                       GError           **error)
{
  gboolean ok = graft_tensor_get_rank (tensor) == want->rank;

  for (guint i = 1; ok && i < want->rank; i++)
    ok = want->dims[i] < 0 || (gsize) want->dims[i] == graft_tensor_get_dim (tensor, i);
  if (!ok)
    {
      g_autofree char *got = graft_tensor_format_shape (tensor);
      g_autofree char *expected = graft_shape_to_string (want);

      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_SHAPE,
                   "model '%s': input %u is %s, expected %s", self->name, input, got, expected);
    }
  return ok;
}

/**
 * graft_net_predict:
 * @inputs: one tensor per input, batch axis first; any numeric dtype
 *
 * Runs the forward pass. Every weight must have values.
 *
 * Returns: (transfer full) (element-type GraftTensor): one float32 tensor per
 *   output, or %NULL with an error
 */
GPtrArray *
graft_net_predict (GraftNet           *self,
                   guint               n_inputs,
                   GraftTensor *const *inputs,
                   GError            **error)
{
  g_autoptr(GPtrArray) in = g_ptr_array_new_with_free_func ((GDestroyNotify) graft_tensor_unref);
  g_autoptr(GPtrArray) out = NULL;
  GraftNetWeightQuery query = { G_MAXUINT, 0, NULL, NULL, NULL };
  g_autoptr(GString) missing = g_string_new (NULL);
  g_autofree GraftTensor **res = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  if (!graft_net_build (self, error))
    return NULL;
  if (n_inputs != self->inputs->len)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_INVALID,
                   "model '%s' takes %u inputs, got %u", self->name, self->inputs->len, n_inputs);
      return NULL;
    }
  query.missing = missing;
  graft_net_foreach_weight (self, "", graft_net_count_weight_cb, &query);
  g_free (query.path);
  if (missing->len > 0)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_NOT_FOUND,
                   "model '%s': weights without values: %s", self->name, missing->str);
      return NULL;
    }

  for (guint i = 0; i < n_inputs; i++)
    {
      GraftTensor *tensor = inputs[i];

      if (!graft_net_check_shape (self, i, &g_array_index (self->input_shapes, GraftShape, i),
                                  tensor, error))
        return NULL;
      if (graft_tensor_get_dtype (tensor) == GRAFT_DTYPE_FLOAT32)
        {
          if (graft_tensor_get_data (tensor, error) == NULL)
            return NULL;
          g_ptr_array_add (in, graft_tensor_ref (tensor));
        }
      else
        {
          float *values = graft_tensor_dup_float (tensor, error);

          if (values == NULL)
            return NULL;
          g_ptr_array_add (in, graft_tensor_new_take (GRAFT_DTYPE_FLOAT32, graft_tensor_get_rank (tensor),
                                                      graft_tensor_get_shape (tensor), values));
        }
    }

  res = g_new0 (GraftTensor *, self->outputs->len);
  if (!graft_net_run (self, n_inputs, (GraftTensor *const *) in->pdata, res, error))
    return NULL;
  out = g_ptr_array_new_full (self->outputs->len, (GDestroyNotify) graft_tensor_unref);
  for (guint i = 0; i < self->outputs->len; i++)
    g_ptr_array_add (out, res[i]);
  return g_steal_pointer (&out);
}

typedef struct
{
  const char   *path;
  GraftTensor  *tensor;
  gboolean      found;
  GError       *error;
} GraftNetSetData;

static void
graft_net_set_weight_cb (GraftNode       *node,
                         GraftNodeWeight *weight,
                         const char      *path,
                         gpointer         user_data)
{
  GraftNetSetData *data = user_data;

  if (data->found || !g_str_equal (path, data->path))
    return;
  data->found = TRUE;
  graft_node_weight_set (node, weight, data->tensor, &data->error);
}

/**
 * graft_net_set_weight:
 * @path: the weight's path as graft_net_get_weight() gives it ("dense/kernel")
 * @tensor: (transfer none): its new values, shared and not copied when float32
 *
 * Builds the net if needed, then replaces one weight.
 *
 * Returns: %FALSE with %GRAFT_ERROR_NOT_FOUND for an unknown path, or
 *   %GRAFT_ERROR_SHAPE naming the layer, the weight and both shapes
 */
gboolean
graft_net_set_weight (GraftNet     *self,
                      const char   *path,
                      GraftTensor  *tensor,
                      GError      **error)
{
  GraftNetSetData data = { path, tensor, FALSE, NULL };

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (path != NULL && tensor != NULL, FALSE);

  if (!graft_net_build (self, error))
    return FALSE;
  graft_net_foreach_weight (self, "", graft_net_set_weight_cb, &data);
  if (!data.found)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_NOT_FOUND,
                   "model '%s' has no weight '%s'", self->name, path);
      return FALSE;
    }
  if (data.error != NULL)
    {
      g_propagate_error (error, data.error);
      return FALSE;
    }
  return TRUE;
}
