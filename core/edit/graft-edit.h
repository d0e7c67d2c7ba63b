/* graft-edit.h: changing a model's weights, with undo and redo
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "graft-keras-save.h"
#include "graft-types.h"

G_BEGIN_DECLS

typedef struct GraftEdit GraftEdit;

GraftEdit   *graft_edit_new               (GraftModel         *model) G_GNUC_WARN_UNUSED_RESULT;
GraftEdit   *graft_edit_ref               (GraftEdit          *self);
void         graft_edit_unref             (GraftEdit          *self);
GraftModel  *graft_edit_get_model         (GraftEdit          *self);

void         graft_edit_begin             (GraftEdit          *self,
                                           const char         *label);
void         graft_edit_set_tensor        (GraftEdit          *self,
                                           GraftWeight        *weight,
                                           GraftTensor        *tensor);
void         graft_edit_end               (GraftEdit          *self);

gboolean     graft_edit_can_undo          (const GraftEdit    *self);
gboolean     graft_edit_can_redo          (const GraftEdit    *self);
const char  *graft_edit_get_undo_label    (const GraftEdit    *self);
const char  *graft_edit_get_redo_label    (const GraftEdit    *self);
gboolean     graft_edit_undo              (GraftEdit          *self);
gboolean     graft_edit_redo              (GraftEdit          *self);
guint        graft_edit_get_n_steps       (const GraftEdit    *self);

gboolean     graft_edit_is_dirty          (const GraftEdit    *self);
gboolean     graft_edit_weight_is_modified (const GraftEdit   *self,
                                           GraftWeight        *weight);
GPtrArray   *graft_edit_dup_changed       (const GraftEdit    *self) G_GNUC_WARN_UNUSED_RESULT;
gboolean     graft_edit_save              (GraftEdit          *self,
                                           const char         *path,
                                           GraftFormat         format,
                                           GraftSaveFlags      flags,
                                           GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GraftEdit, graft_edit_unref)

G_END_DECLS
