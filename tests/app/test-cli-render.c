/* test-cli-render.c: `graft-cli render` writes the frame core renders, as a
 * PNG any reader takes
 *
 * The PNG is read back here with zlib alone: every chunk's CRC checked,
 * the rows inflated, and each pixel compared with the frame core renders
 * for the same tensor, size and style.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <zlib.h>

#include "graft.h"
#include "test-util.h"

typedef struct
{
  guint   width;
  guint   height;
  guint   channels;  /* 3 (RGB) or 4 (RGBA) */
  guint8 *pixels;    /* [height, width, channels] */
} Png;

static void
png_clear (Png *png)
{
  g_free (png->pixels);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Png, png_clear)

static guint32
be32 (const guint8 *p)
{
  return (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | p[3];
}

/* Reads an 8-bit, non-interlaced RGB or RGBA PNG whose rows are unfiltered
 * (what graft-cli writes), checking the signature and every CRC. */
static void
png_read (const char *path,
          Png        *png)
{
  static const guint8 signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  g_autofree guint8 *data = NULL;
  g_autoptr(GByteArray) idat = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *raw = NULL;
  gsize len, pos = 8, row;
  gboolean ended = FALSE;
  uLongf raw_len;

  g_assert_true (g_file_get_contents (path, (char **) &data, &len, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (len, >, 8);
  g_assert_cmpmem (data, 8, signature, 8);
  while (!ended)
    {
      guint32 n, crc;
      const guint8 *type;

      g_assert_cmpuint (pos + 12, <=, len);
      n = be32 (data + pos);
      g_assert_cmpuint (pos + 12 + n, <=, len);
      type = data + pos + 4;
      crc = crc32 (0, type, 4 + n);
      g_assert_cmpuint (crc, ==, be32 (data + pos + 8 + n));
      if (memcmp (type, "IHDR", 4) == 0)
        {
          g_assert_cmpuint (n, ==, 13);
          png->width = be32 (type + 4);
          png->height = be32 (type + 8);
          g_assert_cmpuint (type[12], ==, 8);
          g_assert_true (type[13] == 2 || type[13] == 6);
          png->channels = type[13] == 2 ? 3 : 4;
          g_assert_cmpuint (type[16], ==, 0);
        }
      else if (memcmp (type, "IDAT", 4) == 0)
        g_byte_array_append (idat, type + 4, n);
      else if (memcmp (type, "IEND", 4) == 0)
        ended = TRUE;
      pos += 12 + n;
    }
  g_assert_cmpuint (pos, ==, len);
  g_assert_cmpuint (png->width, >, 0);

  row = (gsize) png->width * png->channels + 1;
  raw_len = row * png->height;
  raw = g_malloc (raw_len);
  g_assert_cmpint (uncompress (raw, &raw_len, idat->data, idat->len), ==, Z_OK);
  g_assert_cmpuint (raw_len, ==, row * png->height);
  png->pixels = g_malloc ((gsize) png->width * png->height * png->channels);
  for (guint y = 0; y < png->height; y++)
    {
      g_assert_cmpuint (raw[y * row], ==, 0);
      memcpy (png->pixels + (gsize) y * (row - 1), raw + y * row + 1, row - 1);
    }
}

static int
cli (const char * const *args,
     char              **err)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  int status;

  g_ptr_array_add (argv, (gpointer) g_getenv ("GRAFT_CLI"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL,
                               NULL, NULL, err, &status, &error));
  g_assert_no_error (error);
  return g_spawn_check_wait_status (status, NULL) ? 0 : WEXITSTATUS (status);
}

/* The frame core renders of @weight at @width × @height, default style. */
static GraftHeatmapFrame *
core_frame (const char *path,
            const char *weight,
            guint       width,
            guint       height)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GraftModel) model = graft_keras_load (path, &error);
  g_autoptr(GraftHeatmap) hm = NULL;
  GraftHeatmapFrame *frame;
  GraftHeatmapStyle style;

  g_assert_no_error (error);
  hm = graft_heatmap_new (graft_weight_get_values (graft_model_find_weight (model, weight)));
  graft_heatmap_style_init (&style);
  frame = graft_heatmap_render (hm, NULL, width, height, &style, NULL, &error);
  g_assert_no_error (error);
  return frame;
}

/* Pixels (x0 … x0 + frame width) of every row of @png equal the frame's. */
static void
assert_frame_pixels (const Png               *png,
                     const GraftHeatmapFrame *frame)
{
  guint w = graft_heatmap_frame_get_width (frame), h = graft_heatmap_frame_get_height (frame);
  const guint8 *rgba = graft_heatmap_frame_get_rgba (frame);

  g_assert_cmpuint (png->height, >=, h);
  for (guint y = 0; y < h; y++)
    for (guint x = 0; x < w; x++)
      {
        const guint8 *want = rgba + 4 * ((gsize) y * w + x);
        const guint8 *got = png->pixels + ((gsize) y * png->width + x) * png->channels;

        if (memcmp (want, got, 3) != 0)
          g_error ("pixel (%u, %u) is %02x%02x%02x in the PNG, %02x%02x%02x in the frame",
                   x, y, got[0], got[1], got[2], want[0], want[1], want[2]);
      }
}

