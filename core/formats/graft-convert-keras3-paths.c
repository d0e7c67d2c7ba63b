/* graft-convert-keras3-paths.c: where Keras 3 puts each weight of a model
 *
 * Keras 3 names objects by structure, not by layer name: a model's layer
 * list is the group layers/, whose elements are named after their class in
 * snake_case (dense, dense_1, … in model.layers order); an RNN keeps its
 * weights in cell/, a Bidirectional in forward_layer/ and backward_layer/,
 * a MultiHeadAttention in query_dense/, key_dense/, value_dense/ and
 * output_dense/. Every visited object gets a vars/ group carrying @name,
 * and its variables are vars/0, vars/1, … in creation order.
 *
 * The legacy writers name the same variable by its path at build time:
 * the model's name for a Sequential ("sequential/conv1/kernel"), nothing
 * for a Functional whose layers were built outside it ("branch_a/kernel"),
 * the nested model's name below it ("feature_extractor/fe_conv/kernel"),
 * and the wrapper's and cell's names above an RNN's variables
 * ("bigru/forward_gru/gru_cell/kernel").
 *
 * The plan matches each variable to a model weight through the layer tree
 * the readers build, which is keyed by layer names in every format.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-convert"

#include "config.h"

#include "graft-convert-private.h"

#include <string.h>

#include "graft-error.h"
#include "graft-keras-private.h"
#include "graft-keras3-list.h"

typedef struct
{
  GraftModel       *model;
  GraftConvertPlan *plan;
  GHashTable       *used;     /* GraftWeight * already placed */
  const char       *target;
} GraftConvertBuild;

static void
graft_convert_var_free (GraftConvertVar *var)
{
  g_free (var->location);
  g_free (var->var_path);
  g_free (var);
}

static void
graft_convert_obj_free (GraftConvertObj *obj)
{
  g_free (obj->group);
  g_free (obj->name);
  g_ptr_array_unref (obj->vars);
  g_free (obj);
}

void
graft_convert_plan_free (GraftConvertPlan *plan)
{
  if (plan == NULL)
    return;
  g_free (plan->model_name);
  g_ptr_array_unref (plan->layer_names);
  g_ptr_array_unref (plan->objects);
  g_free (plan);
}

static char *
graft_convert_join (const char *group,
                    const char *name)
{
  return g_str_equal (group, "/") ? g_strconcat ("/", name, NULL) : g_strconcat (group, "/", name, NULL);
}

static GraftConvertObj *
graft_convert_plan_add_object (GraftConvertBuild *build,
                               const char        *group,
                               const char        *name,
                               guint              top)
{
  GraftConvertObj *obj = g_new0 (GraftConvertObj, 1);

  obj->group = g_strdup (group);
  obj->name = g_strdup (name);
  obj->top = top;
  obj->vars = g_ptr_array_new_with_free_func ((GDestroyNotify) graft_convert_var_free);
  g_ptr_array_add (build->plan->objects, obj);
  return obj;
}

static GraftWeight *
graft_convert_layer_weight_named (GraftLayer *layer,
                                  const char *name)
{
  for (guint i = 0; i < graft_layer_get_n_weights (layer); i++)
    {
      GraftWeight *w = graft_layer_get_weight (layer, i);

      if (g_str_equal (graft_weight_get_name (w), name))
        return w;
    }
  return NULL;
}

/* Places the variables of one object that owns weights directly (a Dense,
 * a cell, an EinsumDense inside MHA, a custom layer). @class_name and
 * @config name them in creation order; the source layer at @tree_path holds
 * them under those names, or under names only the file knew (a custom
 * layer's "w", "b"), in which case the file's order is taken as it is. */
static void
graft_convert_plan_leaf (GraftConvertBuild *build,
                         GraftConvertObj   *obj,
                         const char        *class_name,
                         JsonObject        *config,
                         const char        *tree_path,
                         const char        *scope,
                         gboolean           frozen)
{
  GraftLayer *source = graft_model_find_layer (build->model, tree_path);
  g_auto(GStrv) names = NULL;
  guint n;

  if (source == NULL)
    return;
  n = graft_layer_get_n_weights (source);
  names = graft_keras_var_names (class_name, config, n);
  for (guint i = 0; i < n; i++)
    {
      GraftWeight *w = graft_convert_layer_weight_named (source, names[i]);
      GraftConvertVar *var;
      const char *var_name;

      if (w == NULL || g_hash_table_contains (build->used, w))
        w = graft_layer_get_weight (source, i);
      var_name = graft_weight_get_name (w);
      var = g_new0 (GraftConvertVar, 1);
      var->location = g_strdup_printf ("%s/vars/%u", g_str_equal (obj->group, "/") ? "" : obj->group, i);
      var->var_path = g_strconcat (scope, var_name, NULL);
      var->weight = w;
      var->trainable = !frozen && !graft_keras_var_is_non_trainable (class_name, var_name) &&
                       graft_weight_get_trainable (w) != GRAFT_TRAINABLE_NO;
      g_hash_table_add (build->used, w);
      g_ptr_array_add (obj->vars, var);
    }
}

