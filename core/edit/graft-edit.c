/* graft-edit.c
 *
 * An edit session on one model. Changing a weight swaps its tensor for
 * another one (tensors are immutable and shared), so an undo step is only
 * a list of (weight, old tensor, new tensor) triples and undoing swaps the
 * old tensors back. Nothing is copied until the model is saved.
 *
 * Two references are remembered for each weight: the tensor it had when the
 * session started (what the file on disk holds, so a save knows what to
 * rewrite) and the tensor it had at the last save (what "modified" means to
 * a user).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-edit"

#include "config.h"

#include "graft-edit.h"

#include "graft-keras-quant.h"

#include "graft-keras-save.h"
#include "graft-model-private.h"
#include "graft-tensor.h"

typedef struct
{
  GraftWeight *weight;   /* borrowed from the model */
  GraftTensor *before;   /* owned */
  GraftTensor *after;    /* owned */
} GraftEditChange;

typedef struct
{
  char   *label;
  GArray *changes;       /* of GraftEditChange */
} GraftEditStep;

struct GraftEdit
{
  gatomicrefcount  ref_count;
  GraftModel      *model;
  GPtrArray       *steps;      /* of GraftEditStep; steps[0 .. position) are applied */
  guint            position;
  gint64           saved_position; /* -1 when the saved state cannot be reached */
  GraftEditStep   *open;       /* the step being recorded, or NULL */
  GHashTable      *loaded;     /* GraftWeight → GraftTensor when the session began */
  GHashTable      *saved;      /* GraftWeight → GraftTensor at the last save */
};

static void
graft_edit_change_clear (gpointer data)
{
  GraftEditChange *change = data;

  g_clear_pointer (&change->before, graft_tensor_unref);
  g_clear_pointer (&change->after, graft_tensor_unref);
}

static void
graft_edit_step_free (gpointer data)
{
  GraftEditStep *step = data;

  g_free (step->label);
  g_array_unref (step->changes);
  g_free (step);
}

static GraftEditStep *
graft_edit_step_new (const char *label)
{
  GraftEditStep *step = g_new0 (GraftEditStep, 1);

  step->label = g_strdup (label ? label : "Change weights");
  step->changes = g_array_new (FALSE, TRUE, sizeof (GraftEditChange));
  g_array_set_clear_func (step->changes, graft_edit_change_clear);
  return step;
}

static void
graft_edit_snapshot (GraftEdit  *self,
                     GHashTable *table)
{
  g_hash_table_remove_all (table);
  for (guint i = 0; i < graft_model_get_n_weights (self->model); i++)
    {
      GraftWeight *w = graft_model_get_weight (self->model, i);

      g_hash_table_insert (table, w, graft_tensor_ref (graft_weight_get_tensor (w)));
    }
}

/**
 * graft_edit_new:
 * @model: (transfer none): the model to edit; the session holds a reference
 *
 * Starts an edit session. The model's current tensors are taken as what
 * its file holds.
 *
 * Returns: (transfer full): a new session
 */
GraftEdit *
graft_edit_new (GraftModel *model)
{
  GraftEdit *self;

  g_return_val_if_fail (model != NULL, NULL);

  self = g_new0 (GraftEdit, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->model = graft_model_ref (model);
  self->steps = g_ptr_array_new_with_free_func (graft_edit_step_free);
  self->loaded = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) graft_tensor_unref);
  self->saved = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) graft_tensor_unref);
  graft_edit_snapshot (self, self->loaded);
  graft_edit_snapshot (self, self->saved);
  return self;
}

GraftEdit *
graft_edit_ref (GraftEdit *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
graft_edit_unref (GraftEdit *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_clear_pointer (&self->open, graft_edit_step_free);
  g_ptr_array_unref (self->steps);
  g_hash_table_unref (self->loaded);
  g_hash_table_unref (self->saved);
  graft_model_unref (self->model);
  g_free (self);
}

/**
 * graft_edit_get_model:
 *
 * Returns: (transfer none): the edited model
 */
GraftModel *
graft_edit_get_model (GraftEdit       *self)
{
  return self->model;
}

/**
 * graft_edit_begin:
 * @label: (nullable): what the step does, for an Undo menu item
 *
 * Starts recording one undo step; every graft_edit_set_tensor() until
 * graft_edit_end() belongs to it.
 */
void
graft_edit_begin (GraftEdit  *self,
                  const char *label)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (self->open == NULL);

  self->open = graft_edit_step_new (label);
}

/**
 * graft_edit_set_tensor:
 * @weight: (transfer none): a model weight of the edited model
 * @tensor: (transfer none): its new values, same shape as the old ones
 *
 * Replaces a weight's tensor. Outside graft_edit_begin()/graft_edit_end()
 * the change is a step of its own.
 */
void
graft_edit_set_tensor (GraftEdit   *self,
                       GraftWeight *weight,
                       GraftTensor *tensor)
{
  GraftEditChange change = { 0 };
  gboolean own_step;

  g_return_if_fail (self != NULL);
  g_return_if_fail (weight != NULL && tensor != NULL);
  g_return_if_fail (graft_tensor_same_shape (graft_weight_get_tensor (weight), tensor));

  if (graft_weight_get_tensor (weight) == tensor)
    return;

  own_step = self->open == NULL;
  if (own_step)
    graft_edit_begin (self, NULL);

  change.weight = weight;
  change.before = graft_tensor_ref (graft_weight_get_tensor (weight));
  change.after = graft_tensor_ref (tensor);
  g_array_append_val (self->open->changes, change);
  graft_weight_set_tensor (weight, tensor);
  graft_keras_quant_attach_weight (weight);

  if (own_step)
    graft_edit_end (self);
}

