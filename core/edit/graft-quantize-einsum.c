/* graft-quantize-einsum.c: where an EinsumDense kernel's scales go
 *
 * Keras reads the kernel's letters off the equation ("abc,cde->abde"):
 * those missing from the output are contracted. int8 takes one scale over
 * the contracted axes for every position of the others, then lays the
 * scales out along the output's axes: it transposes them into output
 * order, inserts a 1 for each output letter the kernel lacks and squeezes
 * what is left over (EinsumDense._adjust_scale_for_quant, with the axis
 * lists of _analyze_quantization_info, followed here step by step, the
 * insertion index it carries from one loop into the next included).
 * int4 flattens the kernel to (contracted, rest) by a plain reshape.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-quantize"

#include "config.h"

#include "graft-quantize.h"

#include <string.h>

#include "graft-error.h"
#include "graft-tensor.h"

/* Python's list.insert (at, value) on an int list of @len elements. */
static void
graft_quantize_einsum_insert (gint  *list,
                              guint *len,
                              gint   at,
                              gint   value)
{
  if (at < 0)
    at = MAX (at + (gint) *len, 0);
  at = MIN (at, (gint) *len);
  memmove (list + at + 1, list + at, (*len - (guint) at) * sizeof (gint));
  list[at] = value;
  (*len)++;
}

/* str.find: the position of @c in @s, or -1. */
static gint
graft_quantize_einsum_find (const char *s,
                            char        c)
{
  const char *at = strchr (s, c);

  return at != NULL && c != '\0' ? (gint) (at - s) : -1;
}

/* Splits "in,kernel->out" into its three letter strings, with "..." of
 * the input and output spelt out as letters of their own ('0', '1', …)
 * for the axes @input_rank gives them. */
static gboolean
graft_quantize_einsum_specs (const char *equation,
                             guint       input_rank,
                             GString    *in,
                             GString    *kernel,
                             GString    *out,
                             GError    **error)
{
  const char *comma = strchr (equation, ',');
  const char *arrow = strstr (equation, "->");
  gboolean left, right;
  guint elided;

  if (comma == NULL || arrow == NULL || arrow < comma)
    goto bad;
  g_string_append_len (in, equation, comma - equation);
  g_string_append_len (kernel, comma + 1, arrow - comma - 1);
  g_string_append (out, arrow + 2);
  for (const char *c = kernel->str; *c; c++)
    if (!g_ascii_isalpha (*c))
      goto bad;
  left = g_str_has_prefix (in->str, "...") && g_str_has_prefix (out->str, "...");
  right = g_str_has_suffix (in->str, "...") && g_str_has_suffix (out->str, "...");
  if (left || right)
    {
      g_string_erase (in, left ? 0 : (gssize) in->len - 3, 3);
      g_string_erase (out, left ? 0 : (gssize) out->len - 3, 3);
      if (input_rank < in->len)
        {
          g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED,
                       "einsum '%s': the input's rank is unknown (no build_config input_shape), so "
                       "the axes '...' stands for are too", equation);
          return FALSE;
        }
      elided = input_rank - (guint) in->len;
      for (guint i = 0; i < elided; i++)
        {
          char label[2] = { (char) ('0' + i), '\0' };

          g_string_insert (in, left ? 0 : -1, label);
          g_string_insert (out, left ? 0 : -1, label);
        }
    }
  for (const char *s = in->str; *s; s++)
    if (!g_ascii_isalnum (*s))
      goto bad;
  for (const char *s = out->str; *s; s++)
    if (!g_ascii_isalnum (*s))
      goto bad;
  return TRUE;

bad:
  g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED,
               "einsum '%s' is not of the form [X],[Y]->[Z], ...[X],[Y]->...[Z] or "
               "[X]...,[Y]->[Z]...", equation);
  return FALSE;
}

