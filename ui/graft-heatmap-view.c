/* graft-heatmap-view.c: a tensor as a heatmap, drawn at 1:1 device pixels
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-heatmap-view"

#include "config.h"

#include "graft-heatmap-view-private.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "graft-numbers.h"

G_DEFINE_FINAL_TYPE (GraftHeatmapView, graft_heatmap_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STATUS,
  PROP_BUSY,
  N_PROPS
};

enum {
  SIGNAL_RENDERED,
  SIGNAL_FILTER_ACTIVATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
graft_heatmap_view_engine_clear (gpointer data)
{
  GraftHeatmapViewEngine *engine = data;

  g_clear_pointer (&engine->heatmap, graft_heatmap_free);
}

void
graft_heatmap_view_engine_unref (GraftHeatmapViewEngine *engine)
{
  g_atomic_rc_box_release_full (engine, graft_heatmap_view_engine_clear);
}

void
graft_heatmap_view_set_status (GraftHeatmapView *self,
                               const char       *status)
{
  if (g_strcmp0 (self->status, status) == 0)
    return;
  g_free (self->status);
  self->status = g_strdup (status);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
}

gboolean
graft_heatmap_view_uses_grid (GraftHeatmapView *self)
{
  GraftTensor *tensor;

  if (self->engine == NULL || !graft_heatmap_can_grid (self->engine->heatmap))
    return FALSE;
  tensor = graft_heatmap_get_tensor (self->engine->heatmap);
  /* A vector always reads best as a strip of cells; a kernel's grid is a
   * mosaic, a matrix like any other. */
  return graft_tensor_get_rank (tensor) <= 1;
}

/* One value of the tensor shown, read exactly: that element alone (the
 * pointer moves on the main thread; a compressed tensor of 40 MB must not
 * be read, nor kept, to say one number). */
double
graft_heatmap_view_value_at (GraftHeatmapView *self,
                             const gsize      *index)
{
  GraftDType dtype = graft_tensor_get_dtype (self->tensor);
  gsize count[GRAFT_MAX_RANK];
  guint8 raw[16];
  double v = NAN;

  for (guint i = 0; i < graft_tensor_get_rank (self->tensor); i++)
    count[i] = 1;
  g_assert (graft_dtype_get_size (dtype) <= sizeof raw);
  if (!graft_tensor_read_block (self->tensor, index, count, raw, NULL))
    return NAN;
  graft_dtype_to_double (dtype, raw, &v, 1);
  return v;
}

void
graft_heatmap_view_notify_busy (GraftHeatmapView *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

void
graft_heatmap_view_emit_rendered (GraftHeatmapView *self)
{
  g_signal_emit (self, signals[SIGNAL_RENDERED], 0);
}

void
graft_heatmap_view_emit_filter_activated (GraftHeatmapView *self,
                                          guint             filter)
{
  g_signal_emit (self, signals[SIGNAL_FILTER_ACTIVATED], 0, filter);
}

/* The zoom window in whole elements, inside the slice. */
void
graft_heatmap_view_get_window (GraftHeatmapView   *self,
                               GraftHeatmapWindow *window)
{
  graft_viewport_get_window (&self->viewport, window);
}

void
graft_heatmap_view_area (GraftHeatmapView *self,
                         int              *width,
                         int              *height)
{
  int scale = gtk_widget_get_scale_factor (GTK_WIDGET (self));

  *width = MAX (0, gtk_widget_get_width (GTK_WIDGET (self)) - BAR_SPACE - AXIS_LEFT -
                    2 * IMAGE_PAD) * scale;
  *height = MAX (0, gtk_widget_get_height (GTK_WIDGET (self)) - AXIS_TOP - 2 * IMAGE_PAD) * scale;
}

static void
graft_heatmap_view_dispose (GObject *object)
{
  GraftHeatmapView *self = (GraftHeatmapView *) object;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->frame, graft_heatmap_frame_free);
  g_clear_object (&self->texture);
  g_clear_object (&self->bar_texture);
  g_clear_object (&self->rgb_texture);
  g_clear_pointer (&self->engine, graft_heatmap_view_engine_unref);
  g_clear_pointer (&self->tensor, graft_tensor_unref);
  g_clear_pointer (&self->gates, g_strfreev);
  g_clear_pointer (&self->bar_labels, g_array_unref);
  g_clear_pointer (&self->status, g_free);

  G_OBJECT_CLASS (graft_heatmap_view_parent_class)->dispose (object);
}

