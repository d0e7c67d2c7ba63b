/* graft-model.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-model"

#include "config.h"

#include "graft-model-private.h"

#include "graft-tensor.h"

struct GraftModel
{
  gatomicrefcount  ref_count;
  char            *filename;
  GraftFormat      format;
  char            *keras_version;
  char            *backend;
  JsonNode        *config;
  GraftLayer      *root;
  GPtrArray       *weights;        /* borrowed GraftWeight, model weights in order */
  GPtrArray       *extra;          /* owned GraftWeight: optimizer and metric state */
  GraftLayer      *extra_layer;    /* owner of the extra weights */
  GHashTable      *by_path;        /* path or location → GraftWeight */
  GHashTable      *layers_by_path;
  guint64          n_params;
  GPtrArray       *kept;           /* data that must live as long as the model */
  GPtrArray       *metadata;       /* of char *: key, value, key, value … in file order */
};

static void
graft_weight_free (GraftWeight *self)
{
  g_free (self->tied_to);
  g_clear_pointer (&self->values, graft_tensor_unref);
  g_free (self->quantization);
  g_free (self->name);
  g_free (self->path);
  g_free (self->location);
  g_clear_pointer (&self->tensor, graft_tensor_unref);
  g_free (self);
}

static GraftLayer *
graft_layer_new (GraftLayer *parent,
                 const char *name)
{
  GraftLayer *self = g_new0 (GraftLayer, 1);

  self->name = g_strdup (name);
  self->parent = parent;
  if (parent == NULL || parent->parent == NULL)
    self->path = g_strdup (name);
  else
    self->path = g_strconcat (parent->path, "/", name, NULL);
  self->children = g_ptr_array_new ();
  self->weights = g_ptr_array_new_with_free_func ((GDestroyNotify) graft_weight_free);
  return self;
}

static void
graft_layer_free (GraftLayer *self)
{
  for (guint i = 0; i < self->children->len; i++)
    graft_layer_free (g_ptr_array_index (self->children, i));
  g_ptr_array_unref (self->children);
  g_clear_pointer (&self->children_by_name, g_hash_table_unref);
  g_ptr_array_unref (self->weights);
  g_clear_pointer (&self->config, json_object_unref);
  g_free (self->name);
  g_free (self->path);
  g_free (self->class_name);
  g_free (self->location);
  g_free (self);
}

static GraftWeight *graft_layer_add_weight (GraftLayer     *self,
                                           const char     *name,
                                           const char     *location,
                                           GraftTensor    *tensor,
                                           GraftTrainable  trainable);

