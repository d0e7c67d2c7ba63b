/* graft-window-edit.c: transfers onto the target, undo and redo
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-window"

#include "config.h"

#include <glib/gi18n.h>

#include "graft-drop-explain.h"
#include "graft-numbers.h"
#include "graft-window-private.h"

/**
 * graft_window_transfer:
 * @pairs: (element-type utf8): source and target paths, alternating
 * @partial: copy the overlapping block where shapes differ
 * @what: (nullable): how to name the step in the report
 *
 * Plans and applies one transfer as one undo step, then reports what was
 * copied, or shows why nothing was.
 *
 * Returns: %TRUE when the target changed
 */
gboolean
graft_window_transfer (GraftWindow *self,
                       GPtrArray   *pairs,
                       gboolean     partial,
                       const char  *what)
{
  g_autoptr(GraftTransferPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *params_text = NULL;
  g_autofree char *msg = NULL;
  const char *first_target = NULL;
  guint n_copied = 0;
  guint64 n_params = 0;

  g_return_val_if_fail (self->source != NULL && self->edit != NULL, FALSE);
  g_return_val_if_fail (pairs->len % 2 == 0, FALSE);

  plan = graft_transfer_plan_new (self->source, self->target);
  graft_transfer_plan_set_partial (plan, partial);
  for (guint i = 0; i < pairs->len; i += 2)
    if (!graft_transfer_plan_add_layer (plan, g_ptr_array_index (pairs, i),
                                        g_ptr_array_index (pairs, i + 1), &error))
      {
        graft_window_show_error (self, _("Nothing was copied"), error);
        return FALSE;
      }
  graft_transfer_plan_finish (plan);
  if (graft_transfer_plan_get_n_copies (plan) == 0 &&
      graft_transfer_plan_count (plan, GRAFT_TRANSFER_SHAPE_MISMATCH) == 0)
    {
      g_set_error (&error, GRAFT_ERROR, GRAFT_ERROR_NOT_FOUND,
                   _("no weight of the source matches one of the target"));
      graft_window_show_error (self, _("Nothing was copied"), error);
      return FALSE;
    }
  if (!graft_transfer_plan_apply (plan, self->edit, &error))
    {
      graft_window_show_error (self, _("Nothing was copied"), error);
      return FALSE;
    }

  for (guint i = 0; i < graft_transfer_plan_get_n_pairs (plan); i++)
    {
      GraftTransferStatus status = graft_transfer_plan_get_status (plan, i);
      GraftWeight *s = graft_transfer_plan_get_source (plan, i);
      GraftWeight *t = graft_transfer_plan_get_target (plan, i);

      if (s == NULL || t == NULL)
        continue;
      if (status == GRAFT_TRANSFER_OK || status == GRAFT_TRANSFER_CONVERTED ||
          (status == GRAFT_TRANSFER_SHAPE_MISMATCH && graft_transfer_plan_get_partial (plan, i)))
        {
          g_hash_table_insert (self->transferred, t, s);
          n_copied++;
          n_params += graft_tensor_get_n_elements (graft_weight_get_tensor (t));
          if (first_target == NULL)
            first_target = graft_weight_get_path (t);
        }
    }

  params_text = graft_numbers_count (n_params);
  graft_window_journal_record (self, pairs, partial, what);
  msg = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                      "Copied %u weight (%s values) %s.",
                                      "Copied %u weights (%s values) %s.",
                                      n_copied),
                         n_copied, params_text, what ? what : "");
  graft_window_toast (self, msg, _("_Undo"), "win.undo", NULL);
  graft_window_sync (self);
  if (first_target != NULL && pairs->len == 2)
    graft_layer_tree_select_path (self->target_tree, g_ptr_array_index (pairs, 1));
  graft_window_refresh_selection (self);
  return TRUE;
}

/**
 * graft_window_undo:
 * @redo: redo instead
 *
 * Undoes (or redoes) the last step of the edit session and says which.
 */
void
graft_window_undo (GraftWindow *self,
                   gboolean     redo)
{
  g_autofree char *label = g_strdup (redo ? graft_edit_get_redo_label (self->edit)
                                          : graft_edit_get_undo_label (self->edit));

  if (redo ? !graft_edit_redo (self->edit) : !graft_edit_undo (self->edit))
    return;
  graft_window_journal_move (self, redo ? 1 : -1);
  if (label != NULL)
    {
      g_autofree char *msg = g_strdup_printf (redo ? _("Redone: %s") : _("Undone: %s"), label);

      graft_window_show_info (self, msg);
    }
  graft_window_refresh_selection (self);
}

/**
 * graft_window_explain_drop:
 *
 * A drop that copies nothing says why in a toast, and offers the copy of
 * the overlapping block when every refused weight has one.
 */
void
graft_window_explain_drop (GraftWindow *self,
                           const char  *source_path,
                           const char  *target_path)
{
  gboolean partial = FALSE;
  g_autofree char *why = NULL;
  GVariantBuilder pairs;

  g_return_if_fail (self->source != NULL && self->target != NULL);

  why = graft_drop_explain (self->source, self->target, source_path, target_path, &partial);
  if (why == NULL)
    return;
  if (!partial)
    {
      graft_window_toast (self, why, NULL, NULL, NULL);
      return;
    }
  g_variant_builder_init (&pairs, G_VARIANT_TYPE ("a(ss)"));
  g_variant_builder_add (&pairs, "(ss)", source_path, target_path);
  graft_window_toast (self, why, _("Copy _Overlapping Block"), "win.transfer-pairs",
                      g_variant_new ("(a(ss)b)", &pairs, TRUE));
}
