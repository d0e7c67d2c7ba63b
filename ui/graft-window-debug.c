/* graft-window-debug.c: the window's state as text, for end-to-end tests
 *
 * With GRAFT_DEBUG_STATE=FILE in the environment, the window writes what a
 * person sees into FILE whenever it changes (polled every 150 ms): the
 * visible page, the title, the last report, which commands are enabled,
 * the allocation (and minimum width) of the main areas, and every visible label and button
 * with its place in the window. UI tests drive the app with real pointer
 * and key events (xdotool) and read this file to know where to click and
 * what happened, instead of guessing pixel offsets that any layout change
 * breaks. Nothing is written without the variable.
 *
 * It also probes the main loop: a high-priority 10 ms timer that comes late
 * means the loop was blocked, and every delay of 50 ms or more is listed
 * ("stall N MS WAITING_MS AT_MS", numbered from 1, with the part of it
 * spent waiting for a CPU held by other processes, and when it ended, in
 * ms since the probe started), so a test can check that
 * nothing a user does freezes the window for more than 100 ms.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-window"

#include "config.h"

#include "graft-window-private.h"

#include <string.h>

typedef struct
{
  GString   *out;
  GtkWidget *root;
  double     dx, dy;  /* widget to X window coordinates (CSD margins) */
} GraftWindowDump;

static void
graft_window_debug_text (GString    *out,
                         const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    g_string_append_c (out, *p == '\n' || *p == '\t' ? ' ' : *p);
}

static gboolean
graft_window_debug_bounds (GraftWindowDump *dump,
                           GtkWidget       *widget,
                           int              rect[4])
{
  GtkNative *native = gtk_widget_get_native (widget);
  double x = dump->dx, y = dump->dy;
  graphene_rect_t b;

  /* A popover (a menu) is its own surface, placed relative to the window's. */
  if (native != GTK_NATIVE (dump->root) && GTK_IS_POPOVER (native) &&
      GDK_IS_POPUP (gtk_native_get_surface (native)))
    {
      GdkPopup *popup = GDK_POPUP (gtk_native_get_surface (native));
      double ndx, ndy;

      gtk_native_get_surface_transform (native, &ndx, &ndy);
      x = gdk_popup_get_position_x (popup) + ndx;
      y = gdk_popup_get_position_y (popup) + ndy;
    }
  else if (native != GTK_NATIVE (dump->root))
    native = NULL;
  if (native == NULL || !gtk_widget_compute_bounds (widget, GTK_WIDGET (native), &b))
    {
      rect[0] = rect[1] = rect[2] = rect[3] = -1;
      return FALSE;
    }
  rect[0] = (int) (b.origin.x + x + 0.5);
  rect[1] = (int) (b.origin.y + y + 0.5);
  rect[2] = (int) (b.size.width + 0.5);
  rect[3] = (int) (b.size.height + 0.5);
  return TRUE;
}

/* The widget's own name when a file gave it one, else the area it is in. */
static const char *
graft_window_debug_area (GtkWidget  *widget,
                         const char *area)
{
  const char *name = gtk_widget_get_name (widget);

  return name != NULL && g_strcmp0 (name, G_OBJECT_TYPE_NAME (widget)) != 0 ? name : area;
}

