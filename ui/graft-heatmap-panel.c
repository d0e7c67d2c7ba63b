/* graft-heatmap-panel.c: the heatmap of the selected weight with its controls
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-heatmap-panel"

#include "config.h"

#include "graft-heatmap-panel-private.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "graft-background.h"
#include "graft-colormap-menu.h"
#include "graft-numbers.h"
#include "graft-line-plot.h"
#include "graft-value-table.h"

G_DEFINE_FINAL_TYPE (GraftHeatmapPanel, graft_heatmap_panel, GTK_TYPE_WIDGET)

static void graft_heatmap_panel_slice_changed_cb (GraftHeatmapPanel *self);

static void
graft_heatmap_panel_status_cb (GraftHeatmapPanel *self)
{
  const char *status = graft_heatmap_view_get_status (self->view);

  gtk_label_set_text (self->status_label, status ? status : " ");
}

static const char *
graft_heatmap_panel_mode (GraftHeatmapPanel *self)
{
  if (gtk_toggle_button_get_active (self->plot_button))
    return "plot";
  if (gtk_toggle_button_get_active (self->table_button))
    return "table";
  return "view";
}

static void
graft_heatmap_panel_sync_sensitivity (GraftHeatmapPanel *self)
{
  gboolean can_grid = graft_heatmap_view_can_grid (self->view);
  gboolean grid = graft_heatmap_view_get_grid (self->view);
  GraftTensor *tensor = graft_heatmap_view_get_tensor (self->view);
  gboolean custom = gtk_drop_down_get_selected (self->limits_dropdown) == LIMITS_CUSTOM;
  gboolean map = !g_str_equal (graft_heatmap_panel_mode (self), "table");
  gboolean zoom = tensor != NULL && map && !graft_heatmap_view_get_rgb (self->view) &&
                  !self->delta_identical;
  guint rank = tensor ? graft_tensor_get_rank (tensor) : 0;

  /* Controls change sensitivity, never place: the row keeps its layout. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->grid_button), can_grid);
  gtk_widget_set_sensitive (GTK_WIDGET (self->per_filter_button), can_grid && grid);
  gtk_widget_set_sensitive (GTK_WIDGET (self->rgb_button),
                            can_grid && grid && graft_heatmap_view_can_rgb (self->view));
  gtk_widget_set_sensitive (self->custom_box, custom);
  gtk_widget_set_sensitive (GTK_WIDGET (self->plot_button), tensor != NULL && rank <= 1);
  gtk_widget_set_sensitive (GTK_WIDGET (self->table_button), tensor != NULL);
  gtk_widget_set_visible (self->axes_box, tensor != NULL && rank >= 3 && !grid &&
                          !gtk_toggle_button_get_active (self->plot_button));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "heatmap.zoom-in", zoom);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "heatmap.zoom-out", zoom);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "heatmap.zoom-fit", zoom);
}

/* The stack page for the mode, the tensor and the Δ state. */
static void
graft_heatmap_panel_sync_page (GraftHeatmapPanel *self)
{
  GraftTensor *tensor = graft_heatmap_view_get_tensor (self->view);
  const char *mode = graft_heatmap_panel_mode (self);
  gboolean plot = g_str_equal (mode, "plot");

  /* The plot keeps the vector's strip above it, a short heatmap. */
  gtk_widget_set_visible (self->plot_box, plot);
  gtk_widget_set_vexpand (GTK_WIDGET (self->view), !plot);
  gtk_widget_set_size_request (GTK_WIDGET (self->view), -1, plot ? 72 : -1);
  if (plot)
    mode = "view";
  if (tensor == NULL)
    gtk_stack_set_visible_child_name (self->stack, "empty");
  else if (g_str_equal (mode, "view") && self->delta_identical &&
           gtk_toggle_button_get_active (self->delta_button))
    gtk_stack_set_visible_child_name (self->stack, "identical");
  else
    gtk_stack_set_visible_child_name (self->stack, mode);
}

static void
graft_heatmap_panel_mode_cb (GraftHeatmapPanel *self)
{
  if (g_str_equal (graft_heatmap_panel_mode (self), "table"))
    graft_heatmap_panel_update_table (self);
  graft_heatmap_panel_sync_page (self);
  graft_heatmap_panel_sync_sensitivity (self);
}

static void
graft_heatmap_panel_plot_hover_cb (GraftHeatmapPanel *self)
{
  const char *text = graft_line_plot_get_hover_text (self->plot);

  gtk_label_set_text (self->status_label, text ? text : " ");
}

