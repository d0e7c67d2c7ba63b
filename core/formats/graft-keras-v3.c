/* graft-keras-v3.c: the Keras 3 weights layout (.weights.h5, the HDF5
 * member of .keras, shards of a sharded checkpoint)
 *
 * Every object Keras visits is a group with a vars/ subgroup holding its
 * variables as datasets 0, 1, 2, …; sub-objects are groups named after
 * their attribute, and layer lists are groups ("layers", or tf-keras's
 * "_layer_checkpoint_dependencies") whose members are named after the
 * class in snake_case. tf-keras 2.13–2.15 flattened some of these into
 * single names with backslashes ("layers\dense").
 *
 * The tree is read into a scratch structure first, then ordered as the
 * model config orders its layers, then handed to the model.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-keras-v3"

#include "config.h"

#include "graft-keras-private.h"
#include "graft-keras-quant.h"
#include "graft-keras3-list.h"

#include <stdlib.h>
#include <string.h>

#include "graft-error.h"
#include "graft-limits.h"
#include "graft-tensor.h"

typedef struct
{
  GraftH5File *file;      /* borrowed from the load */
  char        *path;
  guint        index;
} GraftV3Var;

typedef struct GraftV3Obj GraftV3Obj;
struct GraftV3Obj
{
  char       *name;
  char       *key;        /* the group name Keras derived from the class or attribute */
  char       *location;
  char       *class_name;
  JsonObject *entry;      /* borrowed: the layer's config entry, if known */
  JsonObject *policy;     /* owned: {"dtype": …} from the parent's DTypePolicyMap, or NULL */
  gboolean    frozen;
  gboolean    by_shapes;  /* name its variables from their shapes */
  gint        order;      /* position in the parent's config layer list, or G_MAXINT */
  guint       seen;       /* position in scan order, to keep sorts stable */
  GPtrArray  *vars;       /* GraftV3Var */
  GPtrArray  *children;   /* GraftV3Obj */
};

typedef struct
{
  GraftModel  *model;
  GraftH5File *file;
  GError     **error;
  guint        n_seen;
} GraftV3Load;

static void
graft_v3_var_free (GraftV3Var *var)
{
  g_free (var->path);
  g_free (var);
}

static void
graft_v3_obj_free (GraftV3Obj *obj)
{
  g_free (obj->name);
  g_free (obj->key);
  g_free (obj->location);
  g_free (obj->class_name);
  g_clear_pointer (&obj->policy, json_object_unref);
  g_ptr_array_unref (obj->vars);
  g_ptr_array_unref (obj->children);
  g_free (obj);
}

static GraftV3Obj *
graft_v3_obj_new (const char *key,
                  const char *location)
{
  GraftV3Obj *obj = g_new0 (GraftV3Obj, 1);

  obj->key = g_strdup (key);
  obj->location = g_strdup (location);
  obj->order = G_MAXINT;
  obj->vars = g_ptr_array_new_with_free_func ((GDestroyNotify) graft_v3_var_free);
  obj->children = g_ptr_array_new_with_free_func ((GDestroyNotify) graft_v3_obj_free);
  return obj;
}

static char *
graft_v3_join (const char *group,
               const char *name)
{
  return g_str_equal (group, "/") ? g_strconcat ("/", name, NULL) : g_strconcat (group, "/", name, NULL);
}

static gboolean
graft_v3_is_index (const char *name)
{
  return name[0] != '\0' && strspn (name, "0123456789") == strlen (name) && strlen (name) < 9;
}

static gboolean
graft_v3_is_list_name (const char *name)
{
  return g_str_equal (name, "layers") || g_str_equal (name, "_layer_checkpoint_dependencies");
}

static gboolean
graft_v3_is_state_name (const char *name)
{
  return g_str_equal (name, "optimizer") || g_str_has_prefix (name, "optimizer\\") ||
         g_str_has_prefix (name, "metrics");
}

