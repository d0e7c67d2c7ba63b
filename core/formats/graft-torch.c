/* graft-torch.c: reading PyTorch state_dicts, zip and legacy
 *
 * torch.save writes, since PyTorch 1.6, a zip archive: <name>/data.pkl is
 * the pickled state_dict and each storage is a member <name>/data/<key>,
 * stored uncompressed. Before 1.6 it wrote pickles back to back (a magic
 * number, a protocol version, system information, the state_dict, the
 * list of storage keys) followed by each storage as an element count and
 * raw bytes. Both are read with the restricted pickle reader, which runs
 * nothing; storages are mapped in place, and each tensor is a view of its
 * storage (offset and strides honoured). Two names over one storage with
 * the same view are tied weights and shown as such.
 *
 * Checkpoints often wrap the state_dict ({"epoch": 3, "state_dict": {…}}):
 * nested dictionaries are walked and their names joined with dots, and
 * plain numbers and strings beside the tensors become file metadata.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-torch"

#include "config.h"

#include "graft-torch-private.h"

#include <string.h>

#include "graft-archive.h"
#include "graft-dtype.h"
#include "graft-error.h"
#include "graft-tensor-view.h"
#include "graft-tensor.h"
#include "graft-zip-locate-private.h"

/* Checkpoint dictionaries nest a few levels at most. */
#define GRAFT_TORCH_MAX_DEPTH 8

typedef GBytes *(*GraftTorchStorageFunc) (gpointer                  user_data,
                                          const GraftPickleStorage *storage,
                                          GError                  **error);

typedef struct
{
  GraftWeight             *weight;
  const GraftPickleTensor *view;     /* owned by the pickle, alive while reading */
} GraftTorchUse;

typedef struct
{
  GraftModel            *model;
  const char            *path;
  GraftTorchStorageFunc  storage_func;
  gpointer               user_data;
  GHashTable            *storages;   /* key → GBytes */
  GHashTable            *first_use;  /* key → GraftTorchUse of the first tensor viewing it */
} GraftTorchReader;

static GBytes *
graft_torch_storage (GraftTorchReader         *r,
                     const GraftPickleStorage *s,
                     GError                  **error)
{
  GBytes *bytes = g_hash_table_lookup (r->storages, s->key);
  gsize need;

  if (bytes != NULL)
    return bytes;
  bytes = r->storage_func (r->user_data, s, error);
  if (bytes == NULL)
    return NULL;
  need = graft_dtype_get_size (s->dtype);
  if (s->numel > G_MAXSIZE / need || g_bytes_get_size (bytes) < s->numel * need)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT,
                   "%s: storage '%s' holds %" G_GSIZE_FORMAT " bytes, less than the %" G_GUINT64_FORMAT
                   " %s elements the pickle says", r->path, s->key, g_bytes_get_size (bytes),
                   s->numel, graft_dtype_get_name (s->dtype));
      g_bytes_unref (bytes);
      return NULL;
    }
  g_hash_table_insert (r->storages, g_strdup (s->key), bytes);
  return bytes;
}

static gboolean
graft_torch_same_view (const GraftPickleTensor *a,
                       const GraftPickleTensor *b)
{
  if (a->offset != b->offset || a->rank != b->rank)
    return FALSE;
  for (guint i = 0; i < a->rank; i++)
    if (a->shape[i] != b->shape[i] || a->stride[i] != b->stride[i])
      return FALSE;
  return TRUE;
}

static gboolean
graft_torch_add_tensor (GraftTorchReader        *r,
                        const char              *key,
                        const GraftPickleTensor *t,
                        GError                 **error)
{
  GBytes *bytes = graft_torch_storage (r, t->storage, error);
  GraftTensor *tensor;
  GraftWeight *w;
  GraftTorchUse *first;
  gsize elem = graft_dtype_get_size (t->storage->dtype);

  if (bytes == NULL)
    return FALSE;
  tensor = graft_tensor_new_view (bytes, (gsize) t->offset * elem, t->storage->dtype, t->rank,
                                  t->shape, t->stride, error);
  if (tensor == NULL)
    {
      g_prefix_error (error, "%s: tensor '%s': ", r->path, key);
      return FALSE;
    }
  w = graft_torch_tree_add (r->model, key, tensor, error);
  if (w == NULL)
    return FALSE;
  first = g_hash_table_lookup (r->first_use, t->storage->key);
  if (first == NULL)
    {
      first = g_new0 (GraftTorchUse, 1);
      first->weight = w;
      first->view = t;
      g_hash_table_insert (r->first_use, g_strdup (t->storage->key), first);
    }
  else if (graft_torch_same_view (first->view, t))
    graft_weight_set_tied_to (w, graft_weight_get_path (first->weight));
  return TRUE;
}