static void graft_convert_plan_list (GraftConvertBuild *build,
                                     JsonObject        *model_entry,
                                     const char        *list_group,
                                     const char        *tree_prefix,
                                     const char        *scope,
                                     gboolean           at_root,
                                     guint              top,
                                     gboolean           frozen);

static void graft_convert_plan_layer (GraftConvertBuild *build,
                                      JsonObject        *entry,
                                      const char        *name_override,
                                      const char        *group,
                                      const char        *tree_prefix,
                                      const char        *scope,
                                      guint              top,
                                      gboolean           frozen);

/* A layer a wrapper holds at @child's attribute. */
static void
graft_convert_plan_child (GraftConvertBuild     *build,
                          JsonObject            *config,
                          const GraftKerasChild *child,
                          const char            *group,
                          const char            *tree_path,
                          const char            *scope,
                          guint                  top,
                          gboolean               frozen)
{
  JsonObject *entry = graft_config_get_object (config, child->config_key);
  g_autofree char *child_group = graft_convert_join (group, child->attribute);
  g_autofree char *name = NULL;
  gboolean mirrored = FALSE;

  if (entry == NULL && child->mirror_key != NULL)
    {
      entry = graft_config_get_object (config, child->mirror_key);
      mirrored = TRUE;
    }
  if (entry == NULL)
    return;
  name = graft_keras_child_name (child, graft_config_entry_name (entry), mirrored);
  graft_convert_plan_layer (build, entry, name, child_group, tree_path, scope, top, frozen);
}

/* One layer of a layer list (or a wrapped layer) at @group. @name_override
 * replaces the entry's own name (a Bidirectional's backward layer built
 * from the forward layer's config). */
static void
graft_convert_plan_layer (GraftConvertBuild *build,
                          JsonObject        *entry,
                          const char        *name_override,
                          const char        *group,
                          const char        *tree_prefix,
                          const char        *scope,
                          guint              top,
                          gboolean           frozen)
{
  const char *class_name = graft_config_entry_class (entry);
  const GraftKerasClass *klass = graft_keras_class_lookup (class_name);
  const char *name = name_override ? name_override : graft_config_entry_name (entry);
  JsonObject *config = graft_config_entry_config (entry);
  g_autofree char *tree_path = NULL;
  g_autofree char *own_scope = NULL;
  GraftConvertObj *obj;

  if (name == NULL)
    name = "";
  tree_path = tree_prefix[0] ? g_strconcat (tree_prefix, "/", name, NULL) : g_strdup (name);
  own_scope = g_strconcat (scope, name, "/", NULL);
  frozen = frozen || graft_config_is_frozen (entry);
  obj = graft_convert_plan_add_object (build, group, name, top);

  if (graft_keras_class_is_model (class_name, entry))
    {
      g_autofree char *list = graft_convert_join (group, "layers");
      /* A nested Sequential builds its layers in its own name scope; a
       * nested Functional's layers were built before it existed. */
      const char *child_scope = g_strcmp0 (class_name, "Sequential") == 0 ? own_scope : "";

      graft_convert_plan_list (build, entry, list, tree_path, child_scope, FALSE, top, frozen);
    }
  else if (klass != NULL && klass->cell_class != NULL)
    {
      const char *cell_name = graft_keras_class_get_cell_name (klass);
      g_autofree char *cell_group = graft_convert_join (group, "cell");
      g_autofree char *cell_tree = g_strconcat (tree_path, "/", cell_name, NULL);
      g_autofree char *cell_scope = g_strconcat (own_scope, cell_name, "/", NULL);
      GraftConvertObj *cell = graft_convert_plan_add_object (build, cell_group, cell_name, top);

      /* The cell takes use_bias and friends from the layer's config. */
      graft_convert_plan_leaf (build, cell, klass->cell_class, config, cell_tree, cell_scope,
                               frozen);
    }
  else if (klass != NULL && klass->children != NULL)
    {
      for (guint i = 0; klass->children[i].config_key != NULL; i++)
        graft_convert_plan_child (build, config, &klass->children[i], group, tree_path,
                                  own_scope, top, frozen);
    }
  else if (klass != NULL && klass->sublayers != NULL)
    {
      for (guint i = 0; klass->sublayers[i].attribute != NULL; i++)
        {
          const GraftKerasSublayer *sl = &klass->sublayers[i];
          g_autofree char *sub_group = graft_convert_join (group, sl->attribute);
          g_autofree char *sub_tree = g_strconcat (tree_path, "/", sl->name, NULL);
          g_autofree char *sub_scope = g_strconcat (own_scope, sl->name, "/", NULL);
          GraftConvertObj *sub = graft_convert_plan_add_object (build, sub_group, sl->name, top);

          /* The sub-layers take use_bias from the layer's config. */
          if (sl->class_name != NULL)
            graft_convert_plan_leaf (build, sub, sl->class_name, config, sub_tree, sub_scope,
                                     frozen);
        }
    }
  else
    graft_convert_plan_leaf (build, obj, class_name, config, tree_path, own_scope, frozen);
}