/**
 * graft_edit_end:
 *
 * Closes the step started by graft_edit_begin(). A step that changed
 * nothing is dropped. Recording a step forgets the steps that were undone.
 */
void
graft_edit_end (GraftEdit *self)
{
  g_autoptr(GPtrArray) unused = NULL;
  GraftEditStep *step;

  g_return_if_fail (self != NULL);
  g_return_if_fail (self->open != NULL);

  step = g_steal_pointer (&self->open);
  if (step->changes->len == 0)
    {
      graft_edit_step_free (step);
      return;
    }
  if (self->position < self->steps->len)
    g_ptr_array_remove_range (self->steps, self->position, self->steps->len - self->position);
  if (self->saved_position > (gint64) self->position)
    self->saved_position = -1;
  g_ptr_array_add (self->steps, step);
  self->position = self->steps->len;
}

gboolean
graft_edit_can_undo (const GraftEdit *self)
{
  return self->open == NULL && self->position > 0;
}

gboolean
graft_edit_can_redo (const GraftEdit *self)
{
  return self->open == NULL && self->position < self->steps->len;
}

/**
 * graft_edit_get_undo_label:
 *
 * Returns: (nullable): the label of the step graft_edit_undo() would undo
 */
const char *
graft_edit_get_undo_label (const GraftEdit *self)
{
  if (!graft_edit_can_undo (self))
    return NULL;
  return ((GraftEditStep *) g_ptr_array_index (self->steps, self->position - 1))->label;
}

const char *
graft_edit_get_redo_label (const GraftEdit *self)
{
  if (!graft_edit_can_redo (self))
    return NULL;
  return ((GraftEditStep *) g_ptr_array_index (self->steps, self->position))->label;
}

/**
 * graft_edit_undo:
 *
 * Puts back the tensors the last applied step replaced.
 *
 * Returns: %FALSE when there is nothing to undo
 */
gboolean
graft_edit_undo (GraftEdit *self)
{
  GraftEditStep *step;

  g_return_val_if_fail (self != NULL, FALSE);

  if (!graft_edit_can_undo (self))
    return FALSE;
  step = g_ptr_array_index (self->steps, self->position - 1);
  /* Backwards, so a weight changed twice in one step ends at its first value. */
  for (guint i = step->changes->len; i > 0; i--)
    {
      GraftEditChange *change = &g_array_index (step->changes, GraftEditChange, i - 1);

      graft_weight_set_tensor (change->weight, change->before);
      graft_keras_quant_attach_weight (change->weight);
    }
  self->position--;
  return TRUE;
}

gboolean
graft_edit_redo (GraftEdit *self)
{
  GraftEditStep *step;

  g_return_val_if_fail (self != NULL, FALSE);

  if (!graft_edit_can_redo (self))
    return FALSE;
  step = g_ptr_array_index (self->steps, self->position);
  for (guint i = 0; i < step->changes->len; i++)
    {
      GraftEditChange *change = &g_array_index (step->changes, GraftEditChange, i);

      graft_weight_set_tensor (change->weight, change->after);
      graft_keras_quant_attach_weight (change->weight);
    }
  self->position++;
  return TRUE;
}

guint
graft_edit_get_n_steps (const GraftEdit *self)
{
  return self->steps->len;
}

/**
 * graft_edit_is_dirty:
 *
 * Returns: %TRUE when the weights differ from what was last saved (or
 *   loaded): the history is not at the saved step
 */
gboolean
graft_edit_is_dirty (const GraftEdit *self)
{
  return self->open != NULL || self->saved_position != (gint64) self->position;
}

/**
 * graft_edit_weight_is_modified:
 *
 * Returns: %TRUE when @weight holds other values than at the last save
 */
gboolean
graft_edit_weight_is_modified (const GraftEdit   *self,
                               GraftWeight       *weight)
{
  GraftTensor *saved = g_hash_table_lookup (self->saved, weight);

  return saved != NULL && saved != graft_weight_get_tensor (weight);
}

/**
 * graft_edit_dup_changed:
 *
 * Returns: (transfer container) (element-type GraftWeight): the weights
 *   whose tensors differ from the ones the model's file holds, in model order
 */
GPtrArray *
graft_edit_dup_changed (const GraftEdit *self)
{
  GPtrArray *changed = g_ptr_array_new ();

  for (guint i = 0; i < graft_model_get_n_weights (self->model); i++)
    {
      GraftWeight *w = graft_model_get_weight (self->model, i);

      if (g_hash_table_lookup (self->loaded, w) != graft_weight_get_tensor (w))
        g_ptr_array_add (changed, w);
    }
  return changed;
}

/**
 * graft_edit_save:
 * @format: the format to write, or %GRAFT_FORMAT_UNKNOWN for the model's own
 *
 * Saves the model (see graft_keras_save()); only the changed weights are
 * rewritten when the format is the model's own. On success the session is
 * clean.
 *
 * Returns: %FALSE with @error set as graft_keras_save() does (the file and
 *   the cause); the session then keeps its changes and stays dirty
 */
gboolean
graft_edit_save (GraftEdit       *self,
                 const char      *path,
                 GraftFormat      format,
                 GraftSaveFlags   flags,
                 GError         **error)
{
  g_autoptr(GPtrArray) changed = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (self->open == NULL, FALSE);

  changed = graft_edit_dup_changed (self);
  if (!graft_keras_save (self->model, path, format, flags, changed, error))
    return FALSE;
  graft_edit_snapshot (self, self->saved);
  self->saved_position = self->position;
  return TRUE;
}
