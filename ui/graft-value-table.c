/* graft-value-table.c: the exact values of a 2-D slice as a table that draws only the visible cells
 *
 * A slice of a dense kernel can be 25088 × 4096: a widget per cell (even a
 * recycled GtkColumnView row per row, with 4096 columns) is out of the
 * question. The table is one scrollable widget that reads and draws the
 * cells in view on every frame, with the row and column indices pinned
 * along its edges, like h5web's matrix view.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-value-table"

#include "config.h"

#include "graft-value-table.h"

#include <math.h>
#include <string.h>

#include "graft-numbers.h"

#define CELL_PAD 8

struct _GraftValueTable
{
  GtkWidget      parent_instance;

  GraftTensor   *tensor;
  guint          row_axis;
  guint          col_axis;
  gsize          index[GRAFT_MAX_RANK];
  gsize          n_rows;
  gsize          n_cols;

  GtkAdjustment *hadjustment;
  GtkAdjustment *vadjustment;
  guint          hscroll_policy : 1;
  guint          vscroll_policy : 1;

  int            cell_w;
  int            cell_h;
  int            header_w;
  guint          n_drawn;

  /* The block of cells last read, for a tensor not in memory or mapped:
   * a scroll reads the cells it shows, not the whole tensor. */
  double        *block;
  gsize          block_r0;
  gsize          block_c0;
  gsize          block_rows;
  gsize          block_cols;
};

/* Cells read at once from a tensor that must be read: a few screens. */
#define BLOCK_ROWS 128
#define BLOCK_COLS 32

enum {
  PROP_0,
  PROP_HADJUSTMENT,
  PROP_VADJUSTMENT,
  PROP_HSCROLL_POLICY,
  PROP_VSCROLL_POLICY,
};

G_DEFINE_FINAL_TYPE_WITH_CODE (GraftValueTable, graft_value_table, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_SCROLLABLE, NULL))

static PangoLayout *
graft_value_table_layout (GraftValueTable *self,
                          const char      *text)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
  PangoAttrList *attrs = pango_attr_list_new ();

  pango_attr_list_insert (attrs, pango_attr_font_features_new ("tnum"));
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);
  return layout;
}

/* Cell sizes from the widest text a cell or an index can hold. */
static void
graft_value_table_measure_cells (GraftValueTable *self)
{
  g_autoptr(PangoLayout) cell = graft_value_table_layout (self, "−0.000000000");
  g_autofree char *widest = g_strdup_printf ("%" G_GSIZE_FORMAT, MAX (self->n_rows, 1) - 1);
  g_autoptr(PangoLayout) header = graft_value_table_layout (self, widest);
  int w, h;

  pango_layout_get_pixel_size (cell, &w, &h);
  self->cell_w = w + 2 * CELL_PAD;
  self->cell_h = h + 6;
  pango_layout_get_pixel_size (header, &w, &h);
  self->header_w = MAX (w + 2 * CELL_PAD, 40);
}

/* The tensor's index of cell (@row, @col). */
static void
graft_value_table_cell_index (GraftValueTable *self,
                              gsize            row,
                              gsize            col,
                              gsize           *index)
{
  guint rank = graft_tensor_get_rank (self->tensor);

  memcpy (index, self->index, sizeof self->index);
  if (rank >= 2)
    {
      index[self->row_axis] = row;
      index[self->col_axis] = col;
    }
  else if (rank == 1)
    index[0] = row;
}

/* Reads the block of cells around (@row, @col); NaN where it fails. */
static void
graft_value_table_read_block (GraftValueTable *self,
                              gsize            row,
                              gsize            col)
{
  GraftDType dtype = graft_tensor_get_dtype (self->tensor);
  guint rank = graft_tensor_get_rank (self->tensor);
  gsize start[GRAFT_MAX_RANK], count[GRAFT_MAX_RANK];
  gsize n;
  g_autofree guint8 *raw = NULL;
  g_autofree double *values = NULL;
  g_autoptr(GError) error = NULL;

  self->block_r0 = row - row % BLOCK_ROWS;
  self->block_c0 = col - col % BLOCK_COLS;
  self->block_rows = MIN (BLOCK_ROWS, self->n_rows - self->block_r0);
  self->block_cols = MIN (BLOCK_COLS, self->n_cols - self->block_c0);
  n = self->block_rows * self->block_cols;
  graft_value_table_cell_index (self, self->block_r0, self->block_c0, start);
  for (guint i = 0; i < rank; i++)
    count[i] = 1;
  if (rank >= 2)
    {
      count[self->row_axis] = self->block_rows;
      count[self->col_axis] = self->block_cols;
    }
  else if (rank == 1)
    count[0] = self->block_rows;
  g_free (self->block);
  self->block = g_new (double, n);
  raw = g_malloc (n * graft_dtype_get_size (dtype));
  values = g_new (double, n);
  if (!graft_tensor_read_block (self->tensor, start, count, raw, &error))
    {
      g_warning ("cannot show the values: %s", error->message);
      for (gsize i = 0; i < n; i++)
        self->block[i] = NAN;
      return;
    }
  graft_dtype_to_double (dtype, raw, values, n);
  /* Read in the tensor's order of axes; kept as rows of cells. */
  for (gsize r = 0; r < self->block_rows; r++)
    for (gsize c = 0; c < self->block_cols; c++)
      self->block[r * self->block_cols + c] =
        rank < 2 || self->row_axis < self->col_axis ? values[r * self->block_cols + c]
                                                    : values[c * self->block_rows + r];
}

