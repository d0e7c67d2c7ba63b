/* graft-series-window.c: a training run's checkpoints as small multiples
 *
 * One row per weight, filtered by name like the layer tree; in each row
 * five small plots over the checkpoints, on a shared axis: the norm, the
 * change from the previous and from the first checkpoint, the cosine to
 * the first, and σmax. The figures are computed in a worker thread
 * (graft-series.c), with progress. Clicking a point opens that checkpoint
 * with the weight selected: in a Δ plot, as a transfer from the checkpoint
 * it is compared with, so the heatmap's Δ view shows the difference.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-series-window"

#include "config.h"

#include "graft-series-window.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "graft-background.h"
#include "graft-window.h"

#define GRAFT_SERIES_N_FIGURES 5
#define GRAFT_SERIES_PLOT_H 64
#define GRAFT_SERIES_PAD 6.0

static const char *const graft_series_titles[GRAFT_SERIES_N_FIGURES] = {
  N_("‖W‖"), N_("Δ previous"), N_("Δ first"), N_("cos first"), N_("σmax"),
};

struct _GraftSeriesWindow
{
  GtkApplicationWindow parent_instance;

  GtkLabel        *status;
  GtkSearchEntry  *search;
  GtkListBox      *list;
  GraftSeries     *series;
  GCancellable    *cancellable;
  guint            progress_id;
  gboolean         ready;
};

G_DEFINE_FINAL_TYPE (GraftSeriesWindow, graft_series_window, GTK_TYPE_APPLICATION_WINDOW)

static double
graft_series_figure (const GraftDrift *d,
                     guint             k)
{
  if (d == NULL)
    return NAN;
  switch (k)
    {
    case 0: return d->norm;
    case 1: return d->change_prev;
    case 2: return d->change_first;
    case 3: return d->cosine_first;
    default: return d->sigma_max;
    }
}

/* The plot and checkpoint under a point of a row's drawing area. */
static gboolean
graft_series_window_point_at (GraftSeriesWindow *self,
                              int                width,
                              double             x,
                              guint             *figure,
                              guint             *checkpoint)
{
  guint n = graft_series_get_n_checkpoints (self->series);
  double cell = (double) width / GRAFT_SERIES_N_FIGURES, inner = cell - 2 * GRAFT_SERIES_PAD;
  double t;

  if (n == 0 || x < 0 || x >= width)
    return FALSE;
  *figure = MIN ((guint) (x / cell), GRAFT_SERIES_N_FIGURES - 1);
  t = (x - *figure * cell - GRAFT_SERIES_PAD) / MAX (inner, 1);
  *checkpoint = n == 1 ? 0 : (guint) CLAMP (lround (t * (n - 1)), 0, (long) n - 1);
  return TRUE;
}

static void
graft_series_window_draw (GtkDrawingArea *area,
                          cairo_t        *cr,
                          int             width,
                          int             height,
                          gpointer        user_data)
{
  GraftSeriesWindow *self = g_object_get_data (G_OBJECT (area), "window");
  guint j = GPOINTER_TO_UINT (user_data);
  guint n = graft_series_get_n_checkpoints (self->series);
  double cell = (double) width / GRAFT_SERIES_N_FIGURES;
  GdkRGBA fg;

  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (area)), &fg);
  cairo_set_font_size (cr, 10);
  for (guint k = 0; k < GRAFT_SERIES_N_FIGURES; k++)
    {
      double x0 = k * cell + GRAFT_SERIES_PAD, w = cell - 2 * GRAFT_SERIES_PAD;
      double y0 = 14, h = height - 14 - GRAFT_SERIES_PAD, lo = INFINITY, hi = -INFINITY;
      g_autofree char *range = NULL;
      gboolean started = FALSE;

      for (guint i = 0; i < n; i++)
        {
          double v = graft_series_figure (graft_series_get_drift (self->series, i, j), k);

          if (isfinite (v))
            lo = MIN (lo, v), hi = MAX (hi, v);
        }
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.6);
      cairo_move_to (cr, x0, 10);
      cairo_show_text (cr, _(graft_series_titles[k]));
      if (!isfinite (lo))
        continue;
      range = hi > lo ? g_strdup_printf ("%.3g – %.3g", lo, hi) : g_strdup_printf ("%.3g", lo);
      {
        cairo_text_extents_t ext;

        cairo_text_extents (cr, range, &ext);
        cairo_move_to (cr, x0 + w - ext.width, 10);
        cairo_show_text (cr, range);
      }
      if (!(hi > lo))
        hi = lo + 1, lo = lo - 1;
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.15);
      cairo_rectangle (cr, x0, y0, w, h);
      cairo_fill (cr);
      cairo_set_source_rgb (cr, 0.21, 0.52, 0.89);
      cairo_set_line_width (cr, 1.5);
      for (guint i = 0; i < n; i++)
        {
          double v = graft_series_figure (graft_series_get_drift (self->series, i, j), k);
          double x = x0 + (n > 1 ? w * i / (n - 1) : w / 2), y = y0 + h - (v - lo) / (hi - lo) * h;

          if (!isfinite (v))
            {
              started = FALSE;
              continue;
            }
          if (started)
            cairo_line_to (cr, x, y);
          else
            cairo_move_to (cr, x, y);
          started = TRUE;
        }
      cairo_stroke (cr);
      for (guint i = 0; i < n; i++)
        {
          double v = graft_series_figure (graft_series_get_drift (self->series, i, j), k);
          double x = x0 + (n > 1 ? w * i / (n - 1) : w / 2), y = y0 + h - (v - lo) / (hi - lo) * h;

          if (isfinite (v))
            {
              cairo_arc (cr, x, y, 2.5, 0, 2 * G_PI);
              cairo_fill (cr);
            }
        }
    }
}

