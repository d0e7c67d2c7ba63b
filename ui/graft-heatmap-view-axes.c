/* graft-heatmap-view-axes.c: indices along the heatmap's edges, a kernel mosaic's tiles, gate boundaries and the colour bar
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-heatmap-view"

#include "config.h"

#include "graft-heatmap-view-private.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

/* Least room between two index labels, in logical pixels. */
#define TICK_GAP_COLS 16
#define TICK_GAP_ROWS 10

static void
graft_heatmap_view_fg (GraftHeatmapView *self,
                       GdkRGBA          *fg,
                       double            alpha)
{
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (self)), fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  fg->alpha *= alpha;
}

/* Where the frame's texture was drawn, in the widget's coordinates. */
void
graft_heatmap_view_image_rect (GraftHeatmapView *self,
                               graphene_rect_t  *rect)
{
  int scale = gtk_widget_get_scale_factor (GTK_WIDGET (self));

  graphene_rect_init (rect, self->image_x, self->image_y,
                      self->texture ? gdk_texture_get_width (self->texture) / (double) scale : 0,
                      self->texture ? gdk_texture_get_height (self->texture) / (double) scale : 0);
}

/* The smallest step of 1, 2 or 5 × 10^k elements that is at least @min. */
static gsize
graft_heatmap_view_nice_step (double min)
{
  gsize p = 1;

  for (;;)
    {
      if ((double) p >= min)
        return p;
      if ((double) (2 * p) >= min)
        return 2 * p;
      if ((double) (5 * p) >= min)
        return 5 * p;
      if (p > G_MAXSIZE / 100)
        return p;
      p *= 10;
    }
}

static PangoLayout *
graft_heatmap_view_small_layout (GraftHeatmapView *self,
                                 const char       *text)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
  PangoAttrList *attrs = pango_attr_list_new ();

  pango_attr_list_insert (attrs, pango_attr_scale_new (0.8));
  pango_attr_list_insert (attrs, pango_attr_font_features_new ("tnum"));
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);
  return layout;
}

static void
graft_heatmap_view_draw_text (GtkSnapshot   *snapshot,
                              PangoLayout   *layout,
                              double         x,
                              double         y,
                              const GdkRGBA *color)
{
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (round (x), round (y)));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

/* Indices along one edge: a step wide enough for the widest label, on
 * the centres of the elements. */
static void
graft_heatmap_view_ticks (GraftHeatmapView      *self,
                          GtkSnapshot           *snapshot,
                          const graphene_rect_t *img,
                          gsize                  first,
                          gsize                  end,
                          gboolean               columns,
                          const GdkRGBA         *fg)
{
  double length = columns ? img->size.width : img->size.height;
  double per_px = (end - first) / MAX (length, 1.0);
  g_autofree char *widest = g_strdup_printf ("%" G_GSIZE_FORMAT, end - 1);
  g_autoptr(PangoLayout) probe = graft_heatmap_view_small_layout (self, widest);
  int lw, lh;
  gsize step, t;

  pango_layout_get_pixel_size (probe, &lw, &lh);
  step = graft_heatmap_view_nice_step (((columns ? lw + TICK_GAP_COLS : lh + TICK_GAP_ROWS)) *
                                       per_px);
  for (t = (first + step - 1) / step * step; t < end; t += step)
    {
      g_autofree char *text = g_strdup_printf ("%" G_GSIZE_FORMAT, t);
      g_autoptr(PangoLayout) layout = graft_heatmap_view_small_layout (self, text);
      double pos = (t + 0.5 - first) / per_px;
      int w, h;

      pango_layout_get_pixel_size (layout, &w, &h);
      if (columns)
        {
          double x = img->origin.x + pos;

          gtk_snapshot_append_color (snapshot, fg,
                                     &GRAPHENE_RECT_INIT (floor (x), img->origin.y - 3, 1, 3));
          graft_heatmap_view_draw_text (snapshot, layout,
                                        CLAMP (x - w / 2.0, img->origin.x - AXIS_LEFT / 2.0,
                                               img->origin.x + img->size.width - w / 2.0),
                                        img->origin.y - 3 - h, fg);
        }
      else
        {
          double y = img->origin.y + pos;

          gtk_snapshot_append_color (snapshot, fg,
                                     &GRAPHENE_RECT_INIT (img->origin.x - 3, floor (y), 3, 1));
          graft_heatmap_view_draw_text (snapshot, layout, img->origin.x - 5 - w, y - h / 2.0, fg);
        }
    }
}

