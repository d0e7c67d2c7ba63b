/* graft-layer-axes.c: reading and resolving a normalisation layer's axes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-layer-axes"

#include "config.h"

#include "graft-layer-axes-private.h"

#include "graft-error.h"

/* An integral JSON number small enough to be an axis. */
static gboolean
graft_axes_read_one (JsonNode *value,
                     gint64   *axis)
{
  gint64 v;

  if (value == NULL || !JSON_NODE_HOLDS_VALUE (value) ||
      json_node_get_value_type (value) != G_TYPE_INT64)
    return FALSE;
  v = json_node_get_int (value);
  if (v < -(gint64) GRAFT_MAX_RANK || v >= (gint64) GRAFT_MAX_RANK)
    return FALSE;
  *axis = v;
  return TRUE;
}

/**
 * graft_axes_parse:
 * @axes: (out caller-allocates): the axes @config names
 *
 * Reads config["axis"]: missing or null means the last axis.
 *
 * Returns: %FALSE with %GRAFT_ERROR_CORRUPT naming the layer when the key
 *   holds something other than an integer or a non-empty list of them
 */
gboolean
graft_axes_parse (GraftNode   *node,
                  JsonObject  *config,
                  GraftAxes   *axes,
                  GError     **error)
{
  JsonNode *value = json_object_get_member (config, "axis");
  gboolean ok = TRUE;

  axes->n = 1;
  axes->axis[0] = -1;
  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    return TRUE;
  if (JSON_NODE_HOLDS_ARRAY (value))
    {
      JsonArray *list = json_node_get_array (value);
      guint len = json_array_get_length (list);

      ok = len > 0 && len <= GRAFT_MAX_RANK;
      axes->n = ok ? len : 0;
      for (guint i = 0; ok && i < len; i++)
        ok = graft_axes_read_one (json_array_get_element (list, i), &axes->axis[i]);
    }
  else
    ok = graft_axes_read_one (value, &axes->axis[0]);
  if (!ok)
    g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT,
                 "layer '%s': axis must be an integer or a list of integers", node->name);
  return ok;
}

/**
 * graft_axes_resolve:
 * @shape: the input's shape, batch axis first
 * @sorted: (out caller-allocates): @axes->n positions in 1 … rank-1, ascending
 *
 * Returns: %FALSE with %GRAFT_ERROR_SHAPE for an axis outside @shape or
 *   named twice, %GRAFT_ERROR_UNSUPPORTED for the batch axis (Graft
 *   normalises each sample on its own); messages name the layer
 */
gboolean
graft_axes_resolve (GraftNode        *node,
                    const GraftAxes  *axes,
                    const GraftShape *shape,
                    guint            *sorted,
                    GError          **error)
{
  g_autofree char *text = graft_shape_to_string (shape);

  for (guint i = 0; i < axes->n; i++)
    {
      gint64 a = axes->axis[i] < 0 ? (gint64) shape->rank + axes->axis[i] : axes->axis[i];
      guint pos = i;

      if (a < 0 || a >= (gint64) shape->rank)
        {
          g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_SHAPE,
                       "layer '%s': axis %" G_GINT64_FORMAT " is outside its input %s",
                       node->name, axes->axis[i], text);
          return FALSE;
        }
      if (a == 0)
        {
          g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED,
                       "layer '%s': axis %" G_GINT64_FORMAT " is the batch axis of its input %s, "
                       "and Graft normalises each sample on its own",
                       node->name, axes->axis[i], text);
          return FALSE;
        }
      /* Insertion into the sorted prefix. */
      while (pos > 0 && sorted[pos - 1] > (guint) a)
        {
          sorted[pos] = sorted[pos - 1];
          pos--;
        }
      if (pos > 0 && sorted[pos - 1] == (guint) a)
        {
          g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_SHAPE,
                       "layer '%s': axis %" G_GINT64_FORMAT " names axis %" G_GINT64_FORMAT
                       " of its input %s a second time", node->name, axes->axis[i], a, text);
          return FALSE;
        }
      sorted[pos] = (guint) a;
    }
  return TRUE;
}
