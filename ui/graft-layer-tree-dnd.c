/* graft-layer-tree-dnd.c: dragging rows out of a layer tree, and dropping them onto its rows
 *
 * A drag carries the row's GraftLayerItem; while it hovers over a target
 * row, the tree says whether the transfer it would plan is possible, and
 * a drop activates win.transfer-weights.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-layer-tree"

#include "config.h"

#include "graft-layer-tree-private.h"

#include <glib/gi18n.h>
#include <string.h>

#include "graft-drop-explain.h"

GdkContentProvider *
graft_layer_tree_drag_prepare_cb (GraftLayerTree *self,
                                  double          x,
                                  double          y,
                                  GtkDragSource  *source)
{
  GraftLayerItem *item = graft_layer_tree_item_at (self, x, y, NULL);

  if (item == NULL || graft_layer_item_get_path (item) == NULL)
    return NULL;

  self->drag_item = item;
  return gdk_content_provider_new_typed (GRAFT_TYPE_LAYER_ITEM, item);
}

void
graft_layer_tree_drag_begin_cb (GraftLayerTree *self,
                                GdkDrag        *drag,
                                GtkDragSource  *source)
{
  gtk_widget_add_css_class (GTK_WIDGET (self), "dragging");
}

void
graft_layer_tree_drag_end_cb (GraftLayerTree *self,
                              GdkDrag        *drag,
                              gboolean        delete_data,
                              GtkDragSource  *source)
{
  self->drag_item = NULL;
  gtk_widget_remove_css_class (GTK_WIDGET (self), "dragging");
}

void
graft_layer_tree_clear_drop_row (GraftLayerTree *self)
{
  if (self->drop_row == NULL)
    return;
  gtk_widget_remove_css_class (self->drop_row, "drop-ok");
  gtk_widget_remove_css_class (self->drop_row, "drop-refused");
  g_object_remove_weak_pointer (G_OBJECT (self->drop_row), (gpointer *) &self->drop_row);
  self->drop_row = NULL;
}

void
graft_layer_tree_set_drop_hint (GraftLayerTree *self,
                                const char     *hint)
{
  if (g_strcmp0 (self->drop_why, hint) == 0)
    return;
  g_free (self->drop_why);
  self->drop_why = g_strdup (hint);
  graft_layer_tree_notify_drop_hint (self);
}

/**
 * graft_layer_tree_check_drop:
 * @source: the dragged item, from another checkpoint
 * @target: the row it would land on, in this tree
 * @why: (out) (optional): what the drop would do, or why it cannot be done
 *
 * Plans the transfer a drop would run, without applying it.
 *
 * Returns: %TRUE when the drop would copy something and nothing refuses
 */
gboolean
graft_layer_tree_check_drop (GraftLayerTree  *self,
                             GraftLayerItem  *source,
                             GraftLayerItem  *target,
                             char           **why)
{
  g_autoptr(GraftTransferPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *refusal = NULL;
  const char *source_path, *target_path;
  guint n_copies;

  g_return_val_if_fail (GRAFT_IS_LAYER_TREE (self), FALSE);

  source_path = graft_layer_item_get_path (source);
  target_path = graft_layer_item_get_path (target);
  if (!self->accepts_drops)
    {
      if (why)
        *why = g_strdup (_("Drop onto the target checkpoint"));
      return FALSE;
    }
  if (graft_layer_item_get_model (source) == self->model)
    {
      if (why)
        *why = g_strdup (_("Drag from the source checkpoint onto the target"));
      return FALSE;
    }
  if (source_path == NULL || target_path == NULL)
    {
      if (why)
        *why = g_strdup (_("Optimizer state cannot be transferred"));
      return FALSE;
    }

  refusal = graft_drop_explain (graft_layer_item_get_model (source), self->model, source_path,
                                target_path, NULL);
  if (refusal != NULL)
    {
      if (why)
        *why = g_steal_pointer (&refusal);
      return FALSE;
    }
  plan = graft_transfer_plan_new (graft_layer_item_get_model (source), self->model);
  if (!graft_transfer_plan_add_layer (plan, source_path, target_path, &error))
    return FALSE;
  graft_transfer_plan_finish (plan);
  n_copies = graft_transfer_plan_get_n_copies (plan);
  if (why)
    {
      g_autoptr(GString) text = g_string_new (NULL);
      g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);

      g_string_printf (text, g_dngettext (GETTEXT_PACKAGE, "Copy %u weight from “%s” onto “%s”",
                                          "Copy %u weights from “%s” onto “%s”", n_copies),
                       n_copies, source_path, target_path);
      /* Between frameworks, name each layout conversion the drop applies. */
      for (guint i = 0; i < graft_transfer_plan_get_n_pairs (plan); i++)
        {
          char *how = graft_transfer_plan_describe_conversion (plan, i);

          if (how == NULL || g_ptr_array_find_with_equal_func (seen, how, g_str_equal, NULL))
            {
              g_free (how);
              continue;
            }
          g_string_append_printf (text, "%s%s", seen->len == 0 ? ": " : "; ", how);
          g_ptr_array_add (seen, how);
        }
      *why = g_string_free (g_steal_pointer (&text), FALSE);
    }
  return TRUE;
}

