/* graft-keras-save.h: writing Keras checkpoints of every format
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "graft-types.h"

G_BEGIN_DECLS

/**
 * GraftSaveFlags:
 * @GRAFT_SAVE_NONE: keep everything
 * @GRAFT_SAVE_DROP_OPTIMIZER: leave out optimizer and training state
 * @GRAFT_SAVE_NO_SYNC: do not fsync(): still atomic, not durable across a
 *   power loss (for scripts that sync themselves, and for benchmarks)
 */
typedef enum
{
  GRAFT_SAVE_NONE           = 0,
  GRAFT_SAVE_DROP_OPTIMIZER = 1 << 0,
  GRAFT_SAVE_NO_SYNC        = 1 << 1,
} GraftSaveFlags;

GraftFormat  graft_format_from_name      (const char      *name);
GraftFormat  graft_format_guess_for_path (const char      *path);
gboolean     graft_keras_save            (GraftModel      *model,
                                          const char      *path,
                                          GraftFormat      format,
                                          GraftSaveFlags   flags,
                                          GPtrArray       *changed,
                                          GError         **error);

G_END_DECLS
