/* graft-pickle-calls.c: the globals a state_dict names, and what calling them builds
 *
 * A pickle's GLOBAL names a Python callable and REDUCE calls it. Here the
 * few a state_dict needs are known by name, and "calling" one builds the
 * plain value Python would have built: an empty dictionary, a tensor view
 * of a storage. Nothing else can be named.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-pickle"

#include "config.h"

#include "graft-pickle-private.h"

/* The globals a state_dict may name: a module, a name and what it is.
 * Storage classes and dtypes carry the element type. */
static const struct
{
  const char      *module;
  const char      *name;
  GraftGlobalKind  kind;
  GraftDType       dtype;
} graft_pickle_globals[] = {
  { "collections", "OrderedDict", GRAFT_GLOBAL_ORDERED_DICT, 0 },
  { "torch._utils", "_rebuild_tensor_v2", GRAFT_GLOBAL_REBUILD_TENSOR, 0 },
  { "torch._utils", "_rebuild_parameter", GRAFT_GLOBAL_REBUILD_PARAMETER, 0 },
  { "torch", "FloatStorage", GRAFT_GLOBAL_STORAGE, GRAFT_DTYPE_FLOAT32 },
  { "torch", "DoubleStorage", GRAFT_GLOBAL_STORAGE, GRAFT_DTYPE_FLOAT64 },
  { "torch", "HalfStorage", GRAFT_GLOBAL_STORAGE, GRAFT_DTYPE_FLOAT16 },
  { "torch", "BFloat16Storage", GRAFT_GLOBAL_STORAGE, GRAFT_DTYPE_BFLOAT16 },
  { "torch", "LongStorage", GRAFT_GLOBAL_STORAGE, GRAFT_DTYPE_INT64 },
  { "torch", "IntStorage", GRAFT_GLOBAL_STORAGE, GRAFT_DTYPE_INT32 },
  { "torch", "ShortStorage", GRAFT_GLOBAL_STORAGE, GRAFT_DTYPE_INT16 },
  { "torch", "CharStorage", GRAFT_GLOBAL_STORAGE, GRAFT_DTYPE_INT8 },
  { "torch", "ByteStorage", GRAFT_GLOBAL_STORAGE, GRAFT_DTYPE_UINT8 },
  { "torch", "BoolStorage", GRAFT_GLOBAL_STORAGE, GRAFT_DTYPE_BOOL },
  { "torch", "float32", GRAFT_GLOBAL_DTYPE, GRAFT_DTYPE_FLOAT32 },
  { "torch", "float64", GRAFT_GLOBAL_DTYPE, GRAFT_DTYPE_FLOAT64 },
  { "torch", "float16", GRAFT_GLOBAL_DTYPE, GRAFT_DTYPE_FLOAT16 },
  { "torch", "bfloat16", GRAFT_GLOBAL_DTYPE, GRAFT_DTYPE_BFLOAT16 },
  { "torch", "int64", GRAFT_GLOBAL_DTYPE, GRAFT_DTYPE_INT64 },
  { "torch", "int32", GRAFT_GLOBAL_DTYPE, GRAFT_DTYPE_INT32 },
  { "torch", "int16", GRAFT_GLOBAL_DTYPE, GRAFT_DTYPE_INT16 },
  { "torch", "int8", GRAFT_GLOBAL_DTYPE, GRAFT_DTYPE_INT8 },
  { "torch", "uint8", GRAFT_GLOBAL_DTYPE, GRAFT_DTYPE_UINT8 },
  { "torch", "bool", GRAFT_GLOBAL_DTYPE, GRAFT_DTYPE_BOOL },
};

/* GLOBAL: only the names a state_dict needs. */
gboolean
graft_pickle_global (GraftPickleReader *r,
                     const char        *module,
                     const char        *name)
{
  GraftPickleValue *v;

  for (guint i = 0; i < G_N_ELEMENTS (graft_pickle_globals); i++)
    if (g_str_equal (graft_pickle_globals[i].module, module) &&
        g_str_equal (graft_pickle_globals[i].name, name))
      {
        v = graft_pickle_value_new (r, GRAFT_PICKLE_GLOBAL);
        if (v != NULL)
          {
            v->u.global.kind = graft_pickle_globals[i].kind;
            v->u.global.dtype = graft_pickle_globals[i].dtype;
            v->u.global.name = g_strdup_printf ("%s.%s", module, name);
          }
        return graft_pickle_push (r, v);
      }
  return graft_pickle_fail (r, GRAFT_ERROR_UNSAFE,
                            "not a state_dict: the pickle references %s.%s, which Graft refuses "
                            "to load (it would run code or rebuild an object, not read weights)",
                            module, name);
}

