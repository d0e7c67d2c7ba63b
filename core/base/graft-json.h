/* graft-json.h: parsing JSON that comes from files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Deepest nesting of arrays and objects Graft parses: json-glib recurses
 * once per level, so a file of nested brackets could exhaust the stack. */
#define GRAFT_MAX_JSON_DEPTH 512

JsonNode *graft_json_parse (const char  *text,
                            gssize       len,
                            const char  *what,
                            GError     **error) G_GNUC_WARN_UNUSED_RESULT;

void      graft_json_add_shape (JsonBuilder  *builder,
                                guint         rank,
                                const gsize  *shape);

G_END_DECLS
