/* graft-colormap-menu.c: colormap swatches, and the menu that picks a colormap by its picture
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-colormap-menu"

#include "config.h"

#include "graft-colormap-menu.h"

#include <glib/gi18n.h>
#include <string.h>

#define SWATCH_W 64
#define SWATCH_H 14

/**
 * graft_colormap_menu_swatch:
 *
 * Returns: (transfer full): the map from its low to its high end, left to
 *   right, as a texture of @width × @height
 */
GdkTexture *
graft_colormap_menu_swatch (GraftColormapKind kind,
                            gboolean          reversed,
                            int               width,
                            int               height)
{
  g_autoptr(GraftColormap) cmap = graft_colormap_new (kind, reversed);
  g_autofree guint8 *rgba = g_malloc ((gsize) width * height * 4);
  g_autoptr(GBytes) bytes = NULL;

  for (int x = 0; x < width; x++)
    {
      guint8 color[4];

      graft_colormap_sample (cmap, width > 1 ? (double) x / (width - 1) : 0.5, color);
      for (int y = 0; y < height; y++)
        memcpy (rgba + ((gsize) y * width + x) * 4, color, 4);
    }
  bytes = g_bytes_new_take (g_steal_pointer (&rgba), (gsize) width * height * 4);
  return gdk_memory_texture_new (width, height, GDK_MEMORY_R8G8B8A8, bytes, (gsize) width * 4);
}

const char *
graft_colormap_menu_label (GraftColormapKind kind)
{
  switch (kind)
    {
    case GRAFT_COLORMAP_DIVERGING:
      return _("Diverging");
    case GRAFT_COLORMAP_VIRIDIS:
      return _("Viridis");
    case GRAFT_COLORMAP_MAGMA:
      return _("Magma");
    case GRAFT_COLORMAP_CIVIDIS:
      return _("Cividis");
    case GRAFT_COLORMAP_GRAYSCALE:
      return _("Grayscale");
    case GRAFT_N_COLORMAPS:
    default:
      return "";
    }
}

/**
 * graft_colormap_menu_fill:
 * @list: the menu's box; the rows go before what it holds already
 * @toggled: called (swapped, with @data) when a row is chosen
 *
 * Adds one flat toggle per colormap, its swatch beside its name; the
 * toggles are one group, the first active.
 *
 * Returns: (transfer container): the toggles, in GraftColormapKind order
 */
GPtrArray *
graft_colormap_menu_fill (GtkBox    *list,
                          GCallback  toggled,
                          gpointer   data)
{
  GPtrArray *buttons = g_ptr_array_new ();
  GtkWidget *sibling = NULL;

  for (guint kind = 0; kind < GRAFT_N_COLORMAPS; kind++)
    {
      GtkWidget *button = gtk_toggle_button_new ();
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
      GtkWidget *picture = gtk_picture_new ();
      GtkWidget *label = gtk_label_new (graft_colormap_menu_label (kind));

      gtk_picture_set_can_shrink (GTK_PICTURE (picture), FALSE);
      gtk_widget_set_valign (picture, GTK_ALIGN_CENTER);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_box_append (GTK_BOX (box), picture);
      gtk_box_append (GTK_BOX (box), label);
      gtk_button_set_child (GTK_BUTTON (button), box);
      gtk_widget_add_css_class (button, "flat");
      if (buttons->len > 0)
        gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (button), g_ptr_array_index (buttons, 0));
      else
        gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (button), TRUE);
      g_object_set_data (G_OBJECT (button), "graft-swatch", picture);
      g_signal_connect_swapped (button, "toggled", toggled, data);
      gtk_box_insert_child_after (list, button, sibling);
      sibling = button;
      g_ptr_array_add (buttons, button);
    }
  graft_colormap_menu_set_swatches (buttons, FALSE);
  return buttons;
}

/* Redraws every row's swatch the way round it will be drawn. */
void
graft_colormap_menu_set_swatches (GPtrArray *buttons,
                                  gboolean   reversed)
{
  for (guint kind = 0; kind < buttons->len; kind++)
    {
      GtkPicture *picture = g_object_get_data (g_ptr_array_index (buttons, kind), "graft-swatch");
      g_autoptr(GdkTexture) swatch = graft_colormap_menu_swatch (kind, reversed, SWATCH_W, SWATCH_H);

      gtk_picture_set_paintable (picture, GDK_PAINTABLE (swatch));
    }
}
