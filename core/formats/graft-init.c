/* graft-init.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-init"

#include "config.h"

#include "graft-init.h"

#include "graft-h5-private.h"

/**
 * graft_init:
 *
 * Sets up the libraries the core uses. Call it once, from main(), before
 * any other core function; calling it again is harmless.
 */
void
graft_init (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      graft_h5_init ();
      g_once_init_leave (&initialized, 1);
    }
}
