/* graft-model-private.h: building a model tree, for the readers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "graft-model.h"

G_BEGIN_DECLS

struct GraftWeight
{
  char           *name;      /* "kernel" */
  char           *path;      /* "encoder/dense_mean/kernel" */
  char           *location;  /* "/layers/dense/vars/0", inside the HDF5 file */
  GraftLayer     *layer;     /* borrowed: the owner */
  GraftTensor    *tensor;    /* owned */
  GraftTrainable  trainable;
  char           *tied_to;   /* the path of the weight it shares storage with, or NULL */
  GraftTensor    *values;    /* the real values of a quantized weight, owned, or NULL */
  char           *quantization; /* how it is stored ("int8, per output channel"), or NULL */
};

struct GraftLayer
{
  char       *name;
  char       *path;          /* names from the root, joined by '/' */
  char       *class_name;    /* Keras class name, or NULL when unknown */
  char       *location;      /* the HDF5 group that holds it, or NULL */
  JsonObject *config;        /* the layer's "config", or NULL */
  GraftLayer *parent;        /* borrowed */
  GPtrArray  *children;      /* of GraftLayer, owned */
  GHashTable *children_by_name; /* name → GraftLayer, borrowed; made once there are many */
  GPtrArray  *weights;       /* of GraftWeight, owned, in Keras's order */
};

GraftModel   *graft_model_new                (const char       *filename,
                                              GraftFormat       format) G_GNUC_WARN_UNUSED_RESULT;
void          graft_model_set_versions       (GraftModel       *self,
                                              const char       *keras_version,
                                              const char       *backend);
void          graft_model_take_config        (GraftModel       *self,
                                              JsonNode         *config);
void          graft_model_keep_data          (GraftModel       *self,
                                              gpointer          data,
                                              GDestroyNotify    destroy);
void          graft_model_add_extra_weight   (GraftModel       *self,
                                              const char       *path,
                                              const char       *location,
                                              GraftTensor      *tensor);
void          graft_model_finish             (GraftModel       *self);
void          graft_model_set_metadata       (GraftModel       *self,
                                              const char       *key,
                                              const char       *value);
void          graft_weight_set_tied_to       (GraftWeight      *self,
                                              const char       *path);
void          graft_weight_set_values        (GraftWeight      *self,
                                              GraftTensor      *values,
                                              const char       *quantization);

GraftLayer   *graft_layer_ensure_child       (GraftLayer       *parent,
                                              const char       *name);
GraftLayer   *graft_layer_find_child         (const GraftLayer *parent,
                                              const char       *name);
void          graft_layer_set_class_name     (GraftLayer       *self,
                                              const char       *class_name);
void          graft_layer_set_location       (GraftLayer       *self,
                                              const char       *location);
void          graft_layer_set_config         (GraftLayer       *self,
                                              JsonObject       *config);
GraftWeight  *graft_model_add_weight         (GraftModel       *self,
                                              GraftLayer       *layer,
                                              const char       *name,
                                              const char       *location,
                                              GraftTensor      *tensor,
                                              GraftTrainable    trainable);
void          graft_layer_remove_empty       (GraftLayer       *self);

/* Mutation (issue 4): used by graft-edit.c, which records undo steps. */
void          graft_weight_set_tensor        (GraftWeight      *self,
                                              GraftTensor      *tensor);

G_END_DECLS
