/* graft-window-layout.c: the window's adaptive layout: pane widths and the folding side pane
 *
 * When the window is too narrow for the trees, the heatmap's controls and
 * the statistics pane side by side (about 1000 px browsing one file, 1140
 * with two trees), the statistics pane folds away (the header's toggle, or
 * F9, brings it back) and the trees give up width, so the heatmap keeps
 * most of a small window. Crossing the threshold folds
 * or unfolds; between crossings the user's toggle wins.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-window"

#include "config.h"

#include "graft-window-private.h"

/* The width a tree needs to be of use: its names and shapes. */
#define GRAFT_WINDOW_TREE_MIN 170

/* The minimum widths of the heatmap panel and of the side pane; the side
 * pane's is remembered from when it was last shown. */
static int
graft_window_layout_needed (GraftWindow *self)
{
  gboolean transfer = gtk_widget_get_visible (self->source_box);
  int panel_min = 0;

  gtk_widget_measure (GTK_WIDGET (self->heatmap_panel), GTK_ORIENTATION_HORIZONTAL, -1,
                      &panel_min, NULL, NULL, NULL);
  if (gtk_widget_get_visible (self->side_pane))
    gtk_widget_measure (self->side_pane, GTK_ORIENTATION_HORIZONTAL, -1, &self->side_min_width,
                        NULL, NULL, NULL);
  return (transfer ? 2 : 1) * GRAFT_WINDOW_TREE_MIN + panel_min + self->side_min_width + 16;
}

/* In a narrow window there is no room beside the heatmap's controls: the
 * pane, when asked for, slides over the heatmap from the right edge (the
 * HIG's overlay sidebar), and goes back into its paned when there is room. */
static void
graft_window_layout_place_side (GraftWindow *self,
                                gboolean     overlaid)
{
  if (overlaid == self->side_overlaid)
    return;
  g_object_ref (self->side_pane);
  if (overlaid)
    {
      gtk_paned_set_end_child (self->side_paned, NULL);
      gtk_widget_set_halign (self->side_pane, GTK_ALIGN_END);
      gtk_widget_add_css_class (self->side_pane, "graft-side-overlay");
      gtk_overlay_add_overlay (self->content_overlay, self->side_pane);
    }
  else
    {
      gtk_overlay_remove_overlay (self->content_overlay, self->side_pane);
      gtk_widget_set_halign (self->side_pane, GTK_ALIGN_FILL);
      gtk_widget_remove_css_class (self->side_pane, "graft-side-overlay");
      gtk_paned_set_end_child (self->side_paned, self->side_pane);
    }
  g_object_unref (self->side_pane);
  self->side_overlaid = overlaid;
}

static void
graft_window_layout_apply_side (GraftWindow *self)
{
  gboolean shown = self->side_wanted;
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "show-side-pane");

  graft_window_layout_place_side (self, self->side_folded && shown);
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
  int position, panel_min = 0, side_min = 0;

  graft_window_layout_apply_side (self);
  if (transfer)
    position = CLAMP (width * 49 / 100, 2 * 190, 620);
  else
    position = CLAMP (width * 30 / 100, 250, 440);
  /* The heatmap's controls need their row whole; the trees give way. */
  gtk_widget_measure (GTK_WIDGET (self->heatmap_panel), GTK_ORIENTATION_HORIZONTAL, -1,
                      &panel_min, NULL, NULL, NULL);
  if (gtk_widget_get_visible (self->side_pane) && !self->side_overlaid)
    gtk_widget_measure (self->side_pane, GTK_ORIENTATION_HORIZONTAL, -1, &side_min, NULL, NULL,
                        NULL);
  position = MAX (MIN (position, width - panel_min - side_min - 16), transfer ? 2 * 120 : 160);
  gtk_paned_set_position (self->main_paned, position);
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
  gboolean narrow = width < graft_window_layout_needed (self);

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
