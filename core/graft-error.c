/* graft-error.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-error"

#include "config.h"

#include "graft-error.h"

G_DEFINE_QUARK (graft-error-quark, graft_error)
