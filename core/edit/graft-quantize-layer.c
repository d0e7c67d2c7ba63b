/* graft-quantize-layer.c: one float layer's variables as model.quantize() leaves them
 *
 * Keras quantizes Dense, EinsumDense and Embedding layers (attention
 * through its EinsumDense projections). quantize() deletes the float
 * kernel and builds the quantized variables; the layer then saves them in
 * the order of its variable_serialization_spec, leaving out what it lacks:
 *
 *   Dense, EinsumDense   kernel, bias, kernel_scale, [kernel_zero, g_idx]
 *   Embedding            embeddings, embeddings_scale, [embeddings_zero, g_idx]
 *
 * the zero points and group index only for grouped int4. Their values
 * come from graft-quantize.c and graft-quantize-int4.c; the scales' shapes
 * are the ones Keras stores: a Dense's (units) or (n_groups, units), an
 * Embedding's (vocab) or (vocab, n_groups), an EinsumDense's int8 scale
 * along its output axes (graft-quantize-einsum.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-quantize"

#include "config.h"

#include "graft-quantize.h"

#include <string.h>

#include "graft-dtype.h"
#include "graft-error.h"
#include "graft-model.h"
#include "graft-tensor.h"

static void
graft_quantize_layer_add (GPtrArray   *names,
                          GPtrArray   *tensors,
                          const char  *name,
                          GraftTensor *tensor)
{
  g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_add (tensors, tensor);
}

/* @flat (n values) laid out as @rank × @shape. */
static GraftTensor *
graft_quantize_layer_reshape (GraftTensor *flat,
                              guint        rank,
                              const gsize *shape)
{
  GraftTensor *shaped = graft_tensor_new (graft_tensor_get_dtype (flat), rank, shape);

  g_assert (graft_tensor_get_n_bytes (shaped) == graft_tensor_get_n_bytes (flat));
  memcpy (graft_tensor_get_data_mutable (shaped), graft_tensor_get_data (flat, NULL),
          graft_tensor_get_n_bytes (flat));
  return shaped;
}

/* The kernel's (or table's) quantized variables, without the bias. */
static gboolean
graft_quantize_layer_kernel (GraftTensor                  *kernel,
                             const GraftQuantizeLayerSpec *spec,
                             GraftQuantized               *out,
                             GError                      **error)
{
  gboolean embedding = g_str_equal (spec->class_name, "Embedding");
  gboolean einsum = g_str_equal (spec->class_name, "EinsumDense");
  guint rank = graft_tensor_get_rank (kernel);
  GraftQuantEinsum layout;

  if (!einsum && rank != 2)
    {
      g_autofree char *shape = graft_tensor_format_shape (kernel);

      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_SHAPE, "%s is %s, expected 2 axes",
                   embedding ? "embeddings" : "kernel", shape);
      return FALSE;
    }
  if (einsum && !graft_quantize_einsum_layout (spec->equation, spec->input_rank, rank,
                                               graft_tensor_get_shape (kernel), &layout, error))
    return FALSE;

  if (spec->mode == GRAFT_QUANT_INT4)
    return graft_quantize_int4 (kernel, einsum ? layout.rows : graft_tensor_get_dim (kernel, 0), embedding,
                                spec->block_size, out, error);

  if (!einsum)
    {
      /* A Dense kernel's columns, an Embedding's rows, each get a scale. */
      gsize n = graft_tensor_get_dim (kernel, embedding ? 0 : 1);

      return graft_quantize_int8 (kernel, embedding, n, &out->q, &out->scale, error);
    }
  {
    g_autoptr(GraftTensor) flat = NULL;

    if (!graft_quantize_int8_channels (kernel, &layout.channels, &out->q, &flat, error))
      return FALSE;
    out->scale = graft_quantize_layer_reshape (flat, layout.scale_rank, layout.scale_shape);
    return TRUE;
  }
}

