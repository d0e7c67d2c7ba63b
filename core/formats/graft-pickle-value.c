/* graft-pickle-value.c: the plain values a restricted pickle builds
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-pickle"

#include "config.h"

#include "graft-pickle-private.h"

static void
graft_pickle_storage_free (GraftPickleStorage *storage)
{
  if (storage == NULL)
    return;
  g_free (storage->key);
  g_free (storage);
}

/* Frees one value; the values it holds are the arena's to free. */
void
graft_pickle_value_free (GraftPickleValue *value)
{
  switch (value->kind)
    {
    case GRAFT_PICKLE_STRING:
    case GRAFT_PICKLE_BYTES:
      g_free (value->u.s);
      break;
    case GRAFT_PICKLE_TUPLE:
    case GRAFT_PICKLE_LIST:
    case GRAFT_PICKLE_DICT:
      g_ptr_array_unref (value->u.items);
      break;
    case GRAFT_PICKLE_STORAGE:
      graft_pickle_storage_free (value->u.storage);
      break;
    case GRAFT_PICKLE_TENSOR:
      graft_pickle_storage_free (value->u.tensor->storage);
      g_free (value->u.tensor);
      break;
    case GRAFT_PICKLE_GLOBAL:
      g_free (value->u.global.name);
      break;
    case GRAFT_PICKLE_NONE:
    case GRAFT_PICKLE_BOOL:
    case GRAFT_PICKLE_INT:
    case GRAFT_PICKLE_FLOAT:
    default:
      break;
    }
  g_free (value);
}

void
graft_pickle_free (GraftPickle *pickle)
{
  if (pickle == NULL)
    return;
  g_clear_pointer (&pickle->arena, g_ptr_array_unref);
  g_free (pickle);
}

/**
 * graft_pickle_get_root:
 *
 * Returns: (transfer none): the value the pickle's STOP left, owned by @pickle
 */
GraftPickleValue *
graft_pickle_get_root (GraftPickle *pickle)
{
  return pickle->root;
}

GraftPickleKind
graft_pickle_value_get_kind (const GraftPickleValue *value)
{
  return value->kind;
}

gint64
graft_pickle_value_get_int (const GraftPickleValue *value)
{
  return value->kind == GRAFT_PICKLE_INT || value->kind == GRAFT_PICKLE_BOOL ? value->u.i : 0;
}

const char *
graft_pickle_value_get_string (const GraftPickleValue *value)
{
  return value->kind == GRAFT_PICKLE_STRING ? value->u.s : NULL;
}

/**
 * graft_pickle_value_get_n_items:
 *
 * Returns: the items of a tuple or list, the entries of a dictionary
 */
guint
graft_pickle_value_get_n_items (const GraftPickleValue *value)
{
  if (value->kind == GRAFT_PICKLE_DICT)
    return value->u.items->len / 2;
  if (value->kind == GRAFT_PICKLE_TUPLE || value->kind == GRAFT_PICKLE_LIST)
    return value->u.items->len;
  return 0;
}

/**
 * graft_pickle_value_get_item:
 *
 * Returns: (transfer none): item @i of a tuple or list, or the value of
 *   entry @i of a dictionary
 */
GraftPickleValue *
graft_pickle_value_get_item (const GraftPickleValue *value,
                             guint                   i)
{
  g_return_val_if_fail (i < graft_pickle_value_get_n_items (value), NULL);
  if (value->kind == GRAFT_PICKLE_DICT)
    return g_ptr_array_index (value->u.items, 2 * i + 1);
  return g_ptr_array_index (value->u.items, i);
}

/**
 * graft_pickle_value_get_key:
 *
 * Returns: (transfer none): the key of entry @i of a dictionary
 */
GraftPickleValue *
graft_pickle_value_get_key (const GraftPickleValue *value,
                            guint                   i)
{
  g_return_val_if_fail (value->kind == GRAFT_PICKLE_DICT, NULL);
  g_return_val_if_fail (i < graft_pickle_value_get_n_items (value), NULL);
  return g_ptr_array_index (value->u.items, 2 * i);
}

const GraftPickleTensor *
graft_pickle_value_get_tensor (const GraftPickleValue *value)
{
  return value->kind == GRAFT_PICKLE_TENSOR ? value->u.tensor : NULL;
}
