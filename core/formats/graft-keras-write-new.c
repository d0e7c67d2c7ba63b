/* graft-keras-write-new.c: writing a fresh Keras file from an in-memory model
 *
 * The layouts are those of FORMATS.md: Keras 3 objects as groups with a
 * vars/ subgroup carrying @name (UTF-8) and datasets 0, 1, …; legacy files
 * with @layer_names and per-layer @weight_names (arrays of ASCII strings,
 * an empty float64 array for a layer without weights), trainable weights
 * first; .keras archives of metadata.json, config.json and
 * model.weights.h5, all STORED.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-keras-write-new"

#include "config.h"

#include "graft-keras-write-new.h"

#include <errno.h>
#include <fcntl.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zip.h>

#include "graft-atomic.h"
#include "graft-error.h"
#include "graft-h5-write-private.h"
#include "graft-model.h"

struct GraftKerasWriteLayout
{
  GPtrArray *objects;      /* of char *: location, @name, location, @name, … */
  GPtrArray *layer_names;  /* of char *: legacy layer_names, in model.layers order */
};

GraftKerasWriteLayout *
graft_keras_write_layout_new (void)
{
  GraftKerasWriteLayout *self = g_new0 (GraftKerasWriteLayout, 1);

  self->objects = g_ptr_array_new_with_free_func (g_free);
  self->layer_names = g_ptr_array_new_with_free_func (g_free);
  return self;
}

void
graft_keras_write_layout_free (GraftKerasWriteLayout *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->objects);
  g_ptr_array_unref (self->layer_names);
  g_free (self);
}

/**
 * graft_keras_write_layout_add_object:
 * @location: a Keras 3 object's group ("/layers/dense", "/" for the model)
 * @name: its layer name, written as vars/@name
 *
 * Keras writes a vars/ group for every object it visits, with or without
 * variables.
 */
void
graft_keras_write_layout_add_object (GraftKerasWriteLayout *self,
                                     const char            *location,
                                     const char            *name)
{
  g_return_if_fail (self != NULL);
  g_ptr_array_add (self->objects, g_strdup (location));
  g_ptr_array_add (self->objects, g_strdup (name));
}

/**
 * graft_keras_write_layout_add_layer:
 *
 * Appends a top-level layer to a legacy file's layer_names, weights or not.
 */
void
graft_keras_write_layout_add_layer (GraftKerasWriteLayout *self,
                                    const char            *name)
{
  g_return_if_fail (self != NULL);
  g_ptr_array_add (self->layer_names, g_strdup (name));
}

static gboolean
graft_keras_write_new_keras3 (GraftModel             *model,
                              GraftKerasWriteLayout  *layout,
                              const char             *h5_path,
                              GError                **error)
{
  g_autoptr(GraftH5Writer) w = graft_h5_writer_create (h5_path, error);

  if (w == NULL)
    return FALSE;
  for (guint i = 0; i + 1 < layout->objects->len; i += 2)
    {
      const char *location = g_ptr_array_index (layout->objects, i);
      const char *name = g_ptr_array_index (layout->objects, i + 1);
      g_autofree char *vars = g_str_equal (location, "/") ? g_strdup ("/vars")
                                                          : g_strconcat (location, "/vars", NULL);

      if (!graft_h5_writer_ensure_group (w, vars, error) ||
          !graft_h5_writer_set_attr_string (w, vars, "name", name, TRUE, error))
        return FALSE;
    }
  for (guint i = 0; i < graft_model_get_n_weights (model); i++)
    {
      GraftWeight *weight = graft_model_get_weight (model, i);

      if (!graft_h5_writer_add_dataset (w, graft_weight_get_location (weight),
                                        graft_weight_get_tensor (weight), error))
        return FALSE;
    }
  return graft_h5_writer_close (w, error);
}

/* {"class_name", "config"} only, as the legacy writer stores it. */
static char *
graft_keras_write_new_legacy_config (GraftModel *model)
{
  JsonObject *config = json_node_get_object (graft_model_get_config (model));
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  JsonObject *object = json_object_new ();

  json_object_set_member (object, "class_name",
                          json_node_copy (json_object_get_member (config, "class_name")));
  json_object_set_member (object, "config",
                          json_node_copy (json_object_get_member (config, "config")));
  json_node_take_object (root, object);
  return json_to_string (root, FALSE);
}