/* A tuple of whole numbers (a shape or strides). */
static gboolean
graft_pickle_int_tuple (GraftPickleReader      *r,
                        const GraftPickleValue *v,
                        guint                  *n,
                        gint64                 *out,
                        const char             *what)
{
  if (v->kind != GRAFT_PICKLE_TUPLE && v->kind != GRAFT_PICKLE_LIST)
    return graft_pickle_fail (r, GRAFT_ERROR_CORRUPT, "a tensor's %s is not a tuple", what);
  if (v->u.items->len > GRAFT_MAX_RANK)
    return graft_pickle_fail (r, GRAFT_ERROR_LIMIT, "a tensor of rank %u", v->u.items->len);
  *n = v->u.items->len;
  for (guint i = 0; i < *n; i++)
    {
      GraftPickleValue *item = g_ptr_array_index (v->u.items, i);

      if (item->kind != GRAFT_PICKLE_INT)
        return graft_pickle_fail (r, GRAFT_ERROR_CORRUPT, "a tensor's %s holds a non-number",
                                  what);
      out[i] = item->u.i;
    }
  return TRUE;
}

/* _rebuild_tensor_v2 (storage, offset, size, stride, requires_grad,
 * backward_hooks[, metadata]): a view, checked to lie in its storage. */
static GraftPickleValue *
graft_pickle_rebuild_tensor (GraftPickleReader *r,
                             GraftPickleValue  *args)
{
  GraftPickleValue *storage, *offset, *v;
  GraftPickleTensor *t;
  gint64 shape[GRAFT_MAX_RANK], stride[GRAFT_MAX_RANK];
  guint rank, n_stride;
  guint64 last = 0;

  if (args->kind != GRAFT_PICKLE_TUPLE || args->u.items->len < 4)
    {
      graft_pickle_fail (r, GRAFT_ERROR_CORRUPT, "_rebuild_tensor_v2 called with too few values");
      return NULL;
    }
  storage = g_ptr_array_index (args->u.items, 0);
  offset = g_ptr_array_index (args->u.items, 1);
  if (storage->kind != GRAFT_PICKLE_STORAGE || offset->kind != GRAFT_PICKLE_INT || offset->u.i < 0)
    {
      graft_pickle_fail (r, GRAFT_ERROR_CORRUPT, "a tensor without a storage and an offset");
      return NULL;
    }
  if (!graft_pickle_int_tuple (r, g_ptr_array_index (args->u.items, 2), &rank, shape, "shape") ||
      !graft_pickle_int_tuple (r, g_ptr_array_index (args->u.items, 3), &n_stride, stride,
                               "strides"))
    return NULL;
  if (n_stride != rank)
    {
      graft_pickle_fail (r, GRAFT_ERROR_CORRUPT, "a tensor of rank %u with %u strides", rank,
                         n_stride);
      return NULL;
    }
  /* The last element it views must be in the storage; an empty tensor
   * views nothing. */
  for (guint i = 0; i < rank; i++)
    {
      if (shape[i] < 0 || stride[i] < 0 || shape[i] > G_MAXINT32)
        {
          graft_pickle_fail (r, GRAFT_ERROR_CORRUPT, "a tensor with a negative size or stride");
          return NULL;
        }
      if (shape[i] == 0)
        last = G_MAXUINT64;
    }
  if (last != G_MAXUINT64)
    {
      guint64 end = (guint64) offset->u.i;

      for (guint i = 0; i < rank; i++)
        {
          if (stride[i] > 0 && (guint64) (shape[i] - 1) > (G_MAXUINT64 - end) / (guint64) stride[i])
            end = G_MAXUINT64;
          else
            end += (guint64) (shape[i] - 1) * (guint64) stride[i];
        }
      if (end >= storage->u.storage->numel)
        {
          graft_pickle_fail (r, GRAFT_ERROR_CORRUPT, "a tensor views past the end of its storage "
                             "'%s' (%" G_GUINT64_FORMAT " elements)", storage->u.storage->key,
                             storage->u.storage->numel);
          return NULL;
        }
    }

  v = graft_pickle_value_new (r, GRAFT_PICKLE_TENSOR);
  if (v == NULL)
    return NULL;
  t = g_new0 (GraftPickleTensor, 1);
  t->storage = g_new0 (GraftPickleStorage, 1);
  t->storage->key = g_strdup (storage->u.storage->key);
  t->storage->dtype = storage->u.storage->dtype;
  t->storage->numel = storage->u.storage->numel;
  t->offset = offset->u.i;
  t->rank = rank;
  for (guint i = 0; i < rank; i++)
    {
      t->shape[i] = shape[i];
      t->stride[i] = stride[i];
    }
  v->u.tensor = t;
  return v;
}

