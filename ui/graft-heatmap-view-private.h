/* graft-heatmap-view-private.h: what the files of GraftHeatmapView share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "graft-heatmap-view.h"
#include "graft-heatmap-mosaic.h"

G_BEGIN_DECLS

/* Room at the right for the colour bar and its labels, in logical pixels. */
#define BAR_SPACE   84
#define BAR_WIDTH   14
#define BAR_MARGIN  12
#define IMAGE_PAD   8
/* Room at the left and top for the row and column indices. */
#define AXIS_LEFT   40
#define AXIS_TOP    16

/* The core heatmap is not safe to use from two threads at once, and a
 * render may still run when the tensor changes; the view and the render
 * task both hold this box, and the last one frees the heatmap. */
typedef struct
{
  GraftHeatmap *heatmap;
} GraftHeatmapViewEngine;

struct _GraftHeatmapView
{
  GtkWidget               parent_instance;

  /* Owned */
  GraftHeatmapViewEngine *engine;
  GraftTensor            *tensor;          /* what is shown: the kernel when the engine has its mosaic */
  GraftHeatmapMosaic      mosaic;
  GdkTexture             *rgb_texture;     /* a 3-channel kernel's filters as colour pictures */
  char                  **gates;           /* labels of a recurrent kernel's column blocks */
  GArray                 *bar_labels;      /* graphene_rect_t of the colour bar labels drawn */
  gboolean                channels_first;  /* kernels in PyTorch's (out, in, …) layout */
  GraftHeatmapFrame      *frame;
  GdkTexture             *texture;
  GdkTexture             *bar_texture;
  GCancellable           *cancellable;
  char                   *status;
  GraftHeatmapStyle       style;

  /* What to show: the slice and the zoom window, in elements. */
  guint                   row_axis;
  guint                   col_axis;
  gsize                   index[GRAFT_MAX_RANK];
  GraftViewport           viewport;

  /* Where the frame lands, in logical pixels. */
  double                  image_x;
  double                  image_y;
  double                  drag_center_row;
  double                  drag_center_col;
  double                  zoom_gesture_last;
  double                  pointer_x;
  double                  pointer_y;
  int                     last_width;
  int                     last_height;

  guint                   pointer_inside : 1;
  guint                   in_flight : 1;
  guint                   dirty : 1;
  guint                   grid : 1;
  guint                   slice_changed : 1;
  guint                   mosaic_active : 1;
  guint                   rgb : 1;
};

/* graft-heatmap-view.c */
void     graft_heatmap_view_engine_unref      (GraftHeatmapViewEngine *engine);
void     graft_heatmap_view_set_status        (GraftHeatmapView       *self,
                                               const char             *status);
gboolean graft_heatmap_view_uses_grid         (GraftHeatmapView       *self);
void     graft_heatmap_view_get_window        (GraftHeatmapView       *self,
                                               GraftHeatmapWindow     *window);
void     graft_heatmap_view_area              (GraftHeatmapView       *self,
                                               int                    *width,
                                               int                    *height);
double   graft_heatmap_view_value_at          (GraftHeatmapView       *self,
                                               const gsize            *index);
void     graft_heatmap_view_notify_busy       (GraftHeatmapView       *self);
void     graft_heatmap_view_emit_rendered     (GraftHeatmapView       *self);
void     graft_heatmap_view_emit_filter_activated (GraftHeatmapView   *self,
                                               guint                   filter);

/* graft-heatmap-view-render.c: frames rendered in a thread, and drawing */
GdkTexture *graft_heatmap_view_make_texture   (guint                   width,
                                               guint                   height,
                                               const guint8           *rgba);
void     graft_heatmap_view_invalidate        (GraftHeatmapView       *self);
void     graft_heatmap_view_snapshot          (GtkWidget              *widget,
                                               GtkSnapshot            *snapshot);
void     graft_heatmap_view_size_allocate     (GtkWidget              *widget,
                                               int                     width,
                                               int                     height,
                                               int                     baseline);
void     graft_heatmap_view_measure           (GtkWidget              *widget,
                                               GtkOrientation          orientation,
                                               int                     for_size,
                                               int                    *minimum,
                                               int                    *natural,
                                               int                    *minimum_baseline,
                                               int                    *natural_baseline);

/* graft-heatmap-view-axes.c: indices along the edges, tile and gate lines, the colour bar */
void     graft_heatmap_view_image_rect        (GraftHeatmapView       *self,
                                               graphene_rect_t        *rect);
void     graft_heatmap_view_snapshot_axes     (GraftHeatmapView       *self,
                                               GtkSnapshot            *snapshot);
void     graft_heatmap_view_snapshot_bar      (GraftHeatmapView       *self,
                                               GtkSnapshot            *snapshot);
GdkTexture *graft_heatmap_view_mosaic_texture (GraftHeatmapView       *self,
                                               const GraftHeatmapFrame *frame);

/* graft-heatmap-view-input.c: pointer, keys, gestures */
void     graft_heatmap_view_input_class_init  (GtkWidgetClass         *widget_class);
void     graft_heatmap_view_input_init        (GraftHeatmapView       *self);
void     graft_heatmap_view_zoom_at           (GraftHeatmapView       *self,
                                               double                  factor,
                                               double                  x,
                                               double                  y);
void     graft_heatmap_view_pan               (GraftHeatmapView       *self,
                                               double                  drow,
                                               double                  dcol);

G_END_DECLS
