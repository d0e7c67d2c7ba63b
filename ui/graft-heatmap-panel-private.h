/* graft-heatmap-panel-private.h: what the files of GraftHeatmapPanel share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "graft-heatmap-panel.h"

G_BEGIN_DECLS

/* Up to this many values, a vector's plot lists them as numbers too. */
#define NUMBERS_MAX 32

/* The limits menu's rows. */
enum {
  LIMITS_WHOLE,
  LIMITS_VISIBLE,
  LIMITS_ROBUST,
  LIMITS_CUSTOM,
};


struct _GraftHeatmapPanel
{
  GtkWidget         parent_instance;

  GraftTensor      *stored;       /* a quantized weight's integers, or NULL */
  char             *quantization; /* how they are stored */

  /* Template widgets */
  GtkLabel         *title_label;
  GtkLabel         *subtitle_label;
  GtkToggleButton  *delta_button;
  GtkToggleButton  *stored_button;
  GtkWidget        *zoom_box;
  GtkWidget        *controls_box;
  GtkToggleButton  *map_button;
  GtkToggleButton  *plot_button;
  GtkToggleButton  *table_button;
  GtkMenuButton    *colormap_button;
  GtkPicture       *colormap_swatch;
  GtkBox           *colormap_list;
  GtkCheckButton   *reverse_check;
  GtkMenuButton    *options_button;
  GtkWidget        *custom_box;
  GtkDropDown      *scale_dropdown;
  GtkDropDown      *limits_dropdown;
  GtkSpinButton    *min_spin;
  GtkSpinButton    *max_spin;
  GtkDropDown      *reduce_dropdown;
  GtkToggleButton  *grid_button;
  GtkCheckButton   *per_filter_button;
  GtkCheckButton   *rgb_button;
  GtkWidget        *zoom_in_button;
  GtkWidget        *zoom_out_button;
  GtkWidget        *zoom_fit_button;
  GtkWidget        *plot_box;
  GraftLinePlot    *plot;
  GtkFlowBox       *numbers_box;
  GraftValueTable  *table;
  GtkWidget        *axes_box;
  GtkDropDown      *row_axis_dropdown;
  GtkDropDown      *col_axis_dropdown;
  GtkBox           *index_box;
  GtkStack         *stack;
  GtkLabel         *empty_label;
  GraftHeatmapView *view;
  GtkLabel         *status_label;

  /* Owned */
  GraftTensor      *tensor;
  GraftTensor      *reference;
  GraftTensor      *delta;
  GCancellable     *delta_cancellable;
  GPtrArray        *index_spins;  /* one GtkSpinButton (borrowed) per axis, NULL for shown ones */
  GPtrArray        *colormap_buttons;  /* the colormap menu's toggles, by GraftColormapKind */
  GraftHeatmapStyle defaults;          /* applied to the next weight when pending */

  guint             updating : 1;
  guint             defaults_pending : 1;
  guint             delta_identical : 1;
  guint             debug : 1;
};

/* graft-heatmap-panel-views.c: the vector plot, the table, gates and the debug line */
void graft_heatmap_panel_update_table (GraftHeatmapPanel *self);
void graft_heatmap_panel_update_plot  (GraftHeatmapPanel *self);
void graft_heatmap_panel_debug_cb     (GraftHeatmapPanel *self);
void graft_heatmap_panel_set_gates    (GraftHeatmapPanel *self,
                                       GraftWeight       *weight,
                                       gboolean           channels_first);

G_END_DECLS