/* Lines between a mosaic's filters (and, when there is room, between a
 * filter's channels), and each filter's index in its corner. */
static void
graft_heatmap_view_mosaic_lines (GraftHeatmapView        *self,
                                 GtkSnapshot             *snapshot,
                                 const graphene_rect_t   *img,
                                 const GraftHeatmapWindow *w,
                                 const GdkRGBA           *fg)
{
  const GraftHeatmapMosaic *m = &self->mosaic;
  double sx = img->size.width / (w->col_end - w->col_start);
  double sy = img->size.height / (w->row_end - w->row_start);
  GdkRGBA line = *fg, faint = *fg, backdrop;

  line.alpha *= 0.55;
  faint.alpha *= 0.2;
  graft_heatmap_view_fg (self, &backdrop, 1);
  /* The label backdrop: the opposite of the text colour. */
  backdrop.red = backdrop.green = backdrop.blue = backdrop.red + backdrop.green + backdrop.blue > 1.5 ? 0 : 1;
  backdrop.alpha = 0.6;

  if (m->kh * sy >= 10 && m->kw * sx >= 10 && m->n_channels > 1)
    {
      for (gsize r = (w->row_start + m->kh - 1) / m->kh * m->kh; r < w->row_end; r += m->kh)
        if (r % m->tile_rows != 0)
          gtk_snapshot_append_color (snapshot, &faint,
                                     &GRAPHENE_RECT_INIT (img->origin.x,
                                                          floor (img->origin.y + (r - w->row_start) * sy),
                                                          img->size.width, 1));
      for (gsize c = (w->col_start + m->kw - 1) / m->kw * m->kw; c < w->col_end; c += m->kw)
        if (c % m->tile_cols != 0)
          gtk_snapshot_append_color (snapshot, &faint,
                                     &GRAPHENE_RECT_INIT (floor (img->origin.x + (c - w->col_start) * sx),
                                                          img->origin.y, 1, img->size.height));
    }
  if (m->tile_rows * sy >= 4 && m->tile_cols * sx >= 4)
    {
      for (gsize r = (w->row_start / m->tile_rows + 1) * m->tile_rows; r < w->row_end; r += m->tile_rows)
        gtk_snapshot_append_color (snapshot, &line,
                                   &GRAPHENE_RECT_INIT (img->origin.x,
                                                        floor (img->origin.y + (r - w->row_start) * sy),
                                                        img->size.width, 1));
      for (gsize c = (w->col_start / m->tile_cols + 1) * m->tile_cols; c < w->col_end; c += m->tile_cols)
        gtk_snapshot_append_color (snapshot, &line,
                                   &GRAPHENE_RECT_INIT (floor (img->origin.x + (c - w->col_start) * sx),
                                                        img->origin.y, 1, img->size.height));
    }
  if (m->tile_cols * sx < 24 || m->tile_rows * sy < 14)
    return;
  for (gsize gy = w->row_start / m->tile_rows; gy * m->tile_rows < w->row_end; gy++)
    for (gsize gx = w->col_start / m->tile_cols; gx * m->tile_cols < w->col_end; gx++)
      {
        gsize f = gy * m->grid_cols + gx;
        double x = img->origin.x + ((double) gx * m->tile_cols - w->col_start) * sx;
        double y = img->origin.y + ((double) gy * m->tile_rows - w->row_start) * sy;
        g_autofree char *text = NULL;
        g_autoptr(PangoLayout) layout = NULL;
        int lw, lh;

        if (f >= m->n_filters || x < img->origin.x - 1 || y < img->origin.y - 1)
          continue;
        text = g_strdup_printf ("%" G_GSIZE_FORMAT, f);
        layout = graft_heatmap_view_small_layout (self, text);
        pango_layout_get_pixel_size (layout, &lw, &lh);
        gtk_snapshot_append_color (snapshot, &backdrop,
                                   &GRAPHENE_RECT_INIT (round (x) + 1, round (y) + 1, lw + 4, lh));
        graft_heatmap_view_draw_text (snapshot, layout, x + 3, y + 1, fg);
      }
}

