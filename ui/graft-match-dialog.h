/* graft-match-dialog.h: a whole transfer plan, checked pair by pair
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "graft.h"

G_BEGIN_DECLS

#define GRAFT_TYPE_MATCH_DIALOG (graft_match_dialog_get_type ())

G_DECLARE_FINAL_TYPE (GraftMatchDialog, graft_match_dialog, GRAFT, MATCH_DIALOG, GtkWindow)

GtkWindow  *graft_match_dialog_new          (GtkWindow        *parent,
                                             GraftModel       *source,
                                             GraftModel       *target);
GListModel *graft_match_dialog_get_pairs    (GraftMatchDialog *self);
void        graft_match_dialog_set_strategy (GraftMatchDialog *self,
                                             GraftTransferStrategy strategy);
guint       graft_match_dialog_count_checked (GraftMatchDialog *self);

G_END_DECLS
