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
  GtkApplicationWindow  parent_instance;

  /* Template widgets */
  GtkLabel             *title_label;
  GtkLabel             *subtitle_label;
  GtkInfoBar           *info_bar;
  GtkLabel             *info_label;
  GtkRevealer          *progress_revealer;
  GtkLabel             *progress_label;
  GtkProgressBar       *progress_bar;
  GtkWidget            *source_box;
  GraftLayerTree       *source_tree;
  GraftLayerTree       *target_tree;
  GraftHeatmapPanel    *heatmap_panel;
  GraftStatsView       *stats_view;
  GraftSpectrumView    *spectrum_view;
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

  GraftJournal         *journal;          /* of the session, while it has steps */
  char                 *journal_path;
  GraftJournal         *pending_journal;  /* to replay once its files are open */
  char                 *pending_select;   /* a target weight to select once open */

  GraftWindowContinue   after_save;
  guint                 progress_pulse;
  guint                 info_timeout;
  guint                 busy : 1;
  guint                 close_confirmed : 1;
  guint                 replaying : 1;
};

/* Init hooks of the files of GraftWindow. */
void      graft_window_actions_class_init (GtkWidgetClass     *widget_class);
void      graft_window_actions_init      (GraftWindow         *self);
void      graft_window_dnd_init          (GraftWindow         *self);

/* graft-window.c */
char     *graft_window_display_name      (const char          *path);
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
void      graft_window_set_message       (GraftWindow         *self,
                                          GtkMessageType       type,
                                          const char          *message);
void      graft_window_hide_info         (GraftWindow         *self);
void      graft_window_info_response_cb  (GraftWindow         *self,
                                          int                  response,
                                          GtkInfoBar          *info_bar);
void      graft_window_show_error        (GraftWindow         *self,
                                          const char          *context,
                                          const GError        *error);
void      graft_window_show_info         (GraftWindow         *self,
                                          const char          *message);
void      graft_window_set_busy          (GraftWindow         *self,
                                          const char          *what);

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

G_END_DECLS