/* Whether a Sequential's layer was built before the model, so that its
 * variables are not in the model's name scope: an adapted Normalization
 * (its config leaves mean and variance null), or a layer whose recorded
 * build shape has a concrete batch size (built on data, not symbolically). */
static gboolean
graft_convert_built_outside (JsonObject *entry,
                             const char *class_name)
{
  JsonObject *config = graft_config_entry_config (entry);
  JsonObject *build = graft_config_get_object (entry, "build_config");
  JsonNode *shape;

  if (g_str_equal (class_name, "Normalization") && config != NULL &&
      json_object_has_member (config, "mean") &&
      JSON_NODE_HOLDS_NULL (json_object_get_member (config, "mean")))
    return TRUE;
  if (build == NULL || !json_object_has_member (build, "input_shape"))
    return FALSE;
  shape = json_object_get_member (build, "input_shape");
  return JSON_NODE_HOLDS_ARRAY (shape) && json_array_get_length (json_node_get_array (shape)) > 0 &&
         JSON_NODE_HOLDS_VALUE (json_array_get_element (json_node_get_array (shape), 0));
}

static void
graft_convert_plan_list (GraftConvertBuild *build,
                         JsonObject        *model_entry,
                         const char        *list_group,
                         const char        *tree_prefix,
                         const char        *scope,
                         gboolean           at_root,
                         guint              top,
                         gboolean           frozen)
{
  g_autoptr(GArray) items = graft_keras3_list_new (model_entry);
  gboolean sequential = g_strcmp0 (graft_config_entry_class (model_entry), "Sequential") == 0;

  for (guint i = 0; i < items->len; i++)
    {
      GraftKeras3Item *item = &g_array_index (items, GraftKeras3Item, i);
      JsonObject *entry = item->entry;
      const char *class_name = graft_config_entry_class (entry);
      g_autofree char *group = graft_convert_join (list_group, item->key);

      if (at_root)
        {
          const char *name = graft_config_entry_name (entry);

          top = build->plan->layer_names->len;
          g_ptr_array_add (build->plan->layer_names, g_strdup (name ? name : item->key));
        }
      graft_convert_plan_layer (build, entry, NULL, group, tree_prefix,
                                sequential && graft_convert_built_outside (entry, class_name) ? "" : scope,
                                top, frozen);
    }
}

/**
 * graft_convert_plan_new:
 * @model: the model whose weights are placed
 * @config: the model config ({"class_name", "config"}) in either the
 *   legacy or the Keras 3 serialization
 * @target: the file being written, for messages
 *
 * Works out where each of @model's weights goes in the Keras 3 layout and
 * what the legacy writer calls it.
 *
 * Returns: (transfer full): the plan, or %NULL when the config has no layer
 *   list (a subclassed model) or a weight finds no place
 */
