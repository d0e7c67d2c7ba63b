/* graft-heatmap-panel-views.c: the panel's vector plot and value table, recurrent gates, and its debug line
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-heatmap-panel"

#include "config.h"

#include "graft-heatmap-panel-private.h"

#include <glib/gi18n.h>
#include <string.h>

#include "graft-numbers.h"

void
graft_heatmap_panel_update_table (GraftHeatmapPanel *self)
{
  GraftTensor *tensor = graft_heatmap_view_get_tensor (self->view);
  gsize index[GRAFT_MAX_RANK] = { 0 };
  guint row_axis = 0, col_axis = 1;
  guint rank = tensor ? graft_tensor_get_rank (tensor) : 0;

  if (tensor != NULL && rank >= 2)
    {
      if (graft_heatmap_view_get_grid (self->view))
        {
          row_axis = rank - 2;
          col_axis = rank - 1;
        }
      else
        graft_heatmap_view_get_slice (self->view, &row_axis, &col_axis, index);
    }
  graft_value_table_set_slice (self->table, tensor, row_axis, col_axis, index);
}

void
graft_heatmap_panel_update_plot (GraftHeatmapPanel *self)
{
  GraftTensor *tensor = graft_heatmap_view_get_tensor (self->view);
  g_autoptr(GError) error = NULL;
  GtkWidget *child;
  guint n;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->numbers_box))) != NULL)
    gtk_flow_box_remove (self->numbers_box, child);
  if (tensor == NULL || graft_tensor_get_rank (tensor) > 1)
    {
      graft_line_plot_set_tensor (self->plot, NULL, NULL);
      return;
    }
  if (!graft_line_plot_set_tensor (self->plot, tensor, &error))
    {
      gtk_label_set_text (self->status_label, error->message);
      return;
    }
  n = graft_line_plot_get_n_values (self->plot);
  gtk_widget_set_visible (GTK_WIDGET (self->numbers_box), n <= NUMBERS_MAX);
  if (n > NUMBERS_MAX)
    return;
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *value = graft_numbers_value (graft_line_plot_get_values (self->plot)[i]);
      g_autofree char *text = g_strdup_printf ("[%u]  %s", i, value);

      child = gtk_label_new (text);
      gtk_label_set_xalign (GTK_LABEL (child), 0);
      gtk_label_set_selectable (GTK_LABEL (child), TRUE);
      gtk_widget_add_css_class (child, "numeric");
      gtk_flow_box_append (self->numbers_box, child);
    }
}

static void
graft_heatmap_panel_debug_widget (GString    *line,
                                  const char *name,
                                  GtkWidget  *widget)
{
  graphene_rect_t bounds;

  if (gtk_widget_compute_bounds (widget, GTK_WIDGET (gtk_widget_get_root (widget)), &bounds))
    g_string_append_printf (line, " %s=%d,%d,%d,%d", name, (int) bounds.origin.x,
                            (int) bounds.origin.y, (int) bounds.size.width,
                            (int) bounds.size.height);
}

/* With GRAFT_DEBUG_HEATMAP set, every new frame prints what the view
 * shows and where the controls are in the window, for the UI tests. */
void
graft_heatmap_panel_debug_cb (GraftHeatmapPanel *self)
{
  const GraftViewport *vp = graft_heatmap_view_get_viewport (self->view);
  g_autoptr(GString) line = g_string_new ("heatmap-debug:");

  if (!self->debug)
    return;
  g_string_append_printf (line, " extent=%g,%g of=%" G_GSIZE_FORMAT ",%" G_GSIZE_FORMAT,
                          vp->extent_rows, vp->extent_cols, vp->n_rows, vp->n_cols);
  if (graft_heatmap_view_get_frame (self->view) != NULL)
    {
      const GraftColorbar *bar = graft_heatmap_frame_get_colorbar (graft_heatmap_view_get_frame (self->view));

      g_string_append_printf (line, " limits=%g,%g", bar->vmin, bar->vmax);
    }
  graft_heatmap_panel_debug_widget (line, "zoom-in", self->zoom_in_button);
  graft_heatmap_panel_debug_widget (line, "zoom-out", self->zoom_out_button);
  graft_heatmap_panel_debug_widget (line, "zoom-fit", self->zoom_fit_button);
  graft_heatmap_panel_debug_widget (line, "view", GTK_WIDGET (self->view));
  graft_heatmap_panel_debug_widget (line, "controls", self->controls_box);
  graft_heatmap_panel_debug_widget (line, "panel", GTK_WIDGET (self));
  g_printerr ("%s\n", line->str);
}

/* A recurrent layer's kernels hold its gates side by side: Keras's LSTM
 * i, f, c, o and GRU z, r, h, each a block of the units' columns. */
void
graft_heatmap_panel_set_gates (GraftHeatmapPanel *self,
                               GraftWeight       *weight,
                               gboolean           channels_first)
{
  static const char * const lstm[] = { "i", "f", "c", "o", NULL };
  static const char * const gru[] = { "z", "r", "h", NULL };
  GraftLayer *layer = graft_weight_get_layer (weight);
  GraftTensor *tensor = graft_weight_get_values (weight);
  const char *klass = layer ? graft_layer_get_class_name (layer) : NULL;
  const char *name = graft_weight_get_name (weight);
  const char * const *gates = NULL;
  gsize cols;

  if (klass == NULL || channels_first || graft_tensor_get_rank (tensor) != 2 ||
      (!g_str_equal (name, "kernel") && !g_str_equal (name, "recurrent_kernel")))
    return;
  cols = graft_tensor_get_dim (tensor, 1);
  if (strstr (klass, "LSTM") != NULL && cols % 4 == 0)
    gates = lstm;
  else if (strstr (klass, "GRU") != NULL && cols % 3 == 0)
    gates = gru;
  graft_heatmap_view_set_gates (self->view, gates);
}
