/* graft-keras-private.h: what the Keras readers share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "graft-h5-private.h"
#include "graft-model-private.h"

G_BEGIN_DECLS

/* graft-keras-names.c: facts about Keras classes */
char            *graft_keras_snake_case         (const char   *class_name);
const char      *graft_keras_class_from_snake   (const char   *snake);
const char      *graft_keras_class_strip_package (const char  *class_name);
char           **graft_keras_var_names          (const char   *class_name,
                                                 JsonObject   *layer_config,
                                                 guint         n_vars);
char           **graft_keras_var_names_from_shapes (const GraftH5DatasetInfo *infos,
                                                 guint         n_vars);
gboolean         graft_keras_var_is_non_trainable (const char *class_name,
                                                 const char   *var_name);
JsonObject      *graft_keras_config_entry_config (JsonObject  *entry);
const char      *graft_keras_config_entry_name  (JsonObject   *entry);
const char      *graft_keras_config_entry_class (JsonObject   *entry);
JsonArray       *graft_keras_config_layers      (JsonObject   *entry);
JsonObject      *graft_keras_config_find_child  (JsonObject   *entry,
                                                 const char   *name);
gboolean         graft_keras_config_is_frozen   (JsonObject   *entry);

/* graft-keras-legacy.c: model_weights / layer_names files */
gboolean         graft_keras_load_legacy        (GraftModel   *model,
                                                 GraftH5File  *file,
                                                 const char   *weights_root,
                                                 GError      **error);

/* graft-keras-v3.c: the Keras 3 layers/…/vars/N layout */
gboolean         graft_keras_load_v3            (GraftModel   *model,
                                                 GPtrArray    *files,
                                                 GError      **error);

/* graft-keras-zip.c and graft-keras-sharded.c */
GraftModel      *graft_keras_load_zip           (const char   *path,
                                                 GError      **error);
GraftModel      *graft_keras_load_sharded       (const char   *path,
                                                 GError      **error);
GPtrArray       *graft_keras_sharded_list       (const char   *index_path,
                                                 gboolean      skip_non_strings,
                                                 GError      **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