/**
 * graft_v3_var_names_from_shapes:
 * @infos: (array length=n_vars): the variables' datasets
 *
 * Names the variables of a layer whose class is unknown from the shapes
 * Keras's common layers give them: a kernel and its bias (Dense, Conv*),
 * a recurrent cell's kernel, recurrent kernel and bias, BatchNormalization's
 * four vectors, a normalisation's gamma and beta. Anything else keeps its
 * index as its name.
 *
 * Returns: (transfer full): @n_vars names
 */
static char **
graft_v3_var_names_from_shapes (const GraftH5DatasetInfo *infos,
                                guint                     n_vars)
{
  const char *names[4] = { NULL };
  char **out = g_new0 (char *, n_vars + 1);
  gboolean vectors = TRUE;

  for (guint i = 0; i < n_vars; i++)
    vectors = vectors && infos[i].rank == 1 && infos[i].shape[0] == infos[0].shape[0];

  if (n_vars >= 1 && n_vars <= 2 && infos[0].rank >= 2 &&
      (n_vars == 1 || (infos[1].rank == 1 && infos[1].shape[0] == infos[0].shape[infos[0].rank - 1])))
    {
      names[0] = "kernel";
      names[1] = "bias";
    }
  else if (n_vars == 3 && infos[0].rank == 2 && infos[1].rank == 2 &&
           infos[0].shape[1] == infos[1].shape[1] &&
           infos[2].shape[infos[2].rank - 1] == infos[0].shape[1])
    {
      names[0] = "kernel";
      names[1] = "recurrent_kernel";
      names[2] = "bias";
    }
  else if (n_vars == 4 && vectors)
    {
      names[0] = "gamma";
      names[1] = "beta";
      names[2] = "moving_mean";
      names[3] = "moving_variance";
    }
  else if (n_vars == 2 && vectors)
    {
      names[0] = "gamma";
      names[1] = "beta";
    }

  for (guint i = 0; i < n_vars; i++)
    out[i] = names[0] != NULL ? g_strdup (names[i]) : g_strdup_printf ("%u", i);
  return out;
}

/* The structural key Keras gives to element @position of a layer list:
 * the class in snake_case, with _1, _2, … for later ones of that class. */
static JsonObject *
graft_v3_entry_for_key (JsonObject *parent_entry,
                        const char *key,
                        gint       *position)
{
  g_autoptr(GArray) items = graft_keras3_list_new (parent_entry);

  for (guint i = 0; i < items->len; i++)
    {
      GraftKeras3Item *item = &g_array_index (items, GraftKeras3Item, i);

      if (g_str_equal (item->key, key))
        {
          *position = item->position;
          return item->entry;
        }
    }
  return NULL;
}

static gint
graft_v3_entry_position (JsonObject *parent_entry,
                         JsonObject *entry)
{
  JsonArray *layers = graft_config_layers (parent_entry);

  for (guint i = 0; layers != NULL && i < json_array_get_length (layers); i++)
    {
      JsonNode *node = json_array_get_element (layers, i);

      if (JSON_NODE_HOLDS_OBJECT (node) && json_node_get_object (node) == entry)
        return i;
    }
  return G_MAXINT;
}

static const char *
graft_v3_guess_class (GraftV3Obj *parent,
                      const char *key,
                      const char *name)
{
  const GraftKerasClass *parent_class = graft_keras_class_lookup (parent->class_name);
  const GraftKerasSublayer *sublayer;
  const char *klass = NULL;

  if (name != NULL)
    klass = graft_keras_class_from_snake (name);
  if (klass == NULL)
    klass = graft_keras_class_from_snake (key);
  if (klass == NULL && g_str_equal (key, "cell") && parent_class != NULL)
    klass = parent_class->cell_class;
  if (klass == NULL && name != NULL &&
      (g_str_has_prefix (name, "forward_") || g_str_has_prefix (name, "backward_")))
    klass = graft_keras_class_from_snake (strchr (name, '_') + 1);
  if (klass == NULL && (sublayer = graft_keras_class_find_sublayer (parent_class, key)) != NULL)
    klass = sublayer->class_name;
  return klass;
}

/* A sublayer a layer builds itself (attention's query_dense) has no config
 * entry; a quantized one's dtype policy is in its parent's DTypePolicyMap,
 * under "<parent name>/<sublayer name>". Returns {"dtype": policy} or NULL. */