/**
 * graft_series_window_open_point:
 * @figure: 0 norm, 1 Δ previous, 2 Δ first, 3 cosine, 4 σmax
 *
 * Opens checkpoint @checkpoint with weight @weight selected; from a Δ
 * plot, as a transfer from the checkpoint it is compared with (the
 * previous one or the first), so the Δ view shows the difference.
 */
void
graft_series_window_open_point (GraftSeriesWindow *self,
                                guint              weight,
                                guint              figure,
                                guint              checkpoint)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  GraftWindow *window = graft_window_new (app);
  const char *other = NULL;

  if (figure == 1 && checkpoint > 0)
    other = graft_series_get_path (self->series, checkpoint - 1);
  else if ((figure == 2 || figure == 3) && checkpoint > 0)
    other = graft_series_get_path (self->series, 0);
  graft_window_open_at (window, other, graft_series_get_path (self->series, checkpoint),
                        graft_series_get_weight (self->series, weight));
  gtk_window_present (GTK_WINDOW (window));
}

static void
graft_series_window_click_cb (GtkGestureClick *gesture,
                              int              n_press,
                              double           x,
                              double           y,
                              gpointer         user_data)
{
  GtkWidget *area = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));
  GraftSeriesWindow *self = g_object_get_data (G_OBJECT (area), "window");
  guint figure, checkpoint;

  if (graft_series_window_point_at (self, gtk_widget_get_width (area), x, &figure, &checkpoint))
    graft_series_window_open_point (self, GPOINTER_TO_UINT (user_data), figure, checkpoint);
}

static gboolean
graft_series_window_filter (GtkListBoxRow *row,
                            gpointer       user_data)
{
  GraftSeriesWindow *self = user_data;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search));
  const char *path = g_object_get_data (G_OBJECT (row), "path");
  g_autofree char *needle = g_utf8_casefold (text, -1);
  g_autofree char *hay = g_utf8_casefold (path, -1);

  return text[0] == '\0' || strstr (hay, needle) != NULL;
}

static void
graft_series_window_fill (GraftSeriesWindow *self)
{
  for (guint j = 0; j < graft_series_get_n_weights (self->series); j++)
    {
      GtkWidget *row = gtk_list_box_row_new ();
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
      GtkWidget *label = gtk_label_new (graft_series_get_weight (self->series, j));
      GtkWidget *area = gtk_drawing_area_new ();
      GtkGesture *click = gtk_gesture_click_new ();

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_add_css_class (label, "heading");
      gtk_widget_set_size_request (area, 600, GRAFT_SERIES_PLOT_H);
      g_object_set_data (G_OBJECT (area), "window", self);
      gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (area), graft_series_window_draw,
                                      GUINT_TO_POINTER (j), NULL);
      g_signal_connect (click, "pressed", G_CALLBACK (graft_series_window_click_cb), GUINT_TO_POINTER (j));
      gtk_widget_add_controller (area, GTK_EVENT_CONTROLLER (click));
      gtk_widget_set_cursor_from_name (area, "pointer");
      gtk_widget_set_margin_start (box, 12);
      gtk_widget_set_margin_end (box, 12);
      gtk_widget_set_margin_top (box, 6);
      gtk_widget_set_margin_bottom (box, 6);
      gtk_box_append (GTK_BOX (box), label);
      gtk_box_append (GTK_BOX (box), area);
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
      g_object_set_data_full (G_OBJECT (row), "path", g_strdup (graft_series_get_weight (self->series, j)),
                              g_free);
      gtk_list_box_append (self->list, row);
    }
}