static void
graft_window_debug_walk (GraftWindowDump *dump,
                         GtkWidget       *widget,
                         const char      *area)
{
  int r[4];

  if (!gtk_widget_get_mapped (widget))
    return;
  area = graft_window_debug_area (widget, area);
  if (GTK_IS_LABEL (widget) && gtk_label_get_text (GTK_LABEL (widget))[0] != '\0')
    {
      graft_window_debug_bounds (dump, widget, r);
      g_string_append_printf (dump->out, "label\t%s\t%d\t%d\t%d\t%d\t", area, r[0], r[1], r[2], r[3]);
      graft_window_debug_text (dump->out, gtk_label_get_text (GTK_LABEL (widget)));
      g_string_append_c (dump->out, '\n');
    }
  else if (GTK_IS_BUTTON (widget) || GTK_IS_MENU_BUTTON (widget) || ADW_IS_SPLIT_BUTTON (widget))
    {
      const char *tip = gtk_widget_get_tooltip_text (widget);

      graft_window_debug_bounds (dump, widget, r);
      g_string_append_printf (dump->out, "button\t%s\t%d\t%d\t%d\t%d\t%d\t", area, r[0], r[1],
                              r[2], r[3], gtk_widget_is_sensitive (widget));
      graft_window_debug_text (dump->out, tip ? tip : "");
      g_string_append_c (dump->out, '\n');
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    graft_window_debug_walk (dump, child, area);
}

static void
graft_window_debug_widget (GraftWindowDump *dump,
                           const char      *name,
                           gpointer         widget)
{
  int r[4], min_width;

  graft_window_debug_bounds (dump, widget, r);
  gtk_widget_measure (widget, GTK_ORIENTATION_HORIZONTAL, -1, &min_width, NULL, NULL, NULL);
  g_string_append_printf (dump->out, "bounds\t%s\t%d\t%d\t%d\t%d\t%d\t%d\n", name, r[0], r[1],
                          r[2], r[3], gtk_widget_get_mapped (widget), min_width);
}

#define GRAFT_PROBE_INTERVAL_MS 10
#define GRAFT_PROBE_REPORT_MS   50
#define GRAFT_PROBE_MAX_STALLS  2000

/* Nanoseconds this thread has spent runnable but waiting for a CPU (the
 * second figure of Linux's schedstat), 0 where that is not known. */
static gint64
graft_window_probe_run_delay (void)
{
  g_autofree char *text = NULL;
  char *field;

  if (!g_file_get_contents ("/proc/thread-self/schedstat", &text, NULL, NULL))
    return 0;
  field = strchr (text, ' ');
  return field != NULL ? g_ascii_strtoll (field + 1, NULL, 10) : 0;
}

/* A late tick is a stall. The part of the delay the thread spent waiting
 * for a CPU that other processes held is the machine's, not the app's:
 * each stall lists both, "stall N MS WAITING_MS". */
static gboolean
graft_window_probe_cb (gpointer data)
{
  GraftWindow *self = data;
  gint64 now = g_get_monotonic_time ();
  gint64 late = (now - self->probe_last) / 1000 - GRAFT_PROBE_INTERVAL_MS;
  gint64 run_delay = graft_window_probe_run_delay ();

  if (self->probe_last != 0 && late >= GRAFT_PROBE_REPORT_MS &&
      self->n_stalls < GRAFT_PROBE_MAX_STALLS)
    g_string_append_printf (self->stalls,
                            "stall\t%u\t%" G_GINT64_FORMAT "\t%" G_GINT64_FORMAT "\t%" G_GINT64_FORMAT "\n",
                            ++self->n_stalls, late, (run_delay - self->probe_run_delay) / 1000000,
                            (now - self->probe_start) / 1000);
  self->probe_last = now;
  self->probe_run_delay = run_delay;
  return G_SOURCE_CONTINUE;
}

static char *
graft_window_debug_state (GraftWindow *self)
{
  GraftWindowDump dump = { g_string_new (NULL), GTK_WIDGET (self), 0, 0 };
  g_auto(GStrv) actions = g_action_group_list_actions (G_ACTION_GROUP (self));
  guint n;

  gtk_native_get_surface_transform (GTK_NATIVE (self), &dump.dx, &dump.dy);
  g_string_append_printf (dump.out, "size\t%d\t%d\n", gtk_widget_get_width (GTK_WIDGET (self)),
                          gtk_widget_get_height (GTK_WIDGET (self)));
  g_string_append_printf (dump.out, "page\t%s\n", gtk_stack_get_visible_child_name (self->main_stack));
  g_string_append_printf (dump.out, "title\t%s\n", gtk_window_get_title (GTK_WINDOW (self)));
  g_string_append (dump.out, "subtitle\t");
  graft_window_debug_text (dump.out, adw_window_title_get_subtitle (self->window_title) ?: "");
  g_string_append (dump.out, "\nmessage\t");
  graft_window_debug_text (dump.out, self->message ? self->message : "");
  g_string_append_printf (dump.out, "\nmodified\t%d\nbusy\t%d\n", graft_window_get_modified (self),
                          self->busy);
  for (guint i = 0; actions[i] != NULL; i++)
    {
      g_autoptr(GVariant) state = g_action_group_get_action_state (G_ACTION_GROUP (self), actions[i]);
      g_autofree char *shown = state ? g_variant_print (state, FALSE) : g_strdup ("-");

      g_string_append_printf (dump.out, "action\t%s\t%d\t%s\n", actions[i],
                              g_action_group_get_action_enabled (G_ACTION_GROUP (self), actions[i]),
                              shown);
    }
  n = g_menu_model_get_n_items (G_MENU_MODEL (self->recent_menu));
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *label = NULL;

      g_menu_model_get_item_attribute (G_MENU_MODEL (self->recent_menu), i, "label", "s", &label);
      g_string_append_printf (dump.out, "recent\t%s\n", label ? label : "");
    }
  for (guint i = 0; i < 2; i++)
    {
      GraftLayerTree *tree = i == 0 ? self->source_tree : self->target_tree;
      GraftLayerItem *item = graft_layer_tree_get_selected_item (tree);

      if (item != NULL)
        g_string_append_printf (dump.out, "selected\t%s\t%s\n", i == 0 ? "source_tree" : "target_tree",
                                graft_layer_item_get_path (item) ? graft_layer_item_get_path (item)
                                                                  : graft_layer_item_get_name (item));
    }
  g_string_append_printf (dump.out, "side_tab\t%s\n", gtk_stack_get_visible_child_name (self->side_stack));
  {
    const GraftHeatmapStyle *style =
      graft_heatmap_view_get_style (graft_heatmap_panel_get_view (self->heatmap_panel));

    g_string_append_printf (dump.out, "heatmap_style\t%s\t%d\t%s\ndark\t%d\n",
                            graft_colormap_kind_get_name (style->colormap), style->reversed,
                            graft_scale_get_name (style->scale),
                            adw_style_manager_get_dark (adw_style_manager_get_default ()));
  }
  graft_window_debug_widget (&dump, "main_paned", self->main_paned);
  graft_window_debug_widget (&dump, "source_tree", self->source_tree);
  graft_window_debug_widget (&dump, "target_tree", self->target_tree);
  graft_window_debug_widget (&dump, "heatmap_panel", self->heatmap_panel);
  graft_window_debug_widget (&dump, "side_pane", self->side_pane);
  graft_window_debug_widget (&dump, "side_stack", self->side_stack);
  graft_window_debug_widget (&dump, "stats_view", self->stats_view);
  graft_window_debug_walk (&dump, GTK_WIDGET (self), "window");
  g_string_append (dump.out, self->stalls->str);
  return g_string_free (dump.out, FALSE);
}