GraftConvertPlan *
graft_convert_plan_new (GraftModel  *model,
                        JsonNode    *config,
                        const char  *target,
                        GError     **error)
{
  g_autoptr(GraftConvertPlan) plan = g_new0 (GraftConvertPlan, 1);
  g_autoptr(GHashTable) used = g_hash_table_new (NULL, NULL);
  GraftConvertBuild build = { model, plan, used, target };
  JsonObject *entry;
  const char *class_name;
  const char *name;

  plan->layer_names = g_ptr_array_new_with_free_func (g_free);
  plan->objects = g_ptr_array_new_with_free_func ((GDestroyNotify) graft_convert_obj_free);

  if (config == NULL || !JSON_NODE_HOLDS_OBJECT (config))
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_NO_ARCHITECTURE,
                   "%s: %s has no model config, so the layer classes that name the Keras 3 "
                   "paths are unknown; take the architecture from a file of the same model "
                   "that has one (.keras or a legacy full-model .h5)", target,
                   graft_model_get_filename (model));
      return NULL;
    }
  entry = json_node_get_object (config);
  class_name = graft_config_entry_class (entry);
  name = graft_config_entry_name (entry);
  if (graft_config_layers (entry) == NULL)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED,
                   "%s: model '%s' is a subclassed model (class %s): its config has no layer "
                   "list, and the Keras 3 paths of its weights follow Python attribute names "
                   "that only a Keras 3 file of this model records", target,
                   name ? name : "?", class_name ? class_name : "?");
      return NULL;
    }

  plan->model_name = g_strdup (name ? name : "model");
  graft_convert_plan_add_object (&build, "/", plan->model_name, G_MAXUINT);
  {
    g_autofree char *scope = g_strcmp0 (class_name, "Sequential") == 0
                             ? g_strconcat (plan->model_name, "/", NULL) : g_strdup ("");

    graft_convert_plan_list (&build, entry, "/layers", "", scope, TRUE, G_MAXUINT,
                             graft_config_is_frozen (entry));
  }

  for (guint i = 0; i < graft_model_get_n_weights (model); i++)
    {
      GraftWeight *w = graft_model_get_weight (model, i);

      if (!g_hash_table_contains (used, w))
        {
          g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED,
                       "%s: weight '%s' (layer '%s') has no place in the layout the model config "
                       "describes (a layer the config does not list, or of a class whose "
                       "sub-layers Graft does not know)", target, graft_weight_get_path (w),
                       graft_layer_get_name (graft_weight_get_layer (w)));
          return NULL;
        }
    }
  return g_steal_pointer (&plan);
}

/**
 * graft_convert_plan_dup_legacy_vars:
 * @top: an index in @plan's layer_names
 *
 * Returns: (transfer container) (element-type GraftConvertVar): the
 *   variables of top-level layer @top in legacy order: trainable ones
 *   first, then the others, each part in get_weights() order
 */
GPtrArray *
graft_convert_plan_dup_legacy_vars (GraftConvertPlan *plan,
                                    guint             top)
{
  GPtrArray *out = g_ptr_array_new ();

  for (int pass = 0; pass < 2; pass++)
    for (guint i = 0; i < plan->objects->len; i++)
      {
        GraftConvertObj *obj = g_ptr_array_index (plan->objects, i);

        if (obj->top != top)
          continue;
        for (guint j = 0; j < obj->vars->len; j++)
          {
            GraftConvertVar *var = g_ptr_array_index (obj->vars, j);

            if (var->trainable == (pass == 0))
              g_ptr_array_add (out, var);
          }
      }
  return out;
}

/**
 * graft_convert_write_keras3:
 *
 * Writes the Keras 3 layout of @plan: every object's vars/ group with its
 * @name, and every variable as vars/<i>.
 */
gboolean
graft_convert_write_keras3 (GraftConvertPlan  *plan,
                            GraftH5Writer     *writer,
                            GError           **error)
{
  for (guint i = 0; i < plan->objects->len; i++)
    {
      GraftConvertObj *obj = g_ptr_array_index (plan->objects, i);
      g_autofree char *vars = graft_convert_join (obj->group, "vars");

      if (!graft_h5_writer_ensure_group (writer, vars, error) ||
          !graft_h5_writer_set_attr_string (writer, vars, "name", obj->name, TRUE, error))
        return FALSE;
      for (guint j = 0; j < obj->vars->len; j++)
        {
          GraftConvertVar *var = g_ptr_array_index (obj->vars, j);

          if (!graft_h5_writer_add_dataset (writer, var->location,
                                            graft_weight_get_tensor (var->weight), error))
            {
              g_prefix_error (error, "weight '%s': ", graft_weight_get_path (var->weight));
              return FALSE;
            }
        }
    }
  return TRUE;
}