static void
graft_value_table_drop_block (GraftValueTable *self)
{
  g_clear_pointer (&self->block, g_free);
  self->block_rows = self->block_cols = 0;
}

static double
graft_value_table_value (GraftValueTable *self,
                         gsize            row,
                         gsize            col)
{
  GraftDType dtype = graft_tensor_get_dtype (self->tensor);
  const guint8 *data = graft_tensor_get_data_in_place (self->tensor);
  guint rank = graft_tensor_get_rank (self->tensor);
  gsize index[GRAFT_MAX_RANK];
  gsize off = 0;
  double v = NAN;

  if (data == NULL)
    {
      if (self->block == NULL ||
          row < self->block_r0 || row >= self->block_r0 + self->block_rows ||
          col < self->block_c0 || col >= self->block_c0 + self->block_cols)
        graft_value_table_read_block (self, row, col);
      return self->block[(row - self->block_r0) * self->block_cols + col - self->block_c0];
    }
  graft_value_table_cell_index (self, row, col, index);
  for (guint i = 0; i < rank; i++)
    off = off * graft_tensor_get_dim (self->tensor, i) + index[i];
  graft_dtype_to_double (dtype, data + off * graft_dtype_get_size (dtype), &v, 1);
  return v;
}

/**
 * graft_value_table_get_cell_text:
 *
 * Returns: (transfer full): the text of cell (@row, @col), as drawn
 */
char *
graft_value_table_get_cell_text (GraftValueTable *self,
                                 gsize            row,
                                 gsize            col)
{
  g_return_val_if_fail (GRAFT_IS_VALUE_TABLE (self), NULL);
  g_return_val_if_fail (row < self->n_rows && col < self->n_cols, NULL);

  return graft_numbers_value (graft_value_table_value (self, row, col));
}

static void
graft_value_table_configure (GraftValueTable *self)
{
  int w = gtk_widget_get_width (GTK_WIDGET (self));
  int h = gtk_widget_get_height (GTK_WIDGET (self));
  double total_w = self->header_w + (double) self->n_cols * self->cell_w;
  double total_h = self->cell_h + (double) self->n_rows * self->cell_h;

  if (self->hadjustment != NULL)
    gtk_adjustment_configure (self->hadjustment,
                              CLAMP (gtk_adjustment_get_value (self->hadjustment), 0,
                                     MAX (0, total_w - w)),
                              0, total_w, self->cell_w, MAX (w - self->header_w, 1), w);
  if (self->vadjustment != NULL)
    gtk_adjustment_configure (self->vadjustment,
                              CLAMP (gtk_adjustment_get_value (self->vadjustment), 0,
                                     MAX (0, total_h - h)),
                              0, total_h, self->cell_h, MAX (h - self->cell_h, 1), h);
}

static void
graft_value_table_size_allocate (GtkWidget *widget,
                                 int        width,
                                 int        height,
                                 int        baseline)
{
  graft_value_table_configure (GRAFT_VALUE_TABLE (widget));
}

static void
graft_value_table_text (GraftValueTable *self,
                        GtkSnapshot     *snapshot,
                        const char      *text,
                        double           x,
                        double           y,
                        double           w,
                        const GdkRGBA   *color)
{
  g_autoptr(PangoLayout) layout = graft_value_table_layout (self, text);
  int lw, lh;

  pango_layout_get_pixel_size (layout, &lw, &lh);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (round (x + w - CELL_PAD - lw),
                                                          round (y + (self->cell_h - lh) / 2.0)));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

