/* graft-convert-sharded.c: writing sharded Keras 3 weights
 *
 * The layout mirrors Keras's ShardedH5IOStore: "x.weights.json" is
 * {"metadata": {"total_size": N}, "weight_map": {"/layers/dense/vars":
 * "x_00000.weights.h5", …}} and the shards x_00000.weights.h5, … sit
 * beside it. Variables go out in Keras's order; a shard is full when the
 * next variable would take it over the limit, and the writer then goes on
 * with the same vars group in the next shard. The index names the shard
 * where a group's first variable went (Keras never updates an entry);
 * total_size is the byte count of all variables.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-convert"

#include "config.h"

#include "graft-convert-private.h"

#include <string.h>

#include "graft-atomic.h"
#include "graft-error.h"
#include "graft-h5-private.h"
#include "graft-keras-private.h"
#include "graft-model.h"
#include "graft-tensor.h"

/* Keras's default max_shard_size is 5 (GB, counted as 1024³ bytes). */
#define GRAFT_CONVERT_SHARD_DEFAULT (G_GUINT64_CONSTANT (5) << 30)

typedef struct
{
  char      *vars;         /* "/layers/dense/vars" */
  char      *name;         /* its @name, or NULL */
  GPtrArray *tensors;      /* of GraftTensor, borrowed, in index order */
} GraftShardGroup;

static void
graft_shard_group_free (GraftShardGroup *group)
{
  g_free (group->vars);
  g_free (group->name);
  g_ptr_array_unref (group->tensors);
  g_free (group);
}

static GraftShardGroup *
graft_shard_group_new (const char *vars,
                       const char *name)
{
  GraftShardGroup *group = g_new0 (GraftShardGroup, 1);

  group->vars = g_strdup (vars);
  group->name = g_strdup (name);
  group->tensors = g_ptr_array_new ();
  return group;
}

/* The groups of a Keras 3 file in the order its vars groups come, when no
 * config orders them: depth-first, "vars" before the other members. */
static gboolean
graft_convert_sharded_walk (GraftModel   *model,
                            GraftH5File  *file,
                            const char   *group,
                            GPtrArray    *out,
                            guint         depth,
                            GError      **error)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autofree char *vars = g_str_equal (group, "/") ? g_strdup ("/vars") : g_strconcat (group, "/vars", NULL);
  GraftH5Kind kind;

  if (depth > 64)
    return TRUE;
  if (graft_h5_exists (file, vars, &kind) && kind == GRAFT_H5_GROUP)
    {
      g_autofree char *name = graft_h5_has_attr (file, vars, "name")
                              ? graft_h5_read_attr_string (file, vars, "name", NULL) : NULL;
      GraftShardGroup *sg = graft_shard_group_new (vars, name);

      for (guint i = 0;; i++)
        {
          g_autofree char *location = g_strdup_printf ("%s/%u", vars, i);
          GraftWeight *w = graft_model_find_weight (model, location);

          if (w == NULL)
            break;
          g_ptr_array_add (sg->tensors, graft_weight_get_tensor (w));
        }
      g_ptr_array_add (out, sg);
    }
  entries = graft_h5_list (file, group, error);
  if (entries == NULL)
    return FALSE;
  for (guint i = 0; i < entries->len; i++)
    {
      GraftH5Entry *e = g_ptr_array_index (entries, i);
      g_autofree char *child = g_str_equal (group, "/") ? g_strconcat ("/", e->name, NULL)
                                                        : g_strconcat (group, "/", e->name, NULL);

      if (e->kind != GRAFT_H5_GROUP || g_str_equal (e->name, "vars") ||
          (depth == 0 && g_str_has_prefix (e->name, "optimizer")))
        continue;
      if (!graft_convert_sharded_walk (model, file, child, out, depth + 1, error))
        return FALSE;
    }
  return TRUE;
}

static GPtrArray *
graft_convert_sharded_groups (GraftModel  *model,
                              JsonNode    *config,
                              const char  *path,
                              GError     **error)
{
  g_autoptr(GPtrArray) groups = g_ptr_array_new_with_free_func ((GDestroyNotify) graft_shard_group_free);
  g_autoptr(GraftConvertPlan) plan = NULL;

  if (config == NULL && graft_model_get_format (model) == GRAFT_FORMAT_WEIGHTS_H5)
    {
      g_autoptr(GraftH5File) file = graft_h5_file_open (graft_model_get_filename (model), error);

      if (file == NULL || !graft_convert_sharded_walk (model, file, "/", groups, 0, error))
        return NULL;
      return g_steal_pointer (&groups);
    }
  plan = graft_convert_plan_new (model, config, path, error);
  if (plan == NULL)
    return NULL;
  for (guint i = 0; i < plan->objects->len; i++)
    {
      GraftConvertObj *obj = g_ptr_array_index (plan->objects, i);
      g_autofree char *vars = g_str_equal (obj->group, "/") ? g_strdup ("/vars")
                                                            : g_strconcat (obj->group, "/vars", NULL);
      GraftShardGroup *sg = graft_shard_group_new (vars, obj->name);

      for (guint j = 0; j < obj->vars->len; j++)
        g_ptr_array_add (sg->tensors,
                         graft_weight_get_tensor (((GraftConvertVar *) g_ptr_array_index (obj->vars, j))->weight));
      g_ptr_array_add (groups, sg);
    }
  return g_steal_pointer (&groups);
}