static JsonObject *
graft_v3_sublayer_policy (GraftV3Obj *parent,
                          const char *key)
{
  const GraftKerasSublayer *sub = graft_keras_class_find_sublayer (
    graft_keras_class_lookup (parent->class_name), key);
  JsonObject *map = graft_keras_quant_policy_map (parent->entry ? graft_config_entry_config (parent->entry)
                                                                  : NULL);
  JsonNode *found;
  g_autofree char *path = NULL;
  JsonObject *result;

  if (sub == NULL || map == NULL)
    return NULL;
  path = g_strdup_printf ("%s/%s", parent->name, sub->name);
  found = json_object_get_member (map, path);
  if (found == NULL || !JSON_NODE_HOLDS_OBJECT (found))
    return NULL;
  result = json_object_new ();
  json_object_set_member (result, "dtype", json_node_copy (found));
  return result;
}

static gboolean graft_v3_scan (GraftV3Load *load,
                               GraftV3Obj  *obj,
                               const char  *group,
                               guint        depth);

static GraftV3Obj *
graft_v3_find_child (GraftV3Obj *parent,
                     const char *location)
{
  for (guint i = 0; i < parent->children->len; i++)
    {
      GraftV3Obj *child = g_ptr_array_index (parent->children, i);

      if (g_str_equal (child->location, location))
        return child;
    }
  return NULL;
}

static gboolean
graft_v3_add_child (GraftV3Load *load,
                    GraftV3Obj  *parent,
                    const char  *path,
                    const char  *key,
                    gboolean     in_list,
                    guint        depth)
{
  g_autofree char *vars_path = graft_v3_join (path, "vars");
  GraftH5Kind kind;
  GraftV3Obj *child;
  gboolean is_new = FALSE;

  if (!graft_h5_exists (load->file, vars_path, &kind) || kind != GRAFT_H5_GROUP)
    {
      /* Not an object: a plain container (a list held in an attribute).
       * Its objects belong to the parent. */
      return graft_v3_scan (load, parent, path, depth + 1);
    }

  child = graft_v3_find_child (parent, path);
  if (child == NULL)
    {
      g_autofree char *name = NULL;
      JsonObject *entry = NULL;
      gint position = G_MAXINT;

      child = graft_v3_obj_new (key, path);
      child->seen = load->n_seen++;
      is_new = TRUE;

      if (graft_h5_has_attr (load->file, vars_path, "name"))
        name = graft_h5_read_attr_string (load->file, vars_path, "name", NULL);

      if (parent->entry != NULL)
        {
          if (name != NULL)
            entry = graft_config_find_child (parent->entry, name);
          if (entry == NULL && in_list)
            entry = graft_v3_entry_for_key (parent->entry, key, &position);
          if (entry != NULL && position == G_MAXINT)
            position = graft_v3_entry_position (parent->entry, entry);
        }
      if (entry != NULL)
        {
          child->entry = entry;
          child->order = position;
          child->class_name = g_strdup (graft_config_entry_class (entry));
          if (name == NULL)
            name = g_strdup (graft_config_entry_name (entry));
        }
      child->frozen = parent->frozen || (entry != NULL && graft_config_is_frozen (entry));
      if (child->class_name == NULL)
        child->class_name = g_strdup (graft_v3_guess_class (parent, key, name));
      /* Nothing tells the class of a group named after an attribute in a
       * file too old to record layer names, nor of what a TimeDistributed
       * wraps: those are named from their variables' shapes. A named layer
       * of an unknown class is a custom one, whose own variable names are
       * unknowable: it keeps the indices. */
      child->by_shapes = child->class_name == NULL && entry == NULL &&
                         (name == NULL || g_strcmp0 (parent->class_name, "TimeDistributed") == 0);
      child->name = name != NULL ? g_steal_pointer (&name) : g_strdup (key);
      if (entry == NULL)
        child->policy = graft_v3_sublayer_policy (parent, key);
    }

  if (!graft_v3_scan (load, child, path, depth + 1))
    {
      if (is_new)
        graft_v3_obj_free (child);
      return FALSE;
    }
  if (is_new)
    g_ptr_array_add (parent->children, child);
  return TRUE;
}