static void
graft_heatmap_panel_style_changed_cb (GraftHeatmapPanel *self)
{
  GraftHeatmapStyle style;
  g_autoptr(GdkTexture) swatch = NULL;
  guint limits;

  if (self->updating)
    return;
  graft_heatmap_style_init (&style);
  for (guint i = 0; i < self->colormap_buttons->len; i++)
    if (gtk_toggle_button_get_active (g_ptr_array_index (self->colormap_buttons, i)))
      style.colormap = i;
  style.reversed = gtk_check_button_get_active (self->reverse_check);
  style.scale = gtk_drop_down_get_selected (self->scale_dropdown);
  limits = gtk_drop_down_get_selected (self->limits_dropdown);
  style.limits = limits == LIMITS_ROBUST ? GRAFT_LIMITS_ROBUST :
                 limits == LIMITS_CUSTOM ? GRAFT_LIMITS_USER : GRAFT_LIMITS_SYMMETRIC;
  style.visible_limits = limits == LIMITS_VISIBLE;
  style.user_min = gtk_spin_button_get_value (self->min_spin);
  style.user_max = gtk_spin_button_get_value (self->max_spin);
  style.reduce = gtk_drop_down_get_selected (self->reduce_dropdown);
  style.per_filter = gtk_check_button_get_active (self->per_filter_button);
  if (style.user_max <= style.user_min)
    style.user_max = style.user_min + 1e-6;
  graft_heatmap_view_set_style (self->view, &style);
  graft_heatmap_view_set_grid (self->view, gtk_toggle_button_get_active (self->grid_button));
  graft_heatmap_view_set_rgb (self->view, gtk_check_button_get_active (self->rgb_button));
  graft_colormap_menu_set_swatches (self->colormap_buttons, style.reversed);
  swatch = graft_colormap_menu_swatch (style.colormap, style.reversed, 32, 14);
  gtk_picture_set_paintable (self->colormap_swatch, GDK_PAINTABLE (swatch));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->colormap_button),
                               graft_colormap_menu_label (style.colormap));
  if (g_str_equal (graft_heatmap_panel_mode (self), "table"))
    graft_heatmap_panel_update_table (self);
  graft_heatmap_panel_sync_sensitivity (self);
}

/* Custom limits start from the data's own range, not −1 … 1. */
static void
graft_heatmap_panel_limits_cb (GraftHeatmapPanel *self)
{
  GraftTensor *tensor = graft_heatmap_view_get_tensor (self->view);

  if (!self->updating && tensor != NULL &&
      gtk_drop_down_get_selected (self->limits_dropdown) == LIMITS_CUSTOM)
    {
      g_autoptr(GraftHeatmap) heatmap = graft_heatmap_new (tensor);
      double lo, hi;

      if (graft_heatmap_get_range (heatmap, &lo, &hi, NULL, NULL))
        {
          double step = hi > lo ? pow (10, floor (log10 (hi - lo)) - 2) : 0.01;

          self->updating = TRUE;
          gtk_spin_button_set_increments (self->min_spin, step, step * 10);
          gtk_spin_button_set_increments (self->max_spin, step, step * 10);
          gtk_spin_button_set_value (self->min_spin, lo);
          gtk_spin_button_set_value (self->max_spin, hi > lo ? hi : lo + 1);
          self->updating = FALSE;
        }
    }
  graft_heatmap_panel_style_changed_cb (self);
}

/* The controls showing @style, without acting on them one by one. */
static void
graft_heatmap_panel_apply_style (GraftHeatmapPanel       *self,
                                 const GraftHeatmapStyle *style)
{
  guint limits = style->limits == GRAFT_LIMITS_ROBUST ? LIMITS_ROBUST :
                 style->limits == GRAFT_LIMITS_USER ? LIMITS_CUSTOM :
                 style->visible_limits ? LIMITS_VISIBLE : LIMITS_WHOLE;

  self->updating = TRUE;
  if (style->colormap < self->colormap_buttons->len)
    gtk_toggle_button_set_active (g_ptr_array_index (self->colormap_buttons, style->colormap), TRUE);
  gtk_check_button_set_active (self->reverse_check, style->reversed);
  gtk_drop_down_set_selected (self->scale_dropdown, style->scale);
  gtk_drop_down_set_selected (self->limits_dropdown, limits);
  gtk_drop_down_set_selected (self->reduce_dropdown, style->reduce);
  if (style->limits == GRAFT_LIMITS_USER)
    {
      gtk_spin_button_set_value (self->min_spin, style->user_min);
      gtk_spin_button_set_value (self->max_spin, style->user_max);
    }
  self->updating = FALSE;
  graft_heatmap_panel_style_changed_cb (self);
}

