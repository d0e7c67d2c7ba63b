/* graft-window-open.c: opening checkpoints in a worker thread, and scanning them for NaN and Inf
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-window"

#include "config.h"

#include <glib/gi18n.h>

#include "graft-background.h"
#include "graft-probe.h"
#include "graft-window-private.h"

/* Tensors larger than this are not read just to look for NaN and Inf
 * badges; their statistics still show them when selected. */
#define GRAFT_WINDOW_SCAN_MAX_ELEMENTS (4u << 20)

typedef struct
{
  GraftModel *model;
  GPtrArray  *found;  /* GraftWeight, borrowed from model */
} GraftWindowScan;

static void
graft_window_scan_free (gpointer data)
{
  GraftWindowScan *scan = data;

  g_clear_pointer (&scan->model, graft_model_unref);
  g_clear_pointer (&scan->found, g_ptr_array_unref);
  g_free (scan);
}

static void
graft_window_scan_thread (GTask        *task,
                          gpointer      source_object,
                          gpointer      task_data,
                          GCancellable *cancellable)
{
  GraftWindowScan *scan = task_data;
  GError *error = NULL;

  scan->found = graft_nonfinite_scan (scan->model, GRAFT_WINDOW_SCAN_MAX_ELEMENTS, cancellable,
                                      &error);
  if (scan->found == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
graft_window_scan_done_cb (GObject      *object,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  GraftWindow *self = GRAFT_WINDOW (object);
  GraftWindowScan *scan = g_task_get_task_data (G_TASK (result));
  GraftLayerTree *tree;

  if (!g_task_propagate_boolean (G_TASK (result), NULL))
    return;
  tree = scan->model == self->target ? self->target_tree
         : scan->model == self->source ? self->source_tree : NULL;
  for (guint i = 0; tree != NULL && i < scan->found->len; i++)
    graft_layer_tree_set_nonfinite (tree, g_ptr_array_index (scan->found, i), TRUE);
}

static void
graft_window_scan (GraftWindow *self,
                   GraftModel  *model)
{
  g_autoptr(GTask) task = NULL;
  GraftWindowScan *scan = g_new0 (GraftWindowScan, 1);

  scan->model = graft_model_ref (model);
  task = g_task_new (self, self->scan_cancellable, graft_window_scan_done_cb, NULL);
  g_task_set_task_data (task, scan, graft_window_scan_free);
  graft_background_run (task, graft_window_scan_thread);
}

typedef struct
{
  char       *source_path;
  char       *target_path;
  GraftModel *source;
  GraftModel *target;
  const char *failed_path;  /* source_path or target_path */
} GraftWindowLoad;

static void
graft_window_load_free (gpointer data)
{
  GraftWindowLoad *load = data;

  g_free (load->source_path);
  g_free (load->target_path);
  g_clear_pointer (&load->source, graft_model_unref);
  g_clear_pointer (&load->target, graft_model_unref);
  g_free (load);
}

static void
graft_window_load_thread (GTask        *task,
                          gpointer      source_object,
                          gpointer      task_data,
                          GCancellable *cancellable)
{
  GraftWindowLoad *load = task_data;
  GError *error = NULL;

  /* A file that crashes or hangs libhdf5 must not take the app, and the
   * unsaved work in it, down: a helper process reads it first. */
  load->failed_path = load->source_path;
  if (load->source_path != NULL && !graft_probe_checkpoint (load->source_path, cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  load->failed_path = load->target_path;
  if (!graft_probe_checkpoint (load->target_path, cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  /* Opening reads metadata only; values come later, when shown. */
  if (load->source_path != NULL)
    {
      load->failed_path = load->source_path;
      load->source = graft_keras_load (load->source_path, &error);
      if (load->source == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
    }
  load->failed_path = load->target_path;
  load->target = graft_keras_load (load->target_path, &error);
  if (load->target == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

/* After input, before the next frame (GDK_PRIORITY_REDRAW is
 * G_PRIORITY_HIGH_IDLE + 20): the frame shows the weight. */
#define GRAFT_WINDOW_OPENED_PRIORITY (G_PRIORITY_HIGH_IDLE + 10)

/* What an opening does once the trees have their rows. */
typedef struct
{
  GraftWindow  *window;
  char         *select;   /* the target weight asked for */
  GraftJournal *journal;  /* a session to replay */
} GraftWindowOpened;

static void
graft_window_opened_free (gpointer data)
{
  GraftWindowOpened *opened = data;

  g_free (opened->select);
  g_clear_pointer (&opened->journal, graft_journal_free);
  g_free (opened);
}

/* Something to look at straight away: the weight asked for, or the
 * target's first; then the session's journal. A main-loop turn of its own before the first frame, as
 * showing a weight (its statistics, its heatmap's first work) with the
 * trees' rows made in the same turn would hold the loop for too long. */
static gboolean
graft_window_opened_cb (gpointer data)
{
  GraftWindowOpened *opened = data;
  GraftWindow *self = opened->window;

  self->opened_idle = 0;
  /* Unless a row was chosen meanwhile: input comes before this turn. */
  if (self->selected_tree == NULL)
    {
      if (opened->select == NULL ||
          !graft_layer_tree_select_path (self->target_tree, opened->select))
        graft_layer_tree_select_first_weight (self->target_tree);
      graft_window_refresh_selection (self);
    }

  graft_window_journal_start (self);
  if (opened->journal != NULL)
    graft_window_journal_replay (self, opened->journal);
  return G_SOURCE_REMOVE;
}

static void
graft_window_load_done_cb (GObject      *object,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  GraftWindow *self = GRAFT_WINDOW (object);
  GraftWindowLoad *load = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable = g_task_get_cancellable (G_TASK (result));
  GraftWindowOpened *opened;

  if (g_cancellable_is_cancelled (cancellable))
    {
      /* Abandoned by the user: the models, if any, are dropped with the task. */
      if (cancellable == self->cancellable)
        graft_window_set_busy (self, NULL);
      return;
    }
  graft_window_set_busy (self, NULL);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_autofree char *uri = load->failed_path ? g_filename_to_uri (load->failed_path, NULL, NULL)
                                               : NULL;

      /* Open Recent lists what opens. */
      if (uri != NULL)
        gtk_recent_manager_remove_item (gtk_recent_manager_get_default (), uri, NULL);
      graft_window_show_open_error (self, load->failed_path, error);
      return;
    }

  if (self->scan_cancellable != NULL)
    g_cancellable_cancel (self->scan_cancellable);
  g_clear_object (&self->scan_cancellable);
  self->scan_cancellable = g_cancellable_new ();

  g_clear_handle_id (&self->opened_idle, g_source_remove);
  self->selected_tree = NULL;
  self->summary_model = NULL;
  graft_layer_tree_set_model (self->source_tree, NULL);
  graft_layer_tree_set_model (self->target_tree, NULL);
  g_hash_table_remove_all (self->transferred);
  g_clear_pointer (&self->edit, graft_edit_unref);
  g_clear_pointer (&self->source, graft_model_unref);
  g_clear_pointer (&self->target, graft_model_unref);
  g_clear_pointer (&self->source_path, g_free);
  g_clear_pointer (&self->target_path, g_free);

  self->source = g_steal_pointer (&load->source);
  self->target = g_steal_pointer (&load->target);
  self->source_path = g_strdup (load->source_path);
  self->target_path = g_strdup (load->target_path);
  self->edit = graft_edit_new (self->target);
  self->examples = self->pending_examples;
  self->pending_examples = FALSE;

  if (self->source != NULL)
    {
      graft_layer_tree_set_model (self->source_tree, self->source);
      graft_window_recent_add (self->source_path);
      graft_window_scan (self, self->source);
    }
  graft_layer_tree_set_model (self->target_tree, self->target);
  graft_window_recent_add (self->target_path);
  graft_window_scan (self, self->target);
  graft_window_drop_hint_cb (self, NULL, self->target_tree);

  opened = g_new0 (GraftWindowOpened, 1);
  opened->window = self;
  opened->select = g_steal_pointer (&self->pending_select);
  opened->journal = g_steal_pointer (&self->pending_journal);
  self->opened_idle = g_idle_add_full (GRAFT_WINDOW_OPENED_PRIORITY, graft_window_opened_cb,
                                       opened, graft_window_opened_free);
  /* The title and the commands are the opened files' at once. */
  graft_window_sync (self);
}

/**
 * graft_window_open_at:
 * @weight_path: the target weight to select once the files are open
 *
 * graft_window_open(), then shows @weight_path.
 */
void
graft_window_open_at (GraftWindow *self,
                      const char  *source_path,
                      const char  *target_path,
                      const char  *weight_path)
{
  g_return_if_fail (GRAFT_IS_WINDOW (self));

  g_free (self->pending_select);
  self->pending_select = g_strdup (weight_path);
  graft_window_open (self, source_path, target_path);
}

/**
 * graft_window_open:
 * @source_path: (nullable): the checkpoint to copy from; with it, the window
 *   is in transfer mode
 * @target_path: the checkpoint to look at, edit and save
 *
 * Opens checkpoints in a worker thread; errors appear in the window.
 */
void
graft_window_open (GraftWindow *self,
                   const char  *source_path,
                   const char  *target_path)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *name = NULL;
  g_autofree char *what = NULL;
  GraftWindowLoad *load;

  g_return_if_fail (GRAFT_IS_WINDOW (self));
  g_return_if_fail (target_path != NULL);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  load = g_new0 (GraftWindowLoad, 1);
  load->source_path = g_strdup (source_path);
  load->target_path = g_strdup (target_path);
  self->pending_examples = FALSE;
  task = g_task_new (self, self->cancellable, graft_window_load_done_cb, NULL);
  g_task_set_source_tag (task, graft_window_open);
  g_task_set_task_data (task, load, graft_window_load_free);
  /* Cancel cannot stop the reader, but the window stops waiting for it. */
  g_task_set_check_cancellable (task, FALSE);
  graft_background_run (task, graft_window_load_thread);

  name = graft_window_display_name (target_path);
  what = g_strdup_printf (_("Opening %s…"), name);
  graft_window_set_busy (self, what);
}

/**
 * graft_window_open_examples:
 *
 * Opens the example pair shipped with Graft in transfer mode: a trained
 * trunk as the source and a model with a new head as the target.
 * GRAFT_EXAMPLES_DIR overrides where they are looked for.
 */
void
graft_window_open_examples (GraftWindow *self)
{
  const char *dirs[] = {
    g_getenv ("GRAFT_EXAMPLES_DIR"),
    GRAFT_SOURCE_DATADIR,
    GRAFT_DATADIR "/examples",
  };

  g_return_if_fail (GRAFT_IS_WINDOW (self));

  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_autofree char *source = NULL;
      g_autofree char *target = NULL;

      if (dirs[i] == NULL || dirs[i][0] == '\0')
        continue;
      source = g_build_filename (dirs[i], "seq_conv.keras", NULL);
      target = g_build_filename (dirs[i], "seq_conv_newhead.keras", NULL);
      if (g_file_test (source, G_FILE_TEST_IS_REGULAR) &&
          g_file_test (target, G_FILE_TEST_IS_REGULAR))
        {
          graft_window_open (self, source, target);
          self->pending_examples = TRUE;
          return;
        }
    }
  graft_window_show_welcome (self);
  graft_window_show_info (self, _("The example models were not found; open a checkpoint of "
                                  "your own."));
}
