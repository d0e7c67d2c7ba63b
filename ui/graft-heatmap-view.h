/* graft-heatmap-view.h: a tensor as a heatmap, drawn at 1:1 device pixels
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "graft.h"
#include "graft-heatmap.h"
#include "graft-heatmap-mosaic.h"
#include "graft-viewport.h"

G_BEGIN_DECLS

#define GRAFT_TYPE_HEATMAP_VIEW (graft_heatmap_view_get_type ())

G_DECLARE_FINAL_TYPE (GraftHeatmapView, graft_heatmap_view, GRAFT, HEATMAP_VIEW, GtkWidget)

GtkWidget               *graft_heatmap_view_new          (void);
void                     graft_heatmap_view_set_channels_first (GraftHeatmapView *self,
                                                                gboolean          channels_first);
void                     graft_heatmap_view_set_tensor   (GraftHeatmapView        *self,
                                                          GraftTensor             *tensor);
GraftTensor             *graft_heatmap_view_get_tensor   (GraftHeatmapView        *self);
void                     graft_heatmap_view_set_style    (GraftHeatmapView        *self,
                                                          const GraftHeatmapStyle *style);
const GraftHeatmapStyle *graft_heatmap_view_get_style    (GraftHeatmapView        *self);
gboolean                 graft_heatmap_view_can_grid     (GraftHeatmapView        *self);
void                     graft_heatmap_view_set_grid     (GraftHeatmapView        *self,
                                                          gboolean                 grid);
gboolean                 graft_heatmap_view_get_grid     (GraftHeatmapView        *self);
void                     graft_heatmap_view_set_slice    (GraftHeatmapView        *self,
                                                          guint                    row_axis,
                                                          guint                    col_axis,
                                                          const gsize             *index);
void                     graft_heatmap_view_zoom         (GraftHeatmapView        *self,
                                                          double                   factor);
void                     graft_heatmap_view_zoom_fit     (GraftHeatmapView        *self);
const GraftHeatmapFrame *graft_heatmap_view_get_frame    (GraftHeatmapView        *self);
GdkTexture              *graft_heatmap_view_get_texture  (GraftHeatmapView        *self);
gboolean                 graft_heatmap_view_get_image_origin (GraftHeatmapView    *self,
                                                          double                  *x,
                                                          double                  *y);
const char              *graft_heatmap_view_get_status   (GraftHeatmapView        *self);
gboolean                 graft_heatmap_view_get_busy     (GraftHeatmapView        *self);
gboolean                 graft_heatmap_view_save_png     (GraftHeatmapView        *self,
                                                          const char              *path,
                                                          GError                 **error);
void                     graft_heatmap_view_get_slice    (GraftHeatmapView        *self,
                                                          guint                   *row_axis,
                                                          guint                   *col_axis,
                                                          gsize                   *index);
void                     graft_heatmap_view_set_gates    (GraftHeatmapView        *self,
                                                          const char *const       *labels);
gboolean                 graft_heatmap_view_can_rgb      (GraftHeatmapView        *self);
void                     graft_heatmap_view_set_rgb      (GraftHeatmapView        *self,
                                                          gboolean                 rgb);
gboolean                 graft_heatmap_view_get_rgb      (GraftHeatmapView        *self);
const GraftHeatmapMosaic *graft_heatmap_view_get_mosaic  (GraftHeatmapView        *self);
const GraftViewport     *graft_heatmap_view_get_viewport (GraftHeatmapView        *self);
const graphene_rect_t   *graft_heatmap_view_get_bar_labels (GraftHeatmapView      *self,
                                                          guint                   *n);

G_END_DECLS
