/* graft-window-layout.c: the window's adaptive layout: pane widths and the folding side pane
 *
 * Below GRAFT_WINDOW_NARROW pixels the statistics pane folds away (the
 * header's toggle, or F9, brings it back) and the trees give up width, so
 * the heatmap keeps most of a small window. Crossing the threshold folds
 * or unfolds; between crossings the user's toggle wins.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-window"

#include "config.h"

#include "graft-window-private.h"

#define GRAFT_WINDOW_NARROW 1000

static void
graft_window_layout_apply_side (GraftWindow *self)
{
  gboolean shown = self->side_wanted;
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "show-side-pane");

  gtk_widget_set_visible (self->side_pane, shown);
  g_simple_action_set_state (G_SIMPLE_ACTION (action), g_variant_new_boolean (shown));
}

/**
 * graft_window_layout_update:
 *
 * Fits the trees' share of the width to the window and the mode: two
 * trees in transfer mode, one when browsing.
 */
void
graft_window_layout_update (GraftWindow *self)
{
  int width = self->layout_width > 0 ? self->layout_width : 1360;
  gboolean transfer = gtk_widget_get_visible (self->source_box);
  int position;

  if (transfer)
    position = CLAMP (width * 42 / 100, 2 * 190, 620);
  else
    position = CLAMP (width * 30 / 100, 250, 440);
  gtk_paned_set_position (self->main_paned, position);
  graft_window_layout_apply_side (self);
}

static gboolean
graft_window_layout_idle_cb (gpointer data)
{
  GraftWindow *self = data;

  graft_window_layout_update (self);
  return G_SOURCE_REMOVE;
}

/**
 * graft_window_layout_allocated:
 *
 * Called with the window's width at each allocation; re-fits the layout,
 * after the allocation, when the width changed.
 */
void
graft_window_layout_allocated (GraftWindow *self,
                               int          width)
{
  gboolean narrow = width < GRAFT_WINDOW_NARROW;

  if (width == self->layout_width)
    return;
  if (self->layout_width == 0 || narrow != self->side_folded)
    {
      self->side_folded = narrow;
      self->side_wanted = !narrow;
    }
  self->layout_width = width;
  /* Widgets cannot be shown or moved inside an allocation. */
  g_idle_add_full (G_PRIORITY_HIGH_IDLE, graft_window_layout_idle_cb, g_object_ref (self),
                   g_object_unref);
}

static void
graft_window_layout_side_cb (GSimpleAction *action,
                             GVariant      *state,
                             gpointer       user_data)
{
  GraftWindow *self = user_data;
  gboolean shown = g_variant_get_boolean (state);

  g_assert (GRAFT_IS_WINDOW (self));

  self->side_wanted = shown;
  graft_window_layout_apply_side (self);
}

void
graft_window_layout_init (GraftWindow *self)
{
  static const GActionEntry entries[] = {
    { "show-side-pane", NULL, NULL, "true", graft_window_layout_side_cb },
  };

  g_action_map_add_action_entries (G_ACTION_MAP (self), entries, G_N_ELEMENTS (entries), self);
}
