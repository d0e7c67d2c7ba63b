/* graft-model.h: a checkpoint's layer tree, its weights and file metadata
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "graft-format.h"
#include "graft-types.h"

G_BEGIN_DECLS

GraftModel        *graft_model_ref                 (GraftModel        *self);
void               graft_model_unref               (GraftModel        *self);

const char        *graft_model_get_filename        (const GraftModel  *self);
GraftFormat        graft_model_get_format          (const GraftModel  *self);
const char        *graft_model_get_keras_version   (const GraftModel  *self);
const char        *graft_model_get_backend         (const GraftModel  *self);
JsonNode          *graft_model_get_config          (GraftModel        *self);
GraftLayer        *graft_model_get_root            (GraftModel        *self);

guint              graft_model_get_n_weights       (const GraftModel  *self);
GraftWeight       *graft_model_get_weight          (GraftModel        *self,
                                                    guint              position);
guint64            graft_model_get_n_params        (const GraftModel  *self);
guint              graft_model_get_n_extra_weights (const GraftModel  *self);
GraftWeight       *graft_model_get_extra_weight    (GraftModel        *self,
                                                    guint              position);
GraftWeight       *graft_model_find_weight         (GraftModel        *self,
                                                    const char        *path_or_location);
GraftLayer        *graft_model_find_layer          (GraftModel        *self,
                                                    const char        *path);

const char        *graft_layer_get_name            (const GraftLayer  *self);
const char        *graft_layer_get_path            (const GraftLayer  *self);
const char        *graft_layer_get_class_name      (const GraftLayer  *self);
const char        *graft_layer_get_location        (const GraftLayer  *self);
JsonObject        *graft_layer_get_config          (GraftLayer        *self);
GraftLayer        *graft_layer_get_parent          (GraftLayer        *self);
guint              graft_layer_get_n_children      (const GraftLayer  *self);
GraftLayer        *graft_layer_get_child           (GraftLayer        *self,
                                                    guint              position);
guint              graft_layer_get_n_weights       (const GraftLayer  *self);
GraftWeight       *graft_layer_get_weight          (GraftLayer        *self,
                                                    guint              position);
guint64            graft_layer_count_params        (const GraftLayer  *self);
GraftWeight       *graft_layer_find_weight         (GraftLayer        *self,
                                                    const char        *name);

const char        *graft_weight_get_name           (const GraftWeight *self);
const char        *graft_weight_get_path           (const GraftWeight *self);
const char        *graft_weight_get_location       (const GraftWeight *self);
GraftLayer        *graft_weight_get_layer          (GraftWeight       *self);
GraftTensor       *graft_weight_get_tensor         (GraftWeight       *self);
GraftTrainable     graft_weight_get_trainable      (const GraftWeight *self);
const char        *graft_weight_get_tied_to        (const GraftWeight *self);
GraftTensor       *graft_weight_get_values         (GraftWeight       *self);
const char        *graft_weight_get_quantization   (const GraftWeight *self);

guint              graft_model_get_n_metadata      (const GraftModel  *self);
const char        *graft_model_get_metadata        (const GraftModel  *self,
                                                    guint              i,
                                                    const char       **value);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GraftModel, graft_model_unref)

G_END_DECLS
