/* graft-window-private.h: what the files of GraftWindow share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "graft-window.h"

G_BEGIN_DECLS

typedef void (*GraftWindowContinue) (GraftWindow *self,
                                     gpointer     data);

struct _GraftWindow
{
  AdwApplicationWindow  parent_instance;

  /* Template widgets */
  AdwWindowTitle       *window_title;
  GtkRevealer          *toast_revealer;
  GtkLabel             *toast_label;
  GtkButton            *toast_button;
  GtkStack             *main_stack;
  AdwStatusPage        *status_page;
  GtkWidget            *status_examples_button;
  GtkWidget            *status_details;
  GtkLabel             *status_details_label;
  GtkWidget            *side_pane;
  GtkOverlay           *content_overlay;
  GtkPaned             *side_paned;
  GtkToggleButton      *side_toggle;
  GtkWidget            *save_button;
  GtkWidget            *match_button;
  GtkRevealer          *progress_revealer;
  GtkLabel             *progress_label;
  GtkProgressBar       *progress_bar;
  GtkWidget            *source_box;
  GraftLayerTree       *source_tree;
  GraftLayerTree       *target_tree;
  GraftHeatmapPanel    *heatmap_panel;
  GraftStatsView       *stats_view;
  GraftSpectrumView    *spectrum_view;
  GraftSummaryView     *summary_view;
  GtkStack             *side_stack;
  GtkLabel             *hint_label;
  GtkWidget            *hint_bar;
  GMenu                *recent_menu;
  GtkPaned             *main_paned;

  /* Owned */
  GraftModel           *source;
  GraftModel           *target;
  GraftEdit            *edit;
  char                 *source_path;
  char                 *target_path;
  GHashTable           *transferred;  /* target GraftWeight → source GraftWeight, borrowed */
  GCancellable         *cancellable;
  GCancellable         *scan_cancellable;
  char                 *message;
  GtkNativeDialog      *chooser;
  gpointer              after_save_data;
  GDestroyNotify        after_save_free;

  /* Borrowed */
  GtkWindow            *question;
  GraftLayerTree       *selected_tree;
  GraftModel           *summary_model;    /* the model the Info tab shows */

  GraftJournal         *journal;          /* of the session, while it has steps */
  char                 *journal_path;
  GraftJournal         *pending_journal;  /* to replay once its files are open */
  char                 *pending_select;   /* a target weight to select once open */
  guint                 opened_idle;      /* shows the opened files' first weight */

  char                 *toast_action;     /* of the toast's button */
  GVariant             *toast_target;
  guint                 toast_timeout;
  guint                 toast_seconds;    /* 0: stays until dismissed */
  gboolean              toast_hovered;    /* the timeout waits meanwhile */
  char                 *debug_path;       /* $GRAFT_DEBUG_STATE */
  char                 *debug_last;
  guint                 debug_timer;
  guint                 probe_timer;      /* main-loop latency, with debug state */
  gint64                probe_start;
  gint64                probe_last;
  gint64                probe_run_delay;  /* ns waiting for a CPU, so far */
  guint                 n_stalls;
  GString              *stalls;

  GraftWindowContinue   after_save;
  guint                 progress_pulse;
  guint                 busy : 1;
  guint                 close_confirmed : 1;
  guint                 replaying : 1;
  guint                 examples : 1;      /* the bundled example pair is open */
  guint                 pending_examples : 1;
  guint                 side_folded : 1;   /* the window is narrow */
  guint                 side_wanted : 1;   /* the user asked for the side pane */
  guint                 side_overlaid : 1; /* shown over the heatmap, narrow window */
  int                   layout_width;      /* the width the layout was last fitted to */
  int                   side_min_width;    /* the side pane's, when last shown */
};

/* Init hooks of the files of GraftWindow. */
void      graft_window_actions_class_init (GtkWidgetClass     *widget_class);
void      graft_window_actions_init      (GraftWindow         *self);
void      graft_window_dnd_init          (GraftWindow         *self);

