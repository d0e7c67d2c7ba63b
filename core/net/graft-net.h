/* graft-net.h: runnable models and their forward pass
 *
 * A GraftNet is a graph of layer calls built from a Keras model config, a
 * user's model spec (the same schema) or code. It owns float32 weights that
 * are bound from a checkpoint or initialised, and runs on the CPU.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "graft-types.h"

G_BEGIN_DECLS

typedef struct GraftNet GraftNet;

GraftNet     *graft_net_new                 (const char   *name) G_GNUC_WARN_UNUSED_RESULT;
GraftNet     *graft_net_new_from_config     (JsonNode     *config,
                                             GError      **error) G_GNUC_WARN_UNUSED_RESULT;
GraftNet     *graft_net_new_from_model      (GraftModel   *model,
                                             GError      **error) G_GNUC_WARN_UNUSED_RESULT;
GraftNet     *graft_net_ref                 (GraftNet     *self);
void          graft_net_unref               (GraftNet     *self);

/* Building in code. Tensor ids name one output of one layer call. */
guint         graft_net_add_input           (GraftNet     *self,
                                             const char   *name,
                                             guint         rank,
                                             const gssize *shape);
gboolean      graft_net_add_layer           (GraftNet     *self,
                                             const char   *class_name,
                                             const char   *config_json,
                                             guint         n_in,
                                             const guint  *in,
                                             guint        *out,
                                             GError      **error);
void          graft_net_set_outputs         (GraftNet     *self,
                                             guint         n_out,
                                             const guint  *out);

const char   *graft_net_get_name            (GraftNet     *self);
guint         graft_net_get_n_inputs        (GraftNet     *self);
guint         graft_net_get_n_outputs       (GraftNet     *self);
gboolean      graft_net_check_runnable      (GraftNet     *self,
                                             GError      **error);
gboolean      graft_net_set_input_shape     (GraftNet     *self,
                                             guint         input,
                                             guint         rank,
                                             const gssize *shape,
                                             GError      **error);
gboolean      graft_net_build               (GraftNet     *self,
                                             GError      **error);
gboolean      graft_net_init_weights        (GraftNet     *self,
                                             guint64       seed,
                                             GError      **error);
gboolean      graft_net_bind                (GraftNet     *self,
                                             GraftModel   *model,
                                             GError      **error);

guint         graft_net_get_n_weights       (GraftNet     *self);
GraftTensor  *graft_net_get_weight          (GraftNet     *self,
                                             guint         position,
                                             char        **path);

gboolean      graft_net_set_weight          (GraftNet     *self,
                                             const char   *path,
                                             GraftTensor  *tensor,
                                             GError      **error);

GPtrArray    *graft_net_predict             (GraftNet     *self,
                                             guint         n_inputs,
                                             GraftTensor *const *inputs,
                                             GError      **error) G_GNUC_WARN_UNUSED_RESULT;

/* Saving a built, initialised net as a new Keras file (graft-net-model.c). */
GraftModel   *graft_net_dup_model           (GraftNet     *self,
                                             GError      **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean      graft_net_save                (GraftNet     *self,
                                             const char   *path,
                                             GraftFormat   format,
                                             GError      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GraftNet, graft_net_unref)

G_END_DECLS