GraftModel *
graft_model_new (const char  *filename,
                 GraftFormat  format)
{
  GraftModel *self = g_new0 (GraftModel, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->filename = g_strdup (filename);
  self->format = format;
  self->root = graft_layer_new (NULL, "");
  self->weights = g_ptr_array_new ();
  self->extra_layer = graft_layer_new (NULL, "");
  self->by_path = g_hash_table_new (g_str_hash, g_str_equal);
  self->layers_by_path = g_hash_table_new (g_str_hash, g_str_equal);
  self->kept = g_ptr_array_new ();
  return self;
}

GraftModel *
graft_model_ref (GraftModel *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
graft_model_unref (GraftModel *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_hash_table_unref (self->by_path);
  g_hash_table_unref (self->layers_by_path);
  g_clear_pointer (&self->metadata, g_ptr_array_unref);
  g_ptr_array_unref (self->weights);
  graft_layer_free (self->root);
  graft_layer_free (self->extra_layer);
  g_clear_pointer (&self->config, json_node_unref);
  /* Tensors above may read from these (open files), so they go last. */
  for (guint i = self->kept->len; i > 0; i -= 2)
    {
      GDestroyNotify destroy = g_ptr_array_index (self->kept, i - 1);

      destroy (g_ptr_array_index (self->kept, i - 2));
    }
  g_ptr_array_unref (self->kept);
  g_free (self->filename);
  g_free (self->keras_version);
  g_free (self->backend);
  g_free (self);
}

void
graft_model_set_versions (GraftModel *self,
                          const char *keras_version,
                          const char *backend)
{
  g_free (self->keras_version);
  g_free (self->backend);
  self->keras_version = g_strdup (keras_version);
  self->backend = g_strdup (backend);
}

/**
 * graft_model_take_config:
 * @config: (transfer full) (nullable): the model's JSON config
 */
void
graft_model_take_config (GraftModel *self,
                         JsonNode   *config)
{
  g_clear_pointer (&self->config, json_node_unref);
  self->config = config;
}

/* Keeps @data (an open file, say) alive until the model is freed. */
void
graft_model_keep_data (GraftModel     *self,
                       gpointer        data,
                       GDestroyNotify  destroy)
{
  g_ptr_array_add (self->kept, data);
  g_ptr_array_add (self->kept, destroy);
}

/**
 * graft_model_add_extra_weight:
 * @tensor: (transfer full): its values
 *
 * Records a tensor that is not a model weight (optimizer or metric state),
 * so it is listed and saved, but never counted or transferred.
 */
void
graft_model_add_extra_weight (GraftModel  *self,
                              const char  *path,
                              const char  *location,
                              GraftTensor *tensor)
{
  /* The extra layer's path is empty, so the weight's path is @path. */
  graft_layer_add_weight (self->extra_layer, path, location, tensor, GRAFT_TRAINABLE_NO);
}

/**
 * graft_model_add_weight:
 * @layer: (transfer none): the owner, a layer of this model
 * @tensor: (transfer full): its values
 *
 * Appends a model weight; weights are listed in the order they are added.
 *
 * Returns: (transfer none): the new weight
 */
GraftWeight *
graft_model_add_weight (GraftModel     *self,
                        GraftLayer     *layer,
                        const char     *name,
                        const char     *location,
                        GraftTensor    *tensor,
                        GraftTrainable  trainable)
{
  GraftWeight *w = graft_layer_add_weight (layer, name, location, tensor, trainable);

  g_ptr_array_add (self->weights, w);
  return w;
}

static void
graft_model_index_layer (GraftModel *self,
                         GraftLayer *layer)
{
  if (layer != self->root)
    g_hash_table_insert (self->layers_by_path, layer->path, layer);

  for (guint i = 0; i < layer->children->len; i++)
    graft_model_index_layer (self, g_ptr_array_index (layer->children, i));
}

/**
 * graft_model_finish:
 *
 * Called by a reader once the tree is complete: indexes weights by path and
 * location and counts parameters. Weights are listed in the order the
 * reader added them, which is Keras's order for that format.
 */
void
graft_model_finish (GraftModel *self)
{
  graft_layer_remove_empty (self->root);
  graft_model_index_layer (self, self->root);

  self->n_params = 0;
  for (guint i = 0; i < self->weights->len; i++)
    {
      GraftWeight *w = g_ptr_array_index (self->weights, i);

      /* A tied weight is the same parameter under a second name. */
      if (w->tied_to == NULL)
        self->n_params += graft_tensor_get_n_elements (w->tensor);
      g_hash_table_insert (self->by_path, w->path, w);
    }
  /* Locations second: a path never shadows another weight's location. */
  for (guint i = 0; i < self->weights->len; i++)
    {
      GraftWeight *w = g_ptr_array_index (self->weights, i);

      if (w->location != NULL)
        {
          g_hash_table_insert (self->by_path, w->location, w);
          if (w->location[0] == '/')
            g_hash_table_insert (self->by_path, w->location + 1, w);
        }
    }
}

const char *
graft_model_get_filename (const GraftModel *self)
{
  return self->filename;
}

GraftFormat
graft_model_get_format (const GraftModel *self)
{
  return self->format;
}

const char *
graft_model_get_keras_version (const GraftModel *self)
{
  return self->keras_version;
}

const char *
graft_model_get_backend (const GraftModel *self)
{
  return self->backend;
}

JsonNode *
graft_model_get_config (GraftModel       *self)
{
  return self->config;
}

GraftLayer *
graft_model_get_root (GraftModel       *self)
{
  return self->root;
}

guint
graft_model_get_n_weights (const GraftModel *self)
{
  return self->weights->len;
}

GraftWeight *
graft_model_get_weight (GraftModel       *self,
                        guint             position)
{
  g_return_val_if_fail (position < self->weights->len, NULL);
  return g_ptr_array_index (self->weights, position);
}

guint64
graft_model_get_n_params (const GraftModel *self)
{
  return self->n_params;
}

guint
graft_model_get_n_extra_weights (const GraftModel *self)
{
  return self->extra_layer->weights->len;
}

GraftWeight *
graft_model_get_extra_weight (GraftModel       *self,
                              guint             position)
{
  g_return_val_if_fail (position < self->extra_layer->weights->len, NULL);
  return g_ptr_array_index (self->extra_layer->weights, position);
}

/**
 * graft_model_find_weight:
 * @path_or_location: a weight path ("dense/kernel") or its HDF5 dataset
 *   location, with or without the leading '/'
 *
 * Returns: (transfer none) (nullable): the model weight, or %NULL
 */
GraftWeight *
graft_model_find_weight (GraftModel       *self,
                         const char       *path_or_location)
{
  g_return_val_if_fail (path_or_location != NULL, NULL);
  return g_hash_table_lookup (self->by_path, path_or_location);
}

GraftLayer *
graft_model_find_layer (GraftModel       *self,
                        const char       *path)
{
  return g_hash_table_lookup (self->layers_by_path, path);
}

/* GraftLayer */

/* A layer with this many children is searched by name through a hash
 * table: files with tens of thousands of layers at one level exist, and a
 * reader asks for each of them by name. */
#define GRAFT_LAYER_INDEX_CHILDREN 32

GraftLayer *
graft_layer_find_child (const GraftLayer *parent,
                        const char       *name)
{
  if (parent->children_by_name != NULL)
    return g_hash_table_lookup (parent->children_by_name, name);
  for (guint i = 0; i < parent->children->len; i++)
    {
      GraftLayer *child = g_ptr_array_index (parent->children, i);

      if (g_strcmp0 (child->name, name) == 0)
        return child;
    }
  return NULL;
}

/**
 * graft_layer_ensure_child:
 *
 * Returns: (transfer none): the child called @name, created when missing
 */
GraftLayer *
graft_layer_ensure_child (GraftLayer *parent,
                          const char *name)
{
  GraftLayer *child = graft_layer_find_child (parent, name);

  if (child == NULL)
    {
      child = graft_layer_new (parent, name);
      g_ptr_array_add (parent->children, child);
      if (parent->children_by_name != NULL)
        g_hash_table_insert (parent->children_by_name, child->name, child);
      else if (parent->children->len >= GRAFT_LAYER_INDEX_CHILDREN)
        {
          parent->children_by_name = g_hash_table_new (g_str_hash, g_str_equal);
          /* Reversed, so that of two children of one name the first wins, as the
           * linear search had it. */
          for (guint i = parent->children->len; i > 0; i--)
            {
              GraftLayer *c = g_ptr_array_index (parent->children, i - 1);

              g_hash_table_insert (parent->children_by_name, c->name, c);
            }
        }
    }
  return child;
}

void
graft_layer_set_class_name (GraftLayer *self,
                            const char *class_name)
{
  g_free (self->class_name);
  self->class_name = g_strdup (class_name);
}

void
graft_layer_set_location (GraftLayer *self,
                          const char *location)
{
  g_free (self->location);
  self->location = g_strdup (location);
}

void
graft_layer_set_config (GraftLayer *self,
                        JsonObject *config)
{
  g_clear_pointer (&self->config, json_object_unref);
  self->config = config ? json_object_ref (config) : NULL;
}

static GraftWeight *
graft_layer_add_weight (GraftLayer     *self,
                        const char     *name,
                        const char     *location,
                        GraftTensor    *tensor,
                        GraftTrainable  trainable)
{
  GraftWeight *w = g_new0 (GraftWeight, 1);

  w->name = g_strdup (name);
  w->path = self->path[0] ? g_strconcat (self->path, "/", name, NULL) : g_strdup (name);
  w->location = g_strdup (location);
  w->layer = self;
  w->tensor = tensor;
  w->trainable = trainable;
  g_ptr_array_add (self->weights, w);
  return w;
}

/* Drops layers that hold no weights anywhere below them. */
void
graft_layer_remove_empty (GraftLayer *self)
{
  for (guint i = self->children->len; i > 0; i--)
    {
      GraftLayer *child = g_ptr_array_index (self->children, i - 1);

      graft_layer_remove_empty (child);
      if (child->weights->len == 0 && child->children->len == 0)
        {
          if (self->children_by_name != NULL &&
              g_hash_table_lookup (self->children_by_name, child->name) == child)
            g_hash_table_remove (self->children_by_name, child->name);
          g_ptr_array_remove_index (self->children, i - 1);
          graft_layer_free (child);
        }
    }
}

const char *
graft_layer_get_name (const GraftLayer *self)
{
  return self->name;
}

const char *
graft_layer_get_path (const GraftLayer *self)
{
  return self->path;
}

const char *
graft_layer_get_class_name (const GraftLayer *self)
{
  return self->class_name;
}

const char *
graft_layer_get_location (const GraftLayer *self)
{
  return self->location;
}

JsonObject *
graft_layer_get_config (GraftLayer       *self)
{
  return self->config;
}

GraftLayer *
graft_layer_get_parent (GraftLayer       *self)
{
  return self->parent;
}

guint
graft_layer_get_n_children (const GraftLayer *self)
{
  return self->children->len;
}

GraftLayer *
graft_layer_get_child (GraftLayer       *self,
                       guint             position)
{
  g_return_val_if_fail (position < self->children->len, NULL);
  return g_ptr_array_index (self->children, position);
}

guint
graft_layer_get_n_weights (const GraftLayer *self)
{
  return self->weights->len;
}

GraftWeight *
graft_layer_get_weight (GraftLayer       *self,
                        guint             position)
{
  g_return_val_if_fail (position < self->weights->len, NULL);
  return g_ptr_array_index (self->weights, position);
}

guint64
graft_layer_count_params (const GraftLayer *self)
{
  guint64 n = 0;

  for (guint i = 0; i < self->weights->len; i++)
    {
      GraftWeight *w = g_ptr_array_index (self->weights, i);

      /* A tied weight's parameters are its twin's. */
      if (w->tied_to == NULL)
        n += graft_tensor_get_n_elements (w->tensor);
    }
  for (guint i = 0; i < self->children->len; i++)
    n += graft_layer_count_params (g_ptr_array_index (self->children, i));
  return n;
}

/**
 * graft_layer_find_weight:
 * @name: a weight's own name ("kernel_scale")
 *
 * Returns: (transfer none) (nullable): the weight of @self itself (not of
 *   its children) with that name, or %NULL
 */
GraftWeight *
graft_layer_find_weight (GraftLayer *self,
                         const char *name)
{
  for (guint i = 0; i < self->weights->len; i++)
    {
      GraftWeight *w = g_ptr_array_index (self->weights, i);

      if (g_str_equal (w->name, name))
        return w;
    }
  return NULL;
}

/* GraftWeight */

const char *
graft_weight_get_name (const GraftWeight *self)
{
  return self->name;
}

const char *
graft_weight_get_path (const GraftWeight *self)
{
  return self->path;
}

const char *
graft_weight_get_location (const GraftWeight *self)
{
  return self->location;
}

GraftLayer *
graft_weight_get_layer (GraftWeight       *self)
{
  return self->layer;
}

GraftTensor *
graft_weight_get_tensor (GraftWeight       *self)
{
  return self->tensor;
}

GraftTrainable
graft_weight_get_trainable (const GraftWeight *self)
{
  return self->trainable;
}

/* Mutation (issue 4) */

/**
 * graft_weight_set_tensor:
 * @tensor: (transfer none): the new values; the weight takes a reference
 *
 * Replaces the weight's tensor. Tensors are immutable and shared, so this
 * copies nothing. Callers keep the shape (a transfer never reshapes a
 * target), which keeps the model's parameter count valid.
 */
void
graft_weight_set_tensor (GraftWeight *self,
                         GraftTensor *tensor)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (tensor != NULL);

  graft_tensor_ref (tensor);
  g_clear_pointer (&self->tensor, graft_tensor_unref);
  /* Real values read from the old stored tensor no longer hold. */
  g_clear_pointer (&self->values, graft_tensor_unref);
  self->tensor = tensor;
}

/**
 * graft_model_set_metadata:
 *
 * Keeps a piece of the file's own metadata (safetensors' __metadata__, a
 * torch archive's version), shown with the file's properties.
 */
void
graft_model_set_metadata (GraftModel *self,
                          const char *key,
                          const char *value)
{
  if (self->metadata == NULL)
    self->metadata = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->metadata, g_strdup (key));
  g_ptr_array_add (self->metadata, g_strdup (value));
}