static void
graft_heatmap_view_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  GraftHeatmapView *self = GRAFT_HEATMAP_VIEW (object);

  switch (prop_id)
    {
    case PROP_STATUS:
      g_value_set_string (value, self->status);
      break;

    case PROP_BUSY:
      g_value_set_boolean (value, self->in_flight);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
graft_heatmap_view_class_init (GraftHeatmapViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = graft_heatmap_view_dispose;
  object_class->get_property = graft_heatmap_view_get_property;

  widget_class->snapshot = graft_heatmap_view_snapshot;
  widget_class->size_allocate = graft_heatmap_view_size_allocate;
  widget_class->measure = graft_heatmap_view_measure;

  properties[PROP_STATUS] =
    g_param_spec_string ("status", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * GraftHeatmapView::rendered:
   *
   * A new frame is on screen.
   */
  signals[SIGNAL_RENDERED] =
    g_signal_new ("rendered", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 0);

  /**
   * GraftHeatmapView::filter-activated:
   * @filter: the output filter clicked in a kernel's mosaic
   */
  signals[SIGNAL_FILTER_ACTIVATED] =
    g_signal_new ("filter-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);

  graft_heatmap_view_input_class_init (widget_class);

  gtk_widget_class_set_css_name (widget_class, "graftheatmap");
}

static void
graft_heatmap_view_init (GraftHeatmapView *self)
{
  graft_heatmap_style_init (&self->style);
  self->grid = TRUE;
  self->bar_labels = g_array_new (FALSE, FALSE, sizeof (graphene_rect_t));
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);

  graft_heatmap_view_input_init (self);
}

GtkWidget *
graft_heatmap_view_new (void)
{
  return g_object_new (GRAFT_TYPE_HEATMAP_VIEW, NULL);
}

static void
graft_heatmap_view_reset_window (GraftHeatmapView *self)
{
  graft_viewport_reset (&self->viewport,
                        self->engine ? graft_heatmap_get_n_rows (self->engine->heatmap) : 1,
                        self->engine ? graft_heatmap_get_n_cols (self->engine->heatmap) : 1);
}

/* A new engine over what the view shows now: the tensor, or a kernel's
 * mosaic when the grid is on. */
static void
graft_heatmap_view_rebuild (GraftHeatmapView *self)
{
  g_autoptr(GError) error = NULL;
  GraftTensor *shown = self->tensor;
  g_autoptr(GraftTensor) mosaic = NULL;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_pointer (&self->engine, graft_heatmap_view_engine_unref);
  g_clear_pointer (&self->frame, graft_heatmap_frame_free);
  g_clear_object (&self->texture);
  g_clear_object (&self->bar_texture);
  g_clear_object (&self->rgb_texture);
  graft_heatmap_view_set_status (self, NULL);
  self->slice_changed = FALSE;
  self->mosaic_active = FALSE;

  if (shown != NULL && self->grid &&
      graft_heatmap_mosaic_init (&self->mosaic, shown, self->channels_first))
    {
      /* Built when the render thread first reads it. */
      mosaic = graft_heatmap_mosaic_new_tensor (&self->mosaic, shown, self->index,
                                                self->style.per_filter, &error);
      if (mosaic != NULL)
        {
          shown = mosaic;
          self->mosaic_active = TRUE;
        }
      else
        g_debug ("no mosaic: %s", error->message);
    }
  if (shown != NULL)
    {
      guint rank = graft_tensor_get_rank (shown);

      self->engine = g_atomic_rc_box_new0 (GraftHeatmapViewEngine);
      self->engine->heatmap = graft_heatmap_new (shown);
      graft_heatmap_set_channels_first (self->engine->heatmap, self->channels_first);
      if (!self->mosaic_active)
        memset (self->index, 0, sizeof self->index);
      self->row_axis = rank >= 2 ? rank - 2 : 0;
      self->col_axis = rank >= 1 ? rank - 1 : 0;
    }
  graft_heatmap_view_reset_window (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  graft_heatmap_view_invalidate (self);
}

/**
 * graft_heatmap_view_set_channels_first:
 *
 * Says whether the tensors set next are PyTorch kernels, (out, in,
 * spatial…), for the filter grid.
 */
void
graft_heatmap_view_set_channels_first (GraftHeatmapView *self,
                                       gboolean          channels_first)
{
  g_return_if_fail (GRAFT_IS_HEATMAP_VIEW (self));
  self->channels_first = channels_first;
}

/**
 * graft_heatmap_view_set_tensor:
 * @tensor: (nullable): what to show
 *
 * Shows @tensor whole, its last two axes as rows and columns; conv kernels
 * start as a grid of filters.
 */
void
graft_heatmap_view_set_tensor (GraftHeatmapView *self,
                               GraftTensor      *tensor)
{
  g_return_if_fail (GRAFT_IS_HEATMAP_VIEW (self));

  if (tensor == self->tensor)
    return;
  if (tensor != NULL)
    graft_tensor_ref (tensor);
  g_clear_pointer (&self->tensor, graft_tensor_unref);
  self->tensor = tensor;
  g_clear_pointer (&self->gates, g_strfreev);
  memset (self->index, 0, sizeof self->index);
  graft_heatmap_view_rebuild (self);
}

/**
 * graft_heatmap_view_get_tensor:
 *
 * Returns: (transfer none) (nullable): the tensor shown
 */
GraftTensor *
graft_heatmap_view_get_tensor (GraftHeatmapView *self)
{
  g_return_val_if_fail (GRAFT_IS_HEATMAP_VIEW (self), NULL);

  return self->tensor;
}

void
graft_heatmap_view_set_style (GraftHeatmapView        *self,
                              const GraftHeatmapStyle *style)
{
  g_return_if_fail (GRAFT_IS_HEATMAP_VIEW (self));
  g_return_if_fail (style != NULL);

  gboolean remosaic;

  if (memcmp (&self->style, style, sizeof *style) == 0)
    return;
  remosaic = self->mosaic_active && self->style.per_filter != style->per_filter;
  self->style = *style;
  if (remosaic)
    graft_heatmap_view_rebuild (self);
  else
    graft_heatmap_view_invalidate (self);
}

const GraftHeatmapStyle *
graft_heatmap_view_get_style (GraftHeatmapView *self)
{
  g_return_val_if_fail (GRAFT_IS_HEATMAP_VIEW (self), NULL);

  return &self->style;
}

/**
 * graft_heatmap_view_can_grid:
 *
 * Returns: %TRUE when the tensor is a conv kernel that can be shown as a
 *   grid of filters
 */
gboolean
graft_heatmap_view_can_grid (GraftHeatmapView *self)
{
  g_return_val_if_fail (GRAFT_IS_HEATMAP_VIEW (self), FALSE);

  return self->tensor != NULL && graft_tensor_get_rank (self->tensor) >= 3 &&
         graft_tensor_get_rank (self->tensor) <= 5;
}

void
graft_heatmap_view_set_grid (GraftHeatmapView *self,
                             gboolean          grid)
{
  g_return_if_fail (GRAFT_IS_HEATMAP_VIEW (self));

  grid = !!grid;
  if (self->grid == grid)
    return;
  self->grid = grid;
  if (graft_heatmap_view_can_grid (self))
    graft_heatmap_view_rebuild (self);
}

gboolean
graft_heatmap_view_get_grid (GraftHeatmapView *self)
{
  g_return_val_if_fail (GRAFT_IS_HEATMAP_VIEW (self), FALSE);

  return self->mosaic_active || graft_heatmap_view_uses_grid (self);
}

/**
 * graft_heatmap_view_set_slice:
 * @index: (array): the index on every axis; those of the two shown axes
 *   are ignored
 *
 * Chooses the two axes shown as rows and columns, and where the others are
 * cut, for tensors of rank 3 and more shown as a matrix.
 */
void
graft_heatmap_view_set_slice (GraftHeatmapView *self,
                              guint             row_axis,
                              guint             col_axis,
                              const gsize      *index)
{
  GraftTensor *tensor;
  guint rank;

  g_return_if_fail (GRAFT_IS_HEATMAP_VIEW (self));

  if (self->engine == NULL || self->mosaic_active)
    return;
  tensor = self->tensor;
  rank = graft_tensor_get_rank (tensor);
  g_return_if_fail (rank < 2 || (row_axis < rank && col_axis < rank && row_axis != col_axis));

  if (rank >= 2 && (row_axis != self->row_axis || col_axis != self->col_axis))
    {
      graft_viewport_reset (&self->viewport, graft_tensor_get_dim (tensor, row_axis),
                            graft_tensor_get_dim (tensor, col_axis));
    }
  self->row_axis = row_axis;
  self->col_axis = col_axis;
  for (guint i = 0; i < rank; i++)
    self->index[i] = MIN (index[i], graft_tensor_get_dim (tensor, i) - 1);
  self->slice_changed = TRUE;
  graft_heatmap_view_invalidate (self);
}

/**
 * graft_heatmap_view_zoom:
 * @factor: > 1 to zoom in, < 1 to zoom out
 *
 * Zooms around the centre of the view.
 */
void
graft_heatmap_view_zoom (GraftHeatmapView *self,
                         double            factor)
{
  g_return_if_fail (GRAFT_IS_HEATMAP_VIEW (self));
  g_return_if_fail (factor > 0);

  graft_heatmap_view_zoom_at (self, factor, NAN, NAN);
}

void
graft_heatmap_view_zoom_fit (GraftHeatmapView *self)
{
  g_return_if_fail (GRAFT_IS_HEATMAP_VIEW (self));

  if (self->engine == NULL)
    return;
  graft_viewport_reset (&self->viewport, self->viewport.n_rows, self->viewport.n_cols);
  graft_heatmap_view_invalidate (self);
}

/**
 * graft_heatmap_view_get_frame:
 *
 * Returns: (transfer none) (nullable): the frame on screen
 */
const GraftHeatmapFrame *
graft_heatmap_view_get_frame (GraftHeatmapView *self)
{
  g_return_val_if_fail (GRAFT_IS_HEATMAP_VIEW (self), NULL);

  return self->frame;
}

/**
 * graft_heatmap_view_get_texture:
 *
 * Returns: (transfer none) (nullable): the texture drawn at 1:1 device
 *   pixels
 */
GdkTexture *
graft_heatmap_view_get_texture (GraftHeatmapView *self)
{
  g_return_val_if_fail (GRAFT_IS_HEATMAP_VIEW (self), NULL);

  return self->texture;
}

/**
 * graft_heatmap_view_get_image_origin:
 *
 * Where the texture's top-left corner was last drawn, in the widget's
 * coordinates.
 *
 * Returns: %FALSE when nothing is drawn
 */
gboolean
graft_heatmap_view_get_image_origin (GraftHeatmapView *self,
                                     double           *x,
                                     double           *y)
{
  g_return_val_if_fail (GRAFT_IS_HEATMAP_VIEW (self), FALSE);

  *x = self->image_x;
  *y = self->image_y;
  return self->texture != NULL;
}

const char *
graft_heatmap_view_get_status (GraftHeatmapView *self)
{
  g_return_val_if_fail (GRAFT_IS_HEATMAP_VIEW (self), NULL);

  return self->status;
}

gboolean
graft_heatmap_view_get_busy (GraftHeatmapView *self)
{
  g_return_val_if_fail (GRAFT_IS_HEATMAP_VIEW (self), FALSE);

  return self->in_flight;
}

/**
 * graft_heatmap_view_save_png:
 *
 * Writes the frame on screen, pixel for pixel, as a PNG file.
 */
gboolean
graft_heatmap_view_save_png (GraftHeatmapView  *self,
                             const char        *path,
                             GError           **error)
{
  g_return_val_if_fail (GRAFT_IS_HEATMAP_VIEW (self), FALSE);

  if (self->texture == NULL)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_INVALID, _("There is no picture to export"));
      return FALSE;
    }
  if (!gdk_texture_save_to_png (self->texture, path))
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_IO, _("Could not write “%s”"), path);
      return FALSE;
    }
  return TRUE;
}

