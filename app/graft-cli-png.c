/* graft-cli-png.c: writing an RGBA8 picture as a PNG file
 *
 * A heatmap frame is a million pixels of noise-like colour, which a general
 * encoder (cairo's: libpng at its default level, with adaptive row filters)
 * takes longer to compress than Graft takes to read a 400 MB tensor. This
 * writer deflates unfiltered rows at zlib's fastest level, as libpng did in
 * a trial on fc1's frame (42–59 ms against cairo's 119–137 ms, see
 * tests/bench/README.md): the same pixels in 1.6 MB instead of 3.1 MB.
 *
 * The file is written beside its target and renamed over it, so a reader
 * never sees half a picture (not flushed to disk: a picture can be made
 * again).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-cli"

#include "config.h"

#include "graft-cli-png.h"

#include <string.h>
#include <zlib.h>

#include "graft.h"
#include "graft-atomic.h"

#define GRAFT_PNG_OUT_SIZE (256 * 1024)

typedef struct
{
  const char      *path;
  GraftAtomicFile *file;
  z_stream         zs;
  guint8          *out;
} GraftPngWriter;

static void
graft_png_put_be32 (guint8  *p,
                    guint32  v)
{
  p[0] = v >> 24;
  p[1] = v >> 16;
  p[2] = v >> 8;
  p[3] = v;
}

/* One chunk: length, type, data, CRC of type and data. */
static gboolean
graft_png_write_chunk (GraftPngWriter  *w,
                       const char      *type,
                       const guint8    *data,
                       gsize            len,
                       GError         **error)
{
  guint8 head[8], tail[4];
  uLong crc = crc32 (0, (const Bytef *) type, 4);

  if (len > 0)
    crc = crc32 (crc, data, len);
  graft_png_put_be32 (head, len);
  memcpy (head + 4, type, 4);
  graft_png_put_be32 (tail, crc);
  return graft_atomic_file_write (w->file, head, sizeof head, error) &&
         (len == 0 || graft_atomic_file_write (w->file, data, len, error)) &&
         graft_atomic_file_write (w->file, tail, sizeof tail, error);
}

/* Runs deflate over what zs holds, writing each full output buffer as an
 * IDAT chunk; with Z_FINISH, to the end of the stream. */
static gboolean
graft_png_deflate (GraftPngWriter  *w,
                   int              flush,
                   GError         **error)
{
  for (;;)
    {
      int status = deflate (&w->zs, flush);
      gsize produced = GRAFT_PNG_OUT_SIZE - w->zs.avail_out;

      if (status == Z_STREAM_ERROR)
        {
          g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_INVALID, "%s: zlib refused the picture's data",
                       w->path);
          return FALSE;
        }
      if (w->zs.avail_out == 0 || (flush == Z_FINISH && produced > 0))
        {
          if (!graft_png_write_chunk (w, "IDAT", w->out, produced, error))
            return FALSE;
          w->zs.next_out = w->out;
          w->zs.avail_out = GRAFT_PNG_OUT_SIZE;
        }
      if (flush == Z_FINISH ? status == Z_STREAM_END : w->zs.avail_in == 0 && w->zs.avail_out > 0)
        return TRUE;
    }
}

static gboolean
graft_png_write_pixels (GraftPngWriter  *w,
                        const guint8    *rgba,
                        guint            width,
                        guint            height,
                        gboolean         opaque,
                        GError         **error)
{
  guint channels = opaque ? 3 : 4;
  g_autofree guint8 *row = g_malloc ((gsize) width * channels + 1);

  for (guint y = 0; y < height; y++)
    {
      const guint8 *src = rgba + (gsize) y * width * 4;

      row[0] = 0;  /* filter: none */
      if (opaque)
        for (guint x = 0; x < width; x++)
          memcpy (row + 1 + 3 * (gsize) x, src + 4 * (gsize) x, 3);
      else
        memcpy (row + 1, src, (gsize) width * 4);
      w->zs.next_in = row;
      w->zs.avail_in = width * channels + 1;
      if (!graft_png_deflate (w, Z_NO_FLUSH, error))
        return FALSE;
    }
  return graft_png_deflate (w, Z_FINISH, error);
}

/**
 * graft_cli_png_write:
 * @rgba: [height, width, 4] straight (not premultiplied) RGBA8
 *
 * Writes @rgba to @path as an 8-bit PNG: RGB when every pixel is opaque,
 * else RGBA.
 *
 * Returns: %FALSE with @error set (naming @path) when it cannot be written;
 *   @path is then left as it was (errors of the file carry its name)
 */
gboolean
graft_cli_png_write (const char    *path,
                     const guint8  *rgba,
                     guint          width,
                     guint          height,
                     GError       **error)
{
  static const guint8 signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  g_autoptr(GraftAtomicFile) file = NULL;
  g_autofree guint8 *out = NULL;
  GraftPngWriter w = { 0 };
  gboolean opaque = TRUE, ok;
  guint8 ihdr[13];

  g_return_val_if_fail (width > 0 && height > 0, FALSE);

  for (gsize i = 0; i < (gsize) width * height && opaque; i++)
    opaque = rgba[4 * i + 3] == 0xff;

  file = graft_atomic_file_new (path, error);
  if (file == NULL)
    return FALSE;
  graft_atomic_file_set_sync (file, FALSE);
  out = g_malloc (GRAFT_PNG_OUT_SIZE);
  w.path = path;
  w.file = file;
  w.out = out;
  if (deflateInit (&w.zs, Z_BEST_SPEED) != Z_OK)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_LIMIT, "%s: zlib cannot start", path);
      return FALSE;
    }
  w.zs.next_out = out;
  w.zs.avail_out = GRAFT_PNG_OUT_SIZE;

  graft_png_put_be32 (ihdr, width);
  graft_png_put_be32 (ihdr + 4, height);
  ihdr[8] = 8;                 /* bits per channel */
  ihdr[9] = opaque ? 2 : 6;    /* RGB or RGBA */
  ihdr[10] = ihdr[11] = ihdr[12] = 0;  /* deflate, adaptive filters, no interlace */

  ok = graft_atomic_file_write (file, signature, sizeof signature, error) &&
       graft_png_write_chunk (&w, "IHDR", ihdr, sizeof ihdr, error) &&
       graft_png_write_pixels (&w, rgba, width, height, opaque, error) &&
       graft_png_write_chunk (&w, "IEND", NULL, 0, error);
  deflateEnd (&w.zs);
  return ok && graft_atomic_file_commit (file, error);
}
