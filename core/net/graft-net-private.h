/* graft-net-private.h: runnable models, for graft-net*.c and the layer kinds
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "graft-keras-config.h"
#include "graft-layer-class.h"
#include "graft-net.h"

G_BEGIN_DECLS

/* One weight of a node, float32, in the order Keras creates them (the
 * Keras class table, graft-keras-class.c, lists them). */
typedef struct
{
  char         *name;         /* "kernel", or "forward/kernel" for a wrapper */
  guint         rank;
  gsize         shape[GRAFT_MAX_RANK];
  char         *initializer;  /* config key ("kernel_initializer") or a name ("zeros") */
  gboolean      trainable;
  GraftTensor  *tensor;       /* owned; NULL until bound or initialised */
  const float  *data;         /* borrowed from tensor, set by graft_node_weight_set */
  GraftDType    dtype;        /* the Keras variable's; values are float32 all the same */
} GraftNodeWeight;

/* One layer instance of a net. A shared layer is one node with several calls. */
struct GraftNode
{
  const GraftLayerClass *klass;
  char                  *name;
  char                  *class_name; /* as the config spells it: "CustomDense", "MaxPool2D" */
  JsonObject            *config;    /* owned ref; the layer's "config" */
  JsonObject            *sources;   /* owned ref or NULL: a spec's weight mapping */
  gpointer               priv;      /* kind-specific, cleared by klass->clear */
  GPtrArray             *weights;   /* of GraftNodeWeight, owned */
  GPtrArray             *children;  /* of GraftNode, owned: wrapped layers, MHA parts */
  GraftNet              *net;       /* owned: the model of a nested-model node */
  gboolean               built;
};

GraftNode        *graft_node_new              (JsonObject        *entry,
                                               GError           **error);
GraftNode        *graft_node_new_for_class    (const char        *class_name,
                                               JsonObject        *config,
                                               GError           **error);
void              graft_node_free             (GraftNode         *node);
gboolean          graft_node_build            (GraftNode         *node,
                                               guint              n_in,
                                               const GraftShape  *in,
                                               GError           **error);
GraftNodeWeight  *graft_node_add_weight       (GraftNode         *node,
                                               const char        *name,
                                               guint              rank,
                                               const gsize       *shape,
                                               const char        *initializer,
                                               gboolean           trainable);
const float      *graft_node_get_weight_data  (GraftNode         *node,
                                               const char        *name);
GraftNodeWeight  *graft_node_find_weight      (GraftNode         *node,
                                               const char        *name);
gboolean          graft_node_weight_set       (GraftNode         *node,
                                               GraftNodeWeight   *weight,
                                               GraftTensor       *tensor,
                                               GError           **error);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GraftNode, graft_node_free)

/* Reading layer configs beyond graft-keras-config.h: shapes as a net
 * sees them. */
gboolean          graft_config_get_shape      (JsonObject        *config,
                                               const char        *key,
                                               GraftShape        *shape);
gboolean          graft_config_channels_first (JsonObject        *config);

/* Shapes. */
gboolean         graft_shape_check_size   (const char        *layer,
                                           const char        *what,
                                           guint              rank,
                                           const gssize      *dims,
                                           GError           **error);
gsize             graft_shape_n_elements      (const GraftShape  *shape);
char             *graft_shape_to_string       (const GraftShape  *shape);
void              graft_shape_from_tensor     (GraftShape        *shape,
                                               const GraftTensor *tensor);
GraftTensor      *graft_shape_new_tensor      (const GraftShape  *shape);
gboolean          graft_shape_check_rank      (GraftNode         *node,
                                               const GraftShape  *shape,
                                               guint              min_rank,
                                               guint              max_rank,
                                               GError           **error);
gboolean          graft_shape_check_known     (GraftNode         *node,
                                               const GraftShape  *shape,
                                               guint              axis,
                                               GError           **error);

/* Nets, as used by the nested-model kinds. */
GraftNet         *graft_net_new_from_layers_config (JsonObject  *config,
                                                    gboolean     sequential,
                                                    GError     **error);
gboolean          graft_net_propagate         (GraftNet          *self,
                                               guint              n_in,
                                               const GraftShape  *in,
                                               gboolean           build,
                                               guint             *n_out,
                                               GraftShape        *out,
                                               GError           **error);
gboolean          graft_net_run               (GraftNet          *self,
                                               guint              n_in,
                                               GraftTensor *const *in,
                                               GraftTensor      **out,
                                               GError           **error);
guint             graft_net_get_n_nodes       (GraftNet          *self);
GraftNode        *graft_net_get_node          (GraftNet          *self,
                                               guint              position);

G_END_DECLS
