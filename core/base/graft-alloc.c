/* graft-alloc.c: big zeroed buffers, in huge pages where the system has them
 *
 * A heatmap frame is 9 MB of new memory (colours, shown values, clip
 * flags): 2 300 page faults at 4 KiB, a tenth of the whole first frame on
 * a virtual machine, where each fault is a trip through the hypervisor.
 * Aligned to 2 MiB and marked for transparent huge pages, the same buffers
 * take five faults. Freed with g_free(), like any other.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-alloc"

#include "config.h"

#include "graft-alloc.h"

#include <stdlib.h>
#include <string.h>

#ifdef __linux__
#include <sys/mman.h>
#endif

#define GRAFT_HUGE_PAGE ((gsize) 2 << 20)

/**
 * graft_alloc_big0:
 *
 * Returns: (transfer full): @n_bytes of zeroed memory, for g_free(); in
 *   huge pages when it is at least one huge page and the kernel allows
 *   them (`madvise` mode of transparent huge pages)
 */
gpointer
graft_alloc_big0 (gsize n_bytes)
{
#ifdef __linux__
  void *p = NULL;

  if (n_bytes >= GRAFT_HUGE_PAGE && posix_memalign (&p, GRAFT_HUGE_PAGE, n_bytes) == 0)
    {
      (void) madvise (p, n_bytes, MADV_HUGEPAGE);
      memset (p, 0, n_bytes);
      return p;
    }
#endif
  return g_malloc0 (n_bytes);
}