/**
 * graft_heatmap_view_get_slice:
 * @index: (out caller-allocates) (array fixed-size=8): the index on every axis
 *
 * The axes shown as rows and columns of the tensor (not of a mosaic).
 */
void
graft_heatmap_view_get_slice (GraftHeatmapView *self,
                              guint            *row_axis,
                              guint            *col_axis,
                              gsize            *index)
{
  g_return_if_fail (GRAFT_IS_HEATMAP_VIEW (self));

  *row_axis = self->row_axis;
  *col_axis = self->col_axis;
  memcpy (index, self->index, sizeof self->index);
}

/**
 * graft_heatmap_view_set_gates:
 * @labels: (nullable) (array zero-terminated=1): one label per block of
 *   columns, e.g. the i, f, c, o gates of an LSTM kernel
 *
 * Draws boundaries between equal blocks of the columns, labelled.
 */
void
graft_heatmap_view_set_gates (GraftHeatmapView  *self,
                              const char *const *labels)
{
  g_return_if_fail (GRAFT_IS_HEATMAP_VIEW (self));

  g_clear_pointer (&self->gates, g_strfreev);
  self->gates = labels ? g_strdupv ((char **) labels) : NULL;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * graft_heatmap_view_can_rgb:
 *
 * Returns: whether the grid can show the filters as colour pictures: a
 *   kernel of three input channels
 */
gboolean
graft_heatmap_view_can_rgb (GraftHeatmapView *self)
{
  g_return_val_if_fail (GRAFT_IS_HEATMAP_VIEW (self), FALSE);

  return self->mosaic_active && self->mosaic.n_channels == 3;
}

void
graft_heatmap_view_set_rgb (GraftHeatmapView *self,
                            gboolean          rgb)
{
  g_return_if_fail (GRAFT_IS_HEATMAP_VIEW (self));

  if (self->rgb == !!rgb)
    return;
  self->rgb = !!rgb;
  g_clear_object (&self->rgb_texture);
  graft_heatmap_view_invalidate (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
graft_heatmap_view_get_rgb (GraftHeatmapView *self)
{
  g_return_val_if_fail (GRAFT_IS_HEATMAP_VIEW (self), FALSE);

  return self->rgb && graft_heatmap_view_can_rgb (self);
}

/**
 * graft_heatmap_view_get_mosaic:
 *
 * Returns: (nullable): how a kernel's filters are tiled, when the grid
 *   shows them
 */
const GraftHeatmapMosaic *
graft_heatmap_view_get_mosaic (GraftHeatmapView *self)
{
  g_return_val_if_fail (GRAFT_IS_HEATMAP_VIEW (self), NULL);

  return self->mosaic_active ? &self->mosaic : NULL;
}

/**
 * graft_heatmap_view_get_viewport:
 *
 * Returns: where the view looks, in elements of the matrix drawn
 */
const GraftViewport *
graft_heatmap_view_get_viewport (GraftHeatmapView *self)
{
  g_return_val_if_fail (GRAFT_IS_HEATMAP_VIEW (self), NULL);

  return &self->viewport;
}

/**
 * graft_heatmap_view_get_bar_labels:
 * @n: (out): how many
 *
 * Returns: (array length=n): where the colour bar's labels were last
 *   drawn, in the widget's coordinates
 */
const graphene_rect_t *
graft_heatmap_view_get_bar_labels (GraftHeatmapView *self,
                                   guint            *n)
{
  g_return_val_if_fail (GRAFT_IS_HEATMAP_VIEW (self), NULL);

  *n = self->bar_labels->len;
  return (const graphene_rect_t *) (gpointer) self->bar_labels->data;
}