static gint
graft_keras_write_new_trainable_first (gconstpointer a,
                                       gconstpointer b)
{
  GraftWeight *wa = *(GraftWeight **) a, *wb = *(GraftWeight **) b;
  gboolean ta = graft_weight_get_trainable (wa) != GRAFT_TRAINABLE_NO;
  gboolean tb = graft_weight_get_trainable (wb) != GRAFT_TRAINABLE_NO;

  return (int) tb - (int) ta;
}

static gboolean
graft_keras_write_new_legacy (GraftModel             *model,
                              GraftKerasWriteLayout  *layout,
                              const char             *h5_path,
                              gboolean                full,
                              GError                **error)
{
  g_autoptr(GraftH5Writer) w = graft_h5_writer_create (h5_path, error);
  const char *root = full ? "/model_weights" : "/";
  const char *prefix = full ? "/model_weights/" : "/";
  g_autoptr(GPtrArray) layer_names = g_ptr_array_new ();

  if (w == NULL)
    return FALSE;
  if (full)
    {
      g_autofree char *model_config = graft_keras_write_new_legacy_config (model);

      if (!graft_h5_writer_set_attr_string (w, "/", "backend", GRAFT_KERAS_WRITE_BACKEND, TRUE,
                                            error) ||
          !graft_h5_writer_set_attr_string (w, "/", "keras_version", GRAFT_KERAS_WRITE_VERSION,
                                            TRUE, error) ||
          !graft_h5_writer_set_attr_string (w, "/", "model_config", model_config, FALSE, error) ||
          !graft_h5_writer_ensure_group (w, root, error))
        return FALSE;
    }

  for (guint i = 0; i < layout->layer_names->len; i++)
    g_ptr_array_add (layer_names, g_ptr_array_index (layout->layer_names, i));
  g_ptr_array_add (layer_names, NULL);
  if (!graft_h5_writer_set_attr_string (w, root, "backend", GRAFT_KERAS_WRITE_BACKEND, FALSE,
                                        error) ||
      !graft_h5_writer_set_attr_string (w, root, "keras_version", GRAFT_KERAS_WRITE_VERSION, FALSE,
                                        error) ||
      !graft_h5_writer_set_attr_strings (w, root, "layer_names",
                                         (const char *const *) layer_names->pdata, error))
    return FALSE;

  /* The group of the model's own variables is always there, empty here. */
  g_ptr_array_add (layout->layer_names, g_strdup ("top_level_model_weights"));
  for (guint i = 0; i < layout->layer_names->len; i++)
    {
      const char *layer_name = g_ptr_array_index (layout->layer_names, i);
      g_autofree char *group = g_strconcat (prefix, layer_name, NULL);
      g_autofree char *under = g_strconcat (group, "/", NULL);
      g_autoptr(GPtrArray) weights = g_ptr_array_new ();
      g_autoptr(GPtrArray) names = g_ptr_array_new ();

      for (guint k = 0; k < graft_model_get_n_weights (model); k++)
        {
          GraftWeight *weight = graft_model_get_weight (model, k);

          if (g_str_has_prefix (graft_weight_get_location (weight), under))
            g_ptr_array_add (weights, weight);
        }
      /* layer.trainable_weights + layer.non_trainable_weights; the sort is stable. */
      g_ptr_array_sort (weights, graft_keras_write_new_trainable_first);
      for (guint k = 0; k < weights->len; k++)
        {
          const char *location = graft_weight_get_location (g_ptr_array_index (weights, k));

          g_ptr_array_add (names, (char *) location + strlen (under));
        }
      g_ptr_array_add (names, NULL);

      if (!graft_h5_writer_ensure_group (w, group, error) ||
          !graft_h5_writer_set_attr_strings (w, group, "weight_names",
                                             (const char *const *) names->pdata, error))
        return FALSE;
      for (guint k = 0; k < weights->len; k++)
        {
          GraftWeight *weight = g_ptr_array_index (weights, k);

          if (!graft_h5_writer_add_dataset (w, graft_weight_get_location (weight),
                                            graft_weight_get_tensor (weight), error))
            return FALSE;
        }
    }
  g_ptr_array_remove_index (layout->layer_names, layout->layer_names->len - 1);
  return graft_h5_writer_close (w, error);
}

