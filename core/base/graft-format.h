/* graft-format.h: the checkpoint formats by name and file name
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "graft-types.h"

G_BEGIN_DECLS

/**
 * GraftFramework:
 * @GRAFT_FRAMEWORK_KERAS: Keras's layouts
 * @GRAFT_FRAMEWORK_TORCH: PyTorch's layouts (state_dicts, safetensors)
 */
typedef enum
{
  GRAFT_FRAMEWORK_KERAS,
  GRAFT_FRAMEWORK_TORCH,
} GraftFramework;

const char    *graft_format_get_name      (GraftFormat  format);
const char    *graft_format_get_label     (GraftFormat  format);
GraftFramework graft_format_get_framework (GraftFormat  format);
GraftFormat  graft_format_from_name      (const char  *name);
GraftFormat  graft_format_guess_for_path (const char  *path);
GraftFormat  graft_format_for_save       (const char  *path,
                                          GraftFormat  chosen,
                                          GraftFormat  own);

G_END_DECLS