/* A click on a filter of the grid: that filter alone, as a slice of its
 * taps, one input channel at a time. */
static void
graft_heatmap_panel_filter_cb (GraftHeatmapPanel *self,
                               guint              filter)
{
  const GraftHeatmapMosaic *mosaic = graft_heatmap_view_get_mosaic (self->view);
  GraftHeatmapMosaic m;
  GtkSpinButton *spin;

  if (mosaic == NULL)
    return;
  m = *mosaic;
  gtk_toggle_button_set_active (self->grid_button, FALSE);
  self->updating = TRUE;
  gtk_drop_down_set_selected (self->row_axis_dropdown, m.ky_axis >= 0 ? (guint) m.ky_axis : m.channel_axis);
  gtk_drop_down_set_selected (self->col_axis_dropdown, m.kx_axis);
  if (m.filter_axis < self->index_spins->len)
    {
      spin = g_ptr_array_index (self->index_spins, m.filter_axis);
      gtk_spin_button_set_value (spin, filter);
    }
  self->updating = FALSE;
  graft_heatmap_panel_slice_changed_cb (self);
  graft_heatmap_panel_sync_sensitivity (self);
}

static void
graft_heatmap_panel_slice_changed_cb (GraftHeatmapPanel *self)
{
  GraftTensor *tensor = graft_heatmap_view_get_tensor (self->view);
  gsize index[GRAFT_MAX_RANK] = { 0 };
  guint rank, row_axis, col_axis;

  if (self->updating || tensor == NULL)
    return;
  rank = graft_tensor_get_rank (tensor);
  row_axis = gtk_drop_down_get_selected (self->row_axis_dropdown);
  col_axis = gtk_drop_down_get_selected (self->col_axis_dropdown);
  if (rank < 2 || row_axis >= rank || col_axis >= rank)
    return;
  if (row_axis == col_axis)
    {
      /* Swap rather than refuse: the other drop-down takes the old axis. */
      guint axis;

      for (axis = rank; axis > 0; axis--)
        if (axis - 1 != row_axis)
          break;
      self->updating = TRUE;
      gtk_drop_down_set_selected (self->col_axis_dropdown, axis - 1);
      self->updating = FALSE;
      col_axis = axis - 1;
    }
  for (guint i = 0; i < rank && i < self->index_spins->len; i++)
    {
      GtkSpinButton *spin = g_ptr_array_index (self->index_spins, i);

      index[i] = (gsize) gtk_spin_button_get_value_as_int (spin);
      gtk_widget_set_sensitive (GTK_WIDGET (spin), i != row_axis && i != col_axis);
    }
  graft_heatmap_view_set_slice (self->view, row_axis, col_axis, index);
  if (g_str_equal (graft_heatmap_panel_mode (self), "table"))
    graft_heatmap_panel_update_table (self);
}

static void
graft_heatmap_panel_build_axes (GraftHeatmapPanel *self,
                                GraftTensor       *tensor)
{
  g_autoptr(GtkStringList) axes = gtk_string_list_new (NULL);
  GtkWidget *child;
  guint rank = tensor ? graft_tensor_get_rank (tensor) : 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->index_box))) != NULL)
    gtk_box_remove (self->index_box, child);
  g_ptr_array_set_size (self->index_spins, 0);
  if (rank < 3)
    return;

  for (guint i = 0; i < rank; i++)
    {
      g_autofree char *name = g_strdup_printf (_("axis %u (%" G_GSIZE_FORMAT ")"), i,
                                               graft_tensor_get_dim (tensor, i));
      g_autofree char *tip = g_strdup_printf (_("Index on axis %u"), i);
      GtkWidget *spin = gtk_spin_button_new_with_range (0, graft_tensor_get_dim (tensor, i) - 1, 1);

      gtk_string_list_append (axes, name);
      gtk_widget_set_tooltip_text (spin, tip);
      gtk_widget_set_sensitive (spin, i < rank - 2);
      g_signal_connect_object (spin, "value-changed",
                               G_CALLBACK (graft_heatmap_panel_slice_changed_cb), self,
                               G_CONNECT_SWAPPED);
      gtk_box_append (self->index_box, spin);
      g_ptr_array_add (self->index_spins, spin);
    }
  gtk_drop_down_set_model (self->row_axis_dropdown, G_LIST_MODEL (axes));
  gtk_drop_down_set_model (self->col_axis_dropdown, G_LIST_MODEL (axes));
  gtk_drop_down_set_selected (self->row_axis_dropdown, rank - 2);
  gtk_drop_down_set_selected (self->col_axis_dropdown, rank - 1);
}

