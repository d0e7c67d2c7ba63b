/* graft-pickle.h: a restricted pickle reader that builds values and runs nothing
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "graft-types.h"

G_BEGIN_DECLS

typedef enum
{
  GRAFT_PICKLE_NONE,
  GRAFT_PICKLE_BOOL,
  GRAFT_PICKLE_INT,
  GRAFT_PICKLE_FLOAT,
  GRAFT_PICKLE_STRING,
  GRAFT_PICKLE_BYTES,
  GRAFT_PICKLE_TUPLE,
  GRAFT_PICKLE_LIST,
  GRAFT_PICKLE_DICT,
  GRAFT_PICKLE_GLOBAL,    /* an allowed callable or class, not yet called */
  GRAFT_PICKLE_STORAGE,   /* a torch storage reference (persistent id) */
  GRAFT_PICKLE_TENSOR,    /* _rebuild_tensor_v2 (…): a view of a storage */
} GraftPickleKind;

typedef struct GraftPickle      GraftPickle;
typedef struct GraftPickleValue GraftPickleValue;

/**
 * GraftPickleStorage:
 * @key: the storage's name in the file ("0", or a number in legacy files)
 * @dtype: the element type its class names
 * @numel: elements in the whole storage
 */
typedef struct
{
  char       *key;
  GraftDType  dtype;
  guint64     numel;
} GraftPickleStorage;

/**
 * GraftPickleTensor:
 * @storage: the storage it views
 * @offset: its first element in the storage
 * @rank: dimensions
 * @shape: its shape
 * @stride: elements between neighbours along each axis
 */
typedef struct
{
  GraftPickleStorage *storage;
  guint64             offset;
  guint               rank;
  gsize               shape[GRAFT_MAX_RANK];
  gint64              stride[GRAFT_MAX_RANK];
} GraftPickleTensor;

GraftPickle        *graft_pickle_load           (const guint8      *data,
                                                 gsize              len,
                                                 const char        *what,
                                                 gsize             *consumed,
                                                 GError           **error) G_GNUC_WARN_UNUSED_RESULT;
void                graft_pickle_free           (GraftPickle       *pickle);
GraftPickleValue   *graft_pickle_get_root       (GraftPickle       *pickle);

GraftPickleKind     graft_pickle_value_get_kind (const GraftPickleValue *value);
gint64              graft_pickle_value_get_int  (const GraftPickleValue *value);
const char         *graft_pickle_value_get_string (const GraftPickleValue *value);
guint               graft_pickle_value_get_n_items (const GraftPickleValue *value);
GraftPickleValue   *graft_pickle_value_get_item (const GraftPickleValue *value,
                                                 guint              i);
GraftPickleValue   *graft_pickle_value_get_key  (const GraftPickleValue *value,
                                                 guint              i);
const GraftPickleTensor *graft_pickle_value_get_tensor (const GraftPickleValue *value);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GraftPickle, graft_pickle_free)

G_END_DECLS
