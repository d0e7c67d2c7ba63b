/* graft-keras-quant.h: Keras 3 quantized layers: what is stored, what it means
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "graft-types.h"

G_BEGIN_DECLS

typedef enum
{
  GRAFT_QUANT_NONE,
  GRAFT_QUANT_INT8,
  GRAFT_QUANT_INT4,
  GRAFT_QUANT_FLOAT8,
} GraftQuantMode;

GraftQuantMode      graft_keras_quant_mode  (JsonObject  *layer_config,
                                             gint        *block_size);
JsonObject         *graft_keras_quant_policy_map (JsonObject *layer_config);
GraftQuantMode      graft_keras_quant_map_mode (JsonObject *layer_config);
char              **graft_keras_quant_vars  (const char  *class_name,
                                             JsonObject  *layer_config) G_GNUC_WARN_UNUSED_RESULT;
void                graft_keras_quant_attach (GraftModel *model);
void                graft_keras_quant_attach_weight (GraftWeight *weight);

/* graft-keras-quant-policy.c */
const char         *graft_keras_quant_source_policy  (JsonObject     *layer_config);
JsonNode           *graft_keras_quant_policy_new     (GraftQuantMode  mode,
                                                      gint            block_size,
                                                      const char     *source_name) G_GNUC_WARN_UNUSED_RESULT;
JsonNode           *graft_keras_quant_config_new     (GraftQuantMode  mode,
                                                      gint            block_size) G_GNUC_WARN_UNUSED_RESULT;
JsonNode           *graft_keras_quant_policy_map_new (const char     *default_policy,
                                                      JsonObject     *policy_map) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