static void
graft_heatmap_panel_show (GraftHeatmapPanel *self,
                          GraftTensor       *tensor)
{
  guint rank = tensor ? graft_tensor_get_rank (tensor) : 0;

  self->updating = TRUE;
  graft_heatmap_view_set_tensor (self->view, tensor);
  graft_heatmap_panel_build_axes (self, tensor);
  /* A vector reads best as a plot; the plot has nothing for a matrix. */
  if (tensor != NULL && rank <= 1 && gtk_toggle_button_get_active (self->map_button))
    gtk_toggle_button_set_active (self->plot_button, TRUE);
  else if (rank > 1 && gtk_toggle_button_get_active (self->plot_button))
    gtk_toggle_button_set_active (self->map_button, TRUE);
  self->updating = FALSE;
  graft_heatmap_panel_update_plot (self);
  if (g_str_equal (graft_heatmap_panel_mode (self), "table"))
    graft_heatmap_panel_update_table (self);
  graft_heatmap_panel_sync_sensitivity (self);
  graft_heatmap_panel_sync_page (self);
}

/* Target minus source, element by element, in float32. A display aid only:
 * the difference statistics of record come from the core's diff. */
static void
graft_heatmap_panel_delta_thread (GTask        *task,
                                  gpointer      source_object,
                                  gpointer      task_data,
                                  GCancellable *cancellable)
{
  GraftTensor **pair = task_data;
  g_autofree float *a = NULL;
  g_autofree float *b = NULL;
  GError *error = NULL;
  gsize n = graft_tensor_get_n_elements (pair[0]);
  gboolean identical = TRUE;

  a = graft_tensor_dup_float (pair[0], &error);
  if (a != NULL)
    b = graft_tensor_dup_float (pair[1], &error);
  if (b == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  for (gsize i = 0; i < n; i++)
    {
      a[i] -= b[i];
      identical &= a[i] == 0;
    }
  /* Read back in the main loop once the task has returned. */
  g_object_set_data (G_OBJECT (task), "graft-identical", GINT_TO_POINTER (identical));
  g_task_return_pointer (task,
                         graft_tensor_new_take (GRAFT_DTYPE_FLOAT32, graft_tensor_get_rank (pair[0]),
                                                graft_tensor_get_shape (pair[0]),
                                                g_steal_pointer (&a)),
                         (GDestroyNotify) graft_tensor_unref);
}

static void
graft_heatmap_panel_delta_pair_free (gpointer data)
{
  GraftTensor **pair = data;

  graft_tensor_unref (pair[0]);
  graft_tensor_unref (pair[1]);
  g_free (pair);
}

enum { DIFFERENCE_SHOWN, N_SIGNALS };
static guint graft_heatmap_panel_signals[N_SIGNALS];

/* Tells the window what the Δ view shows, so its statistics follow. */
static void
graft_heatmap_panel_emit_difference (GraftHeatmapPanel *self,
                                     GraftTensor       *difference)
{
  g_signal_emit (self, graft_heatmap_panel_signals[DIFFERENCE_SHOWN], 0, difference);
}

static void
graft_heatmap_panel_delta_done_cb (GObject      *object,
                                   GAsyncResult *result,
                                   gpointer      user_data)
{
  GraftHeatmapPanel *self = GRAFT_HEATMAP_PANEL (object);
  g_autoptr(GError) error = NULL;
  GraftTensor *delta = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_task_had_error (G_TASK (result)) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (delta == NULL)
    {
      gtk_label_set_text (self->status_label, error->message);
      return;
    }
  g_clear_pointer (&self->delta, graft_tensor_unref);
  self->delta = delta;
  self->delta_identical = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (result), "graft-identical"));
  if (gtk_toggle_button_get_active (self->delta_button))
    {
      graft_heatmap_panel_show (self, self->delta);
      gtk_label_set_text (self->subtitle_label,
                          self->delta_identical ? _("Target − source: zero everywhere") :
                          _("Target − source: red where the target is larger"));
      graft_heatmap_panel_emit_difference (self, self->delta);
    }
}