static gboolean
graft_torch_walk (GraftTorchReader *r,
                  GraftPickleValue *dict,
                  const char       *prefix,
                  guint             depth,
                  GError          **error)
{
  for (guint i = 0; i < graft_pickle_value_get_n_items (dict); i++)
    {
      GraftPickleValue *k = graft_pickle_value_get_key (dict, i);
      GraftPickleValue *v = graft_pickle_value_get_item (dict, i);
      g_autofree char *name = NULL;
      const char *ks = graft_pickle_value_get_string (k);

      if (ks != NULL)
        name = prefix ? g_strconcat (prefix, ".", ks, NULL) : g_strdup (ks);
      else if (graft_pickle_value_get_kind (k) == GRAFT_PICKLE_INT)
        name = prefix ? g_strdup_printf ("%s.%" G_GINT64_FORMAT, prefix, graft_pickle_value_get_int (k))
                      : g_strdup_printf ("%" G_GINT64_FORMAT, graft_pickle_value_get_int (k));
      else
        continue;

      switch (graft_pickle_value_get_kind (v))
        {
        case GRAFT_PICKLE_TENSOR:
          if (!graft_torch_add_tensor (r, name, graft_pickle_value_get_tensor (v), error))
            return FALSE;
          break;
        case GRAFT_PICKLE_DICT:
          if (depth >= GRAFT_TORCH_MAX_DEPTH)
            {
              g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_LIMIT,
                           "%s: dictionaries nest deeper than %u levels at '%s'", r->path,
                           GRAFT_TORCH_MAX_DEPTH, name);
              return FALSE;
            }
          if (!graft_torch_walk (r, v, name, depth + 1, error))
            return FALSE;
          break;
        case GRAFT_PICKLE_INT:
          {
            g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, graft_pickle_value_get_int (v));

            graft_model_set_metadata (r->model, name, text);
          }
          break;
        case GRAFT_PICKLE_STRING:
          graft_model_set_metadata (r->model, name, graft_pickle_value_get_string (v));
          break;
        default:
          break;
        }
    }
  return TRUE;
}

/* Builds the model from a loaded state_dict pickle. */
static GraftModel *
graft_torch_build (const char            *path,
                   GraftFormat            format,
                   GraftPickleValue      *root,
                   GraftTorchStorageFunc  storage_func,
                   gpointer               user_data,
                   GError               **error)
{
  g_autoptr(GraftModel) model = graft_model_new (path, format);
  g_autoptr(GHashTable) storages = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                          (GDestroyNotify) g_bytes_unref);
  g_autoptr(GHashTable) first_use = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  GraftTorchReader r = { model, path, storage_func, user_data, storages, first_use };

  if (graft_pickle_value_get_kind (root) != GRAFT_PICKLE_DICT)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_NOT_A_MODEL,
                   "%s: the pickle holds no state_dict (a dictionary of tensors)", path);
      return NULL;
    }
  if (!graft_torch_walk (&r, root, NULL, 0, error))
    return NULL;
  if (graft_model_get_n_weights (model) == 0)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_NOT_A_MODEL,
                   "%s: the state_dict holds no tensors", path);
      return NULL;
    }
  graft_model_finish (model);
  return g_steal_pointer (&model);
}

/* Zip archives */

typedef struct
{
  GraftArchive *zip;
  GMappedFile  *mapped;
  const char   *prefix;  /* "mlp/" */
} GraftTorchZip;

static GBytes *
graft_torch_zip_storage (gpointer                  user_data,
                         const GraftPickleStorage *s,
                         GError                  **error)
{
  GraftTorchZip *z = user_data;
  g_autofree char *name = g_strconcat (z->prefix, "data/", s->key, NULL);
  const guint8 *data = (const guint8 *) g_mapped_file_get_contents (z->mapped);
  guint64 offset, size;
  gint index;

  if (data != NULL &&
      graft_zip_locate_stored (data, g_mapped_file_get_length (z->mapped), name, &offset, &size))
    return g_bytes_new_with_free_func (data + offset, size, (GDestroyNotify) g_mapped_file_unref,
                                       g_mapped_file_ref (z->mapped));
  index = graft_archive_find (z->zip, name);
  if (index < 0)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT, "%s: storage '%s' (%s) is missing",
                   graft_archive_get_path (z->zip), s->key, name);
      return NULL;
    }
  return graft_archive_read (z->zip, index, error);
}

/* The archive's pickle: "<name>/data.pkl", at most one folder deep. */
static gint
graft_torch_find_pickle (GraftArchive *zip)
{
  for (guint i = 0; i < graft_archive_get_n_members (zip); i++)
    {
      GraftArchiveMember m;
      const char *slash;

      if (!graft_archive_get_member (zip, i, &m, NULL))
        continue;
      slash = strchr (m.name, '/');
      if (g_str_equal (m.name, "data.pkl") ||
          (slash != NULL && g_str_equal (slash + 1, "data.pkl")))
        return i;
    }
  return -1;
}