/* A recurrent kernel's gates: equal blocks of columns, labelled. */
static void
graft_heatmap_view_gate_lines (GraftHeatmapView         *self,
                               GtkSnapshot              *snapshot,
                               const graphene_rect_t    *img,
                               const GraftHeatmapWindow *w,
                               const GdkRGBA            *fg)
{
  guint n = g_strv_length (self->gates);
  gsize n_cols = graft_heatmap_get_n_cols (self->engine->heatmap);
  double sx = img->size.width / (w->col_end - w->col_start);
  GdkRGBA backdrop = { 0, 0, 0, 0.6 }, white = { 1, 1, 1, 1 }, dark = { 0, 0, 0, 1 };

  if (n < 2 || n_cols % n != 0)
    return;
  for (guint k = 0; k < n; k++)
    {
      gsize c0 = k * (n_cols / n), c1 = c0 + n_cols / n;
      double x0, x1;
      g_autoptr(PangoLayout) layout = NULL;
      int lw, lh;

      if (c1 <= w->col_start || c0 >= w->col_end)
        continue;
      x0 = img->origin.x + ((double) MAX (c0, w->col_start) - w->col_start) * sx;
      x1 = img->origin.x + ((double) MIN (c1, w->col_end) - w->col_start) * sx;
      /* Dark in a light casing, to show on any colour of the map. */
      if (k > 0 && c0 > w->col_start)
        {
          gtk_snapshot_append_color (snapshot, &white,
                                     &GRAPHENE_RECT_INIT (floor (x0) - 2, img->origin.y, 4,
                                                          img->size.height));
          gtk_snapshot_append_color (snapshot, &dark,
                                     &GRAPHENE_RECT_INIT (floor (x0) - 1, img->origin.y, 2,
                                                          img->size.height));
        }
      layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), self->gates[k]);
      pango_layout_get_pixel_size (layout, &lw, &lh);
      if (x1 - x0 < lw + 8)
        continue;
      gtk_snapshot_append_color (snapshot, &backdrop,
                                 &GRAPHENE_RECT_INIT (round ((x0 + x1 - lw) / 2) - 4,
                                                      img->origin.y + 4, lw + 8, lh + 2));
      graft_heatmap_view_draw_text (snapshot, layout, (x0 + x1 - lw) / 2, img->origin.y + 5,
                                    &white);
    }
}

void
graft_heatmap_view_snapshot_axes (GraftHeatmapView *self,
                                  GtkSnapshot      *snapshot)
{
  graphene_rect_t img;
  GraftHeatmapWindow w;
  GdkRGBA fg;

  if (self->frame == NULL || graft_heatmap_frame_get_layout (self->frame) != GRAFT_HEATMAP_MATRIX)
    return;
  graft_heatmap_view_image_rect (self, &img);
  graft_heatmap_frame_get_window (self->frame, &w);
  if (w.row_end <= w.row_start || w.col_end <= w.col_start)
    return;
  graft_heatmap_view_fg (self, &fg, 0.8);
  if (self->mosaic_active)
    {
      graft_heatmap_view_mosaic_lines (self, snapshot, &img, &w, &fg);
      return;
    }
  graft_heatmap_view_ticks (self, snapshot, &img, w.col_start, w.col_end, TRUE, &fg);
  graft_heatmap_view_ticks (self, snapshot, &img, w.row_start, w.row_end, FALSE, &fg);
  if (self->gates != NULL)
    graft_heatmap_view_gate_lines (self, snapshot, &img, &w, &fg);
}