static void
graft_heatmap_panel_delta_toggled_cb (GraftHeatmapPanel *self)
{
  g_autoptr(GTask) task = NULL;
  GraftTensor **pair;

  if (self->updating)
    return;
  if (!gtk_toggle_button_get_active (self->delta_button) || self->reference == NULL)
    {
      gboolean stored = self->stored != NULL && gtk_toggle_button_get_active (self->stored_button);
      GraftTensor *shown = stored ? self->stored : self->tensor;
      g_autofree char *shape = shown ? graft_tensor_format_shape (shown) : NULL;

      graft_heatmap_panel_show (self, shown);
      graft_heatmap_panel_sync_sensitivity (self);
      graft_heatmap_panel_emit_difference (self, NULL);
      if (shown != NULL)
        {
          g_autofree char *sub = NULL;

          if (self->stored == NULL)
            sub = g_strdup_printf ("%s %s", graft_dtype_get_name (graft_tensor_get_dtype (shown)), shape);
          else if (stored)
            sub = g_strdup_printf (_("%s %s, stored (%s)"),
                                   graft_dtype_get_name (graft_tensor_get_dtype (shown)), shape,
                                   self->quantization);
          else
            sub = g_strdup_printf (_("%s %s, the real values of %s integers (%s)"),
                                   graft_dtype_get_name (graft_tensor_get_dtype (shown)), shape,
                                   graft_dtype_get_name (graft_tensor_get_dtype (self->stored)),
                                   self->quantization);
          gtk_label_set_text (self->subtitle_label, sub);
        }
      return;
    }
  if (self->delta != NULL)
    {
      graft_heatmap_panel_show (self, self->delta);
      graft_heatmap_panel_emit_difference (self, self->delta);
      return;
    }

  if (self->delta_cancellable != NULL)
    g_cancellable_cancel (self->delta_cancellable);
  g_clear_object (&self->delta_cancellable);
  self->delta_cancellable = g_cancellable_new ();
  pair = g_new (GraftTensor *, 2);
  pair[0] = graft_tensor_ref (self->tensor);
  pair[1] = graft_tensor_ref (self->reference);
  task = g_task_new (self, self->delta_cancellable, graft_heatmap_panel_delta_done_cb, NULL);
  g_task_set_task_data (task, pair, graft_heatmap_panel_delta_pair_free);
  g_task_set_return_on_cancel (task, FALSE);
  graft_background_run (task, graft_heatmap_panel_delta_thread);
}

/* The view holds what zooming does; the panel's actions forward to it. */
static void
graft_heatmap_panel_zoom_action (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *parameter)
{
  GraftHeatmapPanel *self = GRAFT_HEATMAP_PANEL (widget);

  gtk_widget_activate_action_variant (GTK_WIDGET (self->view), action_name, parameter);
}

static void
graft_heatmap_panel_colormap_cb (GraftHeatmapPanel *self,
                                 GtkToggleButton   *button)
{
  if (!gtk_toggle_button_get_active (button))
    return;
  graft_heatmap_panel_style_changed_cb (self);
  if (!self->updating)
    gtk_menu_button_popdown (self->colormap_button);
}