/* graft-window.c */
char     *graft_window_display_name      (const char          *path);
char     *graft_window_display_folder    (const char          *path);
void      graft_window_sync              (GraftWindow         *self);
void      graft_window_refresh_selection (GraftWindow         *self);
void      graft_window_drop_hint_cb      (GraftWindow         *self,
                                          GParamSpec          *pspec,
                                          GraftLayerTree      *tree);

/* graft-window-actions.c */
void      graft_window_action_set_enabled (GraftWindow        *self,
                                          const char          *name,
                                          gboolean             enabled);

/* graft-window-messages.c */
void      graft_window_toast             (GraftWindow         *self,
                                          const char          *text,
                                          const char          *button,
                                          const char          *action,
                                          GVariant            *target);
void      graft_window_toast_dismiss     (GraftWindow         *self);
void      graft_window_toast_revealed_cb (GraftWindow         *self);
void      graft_window_toast_enter_cb    (GraftWindow         *self);
void      graft_window_toast_leave_cb    (GraftWindow         *self);
void      graft_window_toast_button_cb   (GraftWindow         *self,
                                          GtkButton           *button);
void      graft_window_show_error        (GraftWindow         *self,
                                          const char          *context,
                                          const GError        *error);
void      graft_window_show_error_dialog (GraftWindow         *self,
                                          const char          *heading,
                                          const char          *body,
                                          const char          *details);
void      graft_window_show_info         (GraftWindow         *self,
                                          const char          *message);
void      graft_window_set_busy          (GraftWindow         *self,
                                          const char          *what);

/* graft-window-status.c */
void      graft_window_show_welcome      (GraftWindow         *self);
void      graft_window_show_open_error   (GraftWindow         *self,
                                          const char          *path,
                                          const GError        *error);
char     *graft_window_describe_error    (const char          *path,
                                          const GError        *error,
                                          gboolean             opening);

/* graft-window-debug.c */
void      graft_window_debug_init        (GraftWindow         *self);
void      graft_window_debug_dispose     (GraftWindow         *self);

/* graft-window-layout.c */
void      graft_window_layout_init       (GraftWindow         *self);
void      graft_window_layout_update     (GraftWindow         *self);
void      graft_window_layout_allocated  (GraftWindow         *self,
                                          int                  width);

/* graft-window-open.c (graft_window_open() is public) */

/* graft-window-recent.c */
void      graft_window_recent_add        (const char          *path);
void      graft_window_recent_update     (GraftWindow         *self);

/* graft-window-files.c */
void      graft_window_open_path_cb      (GraftWindow         *self,
                                          gpointer             data);
void      graft_window_show_compare_dialog (GraftWindow       *self);
void      graft_window_show_save_as_dialog (GraftWindow       *self);
void      graft_window_show_export_npy_dialog (GraftWindow    *self);
void      graft_window_show_export_png_dialog (GraftWindow    *self);

/* graft-window-save.c */
void      graft_window_save_to           (GraftWindow         *self,
                                          const char          *path,
                                          GraftFormat          format,
                                          gboolean             close_after);
void      graft_window_confirm_discard   (GraftWindow         *self,
                                          GraftWindowContinue  next,
                                          gpointer             data,
                                          GDestroyNotify       data_free);

/* graft-window-journal.c */
void      graft_window_journal_start     (GraftWindow         *self);
void      graft_window_journal_forget    (GraftWindow         *self);
void      graft_window_journal_record    (GraftWindow         *self,
                                          GPtrArray           *pairs,
                                          gboolean             partial,
                                          const char          *label);
void      graft_window_journal_move      (GraftWindow         *self,
                                          int                  delta);
void      graft_window_journal_replay    (GraftWindow         *self,
                                          GraftJournal        *journal);

/* graft-window-edit.c */
gboolean  graft_window_transfer          (GraftWindow         *self,
                                          GPtrArray           *pairs,
                                          gboolean             partial,
                                          const char          *what);
void      graft_window_undo              (GraftWindow         *self,
                                          gboolean             redo);
void      graft_window_explain_drop      (GraftWindow         *self,
                                          const char          *source_path,
                                          const char          *target_path);

G_END_DECLS