static JsonNode *
graft_keras_write_new_input_shape (JsonObject *config,
                                   gboolean    sequential)
{
  JsonArray *layers = json_object_get_array_member (config, "layers");

  if (!sequential)
    return json_node_new (JSON_NODE_NULL);
  if (json_object_has_member (config, "build_input_shape"))
    return json_node_copy (json_object_get_member (config, "build_input_shape"));
  for (guint i = 0; layers != NULL && i < json_array_get_length (layers); i++)
    {
      JsonObject *entry = json_array_get_object_element (layers, i);
      JsonObject *layer = json_object_get_object_member (entry, "config");

      if (layer != NULL && json_object_has_member (layer, "batch_shape"))
        return json_node_copy (json_object_get_member (layer, "batch_shape"));
    }
  return json_node_new (JSON_NODE_NULL);
}

/* config.json: the object-serialization envelope of Keras 3 around the
 * model's config. */
static char *
graft_keras_write_new_keras_config (GraftModel *model)
{
  JsonNode *source = graft_model_get_config (model);
  g_autoptr(JsonNode) root = json_node_copy (source);
  JsonObject *object = json_node_get_object (root);
  const char *class_name = json_object_get_string_member_with_default (object, "class_name", "");
  gboolean sequential = g_str_equal (class_name, "Sequential");
  JsonObject *build = json_object_new ();
  JsonObject *config = json_object_get_object_member (object, "config");

  if (!json_object_has_member (object, "module"))
    json_object_set_string_member (object, "module",
                                   sequential ? "keras" : "keras.src.models.functional");
  if (!json_object_has_member (object, "registered_name"))
    {
      if (sequential)
        json_object_set_null_member (object, "registered_name");
      else
        json_object_set_string_member (object, "registered_name", class_name);
    }
  json_object_set_member (build, "input_shape",
                          graft_keras_write_new_input_shape (config, sequential));
  json_object_set_object_member (object, "build_config", build);
  if (!json_object_has_member (object, "compile_config"))
    json_object_set_object_member (object, "compile_config", json_object_new ());
  return json_to_string (root, FALSE);
}

static void
graft_keras_write_new_zip_error (GError     **error,
                                 zip_t       *za,
                                 const char  *what,
                                 const char  *path)
{
  g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_IO, "%s: %s: %s", path, what,
               zip_error_strerror (zip_get_error (za)));
}

static gboolean
graft_keras_write_new_add_member (zip_t        *za,
                                  const char   *name,
                                  zip_source_t *source,
                                  gboolean      old_time,
                                  const char   *path,
                                  GError      **error)
{
  zip_int64_t index;

  if (source == NULL)
    {
      graft_keras_write_new_zip_error (error, za, "cannot add a member", path);
      return FALSE;
    }
  index = zip_file_add (za, name, source, ZIP_FL_ENC_UTF_8);
  if (index < 0)
    {
      zip_source_free (source);
      graft_keras_write_new_zip_error (error, za, "cannot add a member", path);
      return FALSE;
    }
  zip_set_file_compression (za, index, ZIP_CM_STORE, 0);
  if (old_time)
    {
      /* Keras's fixed member time for the JSON members: 1980-01-01 00:00. */
      struct tm tm = { 0 };

      tm.tm_year = 80;
      tm.tm_mday = 1;
      tm.tm_isdst = -1;
      zip_file_set_mtime (za, index, mktime (&tm), 0);
    }
  return TRUE;
}

static gboolean
graft_keras_write_new_fsync (const char  *path,
                             GError     **error)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  int saved;

  if (fd >= 0 && fsync (fd) == 0)
    {
      close (fd);
      return TRUE;
    }
  saved = errno;
  if (fd >= 0)
    close (fd);
  g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_IO, "%s: cannot flush: %s", path,
               g_strerror (saved));
  return FALSE;
}

