/* graft-convert-private.h: what the conversion files share
 *
 * A conversion first turns the model config into a plan: every object
 * Keras 3 visits (model, layer, cell, sub-layer) with its structural HDF5
 * group and @name, and every variable in creation order with the model
 * weight that holds its value and its legacy variable path. The writers
 * then lay the plan out in one format or the other.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "graft-h5-write-private.h"
#include "graft-types.h"

G_BEGIN_DECLS

typedef struct
{
  char        *location;   /* "/layers/dense/vars/0" */
  char        *var_path;   /* "sequential/conv1/kernel", the legacy weight name */
  GraftWeight *weight;     /* borrowed: where the value comes from */
  gboolean     trainable;
} GraftConvertVar;

typedef struct
{
  char       *group;       /* "/layers/dense"; "/" for the model */
  char       *name;        /* written as vars/@name */
  guint       top;         /* index in layer_names, G_MAXUINT for the model itself */
  GPtrArray  *vars;        /* of GraftConvertVar, in creation order */
} GraftConvertObj;

typedef struct
{
  char       *model_name;
  GPtrArray  *layer_names; /* of char *: model.layers, the legacy layer_names */
  GPtrArray  *objects;     /* of GraftConvertObj, depth-first: get_weights() order */
} GraftConvertPlan;

/* graft-convert-keras3-paths.c */
GraftConvertPlan *graft_convert_plan_new       (GraftModel        *model,
                                                JsonNode          *config,
                                                const char        *target,
                                                GError           **error) G_GNUC_WARN_UNUSED_RESULT;
void              graft_convert_plan_free      (GraftConvertPlan  *plan);
GPtrArray        *graft_convert_plan_dup_legacy_vars (GraftConvertPlan *plan,
                                                guint              top) G_GNUC_WARN_UNUSED_RESULT;
gboolean          graft_convert_write_keras3   (GraftConvertPlan  *plan,
                                                GraftH5Writer     *writer,
                                                GError           **error);

/* graft-convert-legacy.c */
char             *graft_convert_legacy_config  (JsonNode          *config) G_GNUC_WARN_UNUSED_RESULT;
char             *graft_convert_keras_config   (JsonNode          *config) G_GNUC_WARN_UNUSED_RESULT;
gboolean          graft_convert_write_legacy   (GraftConvertPlan  *plan,
                                                GraftModel        *model,
                                                GraftH5Writer     *writer,
                                                const char        *weights_root,
                                                GError           **error);

/* graft-convert-sharded.c */
gboolean          graft_convert_save_sharded   (GraftModel        *model,
                                                JsonNode          *config,
                                                const char        *path,
                                                guint64            max_shard_size,
                                                GraftSaveFlags     flags,
                                                GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GraftConvertPlan, graft_convert_plan_free)

G_END_DECLS