static void
graft_series_window_thread (GTask        *task,
                            gpointer      source_object,
                            gpointer      task_data,
                            GCancellable *cancellable)
{
  GError *error = NULL;

  if (graft_series_compute (task_data, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/* While the checkpoints are read: how far it got. */
static gboolean
graft_series_window_progress_cb (gpointer user_data)
{
  GraftSeriesWindow *self = user_data;
  g_autofree char *text = g_strdup_printf (_("Reading checkpoint %u of %u…"),
                                           MIN (graft_series_get_n_done (self->series) + 1,
                                                graft_series_get_n_checkpoints (self->series)),
                                           graft_series_get_n_checkpoints (self->series));

  gtk_label_set_text (self->status, text);
  return G_SOURCE_CONTINUE;
}

static void
graft_series_window_done_cb (GObject      *object,
                             GAsyncResult *result,
                             gpointer      user_data)
{
  GraftSeriesWindow *self = GRAFT_SERIES_WINDOW (object);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  g_clear_handle_id (&self->progress_id, g_source_remove);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        gtk_label_set_text (self->status, error->message);
      return;
    }
  self->ready = TRUE;
  graft_series_window_fill (self);
  {
    guint n = graft_series_get_n_checkpoints (self->series);
    g_autofree char *first = g_path_get_basename (graft_series_get_path (self->series, 0));
    g_autofree char *last = g_path_get_basename (graft_series_get_path (self->series, n - 1));

    text = g_strdup_printf (_("%u checkpoints, left to right from %s to %s; %u weights. Click a point "
                              "to open that checkpoint; in a Δ or cosine plot, with the difference "
                              "from the checkpoint it is compared with."),
                            n, first, last, graft_series_get_n_weights (self->series));
  }
  gtk_label_set_text (self->status, text);
}

static void
graft_series_window_search_cb (GraftSeriesWindow *self)
{
  gtk_list_box_invalidate_filter (self->list);
}

static void
graft_series_window_dispose (GObject *object)
{
  GraftSeriesWindow *self = GRAFT_SERIES_WINDOW (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->progress_id, g_source_remove);
  G_OBJECT_CLASS (graft_series_window_parent_class)->dispose (object);
}

static void
graft_series_window_finalize (GObject *object)
{
  GraftSeriesWindow *self = GRAFT_SERIES_WINDOW (object);

  g_clear_pointer (&self->series, graft_series_free);
  G_OBJECT_CLASS (graft_series_window_parent_class)->finalize (object);
}

static void
graft_series_window_class_init (GraftSeriesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = graft_series_window_dispose;
  object_class->finalize = graft_series_window_finalize;
}

static void
graft_series_window_init (GraftSeriesWindow *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *scrolled = gtk_scrolled_window_new ();

  gtk_window_set_default_size (GTK_WINDOW (self), 1100, 760);
  self->search = GTK_SEARCH_ENTRY (gtk_search_entry_new ());
  g_object_set (self->search, "placeholder-text", _("Filter by name"), NULL);
  g_signal_connect_swapped (self->search, "search-changed",
                            G_CALLBACK (graft_series_window_search_cb), self);
  self->status = GTK_LABEL (gtk_label_new (_("Reading the checkpoints…")));
  gtk_label_set_xalign (self->status, 0);
  gtk_label_set_wrap (self->status, TRUE);
  self->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->list, GTK_SELECTION_NONE);
  gtk_list_box_set_filter_func (self->list, graft_series_window_filter, self, NULL);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (self->list));
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_widget_set_margin_start (GTK_WIDGET (self->search), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (self->search), 12);
  gtk_widget_set_margin_top (GTK_WIDGET (self->search), 12);
  gtk_widget_set_margin_start (GTK_WIDGET (self->status), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (self->status), 12);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->search));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->status));
  gtk_box_append (GTK_BOX (box), scrolled);
  gtk_window_set_child (GTK_WINDOW (self), box);
}

/**
 * graft_series_window_new:
 * @paths: (element-type filename): the checkpoints, in order
 * @title: what the header names (the folder)
 *
 * Returns: (transfer none): a window that starts reading the checkpoints
 */
GraftSeriesWindow *
graft_series_window_new (GtkApplication *application,
                         GPtrArray      *paths,
                         const char     *title)
{
  GraftSeriesWindow *self = g_object_new (GRAFT_TYPE_SERIES_WINDOW, "application", application, NULL);
  g_autoptr(GTask) task = NULL;
  g_autofree char *window_title = g_strdup_printf (_("Training Run · %s — Graft"), title);

  gtk_window_set_title (GTK_WINDOW (self), window_title);
  {
    GtkWidget *header = gtk_header_bar_new ();
    GtkWidget *heading = gtk_label_new (_("Training Run"));
    GtkWidget *sub = gtk_label_new (title);
    GtkWidget *titles = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

    gtk_widget_add_css_class (heading, "title");
    gtk_widget_add_css_class (sub, "subtitle");
    gtk_box_append (GTK_BOX (titles), heading);
    gtk_box_append (GTK_BOX (titles), sub);
    gtk_widget_set_valign (titles, GTK_ALIGN_CENTER);
    gtk_header_bar_set_title_widget (GTK_HEADER_BAR (header), titles);
    gtk_window_set_titlebar (GTK_WINDOW (self), header);
  }
  self->series = graft_series_new (paths);
  self->cancellable = g_cancellable_new ();
  task = g_task_new (self, self->cancellable, graft_series_window_done_cb, NULL);
  g_task_set_task_data (task, self->series, NULL);
  graft_background_run (task, graft_series_window_thread);
  self->progress_id = g_timeout_add (200, graft_series_window_progress_cb, self);
  return self;
}

/**
 * graft_series_window_get_series:
 *
 * Returns: (transfer none) (nullable): the figures, once read
 */
GraftSeries *
graft_series_window_get_series (GraftSeriesWindow *self)
{
  return self->ready ? self->series : NULL;
}