static gboolean
graft_v3_scan_vars (GraftV3Load *load,
                    GraftV3Obj  *obj,
                    const char  *vars_path)
{
  g_autoptr(GPtrArray) entries = graft_h5_list (load->file, vars_path, load->error);

  if (entries == NULL)
    return FALSE;
  for (guint i = 0; i < entries->len; i++)
    {
      GraftH5Entry *e = g_ptr_array_index (entries, i);
      GraftV3Var *var;

      if (e->kind == GRAFT_H5_SOFT_LINK || e->kind == GRAFT_H5_EXTERNAL_LINK)
        {
          g_set_error (load->error, GRAFT_ERROR, GRAFT_ERROR_UNSAFE,
                       "%s: '%s/%s' is a%s link; Graft follows only hard links",
                       graft_h5_file_get_name (load->file), vars_path, e->name,
                       e->kind == GRAFT_H5_SOFT_LINK ? " soft" : "n external");
          return FALSE;
        }
      if (e->kind != GRAFT_H5_DATASET || !graft_v3_is_index (e->name))
        continue;
      var = g_new0 (GraftV3Var, 1);
      var->file = load->file;
      var->path = graft_v3_join (vars_path, e->name);
      var->index = atoi (e->name);
      g_ptr_array_add (obj->vars, var);
    }
  return TRUE;
}

static gboolean
graft_v3_scan (GraftV3Load *load,
               GraftV3Obj  *obj,
               const char  *group,
               guint        depth)
{
  g_autoptr(GPtrArray) entries = NULL;

  if (depth > GRAFT_MAX_DEPTH)
    {
      g_set_error (load->error, GRAFT_ERROR, GRAFT_ERROR_LIMIT,
                   "%s: groups are nested more than %d levels deep at '%.60s…'",
                   graft_h5_file_get_name (load->file), GRAFT_MAX_DEPTH, group);
      return FALSE;
    }

  entries = graft_h5_list (load->file, group, load->error);
  if (entries == NULL)
    return FALSE;

  for (guint i = 0; i < entries->len; i++)
    {
      GraftH5Entry *e = g_ptr_array_index (entries, i);
      g_autofree char *path = graft_v3_join (group, e->name);

      if (e->kind == GRAFT_H5_SOFT_LINK || e->kind == GRAFT_H5_EXTERNAL_LINK)
        {
          g_set_error (load->error, GRAFT_ERROR, GRAFT_ERROR_UNSAFE,
                       "%s: '%s' is a%s link; Graft follows only hard links",
                       graft_h5_file_get_name (load->file), path,
                       e->kind == GRAFT_H5_SOFT_LINK ? " soft" : "n external");
          return FALSE;
        }
      if (e->kind != GRAFT_H5_GROUP)
        continue;
      if (depth == 0 && graft_v3_is_state_name (e->name))
        continue;

      if (g_str_equal (e->name, "vars"))
        {
          if (!graft_v3_scan_vars (load, obj, path))
            return FALSE;
        }
      else if (graft_v3_is_list_name (e->name))
        {
          g_autoptr(GPtrArray) items = graft_h5_list (load->file, path, load->error);

          if (items == NULL)
            return FALSE;
          for (guint j = 0; j < items->len; j++)
            {
              GraftH5Entry *item = g_ptr_array_index (items, j);
              g_autofree char *item_path = graft_v3_join (path, item->name);

              if (item->kind == GRAFT_H5_GROUP &&
                  !graft_v3_add_child (load, obj, item_path, item->name, TRUE, depth + 1))
                return FALSE;
            }
        }
      else if (strchr (e->name, '\\') != NULL)
        {
          g_auto(GStrv) parts = g_strsplit (e->name, "\\", -1);
          guint n = g_strv_length (parts);

          if (!graft_v3_add_child (load, obj, path, parts[n - 1],
                                   n == 2 && graft_v3_is_list_name (parts[0]), depth + 1))
            return FALSE;
        }
      else if (!graft_v3_add_child (load, obj, path, e->name, FALSE, depth + 1))
        return FALSE;
    }
  return TRUE;
}