/**
 * graft_quantize_layer:
 * @layer: a float Dense, EinsumDense or Embedding layer
 * @spec: its class, equation and the mode to quantize it in
 * @names: (element-type utf8): where the variables' names go, in the
 *   order Keras saves them
 * @tensors: (element-type GraftTensor): their values, in the same order
 *
 * Quantizes @layer as Keras's layer.quantize() does. The bias is shared,
 * not copied.
 *
 * Returns: %FALSE with @error set (naming the weight, and its shape) when
 *   the layer lacks its kernel, holds other variables, or its kernel is
 *   not float32 of a shape the class allows
 */
gboolean
graft_quantize_layer (GraftLayer                   *layer,
                      const GraftQuantizeLayerSpec *spec,
                      GPtrArray                    *names,
                      GPtrArray                    *tensors,
                      GError                      **error)
{
  gboolean embedding = g_str_equal (spec->class_name, "Embedding");
  const char *w = embedding ? "embeddings" : "kernel";
  GraftWeight *kernel = graft_layer_find_weight (layer, w);
  GraftWeight *bias = embedding ? NULL : graft_layer_find_weight (layer, "bias");
  g_auto(GraftQuantized) q = { NULL };
  g_autofree char *scale_name = g_strconcat (w, "_scale", NULL);
  g_autofree char *zero_name = g_strconcat (w, "_zero", NULL);
  g_autoptr(GError) local = NULL;

  g_return_val_if_fail (spec->mode == GRAFT_QUANT_INT8 || spec->mode == GRAFT_QUANT_INT4, FALSE);

  if (kernel == NULL)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_NOT_FOUND, "layer '%s' (%s) has no '%s'",
                   graft_layer_get_path (layer), spec->class_name, w);
      return FALSE;
    }
  for (guint i = 0; i < graft_layer_get_n_weights (layer); i++)
    {
      GraftWeight *other = graft_layer_get_weight (layer, i);

      if (other != kernel && other != bias)
        {
          g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED,
                       "layer '%s' (%s): '%s' is neither its %s nor its bias, and Keras's quantize() "
                       "would not keep it as it is", graft_layer_get_path (layer), spec->class_name,
                       graft_weight_get_path (other), w);
          return FALSE;
        }
    }
  /* Keras quantizes in the variable's own dtype; Graft in float32 only. */
  if (graft_tensor_get_dtype (graft_weight_get_tensor (kernel)) != GRAFT_DTYPE_FLOAT32)
    {
      g_autofree char *shape = graft_tensor_format_shape (graft_weight_get_tensor (kernel));

      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED,
                   "layer '%s' (%s): weight '%s' %s is %s: only float32 weights are quantized as "
                   "Keras does", graft_layer_get_path (layer), spec->class_name,
                   graft_weight_get_path (kernel), shape,
                   graft_dtype_get_name (graft_tensor_get_dtype (graft_weight_get_tensor (kernel))));
      return FALSE;
    }
  if (!graft_quantize_layer_kernel (graft_weight_get_tensor (kernel), spec, &q, &local))
    {
      g_autofree char *shape = graft_tensor_format_shape (graft_weight_get_tensor (kernel));

      g_set_error (error, GRAFT_ERROR, local->code, "layer '%s' (%s): weight '%s' %s, to %s: %s",
                   graft_layer_get_path (layer), spec->class_name, graft_weight_get_path (kernel), shape,
                   spec->mode == GRAFT_QUANT_INT8 ? "int8" : "int4", local->message);
      return FALSE;
    }

  graft_quantize_layer_add (names, tensors, w, g_steal_pointer (&q.q));
  if (bias != NULL)
    graft_quantize_layer_add (names, tensors, "bias", graft_tensor_ref (graft_weight_get_tensor (bias)));
  graft_quantize_layer_add (names, tensors, scale_name, g_steal_pointer (&q.scale));
  if (q.zero != NULL)
    {
      graft_quantize_layer_add (names, tensors, zero_name, g_steal_pointer (&q.zero));
      graft_quantize_layer_add (names, tensors, "g_idx", g_steal_pointer (&q.g_idx));
    }
  return TRUE;
}