static void
graft_value_table_snapshot (GtkWidget   *widget,
                            GtkSnapshot *snapshot)
{
  GraftValueTable *self = GRAFT_VALUE_TABLE (widget);
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  double sx = self->hadjustment ? gtk_adjustment_get_value (self->hadjustment) : 0;
  double sy = self->vadjustment ? gtk_adjustment_get_value (self->vadjustment) : 0;
  GdkRGBA fg, dim, stripe;
  gsize r0, c0;

  self->n_drawn = 0;
  if (self->tensor == NULL || self->n_rows == 0 || self->n_cols == 0)
    return;
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  dim = fg;
  dim.alpha *= 0.55;
  stripe = fg;
  stripe.alpha *= 0.05;

  r0 = (gsize) (sy / self->cell_h);
  c0 = (gsize) (sx / self->cell_w);
  gtk_snapshot_push_clip (snapshot, &GRAPHENE_RECT_INIT (0, 0, w, h));
  for (gsize r = r0; r < self->n_rows; r++)
    {
      double y = self->cell_h + r * (double) self->cell_h - sy;

      if (y >= h)
        break;
      if (r % 2 == 1)
        gtk_snapshot_append_color (snapshot, &stripe, &GRAPHENE_RECT_INIT (0, y, w, self->cell_h));
      for (gsize c = c0; c < self->n_cols; c++)
        {
          double x = self->header_w + c * (double) self->cell_w - sx;
          g_autofree char *text = NULL;

          if (x >= w)
            break;
          text = graft_value_table_get_cell_text (self, r, c);
          graft_value_table_text (self, snapshot, text, x, y, self->cell_w, &fg);
          self->n_drawn++;
        }
    }
  /* The indices stay in place along the top and left edges. */
  {
    GdkRGBA bg = { 0.5, 0.5, 0.5, 0.18 };

    gtk_snapshot_append_color (snapshot, &bg, &GRAPHENE_RECT_INIT (0, 0, w, self->cell_h));
    gtk_snapshot_append_color (snapshot, &bg, &GRAPHENE_RECT_INIT (0, self->cell_h, self->header_w, h));
  }
  for (gsize c = c0; c < self->n_cols; c++)
    {
      double x = self->header_w + c * (double) self->cell_w - sx;
      g_autofree char *text = g_strdup_printf ("%" G_GSIZE_FORMAT, c);

      if (x >= w)
        break;
      graft_value_table_text (self, snapshot, text, x, 0, self->cell_w, &dim);
    }
  for (gsize r = r0; r < self->n_rows; r++)
    {
      double y = self->cell_h + r * (double) self->cell_h - sy;
      g_autofree char *text = g_strdup_printf ("%" G_GSIZE_FORMAT, r);

      if (y >= h)
        break;
      graft_value_table_text (self, snapshot, text, 0, y, self->header_w, &dim);
    }
  gtk_snapshot_pop (snapshot);
}

static void
graft_value_table_measure (GtkWidget      *widget,
                           GtkOrientation  orientation,
                           int             for_size,
                           int            *minimum,
                           int            *natural,
                           int            *minimum_baseline,
                           int            *natural_baseline)
{
  *minimum = 64;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 400 : 300;
}