/* `graft-cli render seq_conv.keras dense/kernel --size 64x200 [EXTRA]`
 * into a fresh folder; the PNG read back, the frame core renders beside. */
static GraftHeatmapFrame *
render_dense (const char *extra,
              Png        *png)
{
  g_autofree char *model = g_test_build_filename (G_TEST_DIST, "data", "keras", "seq_conv.keras", NULL);
  g_autofree char *dir = g_dir_make_tmp ("graft-render-XXXXXX", NULL);
  g_autofree char *out = g_build_filename (dir, "dense.png", NULL);
  g_autofree char *err = NULL;
  const char *args[] = { "render", model, "dense/kernel", "--size", "64x200", "-o", out, extra, NULL };

  g_assert_cmpint (cli (args, &err), ==, 0);
  /* Nothing said (the sanitizer build may add its own report). */
  g_assert_null (strstr (err, "graft-cli"));
  png_read (out, png);
  g_unlink (out);
  g_rmdir (dir);
  return core_frame (model, "dense/kernel", 64, 200);
}

static void
test_render_pixels (void)
{
  g_auto(Png) png = { 0 };
  g_autoptr(GraftHeatmapFrame) frame = render_dense (NULL, &png);

  g_assert_cmpuint (png.width, ==, 64);
  g_assert_cmpuint (png.height, ==, 200);
  g_assert_cmpuint (png.channels, ==, 3);  /* every pixel is opaque */
  assert_frame_pixels (&png, frame);
}

/* --colorbar goes through graft-cli-render (cairo draws the labels): the
 * frame on the left, the bar on the right, on white. */
static void
test_render_colorbar (void)
{
  g_auto(Png) png = { 0 };
  g_autoptr(GraftHeatmapFrame) frame = render_dense ("--colorbar", &png);
  guint n_white = 0;

  g_assert_cmpuint (png.width, ==, 64 + 96);
  g_assert_cmpuint (png.height, ==, 200);
  assert_frame_pixels (&png, frame);
  for (guint y = 0; y < png.height; y++)
    for (guint x = 64; x < png.width; x++)
      n_white += memcmp (png.pixels + ((gsize) y * png.width + x) * png.channels, "\xff\xff\xff", 3) == 0;
  /* Mostly white margin, but a bar and labels were drawn on it. */
  g_assert_cmpuint (n_white, >, 96 * 200 / 2);
  g_assert_cmpuint (n_white, <, 96 * 200 - 16 * 150);
}

/* A render that fails leaves the target as it was and no temporary file;
 * one that cannot write says which file. */
static void
test_render_failures (void)
{
  g_autofree char *model = g_test_build_filename (G_TEST_DIST, "data", "keras", "seq_conv.keras", NULL);
  g_autofree char *dir = g_dir_make_tmp ("graft-render-XXXXXX", NULL);
  g_autofree char *out = g_build_filename (dir, "kept.png", NULL);
  g_autofree char *nowhere = g_build_filename (dir, "missing", "x.png", NULL);
  g_autofree char *err = NULL, *err2 = NULL, *kept = NULL;
  const char *unknown[] = { "render", model, "dense/nothing", "-o", out, NULL };
  const char *unwritable[] = { "render", model, "dense/kernel", "-o", nowhere, NULL };
  g_autoptr(GDir) listing = NULL;
  guint n_files = 0;

  g_assert_true (g_file_set_contents (out, "old bytes", -1, NULL));
  g_assert_cmpint (cli (unknown, &err), ==, 1);
  g_assert_nonnull (strstr (err, "dense/nothing"));
  g_assert_true (g_file_get_contents (out, &kept, NULL, NULL));
  g_assert_cmpstr (kept, ==, "old bytes");

  g_assert_cmpint (cli (unwritable, &err2), ==, 1);
  g_assert_nonnull (strstr (err2, nowhere));

  listing = g_dir_open (dir, 0, NULL);
  while (g_dir_read_name (listing) != NULL)
    n_files++;
  g_assert_cmpuint (n_files, ==, 1);
  g_unlink (out);
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  graft_init ();
  g_assert_nonnull (g_getenv ("GRAFT_CLI"));

  g_test_add_func ("/cli/render/pixels", test_render_pixels);
  g_test_add_func ("/cli/render/colorbar", test_render_colorbar);
  g_test_add_func ("/cli/render/failures", test_render_failures);
  return g_test_run ();
}