static void
graft_heatmap_panel_dispose (GObject *object)
{
  GraftHeatmapPanel *self = (GraftHeatmapPanel *) object;
  GtkWidget *child;

  if (self->delta_cancellable != NULL)
    g_cancellable_cancel (self->delta_cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), GRAFT_TYPE_HEATMAP_PANEL);
  /* Children the template did not name are ours to unparent. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->delta_cancellable);
  g_clear_pointer (&self->tensor, graft_tensor_unref);
  g_clear_pointer (&self->reference, graft_tensor_unref);
  g_clear_pointer (&self->stored, graft_tensor_unref);
  g_clear_pointer (&self->quantization, g_free);
  g_clear_pointer (&self->delta, graft_tensor_unref);
  g_clear_pointer (&self->index_spins, g_ptr_array_unref);
  g_clear_pointer (&self->colormap_buttons, g_ptr_array_unref);

  G_OBJECT_CLASS (graft_heatmap_panel_parent_class)->dispose (object);
}

static void
graft_heatmap_panel_class_init (GraftHeatmapPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = graft_heatmap_panel_dispose;

  /**
   * GraftHeatmapPanel::difference-shown:
   * @difference: (nullable): target − source, while the Δ view shows it;
   *   %NULL when the view goes back to the weight
   */
  graft_heatmap_panel_signals[DIFFERENCE_SHOWN] =
    g_signal_new ("difference-shown", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);

  g_type_ensure (GRAFT_TYPE_HEATMAP_VIEW);
  g_type_ensure (GRAFT_TYPE_LINE_PLOT);
  g_type_ensure (GRAFT_TYPE_VALUE_TABLE);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/gnome/Graft/ui/graft-heatmap-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, GraftHeatmapPanel, title_label);
  gtk_widget_class_bind_template_child (widget_class, GraftHeatmapPanel, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, GraftHeatmapPanel, delta_button);
  gtk_widget_class_bind_template_child (widget_class, GraftHeatmapPanel, stored_button);
  gtk_widget_class_bind_template_child (widget_class, GraftHeatmapPanel, zoom_box);
  gtk_widget_class_bind_template_child (widget_class, GraftHeatmapPanel, controls_box);
  gtk_widget_class_bind_template_child (widget_class, GraftHeatmapPanel, map_button);
  gtk_widget_class_bind_template_child (widget_class, GraftHeatmapPanel, plot_button);
  gtk_widget_class_bind_template_child (widget_class, GraftHeatmapPanel, table_button);
  gtk_widget_class_bind_template_child (widget_class, GraftHeatmapPanel, colormap_button);
  gtk_widget_class_bind_template_child (widget_class, GraftHeatmapPanel, colormap_swatch);
  gtk_widget_class_bind_template_child (widget_class, GraftHeatmapPanel, colormap_list);
  gtk_widget_class_bind_template_child (widget_class, GraftHeatmapPanel, reverse_check);
  gtk_widget_class_bind_template_child (widget_class, GraftHeatmapPanel, options_button);
  gtk_widget_class_bind_template_child (widget_class, GraftHeatmapPanel, custom_box);
  gtk_widget_class_bind_template_child (widget_class, GraftHeatmapPanel, rgb_button);
  gtk_widget_class_bind_template_child (widget_class, GraftHeatmapPanel, zoom_in_button);
  gtk_widget_class_bind_template_child (widget_class, GraftHeatmapPanel, zoom_out_button);
  gtk_widget_class_bind_template_child (widget_class, GraftHeatmapPanel, zoom_fit_button);
  gtk_widget_class_bind_template_child (widget_class, GraftHeatmapPanel, plot);
  gtk_widget_class_bind_template_child (widget_class, GraftHeatmapPanel, plot_box);
  gtk_widget_class_bind_template_child (widget_class, GraftHeatmapPanel, numbers_box);
  gtk_widget_class_bind_template_child (widget_class, GraftHeatmapPanel, table);
  gtk_widget_class_bind_template_child (widget_class, GraftHeatmapPanel, scale_dropdown);
  gtk_widget_class_bind_template_child (widget_class, GraftHeatmapPanel, limits_dropdown);
  gtk_widget_class_bind_template_child (widget_class, GraftHeatmapPanel, min_spin);
  gtk_widget_class_bind_template_child (widget_class, GraftHeatmapPanel, max_spin);
  gtk_widget_class_bind_template_child (widget_class, GraftHeatmapPanel, reduce_dropdown);
  gtk_widget_class_bind_template_child (widget_class, GraftHeatmapPanel, grid_button);
  gtk_widget_class_bind_template_child (widget_class, GraftHeatmapPanel, per_filter_button);
  gtk_widget_class_bind_template_child (widget_class, GraftHeatmapPanel, axes_box);
  gtk_widget_class_bind_template_child (widget_class, GraftHeatmapPanel, row_axis_dropdown);
  gtk_widget_class_bind_template_child (widget_class, GraftHeatmapPanel, col_axis_dropdown);
  gtk_widget_class_bind_template_child (widget_class, GraftHeatmapPanel, index_box);
  gtk_widget_class_bind_template_child (widget_class, GraftHeatmapPanel, stack);
  gtk_widget_class_bind_template_child (widget_class, GraftHeatmapPanel, empty_label);
  gtk_widget_class_bind_template_child (widget_class, GraftHeatmapPanel, view);
  gtk_widget_class_bind_template_child (widget_class, GraftHeatmapPanel, status_label);
  gtk_widget_class_bind_template_callback (widget_class, graft_heatmap_panel_status_cb);
  gtk_widget_class_bind_template_callback (widget_class, graft_heatmap_panel_style_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, graft_heatmap_panel_slice_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, graft_heatmap_panel_delta_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, graft_heatmap_panel_mode_cb);
  gtk_widget_class_bind_template_callback (widget_class, graft_heatmap_panel_limits_cb);
  gtk_widget_class_bind_template_callback (widget_class, graft_heatmap_panel_filter_cb);
  gtk_widget_class_bind_template_callback (widget_class, graft_heatmap_panel_plot_hover_cb);

  /* The zoom buttons name these: the panel holds them, so that they work
   * whatever has the focus (the view's own serve its keys). */
  gtk_widget_class_install_action (widget_class, "heatmap.zoom-in", NULL,
                                   graft_heatmap_panel_zoom_action);
  gtk_widget_class_install_action (widget_class, "heatmap.zoom-out", NULL,
                                   graft_heatmap_panel_zoom_action);
  gtk_widget_class_install_action (widget_class, "heatmap.zoom-fit", NULL,
                                   graft_heatmap_panel_zoom_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, 0, "heatmap.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Add, 0, "heatmap.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, 0, "heatmap.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, 0, "heatmap.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Subtract, 0,
                                       "heatmap.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, 0, "heatmap.zoom-fit", NULL);

  gtk_widget_class_set_css_name (widget_class, "graftheatmappanel");
}

