/* graft-keras-private.h: what the Keras readers share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "graft-h5-private.h"
#include "graft-keras-class.h"
#include "graft-keras-config.h"
#include "graft-model-private.h"

G_BEGIN_DECLS

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