gboolean
graft_pickle_reduce (GraftPickleReader *r)
{
  GraftPickleValue *args = graft_pickle_pop (r);
  GraftPickleValue *callable = args ? graft_pickle_pop (r) : NULL;
  GraftPickleValue *out = NULL;

  if (callable == NULL)
    return FALSE;
  if (callable->kind != GRAFT_PICKLE_GLOBAL)
    return graft_pickle_fail (r, GRAFT_ERROR_UNSAFE, "REDUCE applied to something not callable");
  switch (callable->u.global.kind)
    {
    case GRAFT_GLOBAL_ORDERED_DICT:
      out = graft_pickle_value_new (r, GRAFT_PICKLE_DICT);
      break;
    case GRAFT_GLOBAL_REBUILD_TENSOR:
      out = graft_pickle_rebuild_tensor (r, args);
      if (out == NULL)
        return FALSE;
      break;
    case GRAFT_GLOBAL_REBUILD_PARAMETER:
      /* _rebuild_parameter (tensor, requires_grad, backward_hooks) */
      if (args->kind != GRAFT_PICKLE_TUPLE || args->u.items->len < 1 ||
          ((GraftPickleValue *) g_ptr_array_index (args->u.items, 0))->kind != GRAFT_PICKLE_TENSOR)
        return graft_pickle_fail (r, GRAFT_ERROR_CORRUPT, "_rebuild_parameter without a tensor");
      out = g_ptr_array_index (args->u.items, 0);
      break;
    case GRAFT_GLOBAL_STORAGE:
    case GRAFT_GLOBAL_DTYPE:
    default:
      return graft_pickle_fail (r, GRAFT_ERROR_UNSAFE, "%s called directly", callable->u.global.name);
    }
  return graft_pickle_push (r, out);
}

/* BINPERSID: ("storage", <class or dtype>, key, location, numel[, view]). */
gboolean
graft_pickle_persid (GraftPickleReader *r)
{
  GraftPickleValue *pid = graft_pickle_pop (r);
  GraftPickleValue *tag, *klass, *key, *numel, *v;

  if (pid == NULL)
    return FALSE;
  if (pid->kind != GRAFT_PICKLE_TUPLE || pid->u.items->len < 5)
    return graft_pickle_fail (r, GRAFT_ERROR_UNSAFE, "a persistent id that is not a storage");
  tag = g_ptr_array_index (pid->u.items, 0);
  klass = g_ptr_array_index (pid->u.items, 1);
  key = g_ptr_array_index (pid->u.items, 2);
  numel = g_ptr_array_index (pid->u.items, 4);
  if (tag->kind != GRAFT_PICKLE_STRING || !g_str_equal (tag->u.s, "storage") ||
      klass->kind != GRAFT_PICKLE_GLOBAL ||
      (klass->u.global.kind != GRAFT_GLOBAL_STORAGE && klass->u.global.kind != GRAFT_GLOBAL_DTYPE) ||
      key->kind != GRAFT_PICKLE_STRING || numel->kind != GRAFT_PICKLE_INT || numel->u.i < 0)
    return graft_pickle_fail (r, GRAFT_ERROR_UNSAFE, "a persistent id that is not a storage");
  v = graft_pickle_value_new (r, GRAFT_PICKLE_STORAGE);
  if (v != NULL)
    {
      v->u.storage = g_new0 (GraftPickleStorage, 1);
      v->u.storage->key = g_strdup (key->u.s);
      v->u.storage->dtype = klass->u.global.dtype;
      v->u.storage->numel = numel->u.i;
    }
  return graft_pickle_push (r, v);
}