static gboolean
graft_keras_write_new_keras (GraftModel             *model,
                             GraftKerasWriteLayout  *layout,
                             const char             *path,
                             GError                **error)
{
  g_autoptr(GraftAtomicFile) member = NULL;
  g_autoptr(GraftAtomicFile) out = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *date = g_date_time_format (now, "%Y-%m-%d@%H:%M:%S");
  g_autofree char *metadata = g_strdup_printf ("{\"keras_version\": \"%s\", "
                                               "\"date_saved\": \"%s\"}",
                                               GRAFT_KERAS_WRITE_VERSION, date);
  g_autofree char *config = graft_keras_write_new_keras_config (model);
  zip_t *za;
  int zerr = 0;

  /* The HDF5 member is written next to the target, then stored. */
  member = graft_atomic_file_new (path, error);
  if (member == NULL ||
      !graft_keras_write_new_keras3 (model, layout, graft_atomic_file_get_path (member), error))
    return FALSE;

  out = graft_atomic_file_new (path, error);
  if (out == NULL)
    return FALSE;
  za = zip_open (graft_atomic_file_get_path (out), ZIP_CREATE | ZIP_TRUNCATE, &zerr);
  if (za == NULL)
    {
      zip_error_t ze;

      zip_error_init_with_code (&ze, zerr);
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_IO, "%s: cannot create the archive: %s", path,
                   zip_error_strerror (&ze));
      zip_error_fini (&ze);
      return FALSE;
    }
  if (!graft_keras_write_new_add_member (za, "metadata.json",
                                         zip_source_buffer (za, metadata, strlen (metadata), 0),
                                         TRUE, path, error) ||
      !graft_keras_write_new_add_member (za, "config.json",
                                         zip_source_buffer (za, config, strlen (config), 0),
                                         TRUE, path, error) ||
      !graft_keras_write_new_add_member (za, "model.weights.h5",
                                         zip_source_file (za, graft_atomic_file_get_path (member),
                                                          0, -1),
                                         FALSE, path, error))
    {
      zip_discard (za);
      return FALSE;
    }
  if (zip_close (za) != 0)
    {
      graft_keras_write_new_zip_error (error, za, "cannot write the archive", path);
      zip_discard (za);
      return FALSE;
    }
  /* libzip wrote a new file and renamed it over our temporary one. */
  return graft_keras_write_new_fsync (graft_atomic_file_get_path (out), error) &&
         graft_atomic_file_commit (out, error);
}

/**
 * graft_keras_write_new:
 * @model: a model whose weights are located in @format's layout and which
 *   has a config (except for weights-only formats)
 * @layout: the objects and layers that hold no weights
 * @format: any format but %GRAFT_FORMAT_SHARDED
 *
 * Writes @model as a new file at @path, atomically: @path is replaced
 * only by a complete file.
 *
 * Returns: %FALSE with %GRAFT_ERROR_IO naming @path, or
 *   %GRAFT_ERROR_UNSUPPORTED for a format it cannot write
 */
gboolean
graft_keras_write_new (GraftModel             *model,
                       GraftKerasWriteLayout  *layout,
                       const char             *path,
                       GraftFormat             format,
                       GError                **error)
{
  g_autoptr(GraftAtomicFile) out = NULL;
  gboolean ok;

  g_return_val_if_fail (model != NULL, FALSE);
  g_return_val_if_fail (layout != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if ((format == GRAFT_FORMAT_KERAS || format == GRAFT_FORMAT_LEGACY_H5) &&
      graft_model_get_config (model) == NULL)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED,
                   "%s: the model has no config to write in a full-model file", path);
      return FALSE;
    }
  if (format == GRAFT_FORMAT_KERAS)
    return graft_keras_write_new_keras (model, layout, path, error);
  if (format != GRAFT_FORMAT_WEIGHTS_H5 && format != GRAFT_FORMAT_LEGACY_H5 &&
      format != GRAFT_FORMAT_LEGACY_WEIGHTS_H5)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED, "%s: cannot write a new %s file",
                   path, graft_format_get_name (format));
      return FALSE;
    }

  out = graft_atomic_file_new (path, error);
  if (out == NULL)
    return FALSE;
  if (format == GRAFT_FORMAT_WEIGHTS_H5)
    ok = graft_keras_write_new_keras3 (model, layout, graft_atomic_file_get_path (out), error);
  else
    ok = graft_keras_write_new_legacy (model, layout, graft_atomic_file_get_path (out),
                                       format == GRAFT_FORMAT_LEGACY_H5, error);
  return ok && graft_atomic_file_commit (out, error);
}
