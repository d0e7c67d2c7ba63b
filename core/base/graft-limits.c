/* graft-limits.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-limits"

#include "config.h"

#include "graft-limits.h"

#include <unistd.h>

#include "graft-error.h"

/**
 * graft_limits_get_max_alloc:
 *
 * The largest single buffer Graft allocates for file contents: the value
 * of the environment variable GRAFT_MAX_MEMORY (bytes, with an optional K,
 * M or G suffix) when set, else half of the physical memory. The variable
 * is read on every call (tests and scripts change it); the physical memory
 * is read once per process.
 */
/* Half the physical memory, asked of the system once: lookups of single
 * pixels check their allocation too, and sysconf() costs a sysinfo() call
 * each time. */
static guint64
graft_limits_default_max_alloc (void)
{
  static gsize cached = 0;

  if (g_once_init_enter (&cached))
    {
      long pages = sysconf (_SC_PHYS_PAGES);
      long page_size = sysconf (_SC_PAGE_SIZE);
      guint64 v;

      if (pages <= 0 || page_size <= 0)
        v = G_GUINT64_CONSTANT (4) << 30;
      else
        v = (guint64) pages * (guint64) page_size / 2;
      g_once_init_leave (&cached, (gsize) v);
    }
  return cached;
}

guint64
graft_limits_get_max_alloc (void)
{
  const char *env = g_getenv ("GRAFT_MAX_MEMORY");

  if (env != NULL && *env != '\0')
    {
      char *end = NULL;
      guint64 v = g_ascii_strtoull (env, &end, 10);

      switch (g_ascii_toupper (*end))
        {
        case 'G': v <<= 30; break;
        case 'M': v <<= 20; break;
        case 'K': v <<= 10; break;
        default: break;
        }
      if (v > 0)
        return v;
    }

  return graft_limits_default_max_alloc ();
}

/**
 * graft_limits_check_alloc:
 * @n_bytes: the size of a buffer about to be allocated for file contents
 *
 * Returns: %FALSE with %GRAFT_ERROR_LIMIT when @n_bytes is more than
 *   graft_limits_get_max_alloc()
 */
gboolean
graft_limits_check_alloc (guint64   n_bytes,
                          GError  **error)
{
  guint64 max = graft_limits_get_max_alloc ();

  if (n_bytes > max)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_LIMIT,
                   "%" G_GUINT64_FORMAT " bytes needed, more than the memory limit of %"
                   G_GUINT64_FORMAT " bytes (set GRAFT_MAX_MEMORY to raise it)",
                   n_bytes, max);
      return FALSE;
    }
  return TRUE;
}