/* Whether a refused drop of @source on @target is one worth explaining
 * after it lands: a layer of the other checkpoint onto a layer of this one. */
static gboolean
graft_layer_tree_drop_explains (GraftLayerTree *self,
                                GraftLayerItem *source,
                                GraftLayerItem *target)
{
  return self->accepts_drops && graft_layer_item_get_model (source) != self->model &&
         graft_layer_item_get_path (source) != NULL && graft_layer_item_get_path (target) != NULL;
}

static GraftLayerItem *
graft_layer_tree_drop_item (GtkDropTarget *target)
{
  const GValue *value = gtk_drop_target_get_value (target);

  if (value == NULL || !G_VALUE_HOLDS (value, GRAFT_TYPE_LAYER_ITEM))
    return NULL;
  return g_value_get_object (value);
}

GdkDragAction
graft_layer_tree_drop_motion_cb (GraftLayerTree *self,
                                 double          x,
                                 double          y,
                                 GtkDropTarget  *target)
{
  GraftLayerItem *source = graft_layer_tree_drop_item (target);
  GtkWidget *row = NULL;
  GraftLayerItem *item = graft_layer_tree_item_at (self, x, y, &row);
  g_autofree char *why = NULL;
  gboolean ok;

  if (row != self->drop_row)
    {
      graft_layer_tree_clear_drop_row (self);
      if (row != NULL)
        {
          self->drop_row = row;
          g_object_add_weak_pointer (G_OBJECT (row), (gpointer *) &self->drop_row);
        }
    }
  if (source == NULL || item == NULL)
    {
      graft_layer_tree_set_drop_hint (self, source ? _("Drop onto a layer or weight") : NULL);
      return 0;
    }

  ok = graft_layer_tree_check_drop (self, source, item, &why);
  gtk_widget_remove_css_class (row, ok ? "drop-refused" : "drop-ok");
  gtk_widget_add_css_class (row, ok ? "drop-ok" : "drop-refused");
  /* The reason goes to the window's hint line, not a tooltip: a tooltip
   * that pops up under a held drag becomes the window the drop lands on,
   * and the drop is lost. */
  graft_layer_tree_set_drop_hint (self, why);
  /* A refused pair of layers still takes the drop, which then explains
   * itself (and offers the partial copy); a row of the wrong tree does not. */
  return ok || graft_layer_tree_drop_explains (self, source, item) ? GDK_ACTION_COPY : 0;
}

void
graft_layer_tree_drop_leave_cb (GraftLayerTree *self,
                                GtkDropTarget  *target)
{
  graft_layer_tree_clear_drop_row (self);
  graft_layer_tree_set_drop_hint (self, NULL);
}

gboolean
graft_layer_tree_drop_cb (GraftLayerTree *self,
                          const GValue   *value,
                          double          x,
                          double          y,
                          GtkDropTarget  *target)
{
  GraftLayerItem *source, *item;

  graft_layer_tree_clear_drop_row (self);
  graft_layer_tree_set_drop_hint (self, NULL);
  if (!G_VALUE_HOLDS (value, GRAFT_TYPE_LAYER_ITEM))
    return FALSE;
  source = g_value_get_object (value);
  item = graft_layer_tree_item_at (self, x, y, NULL);
  if (source == NULL || item == NULL)
    return FALSE;
  if (!graft_layer_tree_check_drop (self, source, item, NULL))
    {
      if (!graft_layer_tree_drop_explains (self, source, item))
        return FALSE;
      gtk_widget_activate_action (GTK_WIDGET (self), "win.explain-drop", "(ss)",
                                  graft_layer_item_get_path (source),
                                  graft_layer_item_get_path (item));
      return TRUE;
    }

  return gtk_widget_activate_action (GTK_WIDGET (self), "win.transfer-weights", "(ss)",
                                     graft_layer_item_get_path (source),
                                     graft_layer_item_get_path (item));
}
