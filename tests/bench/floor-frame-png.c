/* floor-frame-png.c: --png of floor-frame-png, the frame written as a PNG
 * by cairo; only that build links cairo
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE

#include <stdint.h>
#include <stdio.h>

#include <cairo.h>

#include "floor-frame-private.h"

/* As graft-cli render does it: copy into a cairo ARGB32 surface (opaque, so
 * premultiplied equals straight) and let cairo encode the PNG. */
int
floor_write_png (const char       *path,
                 const FloorFrame *f)
{
  cairo_surface_t *image = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, (int) f->width,
                                                       (int) f->height);
  cairo_status_t status;
  uint8_t *dst;
  int stride;

  if (cairo_surface_status (image) != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (image);
      return 0;
    }
  cairo_surface_flush (image);
  dst = cairo_image_surface_get_data (image);
  stride = cairo_image_surface_get_stride (image);
  for (unsigned y = 0; y < f->height; y++)
    {
      uint32_t *row = (uint32_t *) (dst + (size_t) y * stride);
      const uint32_t *rgba = (const uint32_t *) f->shown + (size_t) y * f->width;

      /* R, G, B in the word's low bytes, to cairo's 0xAARRGGBB. */
      for (unsigned x = 0; x < f->width; x++)
        row[x] = 0xff000000u | (rgba[x] & 0xffu) << 16 | (rgba[x] & 0xff00u) | (rgba[x] >> 16 & 0xffu);
    }
  cairo_surface_mark_dirty (image);
  status = cairo_surface_write_to_png (image, path);
  cairo_surface_destroy (image);
  if (status != CAIRO_STATUS_SUCCESS)
    fprintf (stderr, "floor-frame: %s: %s\n", path, cairo_status_to_string (status));
  return status == CAIRO_STATUS_SUCCESS;
}