static gboolean
graft_convert_sharded_open_group (GraftH5Writer    *w,
                                  GraftShardGroup  *sg,
                                  GError          **error)
{
  if (!graft_h5_writer_ensure_group (w, sg->vars, error))
    return FALSE;
  return sg->name == NULL || graft_h5_writer_set_attr_string (w, sg->vars, "name", sg->name, TRUE, error);
}

typedef struct
{
  GPtrArray     *files;    /* of GraftAtomicFile */
  GPtrArray     *names;    /* of char *, shard file names */
  GraftH5Writer *writer;   /* of the last shard */
  gboolean       sync;
} GraftShardOut;

static gboolean
graft_convert_sharded_next (GraftShardOut  *out,
                            const char     *dir,
                            const char     *base,
                            GError        **error)
{
  g_autofree char *name = g_strdup_printf ("%s_%05u.weights.h5", base, out->names->len);
  g_autofree char *target = g_build_filename (dir, name, NULL);
  GraftAtomicFile *file;

  if (out->writer != NULL)
    {
      gboolean ok = graft_h5_writer_close (out->writer, error);

      g_clear_pointer (&out->writer, graft_h5_writer_free);
      if (!ok)
        return FALSE;
    }
  file = graft_atomic_file_new (target, error);
  if (file == NULL)
    return FALSE;
  graft_atomic_file_set_sync (file, out->sync);
  g_ptr_array_add (out->files, file);
  g_ptr_array_add (out->names, g_steal_pointer (&name));
  out->writer = graft_h5_writer_create (graft_atomic_file_get_path (file), error);
  return out->writer != NULL;
}

/**
 * graft_convert_save_sharded:
 * @path: the index to write, "x.weights.json"; shards go beside it
 * @max_shard_size: bytes of variables per shard, 0 for Keras's 5 GiB
 *
 * Writes @model as a sharded Keras 3 checkpoint. Shards are committed
 * first, the index last, so a failure never leaves an index naming shards
 * that were not written.
 */
gboolean
graft_convert_save_sharded (GraftModel      *model,
                            JsonNode        *config,
                            const char      *path,
                            guint64          max_shard_size,
                            GraftSaveFlags   flags,
                            GError         **error)
{
  g_autoptr(GPtrArray) groups = NULL;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func ((GDestroyNotify) graft_atomic_file_free);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) index_root = NULL;
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *text = NULL;
  GraftShardOut out = { files, names, NULL, !(flags & GRAFT_SAVE_NO_SYNC) };
  guint64 current = 0;
  guint64 total = 0;
  gboolean ok = FALSE;

  if (!g_str_has_suffix (base, ".weights.json"))
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_INVALID,
                   "%s: a sharded checkpoint's index must be named *.weights.json", path);
      return FALSE;
    }
  base[strlen (base) - strlen (".weights.json")] = '\0';
  if (config == NULL)
    config = graft_model_get_config (model);
  if (max_shard_size == 0)
    max_shard_size = GRAFT_CONVERT_SHARD_DEFAULT;

  groups = graft_convert_sharded_groups (model, config, path, error);
  if (groups == NULL)
    return FALSE;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "weight_map");
  json_builder_begin_object (builder);

  if (!graft_convert_sharded_next (&out, dir, base, error))
    goto out;
  for (guint i = 0; i < groups->len; i++)
    {
      GraftShardGroup *sg = g_ptr_array_index (groups, i);

      if (!graft_convert_sharded_open_group (out.writer, sg, error))
        goto out;
      for (guint j = 0; j < sg->tensors->len; j++)
        {
          GraftTensor *t = g_ptr_array_index (sg->tensors, j);
          guint64 size = graft_tensor_get_n_bytes (t);
          g_autofree char *location = g_strdup_printf ("%s/%u", sg->vars, j);

          if (current > 0 && current + size > max_shard_size)
            {
              if (!graft_convert_sharded_next (&out, dir, base, error) ||
                  !graft_convert_sharded_open_group (out.writer, sg, error))
                goto out;
              current = 0;
            }
          if (!graft_h5_writer_add_dataset (out.writer, location, t, error))
            goto out;
          if (j == 0)
            {
              json_builder_set_member_name (builder, sg->vars);
              json_builder_add_string_value (builder, g_ptr_array_index (names, names->len - 1));
            }
          current += size;
          total += size;
        }
    }
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "metadata");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "total_size");
  json_builder_add_double_value (builder, (double) total);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  if (!graft_h5_writer_close (out.writer, error))
    goto out;
  for (guint i = 0; i < files->len; i++)
    if (!graft_atomic_file_commit (g_ptr_array_index (files, i), error))
      goto out;

  index_root = json_builder_get_root (builder);
  json_generator_set_root (gen, index_root);
  json_generator_set_pretty (gen, TRUE);
  json_generator_set_indent (gen, 4);
  text = json_generator_to_data (gen, NULL);
  {
    g_autoptr(GraftAtomicFile) index_file = graft_atomic_file_new (path, error);

    if (index_file != NULL)
      {
        graft_atomic_file_set_sync (index_file, out.sync);
        ok = graft_atomic_file_write (index_file, text, strlen (text), error) &&
             graft_atomic_file_commit (index_file, error);
      }
  }

out:
  g_clear_pointer (&out.writer, graft_h5_writer_free);
  return ok;
}
