/* main.c: runs the Graft application
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "graft-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GraftApplication) app = NULL;

  setlocale (LC_ALL, "");
  textdomain (GETTEXT_PACKAGE);

  app = graft_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