static gboolean
graft_window_debug_tick_cb (gpointer data)
{
  GraftWindow *self = data;
  g_autofree char *state = graft_window_debug_state (self);

  if (g_strcmp0 (state, self->debug_last) != 0)
    {
      g_file_set_contents (self->debug_path, state, -1, NULL);
      g_free (self->debug_last);
      self->debug_last = g_steal_pointer (&state);
    }
  return G_SOURCE_CONTINUE;
}

/**
 * graft_window_debug_init:
 *
 * Starts writing the window's state to $GRAFT_DEBUG_STATE, when set.
 */
void
graft_window_debug_init (GraftWindow *self)
{
  const char *path = g_getenv ("GRAFT_DEBUG_STATE");

  if (path == NULL || path[0] == '\0')
    return;
  self->debug_path = g_strdup (path);
  /* Named areas, so a label can be told to be in the source or target tree. */
  gtk_widget_set_name (GTK_WIDGET (self->source_tree), "source_tree");
  gtk_widget_set_name (GTK_WIDGET (self->target_tree), "target_tree");
  gtk_widget_set_name (GTK_WIDGET (self->heatmap_panel), "heatmap_panel");
  gtk_widget_set_name (self->side_pane, "side_pane");
  gtk_widget_set_name (GTK_WIDGET (self->status_page), "status_page");
  self->debug_timer = g_timeout_add (150, graft_window_debug_tick_cb, self);
  self->stalls = g_string_new (NULL);
  self->probe_start = g_get_monotonic_time ();
  self->probe_timer = g_timeout_add_full (G_PRIORITY_HIGH, GRAFT_PROBE_INTERVAL_MS,
                                          graft_window_probe_cb, self, NULL);
}

void
graft_window_debug_dispose (GraftWindow *self)
{
  g_clear_handle_id (&self->debug_timer, g_source_remove);
  g_clear_handle_id (&self->probe_timer, g_source_remove);
  if (self->stalls != NULL)
    g_string_free (g_steal_pointer (&self->stalls), TRUE);
  g_clear_pointer (&self->debug_path, g_free);
  g_clear_pointer (&self->debug_last, g_free);
}