/**
 * graft_quantize_einsum_layout:
 * @equation: the layer's einsum equation
 * @input_rank: the rank of the layer's input, batch included (only needed
 *   when the equation has "..."; 0 when unknown)
 * @kernel_shape: the float kernel's shape
 * @layout: (out caller-allocates): the int8 channels and scale shape, and
 *   int4's row count
 *
 * Returns: %FALSE with %GRAFT_ERROR_UNSUPPORTED for an equation Keras
 *   does not accept, with %GRAFT_ERROR_SHAPE when the kernel's rank is not
 *   its letter count
 */
gboolean
graft_quantize_einsum_layout (const char       *equation,
                              guint             input_rank,
                              guint             kernel_rank,
                              const gsize      *kernel_shape,
                              GraftQuantEinsum *layout,
                              GError          **error)
{
  g_autoptr(GString) in = g_string_new (NULL);
  g_autoptr(GString) kernel = g_string_new (NULL);
  g_autoptr(GString) out = g_string_new (NULL);
  gint in_expand[32], k_reduced[32], k_expand[32], k_transpose[64], k_squeeze[32];
  guint n_in_reduced = 0, n_in_expand = 0, n_k_reduced = 0, n_k_expand = 0, n_k_transpose = 0;
  guint n_k_squeeze = 0, next_expand = 0, rank = 0;
  gint insert_at = -1;
  gboolean reduced[GRAFT_MAX_RANK];
  gsize shape[2 * GRAFT_MAX_RANK], stride = 1;

  memset (layout, 0, sizeof *layout);
  if (!graft_quantize_einsum_specs (equation, input_rank, in, kernel, out, error))
    return FALSE;
  if (kernel->len != kernel_rank || kernel_rank > GRAFT_MAX_RANK || in->len > 32 || out->len > 32)
    {
      g_autofree char *ks = graft_shape_format (kernel_rank, kernel_shape);

      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_SHAPE,
                   "einsum '%s' names %u kernel axes, the kernel is %s", equation,
                   (guint) kernel->len, ks);
      return FALSE;
    }

  /* _analyze_quantization_info: reduced, expanded and transposed axes. */
  for (guint i = 0; i < in->len; i++)
    if ((insert_at = graft_quantize_einsum_find (out->str, in->str[i])) == -1)
      n_in_reduced++;
  for (guint i = 0; i < kernel->len; i++)
    if ((insert_at = graft_quantize_einsum_find (out->str, kernel->str[i])) == -1)
      k_reduced[n_k_reduced++] = (gint) i;
  for (guint i = 0; i < out->len; i++)
    {
      gint in_kernel = graft_quantize_einsum_find (kernel->str, out->str[i]);

      if (graft_quantize_einsum_find (in->str, out->str[i]) == -1)
        in_expand[n_in_expand++] = (gint) i;
      if (in_kernel == -1)
        k_expand[n_k_expand++] = (gint) i;
      else
        k_transpose[n_k_transpose++] = in_kernel;
    }
  /* Each reduced axis takes the next expanded position; once there is
   * none, it is squeezed, and inserted where the last one went. The
   * input's loop runs first and moves that position too. */
  for (guint i = 0; i < n_in_reduced; i++)
    if (next_expand < n_in_expand)
      insert_at = in_expand[next_expand++];
  next_expand = 0;
  for (guint i = 0; i < n_k_reduced; i++)
    {
      if (next_expand < n_k_expand)
        insert_at = k_expand[next_expand++];
      else
        k_squeeze[n_k_squeeze++] = k_reduced[i];
      graft_quantize_einsum_insert (k_transpose, &n_k_transpose, insert_at, k_reduced[i]);
    }

  /* The scales, kept-dims shaped, transposed into output order; their
   * elements run over the kept axes in that order. */
  layout->rows = 1;
  for (guint a = 0; a < kernel_rank; a++)
    {
      reduced[a] = graft_quantize_einsum_find (out->str, kernel->str[a]) == -1;
      if (reduced[a])
        layout->rows *= kernel_shape[a];
    }
  for (guint j = 0; j < n_k_transpose; j++)
    shape[rank++] = reduced[k_transpose[j]] ? 1 : kernel_shape[k_transpose[j]];
  for (guint j = n_k_transpose; j-- > 0;)
    {
      guint a = (guint) k_transpose[j];

      layout->channels.stride[a] = reduced[a] ? 0 : stride;
      if (!reduced[a])
        stride *= kernel_shape[a];
    }
  layout->channels.n_channels = stride;
  /* ops.expand_dims with the expanded positions left over, each counted in
   * the result. */
  {
    guint new_rank = rank + (n_k_expand - next_expand);
    gsize expanded[2 * GRAFT_MAX_RANK];
    gboolean ones[2 * GRAFT_MAX_RANK] = { FALSE };
    guint from = 0;

    if (new_rank > G_N_ELEMENTS (expanded))
      goto too_big;
    for (guint i = next_expand; i < n_k_expand; i++)
      {
        /* numpy refuses an axis past the result's rank; so does Keras. */
        if ((guint) k_expand[i] >= new_rank)
          {
            g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED,
                         "einsum '%s': Keras cannot lay out its kernel scale (axis %d of %u)",
                         equation, k_expand[i], new_rank);
            return FALSE;
          }
        ones[k_expand[i]] = TRUE;
      }
    for (guint j = 0; j < new_rank; j++)
      expanded[j] = ones[j] ? 1 : shape[from++];
    memcpy (shape, expanded, new_rank * sizeof (gsize));
    rank = new_rank;
  }
  /* ops.squeeze of the squeezed positions. */
  if (n_k_squeeze > 0)
    {
      gboolean drop[2 * GRAFT_MAX_RANK] = { FALSE };
      guint kept = 0;

      for (guint i = 0; i < n_k_squeeze; i++)
        if ((guint) k_squeeze[i] < rank && shape[k_squeeze[i]] == 1)
          drop[k_squeeze[i]] = TRUE;
      for (guint j = 0; j < rank; j++)
        if (!drop[j])
          shape[kept++] = shape[j];
      rank = kept;
    }
  if (rank > GRAFT_MAX_RANK)
    goto too_big;
  layout->scale_rank = rank;
  memcpy (layout->scale_shape, shape, rank * sizeof (gsize));
  return TRUE;