static void
graft_value_table_adjustment_changed_cb (GraftValueTable *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
graft_value_table_set_adjustment (GraftValueTable  *self,
                                  GtkAdjustment   **slot,
                                  GtkAdjustment    *adjustment)
{
  if (*slot == adjustment)
    return;
  if (*slot != NULL)
    {
      g_signal_handlers_disconnect_by_data (*slot, self);
      g_object_unref (*slot);
    }
  *slot = adjustment ? g_object_ref_sink (adjustment) : NULL;
  if (*slot != NULL)
    g_signal_connect_object (*slot, "value-changed",
                             G_CALLBACK (graft_value_table_adjustment_changed_cb), self,
                             G_CONNECT_SWAPPED);
  graft_value_table_configure (self);
}

static void
graft_value_table_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  GraftValueTable *self = GRAFT_VALUE_TABLE (object);

  switch (prop_id)
    {
    case PROP_HADJUSTMENT:
      graft_value_table_set_adjustment (self, &self->hadjustment, g_value_get_object (value));
      break;
    case PROP_VADJUSTMENT:
      graft_value_table_set_adjustment (self, &self->vadjustment, g_value_get_object (value));
      break;
    case PROP_HSCROLL_POLICY:
      self->hscroll_policy = g_value_get_enum (value);
      break;
    case PROP_VSCROLL_POLICY:
      self->vscroll_policy = g_value_get_enum (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
graft_value_table_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  GraftValueTable *self = GRAFT_VALUE_TABLE (object);

  switch (prop_id)
    {
    case PROP_HADJUSTMENT:
      g_value_set_object (value, self->hadjustment);
      break;
    case PROP_VADJUSTMENT:
      g_value_set_object (value, self->vadjustment);
      break;
    case PROP_HSCROLL_POLICY:
      g_value_set_enum (value, self->hscroll_policy);
      break;
    case PROP_VSCROLL_POLICY:
      g_value_set_enum (value, self->vscroll_policy);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
graft_value_table_dispose (GObject *object)
{
  GraftValueTable *self = GRAFT_VALUE_TABLE (object);

  graft_value_table_set_adjustment (self, &self->hadjustment, NULL);
  graft_value_table_set_adjustment (self, &self->vadjustment, NULL);
  g_clear_pointer (&self->tensor, graft_tensor_unref);
  graft_value_table_drop_block (self);
  G_OBJECT_CLASS (graft_value_table_parent_class)->dispose (object);
}

static void
graft_value_table_class_init (GraftValueTableClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = graft_value_table_dispose;
  object_class->set_property = graft_value_table_set_property;
  object_class->get_property = graft_value_table_get_property;
  widget_class->snapshot = graft_value_table_snapshot;
  widget_class->size_allocate = graft_value_table_size_allocate;
  widget_class->measure = graft_value_table_measure;

  g_object_class_override_property (object_class, PROP_HADJUSTMENT, "hadjustment");
  g_object_class_override_property (object_class, PROP_VADJUSTMENT, "vadjustment");
  g_object_class_override_property (object_class, PROP_HSCROLL_POLICY, "hscroll-policy");
  g_object_class_override_property (object_class, PROP_VSCROLL_POLICY, "vscroll-policy");
  gtk_widget_class_set_css_name (widget_class, "graftvaluetable");
}

static void
graft_value_table_init (GraftValueTable *self)
{
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  graft_value_table_measure_cells (self);
}

GtkWidget *
graft_value_table_new (void)
{
  return g_object_new (GRAFT_TYPE_VALUE_TABLE, NULL);
}

/**
 * graft_value_table_set_slice:
 * @tensor: (nullable): the tensor
 * @row_axis: the axis down the table (a vector is one column)
 * @col_axis: the axis across
 * @index: (nullable): the index on the other axes
 */
void
graft_value_table_set_slice (GraftValueTable *self,
                             GraftTensor     *tensor,
                             guint            row_axis,
                             guint            col_axis,
                             const gsize     *index)
{
  guint rank;

  g_return_if_fail (GRAFT_IS_VALUE_TABLE (self));

  if (tensor != NULL)
    graft_tensor_ref (tensor);
  g_clear_pointer (&self->tensor, graft_tensor_unref);
  self->tensor = tensor;
  graft_value_table_drop_block (self);
  memset (self->index, 0, sizeof self->index);
  self->n_rows = self->n_cols = 0;
  if (tensor != NULL)
    {
      rank = graft_tensor_get_rank (tensor);
      if (index != NULL)
        memcpy (self->index, index, sizeof (gsize) * rank);
      self->row_axis = row_axis;
      self->col_axis = col_axis;
      if (rank >= 2 && row_axis < rank && col_axis < rank)
        {
          self->n_rows = graft_tensor_get_dim (tensor, row_axis);
          self->n_cols = graft_tensor_get_dim (tensor, col_axis);
        }
      else
        {
          self->n_rows = rank == 1 ? graft_tensor_get_dim (tensor, 0) : 1;
          self->n_cols = 1;
        }
    }
  graft_value_table_measure_cells (self);
  if (self->hadjustment != NULL)
    gtk_adjustment_set_value (self->hadjustment, 0);
  if (self->vadjustment != NULL)
    gtk_adjustment_set_value (self->vadjustment, 0);
  graft_value_table_configure (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gsize
graft_value_table_get_n_rows (GraftValueTable *self)
{
  g_return_val_if_fail (GRAFT_IS_VALUE_TABLE (self), 0);
  return self->n_rows;
}

gsize
graft_value_table_get_n_cols (GraftValueTable *self)
{
  g_return_val_if_fail (GRAFT_IS_VALUE_TABLE (self), 0);
  return self->n_cols;
}

/**
 * graft_value_table_get_n_drawn:
 *
 * Returns: how many cells the last frame drew (the visible ones)
 */
guint
graft_value_table_get_n_drawn (GraftValueTable *self)
{
  g_return_val_if_fail (GRAFT_IS_VALUE_TABLE (self), 0);
  return self->n_drawn;
}