static int
graft_v3_natural_cmp (const char *a,
                      const char *b)
{
  while (*a && *b)
    {
      if (g_ascii_isdigit (*a) && g_ascii_isdigit (*b))
        {
          char *ea, *eb;
          guint64 na = g_ascii_strtoull (a, &ea, 10);
          guint64 nb = g_ascii_strtoull (b, &eb, 10);

          if (na != nb)
            return na < nb ? -1 : 1;
          a = ea;
          b = eb;
          continue;
        }
      if (*a != *b)
        return (guchar) *a - (guchar) *b;
      a++;
      b++;
    }
  return (guchar) *a - (guchar) *b;
}

/* Config order first; then, for layers the config does not place, the
 * numeric order of their structural names ("dense_2" before "dense_10"). */
static gint
graft_v3_obj_cmp (gconstpointer pa,
                  gconstpointer pb)
{
  const GraftV3Obj *a = *(GraftV3Obj * const *) pa;
  const GraftV3Obj *b = *(GraftV3Obj * const *) pb;
  int c;

  if (a->order != b->order)
    return a->order < b->order ? -1 : 1;
  c = graft_v3_natural_cmp (a->key, b->key);
  if (c != 0)
    return c;
  return a->seen < b->seen ? -1 : (a->seen > b->seen);
}

static gint
graft_v3_var_cmp (gconstpointer pa,
                  gconstpointer pb)
{
  const GraftV3Var *a = *(GraftV3Var * const *) pa;
  const GraftV3Var *b = *(GraftV3Var * const *) pb;

  return a->index < b->index ? -1 : (a->index > b->index);
}

static gboolean
graft_v3_emit (GraftV3Load *load,
               GraftV3Obj  *obj,
               GraftLayer  *layer,
               GError     **error)
{
  g_auto(GStrv) names = NULL;
  JsonObject *config = obj->policy ? obj->policy : graft_config_entry_config (obj->entry);
  g_autofree GraftH5DatasetInfo *infos = g_new0 (GraftH5DatasetInfo, MAX (obj->vars->len, 1));
  gboolean ok = TRUE;

  g_ptr_array_sort (obj->vars, graft_v3_var_cmp);
  for (guint i = 0; ok && i < obj->vars->len; i++)
    {
      GraftV3Var *var = g_ptr_array_index (obj->vars, i);

      ok = graft_h5_dataset_info (var->file, var->path, &infos[i], error);
      if (!ok)
        graft_error_add_context (error, graft_h5_file_get_name (var->file), "layer '%s', weight %u",
                                 obj->name, var->index);
    }

  if (ok && obj->by_shapes)
    names = graft_v3_var_names_from_shapes (infos, obj->vars->len);
  else if (ok)
    names = graft_keras_var_names (obj->class_name, config, obj->vars->len);

  for (guint i = 0; ok && i < obj->vars->len; i++)
    {
      GraftV3Var *var = g_ptr_array_index (obj->vars, i);
      GraftTrainable trainable;

      if (obj->frozen || graft_keras_var_is_non_trainable (obj->class_name, names[i]))
        trainable = GRAFT_TRAINABLE_NO;
      else
        trainable = obj->entry != NULL ? GRAFT_TRAINABLE_YES : GRAFT_TRAINABLE_UNKNOWN;
      graft_model_add_weight (load->model, layer, names[i], var->path,
                              graft_h5_tensor_new (var->file, var->path, &infos[i]), trainable);
    }
  for (guint i = 0; i < obj->vars->len; i++)
    graft_h5_dataset_info_clear (&infos[i]);
  if (!ok)
    return FALSE;

  g_ptr_array_sort (obj->children, graft_v3_obj_cmp);
  for (guint i = 0; i < obj->children->len; i++)
    {
      GraftV3Obj *child = g_ptr_array_index (obj->children, i);
      GraftLayer *sub = graft_layer_find_child (layer, child->name);

      /* Two objects Keras named alike (no @name, an attribute and a list
       * element): keep both, the later one under its group name. */
      if (sub != NULL && g_strcmp0 (graft_layer_get_location (sub), child->location) != 0)
        sub = graft_layer_ensure_child (layer, child->key);
      else
        sub = graft_layer_ensure_child (layer, child->name);
      graft_layer_set_location (sub, child->location);
      graft_layer_set_class_name (sub, child->class_name);
      graft_layer_set_config (sub, child->policy ? child->policy : graft_config_entry_config (child->entry));
      if (!graft_v3_emit (load, child, sub, error))
        return FALSE;
    }
  return TRUE;
}

