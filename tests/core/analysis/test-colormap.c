/* test-colormap.c: colours, scales, special values and colour bars
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-colormap"

#include "config.h"

#include <math.h>

#include "graft.h"

static void
assert_rgb (const guint8 *rgba,
            guint         r,
            guint         g,
            guint         b)
{
  g_assert_cmpuint (rgba[0], ==, r);
  g_assert_cmpuint (rgba[1], ==, g);
  g_assert_cmpuint (rgba[2], ==, b);
  g_assert_cmpuint (rgba[3], ==, 255);
}

static void
test_colormap_diverging_zero_is_neutral (void)
{
  for (guint rev = 0; rev < 2; rev++)
    for (GraftScale scale = 0; scale < GRAFT_SCALE_LOG; scale++)
      {
        g_autoptr(GraftColormap) cmap = graft_colormap_new (GRAFT_COLORMAP_DIVERGING, rev);
        guint8 rgba[4];

        g_assert_true (graft_colormap_set_scale (cmap, scale, -3.7, 3.7, 0, NULL));
        g_assert_cmpint (graft_colormap_map (cmap, 0.0, rgba), ==, GRAFT_CLIP_NONE);
        assert_rgb (rgba, 247, 247, 247);
        g_assert_cmpfloat (graft_colormap_normalize (cmap, 0.0), ==, 0.5);
      }
}

static void
test_colormap_ends_and_reverse (void)
{
  g_autoptr(GraftColormap) cmap = graft_colormap_new (GRAFT_COLORMAP_DIVERGING, FALSE);
  g_autoptr(GraftColormap) rev = graft_colormap_new (GRAFT_COLORMAP_DIVERGING, TRUE);
  g_autoptr(GraftColormap) viridis = graft_colormap_new (GRAFT_COLORMAP_VIRIDIS, FALSE);
  g_autoptr(GraftColormap) gray = graft_colormap_new (GRAFT_COLORMAP_GRAYSCALE, TRUE);
  guint8 rgba[4];

  g_assert_true (graft_colormap_set_scale (cmap, GRAFT_SCALE_LINEAR, -2, 2, 0, NULL));
  g_assert_true (graft_colormap_set_scale (rev, GRAFT_SCALE_LINEAR, -2, 2, 0, NULL));
  graft_colormap_map (cmap, -2, rgba);
  assert_rgb (rgba, 0x05, 0x30, 0x61);  /* negative is blue */
  graft_colormap_map (cmap, 2, rgba);
  assert_rgb (rgba, 0x67, 0x00, 0x1f);  /* positive is red */
  graft_colormap_map (rev, -2, rgba);
  assert_rgb (rgba, 0x67, 0x00, 0x1f);
  graft_colormap_map (rev, 2, rgba);
  assert_rgb (rgba, 0x05, 0x30, 0x61);

  g_assert_true (graft_colormap_set_scale (viridis, GRAFT_SCALE_LINEAR, 0, 1, 0, NULL));
  graft_colormap_map (viridis, 0, rgba);
  assert_rgb (rgba, 0x44, 0x01, 0x54);
  graft_colormap_map (viridis, 1, rgba);
  assert_rgb (rgba, 0xfd, 0xe7, 0x25);

  g_assert_true (graft_colormap_set_scale (gray, GRAFT_SCALE_LINEAR, 0, 10, 0, NULL));
  graft_colormap_map (gray, 0, rgba);
  assert_rgb (rgba, 255, 255, 255);
  graft_colormap_map (gray, 5, rgba);
  assert_rgb (rgba, 128, 128, 128);
}

static void
test_colormap_special_values (void)
{
  for (GraftColormapKind kind = 0; kind < GRAFT_N_COLORMAPS; kind++)
    {
      g_autoptr(GraftColormap) cmap = graft_colormap_new (kind, FALSE);
      guint8 rgba[4], special[4];

      graft_colormap_get_special (cmap, GRAFT_COLOR_NAN, special);
      g_assert_cmpint (graft_colormap_map (cmap, NAN, rgba), ==, GRAFT_CLIP_NONE);
      g_assert_cmpmem (rgba, 4, special, 4);
      assert_rgb (rgba, 255, 0, 255);
      graft_colormap_map (cmap, INFINITY, rgba);
      assert_rgb (rgba, 0, 255, 0);
      graft_colormap_map (cmap, -INFINITY, rgba);
      assert_rgb (rgba, 0, 255, 255);

      /* No colour of the map itself equals a special colour. */
      for (guint i = 0; i <= 100; i++)
        {
          graft_colormap_sample (cmap, i / 100.0, rgba);
          for (GraftSpecialColor s = 0; s < GRAFT_COLOR_BACKGROUND; s++)
            {
              graft_colormap_get_special (cmap, s, special);
              g_assert_false (rgba[0] == special[0] && rgba[1] == special[1] && rgba[2] == special[2]);
            }
        }
    }
}

static void
test_colormap_clipping (void)
{
  g_autoptr(GraftColormap) cmap = graft_colormap_new (GRAFT_COLORMAP_DIVERGING, FALSE);
  float values[] = { -5, -1, 0, 1, 5 };
  guint8 rgba[5 * 4], clip[5], top[4], bottom[4];

  g_assert_true (graft_colormap_set_scale (cmap, GRAFT_SCALE_LINEAR, -1, 1, 0, NULL));
  graft_colormap_map_floats (cmap, values, 5, rgba, clip);
  g_assert_cmpuint (clip[0], ==, GRAFT_CLIP_LOW);
  g_assert_cmpuint (clip[1], ==, GRAFT_CLIP_NONE);
  g_assert_cmpuint (clip[2], ==, GRAFT_CLIP_NONE);
  g_assert_cmpuint (clip[3], ==, GRAFT_CLIP_NONE);
  g_assert_cmpuint (clip[4], ==, GRAFT_CLIP_HIGH);
  graft_colormap_sample (cmap, 0, bottom);
  graft_colormap_sample (cmap, 1, top);
  g_assert_cmpmem (rgba, 4, bottom, 4);
  g_assert_cmpmem (rgba + 16, 4, top, 4);
  g_assert_cmpmem (rgba + 4, 4, bottom, 4);
}