too_big:
  g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED,
               "einsum '%s': its scale would have more than %d axes", equation, GRAFT_MAX_RANK);
  return FALSE;
}

/**
 * graft_quantize_einsum_channels:
 * @equation: an EinsumDense's equation
 * @kernel_shape: its kernel's shape
 * @channels: (out caller-allocates): which int8 scale each kernel element
 *   belongs to
 *
 * The int8 channels alone, which follow the order the output lists the
 * kernel's letters in and need nothing of the input.
 *
 * Returns: %FALSE with @error set as graft_quantize_einsum_layout() does
 */
gboolean
graft_quantize_einsum_channels (const char         *equation,
                                guint               kernel_rank,
                                const gsize        *kernel_shape,
                                GraftQuantChannels *channels,
                                GError            **error)
{
  const char *comma = strchr (equation, ',');
  const char *arrow = strstr (equation, "->");
  g_autofree char *plain = NULL;
  GraftQuantEinsum layout;
  g_auto(GStrv) parts = NULL;

  /* "..." only adds input and output axes the kernel does not have. */
  if (comma == NULL || arrow == NULL || arrow < comma)
    return graft_quantize_einsum_layout (equation, 0, kernel_rank, kernel_shape, &layout, error);
  parts = g_strsplit (equation, "...", -1);
  plain = g_strjoinv ("", parts);
  if (!graft_quantize_einsum_layout (plain, 0, kernel_rank, kernel_shape, &layout, error))
    return FALSE;
  *channels = layout.channels;
  return TRUE;
}
