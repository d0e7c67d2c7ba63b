/* graft-journal.h: the steps of an unsaved edit session, kept on disk
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "graft-types.h"

G_BEGIN_DECLS

typedef struct GraftJournal GraftJournal;

/**
 * GraftJournalFile:
 * @GRAFT_JOURNAL_SOURCE: the checkpoint weights were copied from
 * @GRAFT_JOURNAL_TARGET: the checkpoint the steps changed
 */
typedef enum
{
  GRAFT_JOURNAL_SOURCE,
  GRAFT_JOURNAL_TARGET,
  GRAFT_JOURNAL_N_FILES
} GraftJournalFile;

GraftJournal *graft_journal_new            (const char         *source_path,
                                            const char         *target_path,
                                            GError            **error) G_GNUC_WARN_UNUSED_RESULT;
GraftJournal *graft_journal_load           (const char         *path,
                                            GError            **error) G_GNUC_WARN_UNUSED_RESULT;
void          graft_journal_free           (GraftJournal       *self);
gboolean      graft_journal_save           (GraftJournal       *self,
                                            const char         *path,
                                            GError            **error);

void          graft_journal_add_step       (GraftJournal       *self,
                                            const char         *label,
                                            GPtrArray          *pairs,
                                            gboolean            partial);
void          graft_journal_set_position   (GraftJournal       *self,
                                            guint               position);

const char   *graft_journal_get_path       (const GraftJournal *self,
                                            GraftJournalFile    file);
gboolean      graft_journal_file_changed   (const GraftJournal *self,
                                            GraftJournalFile    file);
gint64        graft_journal_get_pid        (const GraftJournal *self);
guint         graft_journal_get_n_steps    (const GraftJournal *self);
guint         graft_journal_get_position   (const GraftJournal *self);
const char   *graft_journal_get_label      (const GraftJournal *self,
                                            guint               step);
GPtrArray    *graft_journal_get_pairs      (const GraftJournal *self,
                                            guint               step);
gboolean      graft_journal_get_partial    (const GraftJournal *self,
                                            guint               step);
gboolean      graft_journal_step_applies   (const GraftJournal *self,
                                            guint               step,
                                            GraftModel         *source,
                                            GraftModel         *target,
                                            char              **why);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GraftJournal, graft_journal_free)

G_END_DECLS
