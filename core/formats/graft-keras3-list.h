/* graft-keras3-list.h: a model's layer list as Keras 3 files name it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * GraftKeras3Item:
 * @entry: (transfer none): the layer's config entry
 * @key: the layer's group below layers/ ("dense_1")
 * @position: the entry's index in the config's layer list
 */
typedef struct
{
  JsonObject *entry;
  char       *key;
  guint       position;
} GraftKeras3Item;

GArray *graft_keras3_list_new (JsonObject *model_entry) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
