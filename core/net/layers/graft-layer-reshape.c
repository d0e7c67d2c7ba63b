/* graft-layer-reshape.c: the Reshape layer kind, with one -1 allowed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-layer-reshape"

#include "config.h"

#include "graft-layer-ops-private.h"

#include "graft-error.h"
#include "graft-tensor.h"

typedef struct
{
  GraftShape target;   /* without the batch axis */
} GraftReshapePriv;

static gboolean
graft_layer_reshape_setup (GraftNode   *node,
                           JsonObject  *config,
                           GError     **error)
{
  GraftReshapePriv *p = g_new0 (GraftReshapePriv, 1);

  node->priv = p;
  if (!graft_config_get_shape (config, "target_shape", &p->target) ||
      p->target.rank + 1 > GRAFT_MAX_RANK)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT,
                   "layer '%s': target_shape must be a list of at most %d whole numbers",
                   node->name, GRAFT_MAX_RANK - 1);
      return FALSE;
    }
  return TRUE;
}

static gboolean
graft_layer_reshape_infer (GraftNode         *node,
                           guint              n_in,
                           const GraftShape  *in,
                           guint             *n_out,
                           GraftShape        *out,
                           GError           **error)
{
  GraftReshapePriv *p = node->priv;
  gssize total = 1, known = 1;
  gint unknown = -1;

  *n_out = 1;
  if (!graft_shape_check_size (node->name, "its input", in[0].rank, in[0].dims, error) ||
      !graft_shape_check_size (node->name, "its target_shape", p->target.rank, p->target.dims, error))
    return FALSE;
  /* Both products now fit: the memory limit is far below G_MAXSSIZE. */
  for (guint i = 1; i < in[0].rank; i++)
    total = (total < 0 || in[0].dims[i] < 0) ? -1 : total * in[0].dims[i];
  out[0].rank = p->target.rank + 1;
  out[0].dims[0] = in[0].dims[0];
  for (guint i = 0; i < p->target.rank; i++)
    {
      out[0].dims[i + 1] = p->target.dims[i];
      if (p->target.dims[i] < 0)
        unknown = (gint) i + 1;
      else
        known *= p->target.dims[i];
    }
  if (unknown >= 0)
    out[0].dims[unknown] = total < 0 ? -1 : total / MAX (known, 1);
  else if (total >= 0 && total != known)
    {
      g_autofree char *text = graft_shape_to_string (&in[0]);

      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_SHAPE,
                   "layer '%s': cannot reshape %s to %" G_GSSIZE_FORMAT " elements", node->name, text, known);
      return FALSE;
    }
  return TRUE;
}

const GraftLayerClass graft_layer_reshape_class = {
  .class_name = "Reshape",
  .setup = graft_layer_reshape_setup,
  .infer = graft_layer_reshape_infer,
  .forward = graft_layer_forward_copy,
};
