/* graft-error.h: the one error domain of libgraft-core
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define GRAFT_ERROR (graft_error_quark ())

typedef enum
{
  GRAFT_ERROR_FAILED,
  GRAFT_ERROR_IO,            /* missing file, permission, disk full, short read */
  GRAFT_ERROR_NOT_A_MODEL,   /* readable, but not a Keras checkpoint (HTML, LFS pointer, …) */
  GRAFT_ERROR_CORRUPT,       /* a checkpoint whose structure is broken or truncated */
  GRAFT_ERROR_UNSUPPORTED,   /* valid, but uses something Graft does not handle */
  GRAFT_ERROR_UNSAFE,        /* refused for safety: external links, pickles, bombs */
  GRAFT_ERROR_LIMIT,         /* a declared size exceeds a limit or the file itself */
  GRAFT_ERROR_NOT_FOUND,     /* a named layer or weight does not exist */
  GRAFT_ERROR_SHAPE,         /* shapes disagree */
  GRAFT_ERROR_INVALID,       /* a bad argument from the user (a malformed option) */
  GRAFT_ERROR_CANCELLED,
  GRAFT_ERROR_NO_ARCHITECTURE, /* the work needs a model config the file does not have */
} GraftError;

GQuark graft_error_quark       (void);
void   graft_error_add_context (GError     **error,
                                const char  *filename,
                                const char  *format,
                                ...) G_GNUC_PRINTF (3, 4);

void   graft_error_set_errno   (GError     **error,
                                int          saved_errno,
                                const char  *path,
                                const char  *what);

G_END_DECLS
