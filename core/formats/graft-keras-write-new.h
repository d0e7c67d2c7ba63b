/* graft-keras-write-new.h: writing a fresh Keras file from an in-memory model
 *
 * For models that have no file yet (graft_net_save()). Every weight's
 * location must already be in the target format's layout, as
 * graft_net_dup_model() makes them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "graft-types.h"

G_BEGIN_DECLS

/* The Keras release whose layouts (FORMATS.md) the files follow. */
#define GRAFT_KERAS_WRITE_VERSION "3.15.1"
#define GRAFT_KERAS_WRITE_BACKEND "numpy"

typedef struct GraftKerasWriteLayout GraftKerasWriteLayout;

GraftKerasWriteLayout *graft_keras_write_layout_new        (void) G_GNUC_WARN_UNUSED_RESULT;
void                   graft_keras_write_layout_free       (GraftKerasWriteLayout  *self);
void                   graft_keras_write_layout_add_object (GraftKerasWriteLayout  *self,
                                                            const char             *location,
                                                            const char             *name);
void                   graft_keras_write_layout_add_layer  (GraftKerasWriteLayout  *self,
                                                            const char             *name);

gboolean               graft_keras_write_new               (GraftModel             *model,
                                                            GraftKerasWriteLayout  *layout,
                                                            const char             *path,
                                                            GraftFormat             format,
                                                            GError                **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GraftKerasWriteLayout, graft_keras_write_layout_free)

G_END_DECLS