/* The colour bar, its limits always labelled and the ticks between them
 * only where their labels do not overlap a label already drawn. */
void
graft_heatmap_view_snapshot_bar (GraftHeatmapView *self,
                                 GtkSnapshot      *snapshot)
{
  const GraftColorbar *bar = graft_heatmap_frame_get_colorbar (self->frame);
  int scale = gtk_widget_get_scale_factor (GTK_WIDGET (self));
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  double bar_x = width - BAR_SPACE + BAR_MARGIN;
  double bar_h = gdk_texture_get_height (self->bar_texture) / (double) scale;
  GdkRGBA fg;

  graft_heatmap_view_fg (self, &fg, 1);
  gtk_snapshot_append_texture (snapshot, self->bar_texture,
                               &GRAPHENE_RECT_INIT (bar_x, BAR_MARGIN, BAR_WIDTH, bar_h));

  /* Two passes: the ends (first and last tick) first, then the rest. */
  for (guint pass = 0; pass < 2; pass++)
    for (guint i = 0; i < bar->n_ticks; i++)
      {
        const GraftColorbarTick *tick = &bar->ticks[i];
        gboolean end = i == 0 || i + 1 == bar->n_ticks;
        double y = BAR_MARGIN + (1.0 - tick->position) * bar_h;
        g_autoptr(PangoLayout) layout = NULL;
        graphene_rect_t rect;
        gboolean overlaps = FALSE;
        int lw, lh;

        if (end != (pass == 0))
          continue;
        layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), tick->label);
        pango_layout_get_pixel_size (layout, &lw, &lh);
        graphene_rect_init (&rect, bar_x + BAR_WIDTH + 6,
                            CLAMP (round (y - lh / 2.0), 0, BAR_MARGIN * 2 + bar_h - lh), lw, lh);
        for (guint j = 0; j < self->bar_labels->len && !overlaps; j++)
          {
            const graphene_rect_t *o = &g_array_index (self->bar_labels, graphene_rect_t, j);

            overlaps = rect.origin.y < o->origin.y + o->size.height + 1 &&
                       o->origin.y < rect.origin.y + rect.size.height + 1;
          }
        if (overlaps)
          continue;
        g_array_append_val (self->bar_labels, rect);
        gtk_snapshot_append_color (snapshot, &fg,
                                   &GRAPHENE_RECT_INIT (bar_x + BAR_WIDTH, round (y), 4, 1));
        graft_heatmap_view_draw_text (snapshot, layout, rect.origin.x, rect.origin.y, &fg);
      }
}

/* A mosaic frame as a texture, its unused places transparent. */
GdkTexture *
graft_heatmap_view_mosaic_texture (GraftHeatmapView        *self,
                                   const GraftHeatmapFrame *frame)
{
  guint fw = graft_heatmap_frame_get_width (frame), fh = graft_heatmap_frame_get_height (frame);
  g_autofree guint8 *rgba = g_memdup2 (graft_heatmap_frame_get_rgba (frame), (gsize) fw * fh * 4);
  g_autofree gsize *rows = g_new (gsize, fh);
  g_autofree gsize *cols = g_new (gsize, fw);
  GraftHeatmapWindow w;
  double row, col;

  graft_heatmap_frame_get_window (frame, &w);
  for (guint y = 0; y < fh; y++)
    {
      graft_viewport_pixel_element (&w, fw, fh, 0, y, &row, &col);
      rows[y] = (gsize) row;
    }
  for (guint x = 0; x < fw; x++)
    {
      graft_viewport_pixel_element (&w, fw, fh, x, 0, &row, &col);
      cols[x] = (gsize) col;
    }
  for (guint y = 0; y < fh; y++)
    for (guint x = 0; x < fw; x++)
      {
        guint f, c, ky, kx;

        if (!graft_heatmap_mosaic_locate (&self->mosaic, rows[y], cols[x], &f, &c, &ky, &kx))
          memset (rgba + ((gsize) y * fw + x) * 4, 0, 4);
      }
  return graft_heatmap_view_make_texture (fw, fh, rgba);
}
