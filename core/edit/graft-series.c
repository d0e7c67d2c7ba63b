/* graft-series.c: a training run's checkpoints as per-layer curves
 *
 * The checkpoints of one model saved during training, in order: for every
 * weight of the first, in each checkpoint its norm, its change from the
 * previous checkpoint and from the first (relative Frobenius norms), its
 * cosine similarity to the first, and its spectral norm. Checkpoints are
 * opened one at a time (metadata first, each tensor when its figures are
 * computed) and only the first and the previous stay open, so memory does
 * not grow with the number of checkpoints.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-series"

#include "config.h"

#include "graft-series.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "graft-error.h"
#include "graft-keras.h"
#include "graft-model.h"
#include "graft-tensor.h"

struct GraftSeries
{
  GPtrArray *paths;     /* of char *, in order */
  GPtrArray *weights;   /* of char *, the first checkpoint's weight paths */
  GArray    *drifts;    /* GraftDrift, checkpoint-major; NaN norm = missing */
  gint       n_done;    /* checkpoints read so far, for another thread to show */
};

static gint
graft_series_cmp_name (gconstpointer a,
                       gconstpointer b)
{
  const char *x = *(const char *const *) a, *y = *(const char *const *) b;
  g_autofree char *kx = g_utf8_collate_key_for_filename (x, -1);
  g_autofree char *ky = g_utf8_collate_key_for_filename (y, -1);

  return strcmp (kx, ky);
}

static gint
graft_series_cmp_mtime (gconstpointer a,
                        gconstpointer b)
{
  const char *x = *(const char *const *) a, *y = *(const char *const *) b;
  GStatBuf sx, sy;

  if (g_stat (x, &sx) != 0 || g_stat (y, &sy) != 0 || sx.st_mtime == sy.st_mtime)
    return graft_series_cmp_name (a, b);
  return sx.st_mtime < sy.st_mtime ? -1 : 1;
}

static gboolean
graft_series_is_checkpoint_name (const char *name)
{
  static const char *const suffixes[] = { ".keras", ".weights.h5", ".h5", ".hdf5", ".pt", ".pth",
                                          ".bin", ".safetensors" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    if (g_str_has_suffix (name, suffixes[i]))
      return TRUE;
  return FALSE;
}

/**
 * graft_series_list_paths:
 * @args: files and folders; a folder stands for the checkpoints in it
 *
 * Returns: (transfer full) (element-type filename): the checkpoints in
 *   @order, or %NULL with @error set (a missing file, an empty folder)
 */
GPtrArray *
graft_series_list_paths (const char *const *args,
                         GraftSeriesOrder   order,
                         GError           **error)
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; args[i] != NULL; i++)
    {
      if (g_file_test (args[i], G_FILE_TEST_IS_DIR))
        {
          g_autoptr(GDir) dir = g_dir_open (args[i], 0, error);
          const char *name;
          guint before = paths->len;

          if (dir == NULL)
            return NULL;
          while ((name = g_dir_read_name (dir)) != NULL)
            if (graft_series_is_checkpoint_name (name))
              g_ptr_array_add (paths, g_build_filename (args[i], name, NULL));
          if (paths->len == before)
            {
              g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_NOT_FOUND,
                           "%s: holds no checkpoint (.keras, .weights.h5, .h5, .pt, .safetensors)",
                           args[i]);
              return NULL;
            }
        }
      else if (g_file_test (args[i], G_FILE_TEST_EXISTS))
        g_ptr_array_add (paths, g_strdup (args[i]));
      else
        {
          g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_IO, "%s: %s", args[i], g_strerror (ENOENT));
          return NULL;
        }
    }
  g_ptr_array_sort (paths, order == GRAFT_SERIES_BY_MTIME ? graft_series_cmp_mtime
                                                          : graft_series_cmp_name);
  return g_steal_pointer (&paths);
}

/**
 * graft_series_new:
 * @paths: (element-type filename): the checkpoints, in order
 */
GraftSeries *
graft_series_new (GPtrArray *paths)
{
  GraftSeries *self = g_new0 (GraftSeries, 1);

  self->paths = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < paths->len; i++)
    g_ptr_array_add (self->paths, g_strdup (g_ptr_array_index (paths, i)));
  self->weights = g_ptr_array_new_with_free_func (g_free);
  self->drifts = g_array_new (FALSE, TRUE, sizeof (GraftDrift));
  return self;
}

