/* graft-ui-test.h: helpers shared by the UI tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

typedef gboolean (*GraftUiTestCond) (gpointer data);

/* Runs the main loop until @cond holds, for at most @timeout_ms. */
static inline gboolean
graft_ui_test_wait (GraftUiTestCond cond,
                    gpointer        data,
                    guint           timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!cond (data))
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  return TRUE;
}

/* Lets pending sources and finished worker threads report back. */
static inline void
graft_ui_test_drain (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  /* What is pending is dispatched to the end, as a closed window's last
   * tasks report back (slowly under the sanitizers), but for at most 5 s
   * past @ms: a spinner or any other animation always has a frame pending. */
  gint64 cap = end + 5 * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < end)
    {
      while (g_get_monotonic_time () < cap && g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (1000);
    }
}

/* The in-app icons and the style sheet, as the application installs them. */
static inline void
graft_ui_test_setup_display (void)
{
  g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();
  GdkDisplay *display;

  /* The widgets are libadwaita's: its stylesheet and types, as in the app. */
  adw_init ();
  display = gdk_display_get_default ();
  gtk_icon_theme_add_resource_path (gtk_icon_theme_get_for_display (display),
                                    "/org/gnome/Graft/icons");
  gtk_css_provider_load_from_resource (css, "/org/gnome/Graft/ui/style.css");
  gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

G_END_DECLS
