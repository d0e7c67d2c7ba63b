/* graft-convert.c: writing a model in another checkpoint format
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-convert"

#include "config.h"

#include "graft-convert.h"

#include "graft-error.h"
#include "graft-model.h"

gboolean
graft_convert_save (GraftModel      *model,
                    const char      *path,
                    GraftFormat      format,
                    GraftSaveFlags   flags,
                    GError         **error)
{
  g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED, "%s: cannot convert %s to %s yet",
               path, graft_format_get_name (graft_model_get_format (model)),
               graft_format_get_name (format));
  return FALSE;
}