static void
graft_heatmap_panel_init (GraftHeatmapPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->index_spins = g_ptr_array_new ();
  graft_heatmap_style_init (&self->defaults);
  self->colormap_buttons = graft_colormap_menu_fill (self->colormap_list,
                                                     G_CALLBACK (graft_heatmap_panel_colormap_cb),
                                                     self);
  gtk_widget_set_sensitive (GTK_WIDGET (self->delta_button), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->stored_button), FALSE);
  self->debug = g_getenv ("GRAFT_DEBUG_HEATMAP") != NULL;
  g_signal_connect_object (self->view, "rendered", G_CALLBACK (graft_heatmap_panel_debug_cb), self,
                           G_CONNECT_SWAPPED);
  graft_heatmap_panel_style_changed_cb (self);
}

GtkWidget *
graft_heatmap_panel_new (void)
{
  return g_object_new (GRAFT_TYPE_HEATMAP_PANEL, NULL);
}

/**
 * graft_heatmap_panel_set_weight:
 * @weight: (nullable): the weight to show
 * @reference: (nullable): what @weight is compared with in the Δ view
 *   (its source in a transfer), of the same shape
 * @channels_first: whether @weight is a PyTorch tensor, whose kernels are
 *   (out, in, spatial…)
 * @message: (nullable): what to say when @weight is %NULL
 */
void
graft_heatmap_panel_set_weight (GraftHeatmapPanel *self,
                                GraftWeight       *weight,
                                GraftTensor       *reference,
                                gboolean           channels_first,
                                const char        *message)
{
  GraftTensor *tensor = weight ? graft_weight_get_values (weight) : NULL;
  gboolean has_reference;

  g_return_if_fail (GRAFT_IS_HEATMAP_PANEL (self));

  if (reference != NULL && tensor != NULL && !graft_tensor_same_shape (tensor, reference))
    reference = NULL;

  if (self->delta_cancellable != NULL)
    g_cancellable_cancel (self->delta_cancellable);
  g_clear_pointer (&self->delta, graft_tensor_unref);
  g_clear_pointer (&self->tensor, graft_tensor_unref);
  g_clear_pointer (&self->reference, graft_tensor_unref);
  self->tensor = tensor ? graft_tensor_ref (tensor) : NULL;
  g_clear_pointer (&self->stored, graft_tensor_unref);
  g_clear_pointer (&self->quantization, g_free);
  if (weight != NULL && graft_weight_get_quantization (weight) != NULL &&
      graft_weight_get_values (weight) != graft_weight_get_tensor (weight))
    {
      self->stored = graft_tensor_ref (graft_weight_get_tensor (weight));
      self->quantization = g_strdup (graft_weight_get_quantization (weight));
    }
  gtk_widget_set_visible (GTK_WIDGET (self->stored_button), self->stored != NULL);
  graft_heatmap_view_set_channels_first (self->view, channels_first);
  self->reference = reference ? graft_tensor_ref (reference) : NULL;

  has_reference = self->reference != NULL;
  gtk_widget_set_sensitive (GTK_WIDGET (self->delta_button), has_reference);
  self->delta_identical = FALSE;
  graft_heatmap_view_set_gates (self->view, NULL);
  if (self->defaults_pending)
    {
      self->defaults_pending = FALSE;
      graft_heatmap_panel_apply_style (self, &self->defaults);
    }
  gtk_label_set_text (self->empty_label,
                      message ? message : _("Select a weight to see its values"));

  if (weight == NULL)
    {
      gtk_label_set_text (self->title_label, _("No weight selected"));
      gtk_label_set_text (self->subtitle_label, "");
      self->updating = TRUE;
      gtk_toggle_button_set_active (self->delta_button, FALSE);
      self->updating = FALSE;
      graft_heatmap_panel_show (self, NULL);
      return;
    }

  gtk_label_set_text (self->title_label, graft_weight_get_path (weight));
  graft_heatmap_panel_delta_toggled_cb (self);
  graft_heatmap_panel_set_gates (self, weight, channels_first);
  if (!has_reference)
    {
      self->updating = TRUE;
      gtk_toggle_button_set_active (self->delta_button, FALSE);
      self->updating = FALSE;
      graft_heatmap_panel_delta_toggled_cb (self);
    }
}