guint
graft_model_get_n_metadata (const GraftModel *self)
{
  return self->metadata ? self->metadata->len / 2 : 0;
}

/**
 * graft_model_get_metadata:
 * @value: (out) (transfer none): the value of entry @i
 *
 * Returns: (transfer none): the key of entry @i
 */
const char *
graft_model_get_metadata (const GraftModel  *self,
                          guint              i,
                          const char       **value)
{
  g_return_val_if_fail (i < graft_model_get_n_metadata (self), NULL);
  *value = g_ptr_array_index (self->metadata, 2 * i + 1);
  return g_ptr_array_index (self->metadata, 2 * i);
}

/**
 * graft_weight_set_tied_to:
 * @path: the weight that holds the same values (the same storage)
 */
void
graft_weight_set_tied_to (GraftWeight *self,
                          const char  *path)
{
  g_free (self->tied_to);
  self->tied_to = g_strdup (path);
}

/**
 * graft_weight_set_values:
 * @values: (transfer full): the real values of a weight stored quantized
 * @quantization: how it is stored, in words
 *
 * For a reader: the weight's tensor stays the stored one (integers), which
 * is what is saved; @values is what it means.
 */
void
graft_weight_set_values (GraftWeight *self,
                         GraftTensor *values,
                         const char  *quantization)
{
  g_clear_pointer (&self->values, graft_tensor_unref);
  g_free (self->quantization);
  self->values = values;
  self->quantization = g_strdup (quantization);
}

/**
 * graft_weight_get_values:
 *
 * Returns: (transfer none): the weight's real values: of a quantized
 *   weight, its dequantized values; of any other, its tensor
 */
GraftTensor *
graft_weight_get_values (GraftWeight *self)
{
  return self->values ? self->values : self->tensor;
}

/**
 * graft_weight_get_quantization:
 *
 * Returns: (nullable): how a quantized weight is stored ("int8, per
 *   output channel"), or %NULL
 */
const char *
graft_weight_get_quantization (const GraftWeight *self)
{
  return self->quantization;
}

/**
 * graft_weight_get_tied_to:
 *
 * Returns: (nullable): the path of the weight this one shares its values
 *   with (tied weights), or %NULL
 */
const char *
graft_weight_get_tied_to (const GraftWeight *self)
{
  return self->tied_to;
}
