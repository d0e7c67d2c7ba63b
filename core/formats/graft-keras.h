/* graft-keras.h: opening Keras checkpoints of every format
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "graft-types.h"

G_BEGIN_DECLS

/* The Keras release whose layouts (FORMATS.md) Graft writes, named in the
 * files it writes when the model does not name one of its own. */
#define GRAFT_KERAS_WRITE_VERSION "3.15.1"
#define GRAFT_KERAS_WRITE_BACKEND "numpy"

GraftFormat  graft_keras_detect (const char  *path,
                                 GError     **error);
GraftModel  *graft_keras_load   (const char  *path,
                                 GError     **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
