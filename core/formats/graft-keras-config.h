/* graft-keras-config.h: reading Keras model and layer configs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Typed values of a layer's "config" object; @config may be %NULL, and a
 * missing key or a value of another type gives @fallback. */
gint64       graft_config_get_int        (JsonObject  *config,
                                          const char  *key,
                                          gint64       fallback);
double       graft_config_get_double     (JsonObject  *config,
                                          const char  *key,
                                          double       fallback);
gboolean     graft_config_get_bool       (JsonObject  *config,
                                          const char  *key,
                                          gboolean     fallback);
const char  *graft_config_get_string     (JsonObject  *config,
                                          const char  *key,
                                          const char  *fallback);
JsonObject  *graft_config_get_object     (JsonObject  *config,
                                          const char  *key);
gboolean     graft_config_get_ints       (JsonObject  *config,
                                          const char  *key,
                                          guint        n,
                                          gint64      *values,
                                          GError     **error);
gboolean     graft_config_node_get_count (JsonNode    *node,
                                          gint64      *value);

const char  *graft_config_strip_package  (const char  *class_name);

/* Entries: {"class_name": …, "config": {…}, "name": …}. */
JsonObject  *graft_config_entry_config   (JsonObject  *entry);
const char  *graft_config_entry_name     (JsonObject  *entry);
const char  *graft_config_entry_class    (JsonObject  *entry);
JsonArray   *graft_config_layers         (JsonObject  *entry);
JsonObject  *graft_config_find_child     (JsonObject  *entry,
                                          const char  *name);
gboolean     graft_config_is_frozen      (JsonObject  *entry);

JsonNode    *graft_config_dup            (JsonNode    *node) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
