/* graft-layer-axes-private.h: the "axis" key of the normalisation kinds
 *
 * Keras lets a normalisation layer name one axis ("axis": -1) or several
 * ("axis": [1, 3]), negative ones counting from the end. Graft reads the
 * key once when the layer is set up and turns it into sorted, distinct
 * positions each time it sees the rank of an input.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "graft-net-private.h"

G_BEGIN_DECLS

typedef struct
{
  guint   n;
  gint64  axis[GRAFT_MAX_RANK];   /* as the config spells them */
} GraftAxes;

gboolean  graft_axes_parse   (GraftNode        *node,
                              JsonObject       *config,
                              GraftAxes        *axes,
                              GError          **error);
gboolean  graft_axes_resolve (GraftNode        *node,
                              const GraftAxes  *axes,
                              const GraftShape *shape,
                              guint            *sorted,
                              GError          **error);

G_END_DECLS
