/* graft-keras-class.h: the one table of Keras classes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * GraftKerasChild:
 * @config_key: the key of the wrapped layer's entry in the wrapper's config
 * @attribute: the group that holds it in a Keras 3 file
 * @prefix: (nullable): the wrapper names the layer @prefix + its name
 *   without @prefix ("gru" and "forward_gru" both become "forward_gru")
 * @mirror_key: (nullable): when @config_key is absent, the layer is a copy
 *   of the one at @mirror_key, named @prefix + that layer's name without
 *   @mirror_strip ("forward_gru" becomes "backward_gru")
 */
typedef struct
{
  const char *config_key;
  const char *attribute;
  const char *prefix;
  const char *mirror_key;
  const char *mirror_strip;
} GraftKerasChild;

char *graft_keras_child_name (const GraftKerasChild *child,
                              const char            *name,
                              gboolean               mirrored) G_GNUC_WARN_UNUSED_RESULT;

/**
 * GraftKerasSublayer:
 * @attribute: the group that holds it in a Keras 3 file ("query_dense")
 * @name: its layer name, which names its variables ("query/kernel")
 * @class_name: (nullable): its class, %NULL when it has no variables
 */
typedef struct
{
  const char *attribute;
  const char *name;
  const char *class_name;
} GraftKerasSublayer;

/**
 * GraftKerasClass:
 * @class_name: the Keras class name
 * @snake: its snake_case name (group names in Keras 3 files, automatic
 *   layer names)
 * @vars: (nullable): its own variables in creation order
 * @frozen_vars: (nullable): those of @vars Keras never trains
 * @all_frozen: no variable of the class is ever trained
 * @cell_class: (nullable): the class of the cell an RNN keeps its
 *   variables in (at the attribute "cell")
 * @children: (nullable): layers it wraps, {%NULL}-terminated
 * @sublayers: (nullable): layers it builds itself, {%NULL}-terminated
 * @is_model: its config holds a layer list
 */
typedef struct
{
  const char                 *class_name;
  const char                 *snake;
  const char * const         *vars;
  const char * const         *frozen_vars;
  gboolean                    all_frozen;
  const char                 *cell_class;
  const GraftKerasChild      *children;
  const GraftKerasSublayer   *sublayers;
  gboolean                    is_model;
} GraftKerasClass;

const GraftKerasClass    *graft_keras_class_lookup          (const char            *class_name);
guint                     graft_keras_class_get_n           (void);
const GraftKerasClass    *graft_keras_class_get_nth         (guint                  i);
const char               *graft_keras_class_from_snake      (const char            *snake);
gboolean                  graft_keras_class_is_model        (const char            *class_name,
                                                             JsonObject            *entry);
const char               *graft_keras_class_get_cell_name   (const GraftKerasClass *klass);
const GraftKerasSublayer *graft_keras_class_find_sublayer   (const GraftKerasClass *klass,
                                                             const char            *attribute);

char                     *graft_keras_snake_case            (const char            *class_name) G_GNUC_WARN_UNUSED_RESULT;
char                    **graft_keras_var_names             (const char            *class_name,
                                                             JsonObject            *layer_config,
                                                             guint                  n_vars) G_GNUC_WARN_UNUSED_RESULT;
gboolean                  graft_keras_var_is_non_trainable  (const char            *class_name,
                                                             const char            *var_name);

G_END_DECLS
