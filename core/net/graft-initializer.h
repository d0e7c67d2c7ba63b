/* graft-initializer.h: Keras weight initialisers on a seeded generator
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "graft-types.h"

G_BEGIN_DECLS

void          graft_initializer_fans (guint         rank,
                                      const gsize  *shape,
                                      double       *fan_in,
                                      double       *fan_out);
GraftTensor  *graft_initializer_run  (JsonNode     *spec,
                                      const char   *name,
                                      guint         rank,
                                      const gsize  *shape,
                                      GRand        *rng,
                                      GError      **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