void
graft_series_free (GraftSeries *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->paths);
  g_ptr_array_unref (self->weights);
  g_array_unref (self->drifts);
  g_free (self);
}

/**
 * graft_series_compute:
 *
 * Opens every checkpoint in turn and computes the figures of every weight
 * of the first one. A weight missing from a checkpoint, or of another
 * shape there, has no figures for it (graft_series_get_drift() gives
 * %NULL).
 *
 * Returns: %FALSE with @error set when a checkpoint cannot be opened or
 *   read, or when cancelled
 */
gboolean
graft_series_compute (GraftSeries   *self,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_autoptr(GraftModel) first = NULL;
  g_autoptr(GraftModel) prev = NULL;
  GraftDrift missing = { NAN, NAN, NAN, NAN, NAN };

  g_ptr_array_set_size (self->weights, 0);
  g_array_set_size (self->drifts, 0);
  g_atomic_int_set (&self->n_done, 0);
  for (guint i = 0; i < self->paths->len; i++)
    {
      const char *path = g_ptr_array_index (self->paths, i);
      g_autoptr(GraftModel) model = graft_keras_load (path, error);

      if (model == NULL)
        return FALSE;
      if (i == 0)
        {
          first = graft_model_ref (model);
          for (guint j = 0; j < graft_model_get_n_weights (model); j++)
            g_ptr_array_add (self->weights,
                             g_strdup (graft_weight_get_path (graft_model_get_weight (model, j))));
        }
      for (guint j = 0; j < self->weights->len; j++)
        {
          const char *wp = g_ptr_array_index (self->weights, j);
          GraftWeight *w = graft_model_find_weight (model, wp);
          GraftWeight *f = graft_model_find_weight (first, wp);
          GraftWeight *p = prev ? graft_model_find_weight (prev, wp) : NULL;
          GraftDrift d = missing;
          g_autoptr(GError) local = NULL;

          if (g_cancellable_set_error_if_cancelled (cancellable, error))
            return FALSE;
          if (w != NULL &&
              !graft_drift_compute (graft_weight_get_tensor (w),
                                    p ? graft_weight_get_tensor (p) : NULL,
                                    graft_weight_get_tensor (f), &d, &local))
            {
              if (!g_error_matches (local, GRAFT_ERROR, GRAFT_ERROR_SHAPE))
                {
                  g_propagate_prefixed_error (error, g_steal_pointer (&local), "%s: weight '%s': ",
                                              path, wp);
                  return FALSE;
                }
              d = missing;
            }
          g_array_append_val (self->drifts, d);
        }
      g_clear_pointer (&prev, graft_model_unref);
      prev = g_steal_pointer (&model);
      g_atomic_int_set (&self->n_done, (gint) i + 1);
    }
  return TRUE;
}

/**
 * graft_series_get_n_done:
 *
 * Returns: how many checkpoints graft_series_compute() has read; safe to
 *   call from another thread while it runs
 */
guint
graft_series_get_n_done (GraftSeries *self)
{
  return (guint) g_atomic_int_get (&self->n_done);
}

guint
graft_series_get_n_checkpoints (const GraftSeries *self)
{
  return self->paths->len;
}

const char *
graft_series_get_path (const GraftSeries *self,
                       guint              i)
{
  g_return_val_if_fail (i < self->paths->len, NULL);
  return g_ptr_array_index (self->paths, i);
}

guint
graft_series_get_n_weights (const GraftSeries *self)
{
  return self->weights->len;
}

const char *
graft_series_get_weight (const GraftSeries *self,
                         guint              j)
{
  g_return_val_if_fail (j < self->weights->len, NULL);
  return g_ptr_array_index (self->weights, j);
}

/**
 * graft_series_get_drift:
 *
 * Returns: (nullable): the figures of weight @j in checkpoint @i, or %NULL
 *   when that checkpoint lacks it
 */
const GraftDrift *
graft_series_get_drift (const GraftSeries *self,
                        guint              i,
                        guint              j)
{
  const GraftDrift *d;

  g_return_val_if_fail (i < self->paths->len && j < self->weights->len, NULL);
  if ((gsize) i * self->weights->len + j >= self->drifts->len)
    return NULL;
  d = &g_array_index (self->drifts, GraftDrift, (gsize) i * self->weights->len + j);
  return isnan (d->norm) ? NULL : d;
}
