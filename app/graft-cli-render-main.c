/* graft-cli-render-main.c: `graft-cli render`, as its own program
 *
 * graft-cli hands `render --colorbar` over to this program (see
 * graft-cli-render.c), so that only the colour bar pays for loading cairo.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-cli"

#include "config.h"

#include <locale.h>
#include <stdio.h>

#include "graft-cli-private.h"

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  graft_cli_crash_guard_install (argc, argv);
  graft_init ();

  if (argc < 2 || !g_str_equal (argv[1], "render"))
    {
      fprintf (stderr, "graft-cli-render: run it as 'graft-cli render …'\n");
      return 2;
    }
  return graft_cli_render_run (argc - 1, argv + 1, graft_cli_render_colorbar_png);
}