GraftHeatmapView *
graft_heatmap_panel_get_view (GraftHeatmapPanel *self)
{
  g_return_val_if_fail (GRAFT_IS_HEATMAP_PANEL (self), NULL);

  return self->view;
}

void
graft_heatmap_panel_set_delta (GraftHeatmapPanel *self,
                               gboolean           delta)
{
  g_return_if_fail (GRAFT_IS_HEATMAP_PANEL (self));

  gtk_toggle_button_set_active (self->delta_button, delta);
}

gboolean
graft_heatmap_panel_get_delta (GraftHeatmapPanel *self)
{
  g_return_val_if_fail (GRAFT_IS_HEATMAP_PANEL (self), FALSE);

  return gtk_toggle_button_get_active (self->delta_button) && self->reference != NULL;
}

/**
 * graft_heatmap_panel_set_defaults:
 * @style: the colormap, limits, scale and reduction to start from
 *
 * Sets what the controls show for the weights selected from now on (the
 * preferences' defaults); the weight shown keeps its look.
 */
void
graft_heatmap_panel_set_defaults (GraftHeatmapPanel       *self,
                                  const GraftHeatmapStyle *style)
{
  g_return_if_fail (GRAFT_IS_HEATMAP_PANEL (self));
  g_return_if_fail (style != NULL);

  self->defaults = *style;
  self->defaults_pending = TRUE;
}

/**
 * graft_heatmap_panel_get_plot:
 *
 * Returns: (transfer none): the plot of a vector
 */
GraftLinePlot *
graft_heatmap_panel_get_plot (GraftHeatmapPanel *self)
{
  g_return_val_if_fail (GRAFT_IS_HEATMAP_PANEL (self), NULL);
  return self->plot;
}

/**
 * graft_heatmap_panel_get_table:
 *
 * Returns: (transfer none): the table of exact values
 */
GraftValueTable *
graft_heatmap_panel_get_table (GraftHeatmapPanel *self)
{
  g_return_val_if_fail (GRAFT_IS_HEATMAP_PANEL (self), NULL);
  return self->table;
}

/**
 * graft_heatmap_panel_set_mode:
 * @mode: "view" (the heatmap), "plot" or "table"
 */
void
graft_heatmap_panel_set_mode (GraftHeatmapPanel *self,
                              const char        *mode)
{
  g_return_if_fail (GRAFT_IS_HEATMAP_PANEL (self));

  gtk_toggle_button_set_active (g_str_equal (mode, "plot") ? self->plot_button :
                                g_str_equal (mode, "table") ? self->table_button :
                                self->map_button, TRUE);
}

/**
 * graft_heatmap_panel_get_page:
 *
 * Returns: the page shown: "empty", "view" (the heatmap, with a vector's
 *   plot below it in the Plot mode), "plot", "table" or "identical"
 */
const char *
graft_heatmap_panel_get_page (GraftHeatmapPanel *self)
{
  g_return_val_if_fail (GRAFT_IS_HEATMAP_PANEL (self), NULL);
  if (gtk_widget_get_visible (self->plot_box) &&
      g_str_equal (gtk_stack_get_visible_child_name (self->stack), "view"))
    return "plot";
  return gtk_stack_get_visible_child_name (self->stack);
}