static void
graft_v3_add_state (GraftModel  *model,
                    GraftH5File *file,
                    const char  *group,
                    guint        depth)
{
  g_autoptr(GPtrArray) entries = NULL;

  if (depth > GRAFT_MAX_DEPTH)
    return;
  entries = graft_h5_list (file, group, NULL);
  for (guint i = 0; entries != NULL && i < entries->len; i++)
    {
      GraftH5Entry *e = g_ptr_array_index (entries, i);
      g_autofree char *path = graft_v3_join (group, e->name);

      if (depth == 0 && (e->kind != GRAFT_H5_GROUP || !graft_v3_is_state_name (e->name)))
        continue;
      if (e->kind == GRAFT_H5_GROUP)
        graft_v3_add_state (model, file, path, depth + 1);
      else if (e->kind == GRAFT_H5_DATASET)
        {
          GraftH5DatasetInfo info;

          if (graft_h5_dataset_info (file, path, &info, NULL))
            graft_model_add_extra_weight (model, path + 1, path, graft_h5_tensor_new (file, path, &info));
          graft_h5_dataset_info_clear (&info);
        }
    }
}

/**
 * graft_keras_load_v3:
 * @files: (element-type GraftH5File): the file, or every shard of a
 *   sharded checkpoint; objects at the same path are merged
 *
 * Fills @model from the Keras 3 layout. A model config on @model (from a
 * .keras archive) names layers and classes when @name attributes are
 * missing, and orders the layers as the model does.
 */
gboolean
graft_keras_load_v3 (GraftModel  *model,
                     GPtrArray   *files,
                     GError     **error)
{
  GraftV3Obj *root = graft_v3_obj_new ("", "/");
  GraftV3Load load = { model, NULL, error, 0 };
  JsonNode *config = graft_model_get_config (model);
  GraftLayer *own = NULL;
  gboolean ok = TRUE;

  if (config != NULL && JSON_NODE_HOLDS_OBJECT (config))
    {
      root->entry = json_node_get_object (config);
      root->class_name = g_strdup (graft_config_entry_class (root->entry));
      root->frozen = graft_config_is_frozen (root->entry);
    }

  for (guint i = 0; ok && i < files->len; i++)
    {
      load.file = g_ptr_array_index (files, i);
      ok = graft_v3_scan (&load, root, "/", 0);
    }

  if (ok)
    {
      GraftLayer *top = graft_model_get_root (model);

      graft_layer_set_class_name (top, root->class_name);
      graft_layer_set_location (top, "/");
      /* The model's own variables get a layer named after the model. */
      if (root->vars->len > 0)
        {
          g_autofree char *name = NULL;

          if (graft_h5_has_attr (((GraftV3Var *) g_ptr_array_index (root->vars, 0))->file, "/vars", "name"))
            name = graft_h5_read_attr_string (((GraftV3Var *) g_ptr_array_index (root->vars, 0))->file,
                                              "/vars", "name", NULL);
          own = graft_layer_ensure_child (top, name != NULL ? name : "model");
          graft_layer_set_location (own, "/");
        }
      {
        GraftV3Obj shell = *root;
        GPtrArray *no_children = g_ptr_array_new ();

        /* Emit the root's variables into their own layer, then the rest. */
        shell.children = no_children;
        ok = own == NULL || graft_v3_emit (&load, &shell, own, error);
        g_ptr_array_unref (no_children);
        g_ptr_array_set_size (root->vars, 0);
      }
      ok = ok && graft_v3_emit (&load, root, top, error);
    }

  for (guint i = 0; ok && i < files->len; i++)
    graft_v3_add_state (model, g_ptr_array_index (files, i), "/", 0);

  graft_v3_obj_free (root);
  return ok;
}
