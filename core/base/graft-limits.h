/* graft-limits.h: the limits that keep hostile files from exhausting the machine
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "graft-types.h"

G_BEGIN_DECLS

/* Deepest group nesting Graft walks in a checkpoint. */
#define GRAFT_MAX_DEPTH 64
/* Largest expansion a compressed zip member may claim over its stored size. */
#define GRAFT_MAX_ZIP_RATIO 1000
/* Largest JSON document (model config, metadata, shard index) Graft parses. */
#define GRAFT_MAX_JSON_BYTES (256 * 1024 * 1024)
/* Most strings one name attribute (layer_names, weight_names) may list. */
#define GRAFT_MAX_ATTR_STRINGS 1000000
/* Most members a .keras archive may have. */
#define GRAFT_MAX_ZIP_MEMBERS 100000

guint64   graft_limits_get_max_alloc  (void);
gboolean  graft_limits_check_alloc    (guint64   n_bytes,
                                       GError  **error);

G_END_DECLS
