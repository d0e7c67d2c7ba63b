/* graft-pickle-private.h: the values a pickle builds, for the reader
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "graft-pickle.h"
#include "graft-error.h"

G_BEGIN_DECLS

typedef enum
{
  GRAFT_GLOBAL_ORDERED_DICT,
  GRAFT_GLOBAL_REBUILD_TENSOR,
  GRAFT_GLOBAL_REBUILD_PARAMETER,
  GRAFT_GLOBAL_STORAGE,
  GRAFT_GLOBAL_DTYPE,
} GraftGlobalKind;

struct GraftPickleValue
{
  GraftPickleKind  kind;
  union
  {
    gint64              i;
    double              f;
    char               *s;          /* STRING, BYTES (NUL-terminated copy) */
    GPtrArray          *items;      /* TUPLE, LIST; DICT: key, value, key, value …; borrowed */
    GraftPickleStorage *storage;
    GraftPickleTensor  *tensor;
    struct
    {
      GraftGlobalKind kind;
      GraftDType      dtype;
      char           *name;
    } global;
  } u;
  gsize            len;             /* BYTES */
};

struct GraftPickle
{
  GPtrArray        *arena;          /* of GraftPickleValue, owned */
  GraftPickleValue *root;
};

typedef struct
{
  const guint8  *data;
  gsize          len;
  gsize          pos;
  const char    *what;
  GPtrArray     *stack;   /* of GraftPickleValue *, NULL for a MARK */
  GArray        *marks;   /* of guint: stack heights */
  GPtrArray     *memo;    /* of GraftPickleValue *, sparse */
  GPtrArray     *arena;   /* every value made, owned: values only borrow each other */
  guint          n_values;
  GError       **error;
} GraftPickleReader;


void              graft_pickle_value_free (GraftPickleValue  *value);
GraftPickleValue *graft_pickle_value_new  (GraftPickleReader *r,
                                           GraftPickleKind    kind);
gboolean          graft_pickle_fail       (GraftPickleReader *r,
                                           GraftError         code,
                                           const char        *format,
                                           ...) G_GNUC_PRINTF (3, 4);
gboolean          graft_pickle_push       (GraftPickleReader *r,
                                           GraftPickleValue  *value);
GraftPickleValue *graft_pickle_pop        (GraftPickleReader *r);
GraftPickleValue *graft_pickle_top        (GraftPickleReader *r);

/* graft-pickle-calls.c: the globals a state_dict names, and what "calling" them builds */
gboolean          graft_pickle_global     (GraftPickleReader *r,
                                           const char        *module,
                                           const char        *name);
gboolean          graft_pickle_reduce     (GraftPickleReader *r);
gboolean          graft_pickle_persid     (GraftPickleReader *r);

G_END_DECLS