/**
 * graft_torch_is_archive:
 *
 * Returns: whether @path is a zip archive holding a torch data.pkl
 */
gboolean
graft_torch_is_archive (const char *path)
{
  g_autoptr(GraftArchive) zip = graft_archive_open (path, NULL);

  return zip != NULL && graft_torch_archive_has_pickle (zip);
}

/**
 * graft_torch_archive_has_pickle:
 *
 * Returns: whether the open archive @zip holds a torch data.pkl
 */
gboolean
graft_torch_archive_has_pickle (GraftArchive *zip)
{
  return graft_torch_find_pickle (zip) >= 0;
}

/**
 * graft_torch_load_zip:
 *
 * Returns: (transfer full): the model of a torch.save zip archive, or
 *   %NULL with @error set (%GRAFT_ERROR_UNSAFE for a pickle that is not a
 *   state_dict, naming what it references)
 */
GraftModel *
graft_torch_load_zip (const char  *path,
                      GError     **error)
{
  g_autoptr(GraftArchive) zip = graft_archive_open (path, error);
  g_autoptr(GBytes) pkl = NULL;
  g_autoptr(GraftPickle) pickle = NULL;
  g_autoptr(GMappedFile) mapped = NULL;
  g_autofree char *prefix = NULL;
  g_autofree char *what = NULL;
  GraftArchiveMember m;
  GraftTorchZip z;
  gint index;

  if (zip == NULL)
    return NULL;
  index = graft_torch_find_pickle (zip);
  if (index < 0 || !graft_archive_get_member (zip, index, &m, error))
    {
      if (index < 0)
        g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_NOT_A_MODEL,
                     "%s: is a zip archive without data.pkl, not a PyTorch checkpoint", path);
      return NULL;
    }
  prefix = g_strndup (m.name, strlen (m.name) - strlen ("data.pkl"));
  what = g_strdup_printf ("%s: %s", path, m.name);
  pkl = graft_archive_read (zip, index, error);
  if (pkl == NULL)
    return NULL;
  pickle = graft_pickle_load (g_bytes_get_data (pkl, NULL), g_bytes_get_size (pkl), what, NULL,
                              error);
  if (pickle == NULL)
    return NULL;
  mapped = g_mapped_file_new (path, FALSE, error);
  if (mapped == NULL)
    return NULL;
  z.zip = zip;
  z.mapped = mapped;
  z.prefix = prefix;
  return graft_torch_build (path, GRAFT_FORMAT_TORCH, graft_pickle_get_root (pickle),
                            graft_torch_zip_storage, &z, error);
}

/* Legacy files */

/* The magic number torch.save wrote first, low 8 bytes of 0x1950a86a20f9469cfc6c. */
#define GRAFT_TORCH_LEGACY_MAGIC G_GUINT64_CONSTANT (0xa86a20f9469cfc6c)

typedef struct
{
  GBytes     *file;
  GHashTable *index;   /* key → GBytes of its elements */
} GraftTorchLegacy;

static GBytes *
graft_torch_legacy_storage (gpointer                  user_data,
                            const GraftPickleStorage *s,
                            GError                  **error)
{
  GraftTorchLegacy *l = user_data;
  GBytes *bytes = g_hash_table_lookup (l->index, s->key);

  if (bytes == NULL)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT,
                   "storage '%s' is not among the file's storages", s->key);
      return NULL;
    }
  return g_bytes_ref (bytes);
}

/**
 * graft_torch_sniff_legacy:
 *
 * Returns: whether @head starts like a pre-1.6 torch.save file: a pickle
 *   (protocol 2) of the magic number
 */
gboolean
graft_torch_sniff_legacy (const guint8 *head,
                          gsize         len)
{
  static const guint8 start[] = { 0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20 };

  return len >= sizeof start && memcmp (head, start, sizeof start) == 0;
}

/* Storage keys (a list of strings), then each storage: a little-endian
 * element count and its bytes. Element sizes come from the storages the
 * state_dict names. */