static void
test_colormap_scales (void)
{
  g_autoptr(GraftColormap) cmap = graft_colormap_new (GRAFT_COLORMAP_MAGMA, FALSE);
  g_autoptr(GError) error = NULL;
  guint8 rgba[4];

  /* Log: decades are evenly spaced, non-positive values clip low. */
  g_assert_true (graft_colormap_set_scale (cmap, GRAFT_SCALE_LOG, 0.001, 10, 0, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (graft_colormap_normalize (cmap, 0.01), 0.25, 1e-12);
  g_assert_cmpfloat_with_epsilon (graft_colormap_normalize (cmap, 1), 0.75, 1e-12);
  g_assert_cmpint (graft_colormap_map (cmap, -1, rgba), ==, GRAFT_CLIP_LOW);
  g_assert_cmpint (graft_colormap_map (cmap, 0, rgba), ==, GRAFT_CLIP_LOW);

  /* Symlog: odd, linear near zero, logarithmic beyond. */
  g_assert_true (graft_colormap_set_scale (cmap, GRAFT_SCALE_SYMLOG, -100, 100, 1, &error));
  g_assert_cmpfloat_with_epsilon (graft_colormap_normalize (cmap, 9) - 0.5,
                                  0.5 - graft_colormap_normalize (cmap, -9), 1e-12);
  g_assert_cmpfloat_with_epsilon (graft_colormap_normalize (cmap, 9),
                                  0.5 + 0.5 * 1 / log10 (101), 1e-12);

  g_assert_false (graft_colormap_set_scale (cmap, GRAFT_SCALE_LOG, -5, -1, 0, &error));
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (graft_colormap_set_scale (cmap, GRAFT_SCALE_LINEAR, 2, 1, 0, &error));
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (graft_colormap_set_scale (cmap, GRAFT_SCALE_LINEAR, NAN, 1, 0, &error));
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_INVALID);
}

static void
test_colormap_colorbar (void)
{
  for (GraftScale scale = 0; scale < GRAFT_N_SCALES; scale++)
    {
      g_autoptr(GraftColormap) cmap = graft_colormap_new (GRAFT_COLORMAP_DIVERGING, FALSE);
      GraftColorbar bar;
      gboolean have_zero = FALSE;

      g_assert_true (graft_colormap_set_scale (cmap, scale, scale == GRAFT_SCALE_LOG ? 1e-4 : -0.37,
                                               0.37, 0, NULL));
      graft_colormap_get_colorbar (cmap, &bar);
      g_assert_cmpint (bar.scale, ==, scale);
      g_assert_cmpuint (bar.n_ticks, >=, 3);
      /* The limits are ticked at the ends; every tick sits where its value maps. */
      g_assert_cmpfloat (bar.ticks[0].value, ==, bar.vmin);
      g_assert_cmpfloat (bar.ticks[bar.n_ticks - 1].value, ==, bar.vmax);
      g_assert_cmpfloat (bar.ticks[0].position, ==, 0);
      g_assert_cmpfloat (bar.ticks[bar.n_ticks - 1].position, ==, 1);
      for (guint i = 0; i < bar.n_ticks; i++)
        {
          g_assert_cmpfloat_with_epsilon (bar.ticks[i].position,
                                          graft_colormap_normalize (cmap, bar.ticks[i].value), 1e-9);
          if (i > 0)
            g_assert_cmpfloat (bar.ticks[i].position, >, bar.ticks[i - 1].position);
          g_assert_cmpstr (bar.ticks[i].label, !=, "");
          have_zero |= bar.ticks[i].value == 0;
        }
      if (scale != GRAFT_SCALE_LOG)
        g_assert_true (have_zero);
    }
}

static void
test_colormap_names (void)
{
  GraftColormapKind kind;
  GraftScale scale;

  for (GraftColormapKind k = 0; k < GRAFT_N_COLORMAPS; k++)
    {
      g_assert_true (graft_colormap_kind_from_name (graft_colormap_kind_get_name (k), &kind));
      g_assert_cmpint (kind, ==, k);
    }
  g_assert_true (graft_colormap_kind_from_name ("RdBu", &kind));
  g_assert_cmpint (kind, ==, GRAFT_COLORMAP_DIVERGING);
  g_assert_false (graft_colormap_kind_from_name ("jet", &kind));
  g_assert_true (graft_scale_from_name ("symlog", &scale));
  g_assert_cmpint (scale, ==, GRAFT_SCALE_SYMLOG);
  g_assert_true (graft_scale_from_name ("lin", &scale));
  g_assert_cmpint (scale, ==, GRAFT_SCALE_LINEAR);
  g_assert_false (graft_scale_from_name ("sqrt", &scale));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/colormap/diverging/zero-is-neutral", test_colormap_diverging_zero_is_neutral);
  g_test_add_func ("/colormap/ends-and-reverse", test_colormap_ends_and_reverse);
  g_test_add_func ("/colormap/special-values", test_colormap_special_values);
  g_test_add_func ("/colormap/clipping", test_colormap_clipping);
  g_test_add_func ("/colormap/scales", test_colormap_scales);
  g_test_add_func ("/colormap/colorbar", test_colormap_colorbar);
  g_test_add_func ("/colormap/names", test_colormap_names);

  return g_test_run ();
}