static gboolean
graft_torch_legacy_index (const char       *path,
                          GBytes           *file,
                          gsize             pos,
                          GraftPickleValue *keys,
                          GHashTable       *sizes,
                          GHashTable       *index,
                          GError          **error)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (file, &len);

  if (graft_pickle_value_get_kind (keys) != GRAFT_PICKLE_LIST)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT,
                   "%s: the list of storage keys is missing", path);
      return FALSE;
    }
  for (guint i = 0; i < graft_pickle_value_get_n_items (keys); i++)
    {
      const char *key = graft_pickle_value_get_string (graft_pickle_value_get_item (keys, i));
      guint64 count = 0;
      gsize elem;

      if (key == NULL || !g_hash_table_contains (sizes, key))
        {
          g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT,
                       "%s: storage %u has a key no tensor uses", path, i);
          return FALSE;
        }
      elem = GPOINTER_TO_SIZE (g_hash_table_lookup (sizes, key));
      if (len - pos < 8)
        goto truncated;
      for (guint b = 8; b > 0; b--)
        count = (count << 8) | data[pos + b - 1];
      pos += 8;
      if (count > (len - pos) / elem)
        goto truncated;
      g_hash_table_insert (index, g_strdup (key), g_bytes_new_from_bytes (file, pos, count * elem));
      pos += count * elem;
      continue;
truncated:
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT,
                   "%s: storage '%s' runs past the end of the file (truncated)", path, key);
      return FALSE;
    }
  return TRUE;
}

/* Records the element size of every storage a value views. */
static void
graft_torch_collect_sizes (GraftPickleValue *dict,
                           GHashTable       *sizes,
                           guint             depth)
{
  for (guint i = 0; depth < GRAFT_TORCH_MAX_DEPTH && i < graft_pickle_value_get_n_items (dict); i++)
    {
      GraftPickleValue *v = graft_pickle_value_get_item (dict, i);
      const GraftPickleTensor *t = graft_pickle_value_get_tensor (v);

      if (t != NULL)
        g_hash_table_insert (sizes, t->storage->key,
                             GSIZE_TO_POINTER (graft_dtype_get_size (t->storage->dtype)));
      else if (graft_pickle_value_get_kind (v) == GRAFT_PICKLE_DICT)
        graft_torch_collect_sizes (v, sizes, depth + 1);
    }
}

/**
 * graft_torch_load_legacy:
 *
 * Returns: (transfer full): the model of a pre-1.6 torch.save file, or
 *   %NULL with @error set
 */
GraftModel *
graft_torch_load_legacy (const char  *path,
                         GError     **error)
{
  g_autoptr(GMappedFile) mapped = g_mapped_file_new (path, FALSE, error);
  g_autoptr(GBytes) file = NULL;
  g_autoptr(GPtrArray) pickles = g_ptr_array_new_with_free_func ((GDestroyNotify) graft_pickle_free);
  GraftPickleValue *parts[5];
  g_autoptr(GHashTable) sizes = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                       (GDestroyNotify) g_bytes_unref);
  static const char *const names[] = { "magic number", "protocol version", "system information",
                                       "state_dict", "storage keys" };
  const guint8 *data;
  gsize len, pos = 0;
  GraftTorchLegacy l;
  GraftPickleValue *info;

  if (mapped == NULL)
    return NULL;
  file = g_mapped_file_get_bytes (mapped);
  data = g_bytes_get_data (file, &len);
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *what = g_strdup_printf ("%s: the %s", path, names[i]);
      gsize used = 0;

      GraftPickle *pickle = graft_pickle_load (data + pos, len - pos, what, &used, error);

      if (pickle == NULL)
        return NULL;
      g_ptr_array_add (pickles, pickle);
      parts[i] = graft_pickle_get_root (pickle);
      pos += used;
    }
  if ((guint64) graft_pickle_value_get_int ((parts[0])) != GRAFT_TORCH_LEGACY_MAGIC)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_NOT_A_MODEL,
                   "%s: does not start with torch.save's magic number", path);
      return NULL;
    }
  if (graft_pickle_value_get_int ((parts[1])) != 1001)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED,
                   "%s: torch.save protocol %" G_GINT64_FORMAT " (Graft reads 1001)", path,
                   graft_pickle_value_get_int ((parts[1])));
      return NULL;
    }
  info = (parts[2]);
  for (guint i = 0; i < graft_pickle_value_get_n_items (info); i++)
    if (g_strcmp0 (graft_pickle_value_get_string (graft_pickle_value_get_key (info, i)),
                   "little_endian") == 0 &&
        graft_pickle_value_get_int (graft_pickle_value_get_item (info, i)) == 0)
      {
        g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED,
                     "%s: was written on a big-endian machine", path);
        return NULL;
      }
  if (graft_pickle_value_get_kind ((parts[3])) == GRAFT_PICKLE_DICT)
    graft_torch_collect_sizes ((parts[3]), sizes, 0);
  if (!graft_torch_legacy_index (path, file, pos, (parts[4]), sizes, index,
                                 error))
    return NULL;
  l.file = file;
  l.index = index;
  return graft_torch_build (path, GRAFT_FORMAT_TORCH_LEGACY, (parts[3]),
                            graft_torch_legacy_storage, &l, error);
}
