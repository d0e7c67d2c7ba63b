/* test-heatmap.c: reductions against brute force, colours, grids, lookups
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-heatmap"

#include "config.h"

#include <math.h>
#include <string.h>

#include "graft.h"
#include "graft-heatmap-private.h"
#include "graft-stats-private.h"

static GraftTensor *
make_random (GRand       *rand,
             guint        rank,
             const gsize *shape,
             double       spread)
{
  gsize n = 1;
  float *data;

  for (guint i = 0; i < rank; i++)
    n *= shape[i];
  data = g_new (float, MAX (n, 1));
  for (gsize i = 0; i < n; i++)
    data[i] = (float) g_rand_double_range (rand, -spread, spread);
  return graft_tensor_new_take (GRAFT_DTYPE_FLOAT32, rank, shape, data);
}

/* Element (r, c) of a heatmap's slice, computed from first principles. */
static float
slice_at (GraftTensor *t,
          guint        row_axis,
          guint        col_axis,
          const gsize *index,
          gsize        r,
          gsize        c)
{
  const float *x = graft_tensor_get_data (t, NULL);
  guint rank = graft_tensor_get_rank (t);
  gsize idx[GRAFT_MAX_RANK], off = 0;

  memcpy (idx, index, sizeof idx);
  if (rank >= 2)
    {
      idx[row_axis] = r;
      idx[col_axis] = c;
    }
  else if (rank == 1)
    idx[0] = c;
  for (guint i = 0; i < rank; i++)
    off = off * graft_tensor_get_dim (t, i) + idx[i];
  return x[off];
}

static void
check_frame_brute_force (GraftTensor             *t,
                         GraftHeatmap            *hm,
                         const GraftHeatmapFrame *frame,
                         GraftReduce              reduce)
{
  guint w = graft_heatmap_frame_get_width (frame), h = graft_heatmap_frame_get_height (frame);
  guint row_axis, col_axis;
  gsize index[GRAFT_MAX_RANK] = { 0 };
  GraftHeatmapWindow win;
  gboolean magnified_r, magnified_c;

  graft_heatmap_get_slice (hm, &row_axis, &col_axis, index);
  graft_heatmap_frame_get_window (frame, &win);
  magnified_r = win.row_end - win.row_start < h;
  magnified_c = win.col_end - win.col_start < w;

  for (guint y = 0; y < h; y++)
    for (guint x = 0; x < w; x++)
      {
        GraftHeatmapPixel px;
        g_autoptr(GError) error = NULL;
        float shown = graft_heatmap_frame_get_shown (frame, x, y);
        float best = 0;
        double sum = 0;
        gboolean first = TRUE;

        g_assert_true (graft_heatmap_frame_lookup (frame, x, y, &px, &error));
        g_assert_no_error (error);
        g_assert_true (px.valid);
        g_assert_cmpuint (px.row_end, >, px.row_start);
        g_assert_cmpuint (px.col_end, >, px.col_start);
        /* Pixel ranges tile the window without gaps or overlaps. */
        if (x == 0)
          g_assert_cmpuint (px.col_start, ==, win.col_start);
        if (y == 0)
          g_assert_cmpuint (px.row_start, ==, win.row_start);
        if (x == w - 1)
          g_assert_cmpuint (px.col_end, ==, win.col_end);
        if (y == h - 1)
          g_assert_cmpuint (px.row_end, ==, win.row_end);
        if (x > 0 && !magnified_c)
          {
            GraftHeatmapPixel left;

            g_assert_true (graft_heatmap_frame_lookup (frame, x - 1, y, &left, NULL));
            g_assert_cmpuint (left.col_end, ==, px.col_start);
          }
        if (y > 0 && !magnified_r)
          {
            GraftHeatmapPixel up;

            g_assert_true (graft_heatmap_frame_lookup (frame, x, y - 1, &up, NULL));
            g_assert_cmpuint (up.row_end, ==, px.row_start);
          }

        for (gsize r = px.row_start; r < px.row_end; r++)
          for (gsize c = px.col_start; c < px.col_end; c++)
            {
              float v = slice_at (t, row_axis, col_axis, index, r, c);

              sum += v;
              if (first || fabsf (v) > fabsf (best) || (fabsf (v) == fabsf (best) && v > best))
                best = v;
              first = FALSE;
            }
        g_assert_cmpuint (px.n_values, ==, (px.row_end - px.row_start) * (px.col_end - px.col_start));
        if (reduce == GRAFT_REDUCE_EXTREME)
          {
            g_assert_cmpfloat (shown, ==, best);
            g_assert_cmpfloat (px.value, ==, best);
            g_assert_cmpfloat (slice_at (t, row_axis, col_axis, px.value_index,
                                         row_axis < GRAFT_MAX_RANK ? px.value_index[row_axis] : 0,
                                         px.value_index[col_axis]), ==, best);
          }
        else
          g_assert_cmpfloat_with_epsilon (shown, sum / px.n_values, 1e-5);
        g_assert_cmpfloat_with_epsilon (px.mean, sum / px.n_values, 1e-9);
      }
}

static void
test_heatmap_reduce_brute_force (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (2024);
  const gsize dims[] = { 1, 3, 7, 16, 100, 257, 1000 };
  const guint sizes[] = { 1, 5, 16, 64, 100 };

  for (guint i = 0; i < G_N_ELEMENTS (dims); i++)
    for (guint j = 0; j < G_N_ELEMENTS (dims); j++)
      {
        gsize shape[2] = { dims[i], dims[j] };
        g_autoptr(GraftTensor) t = make_random (rand, 2, shape, 1.0);

        for (guint k = 0; k < 3; k++)
          {
            guint w = sizes[g_rand_int_range (rand, 0, G_N_ELEMENTS (sizes))];
            guint h = sizes[g_rand_int_range (rand, 0, G_N_ELEMENTS (sizes))];

            for (GraftReduce reduce = 0; reduce < GRAFT_N_REDUCES; reduce++)
              for (guint path = 0; path < 2; path++)
                {
                  g_autoptr(GraftHeatmap) hm = graft_heatmap_new (t);
                  g_autoptr(GraftHeatmapFrame) frame = NULL;
                  g_autoptr(GError) error = NULL;
                  GraftHeatmapStyle style;
                  GraftHeatmapWindow win = {
                    g_rand_int_range (rand, 0, dims[i]), 0,
                    g_rand_int_range (rand, 0, dims[j]), 0,
                  };

                  /* Path 1 goes through cached levels even for small tensors. */
                  if (path == 1)
                    hm->direct_max = 0;
                  graft_heatmap_style_init (&style);
                  style.reduce = reduce;
                  frame = graft_heatmap_render (hm, NULL, w, h, &style, NULL, &error);
                  g_assert_no_error (error);
                  check_frame_brute_force (t, hm, frame, reduce);
                  g_clear_pointer (&frame, graft_heatmap_frame_free);

                  /* Then a random zoom window of the same heatmap. */
                  win.row_end = g_rand_int_range (rand, win.row_start + 1, dims[i] + 1);
                  win.col_end = g_rand_int_range (rand, win.col_start + 1, dims[j] + 1);
                  frame = graft_heatmap_render (hm, &win, w, h, &style, NULL, &error);
                  g_assert_no_error (error);
                  check_frame_brute_force (t, hm, frame, reduce);
                  {
                    GraftHeatmapWindow shown;

                    graft_heatmap_frame_get_window (frame, &shown);
                    g_assert_cmpuint (shown.row_start, <=, win.row_start);
                    g_assert_cmpuint (shown.row_end, >=, win.row_end);
                    g_assert_cmpuint (shown.col_start, <=, win.col_start);
                    g_assert_cmpuint (shown.col_end, >=, win.col_end);
                  }
                }
          }
      }
}

static void
test_heatmap_reduce_slices_and_dtypes (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (5);
  gsize shape[4] = { 3, 37, 5, 29 };
  g_autoptr(GraftTensor) t = make_random (rand, 4, shape, 2.0);
  guint axes[][2] = { { 1, 3 }, { 3, 1 }, { 0, 2 }, { 2, 0 }, { 3, 2 } };

  for (guint a = 0; a < G_N_ELEMENTS (axes); a++)
    for (GraftReduce reduce = 0; reduce < GRAFT_N_REDUCES; reduce++)
      {
        g_autoptr(GraftHeatmap) hm = graft_heatmap_new (t);
        g_autoptr(GraftHeatmapFrame) frame = NULL;
        g_autoptr(GError) error = NULL;
        gsize index[4] = { 2, 11, 4, 7 };
        GraftHeatmapStyle style;

        g_assert_true (graft_heatmap_set_slice (hm, axes[a][0], axes[a][1], index, &error));
        g_assert_no_error (error);
        graft_heatmap_style_init (&style);
        style.reduce = reduce;
        frame = graft_heatmap_render (hm, NULL, 6, 4, &style, NULL, &error);
        g_assert_no_error (error);
        check_frame_brute_force (t, hm, frame, reduce);
      }

  /* A float16 tensor reduces through conversion. */
  {
    gsize s2[2] = { 40, 50 };
    guint16 *half = g_new (guint16, 2000);
    g_autoptr(GraftTensor) th = NULL;
    g_autoptr(GraftHeatmap) hm = NULL;
    g_autoptr(GraftHeatmapFrame) frame = NULL;
    GraftHeatmapStyle style;
    GraftHeatmapPixel px;

    for (guint i = 0; i < 2000; i++)
      half[i] = graft_float_to_half ((float) i - 1000.0f);
    th = graft_tensor_new_take (GRAFT_DTYPE_FLOAT16, 2, s2, half);
    hm = graft_heatmap_new (th);
    graft_heatmap_style_init (&style);
    frame = graft_heatmap_render (hm, NULL, 5, 4, &style, NULL, NULL);
    g_assert_nonnull (frame);
    /* Top-left pixel covers rows 0-9, columns 0-9: extreme is -1000. */
    g_assert_cmpfloat (graft_heatmap_frame_get_shown (frame, 0, 0), ==, -1000);
    g_assert_true (graft_heatmap_frame_lookup (frame, 4, 3, &px, NULL));
    g_assert_cmpfloat (px.value, ==, 999);
    g_assert_cmpuint (px.value_index[0], ==, 39);
    g_assert_cmpuint (px.value_index[1], ==, 49);
  }
}

static gboolean
rgba_equal (const guint8 *a,
            const guint8 *b)
{
  return memcmp (a, b, 4) == 0;
}

static void
test_heatmap_two_saturated_pixels (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (99);
  gsize shape[2] = { 4096, 4096 };
  g_autoptr(GraftTensor) t = NULL;
  g_autoptr(GraftHeatmap) hm = NULL;
  g_autoptr(GraftHeatmapFrame) frame = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GraftColormap) cmap = graft_colormap_new (GRAFT_COLORMAP_DIVERGING, FALSE);
  GraftHeatmapStyle style;
  GraftHeatmapPixel px;
  const guint8 *rgba;
  guint8 top[4], bottom[4];
  guint n_top = 0, n_bottom = 0;
  float *x;

  t = make_random (rand, 2, shape, 0.01);
  x = graft_tensor_get_data_mutable (t);
  x[1000 * 4096 + 2000] = 50.0f;
  x[3000 * 4096 + 123] = -50.0f;

  hm = graft_heatmap_new (t);
  graft_heatmap_style_init (&style);
  frame = graft_heatmap_render (hm, NULL, 256, 256, &style, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (graft_heatmap_frame_get_colorbar (frame)->vmax, ==, 50);
  g_assert_cmpfloat (graft_heatmap_frame_get_colorbar (frame)->vmin, ==, -50);

  graft_colormap_sample (cmap, 1, top);
  graft_colormap_sample (cmap, 0, bottom);
  rgba = graft_heatmap_frame_get_rgba (frame);
  for (guint y = 0; y < 256; y++)
    for (guint xx = 0; xx < 256; xx++)
      {
        const guint8 *p = rgba + 4 * ((gsize) y * 256 + xx);

        if (rgba_equal (p, top))
          {
            n_top++;
            g_assert_cmpuint (xx, ==, 2000 / 16);
            g_assert_cmpuint (y, ==, 1000 / 16);
          }
        if (rgba_equal (p, bottom))
          {
            n_bottom++;
            g_assert_cmpuint (xx, ==, 123 / 16);
            g_assert_cmpuint (y, ==, 3000 / 16);
          }
      }
  g_assert_cmpuint (n_top, ==, 1);
  g_assert_cmpuint (n_bottom, ==, 1);

  g_assert_true (graft_heatmap_frame_lookup (frame, 2000 / 16, 1000 / 16, &px, &error));
  g_assert_cmpfloat (px.value, ==, 50);
  g_assert_cmpuint (px.value_index[0], ==, 1000);
  g_assert_cmpuint (px.value_index[1], ==, 2000);
  g_assert_cmpuint (px.n_values, ==, 256);

  /* The first frame went from the data straight to its pixels, and found
   * the tensor's statistics on the way; the first zoom builds a level,
   * the next ones reuse it. The outlier is still there each time. */
  g_assert_cmpuint (graft_heatmap_get_n_levels (hm), ==, 0);
  {
    GraftStats stats;

    g_assert_true (graft_tensor_get_derived (t, graft_stats_quark (), &stats, sizeof stats));
    g_assert_cmpfloat (stats.max, ==, 50);
    g_assert_cmpuint (stats.count, ==, 4096 * 4096);
  }
  hm->direct_max = 0;  /* this window would be read directly: use the levels */
  for (guint k = 0; k < 2; k++)
    {
      GraftHeatmapWindow win = { 512, 1536, 1024, 3072 };
      g_autoptr(GraftHeatmapFrame) zoomed = NULL;

      zoomed = graft_heatmap_render (hm, &win, 64, 64, &style, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (graft_heatmap_get_n_levels (hm), ==, 1);
      g_assert_cmpfloat (graft_heatmap_frame_get_shown (zoomed, (2000 - 1024) / 32, (1000 - 512) / 16), ==, 50);
    }
}

/* The first frame is read straight from the data, later frames of the
 * same view from a level: the picture must not change when the view comes
 * back (same pixel blocks, same values; a mean within float rounding). */
static void
test_heatmap_first_frame_equals_level (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  gsize shape[2] = { 3001, 1500 };
  g_autoptr(GraftTensor) t = make_random (rand, 2, shape, 1.0);

  for (GraftReduce reduce = 0; reduce < GRAFT_N_REDUCES; reduce++)
    {
      g_autoptr(GraftHeatmap) hm = graft_heatmap_new (t);
      g_autoptr(GraftHeatmapFrame) first = NULL, zoomed = NULL, again = NULL;
      g_autoptr(GError) error = NULL;
      GraftHeatmapWindow win = { 100, 900, 200, 700 };
      GraftHeatmapStyle style;

      hm->direct_max = 0;
      graft_heatmap_style_init (&style);
      style.reduce = reduce;
      first = graft_heatmap_render (hm, NULL, 90, 70, &style, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (graft_heatmap_get_n_levels (hm), ==, 0);
      zoomed = graft_heatmap_render (hm, &win, 90, 70, &style, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (graft_heatmap_get_n_levels (hm), >=, 1);
      again = graft_heatmap_render (hm, NULL, 90, 70, &style, NULL, &error);
      g_assert_no_error (error);
      check_frame_brute_force (t, hm, first, reduce);
      for (guint y = 0; y < 70; y++)
        for (guint x = 0; x < 90; x++)
          {
            float a = graft_heatmap_frame_get_shown (first, x, y);
            float b = graft_heatmap_frame_get_shown (again, x, y);

            if (reduce == GRAFT_REDUCE_EXTREME)
              g_assert_cmpfloat (a, ==, b);
            else
              g_assert_cmpfloat_with_epsilon (a, b, 1e-5);
          }
    }
}

static void
test_heatmap_zero_is_neutral (void)
{
  gsize shape[2] = { 8, 8 };
  g_autoptr(GraftTensor) t = graft_tensor_new (GRAFT_DTYPE_FLOAT32, 2, shape);
  float *x = graft_tensor_get_data_mutable (t);
  g_autoptr(GraftHeatmap) hm = NULL;
  g_autoptr(GraftHeatmapFrame) frame = NULL;
  GraftHeatmapStyle style;
  const guint8 *rgba;

  x[0] = 3.0f;
  x[63] = -1.0f;
  hm = graft_heatmap_new (t);
  graft_heatmap_style_init (&style);
  frame = graft_heatmap_render (hm, NULL, 8, 8, &style, NULL, NULL);
  rgba = graft_heatmap_frame_get_rgba (frame);
  for (guint i = 1; i < 63; i++)
    {
      g_assert_cmpuint (rgba[4 * i], ==, 247);
      g_assert_cmpuint (rgba[4 * i + 1], ==, 247);
      g_assert_cmpuint (rgba[4 * i + 2], ==, 247);
    }
  /* -1 of ±3 sits at a third of the way from the middle to the blue end. */
  g_assert_cmpuint (rgba[4 * 63 + 2], >, rgba[4 * 63]);
  g_assert_cmpuint (rgba[0], ==, 0x67);
}

static void
test_heatmap_nan_and_inf (void)
{
  gsize shape[2] = { 64, 64 };
  g_autoptr(GRand) rand = g_rand_new_with_seed (8);
  g_autoptr(GraftTensor) t = make_random (rand, 2, shape, 1.0);
  float *x = graft_tensor_get_data_mutable (t);

  x[5 * 64 + 5] = NAN;
  x[20 * 64 + 40] = INFINITY;
  x[50 * 64 + 10] = -INFINITY;

  for (GraftReduce reduce = 0; reduce < GRAFT_N_REDUCES; reduce++)
    {
      g_autoptr(GraftHeatmap) hm = graft_heatmap_new (t);
      g_autoptr(GraftHeatmapFrame) frame = NULL;
      GraftHeatmapStyle style;
      const guint8 *rgba;
      guint n_nan = 0, n_pinf = 0, n_ninf = 0;

      graft_heatmap_style_init (&style);
      style.reduce = reduce;
      frame = graft_heatmap_render (hm, NULL, 16, 16, &style, NULL, NULL);
      rgba = graft_heatmap_frame_get_rgba (frame);
      for (guint i = 0; i < 256; i++)
        {
          const guint8 *p = rgba + 4 * i;

          n_nan += p[0] == 255 && p[1] == 0 && p[2] == 255;
          n_pinf += p[0] == 0 && p[1] == 255 && p[2] == 0;
          n_ninf += p[0] == 0 && p[1] == 255 && p[2] == 255;
        }
      g_assert_cmpuint (n_nan, ==, 1);
      g_assert_cmpuint (n_pinf, ==, 1);
      g_assert_cmpuint (n_ninf, ==, 1);
      g_assert_true (isnan (graft_heatmap_frame_get_shown (frame, 1, 1)));
      g_assert_cmpfloat (graft_heatmap_frame_get_shown (frame, 10, 5), ==, INFINITY);
      g_assert_cmpfloat (graft_heatmap_frame_get_shown (frame, 2, 12), ==, -INFINITY);
      /* The limits come from finite values only. */
      g_assert_true (isfinite (graft_heatmap_frame_get_colorbar (frame)->vmax));
    }
}

static void
test_heatmap_robust_limits_flag_clipped (void)
{
  gsize shape[2] = { 100, 100 };
  g_autoptr(GRand) rand = g_rand_new_with_seed (12);
  g_autoptr(GraftTensor) t = make_random (rand, 2, shape, 1.0);
  float *x = graft_tensor_get_data_mutable (t);
  g_autoptr(GraftHeatmap) hm = NULL;
  g_autoptr(GraftHeatmapFrame) frame = NULL;
  g_autoptr(GError) error = NULL;
  GraftHeatmapStyle style;
  const guint8 *clip;

  x[0] = 40.0f;
  x[9999] = -30.0f;
  hm = graft_heatmap_new (t);
  graft_heatmap_style_init (&style);
  style.limits = GRAFT_LIMITS_ROBUST;
  style.robust_percentile = 99.5;
  frame = graft_heatmap_render (hm, NULL, 100, 100, &style, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (graft_heatmap_frame_get_colorbar (frame)->vmax, <, 1.0);
  g_assert_cmpfloat (graft_heatmap_frame_get_colorbar (frame)->vmax, >, 0.9);
  clip = graft_heatmap_frame_get_clip (frame);
  g_assert_cmpuint (clip[0], ==, GRAFT_CLIP_HIGH);
  g_assert_cmpuint (clip[9999], ==, GRAFT_CLIP_LOW);
  /* 0.5 % of |x| lies above the 99.5th percentile. */
  g_assert_cmpuint (graft_heatmap_frame_get_n_clipped (frame), >=, 45);
  g_assert_cmpuint (graft_heatmap_frame_get_n_clipped (frame), <=, 55);

  style.limits = GRAFT_LIMITS_USER;
  style.user_min = -2;
  style.user_max = 5;
  g_clear_pointer (&frame, graft_heatmap_frame_free);
  frame = graft_heatmap_render (hm, NULL, 100, 100, &style, NULL, &error);
  g_assert_cmpfloat (graft_heatmap_frame_get_colorbar (frame)->vmin, ==, -2);
  g_assert_cmpuint (graft_heatmap_frame_get_n_clipped (frame), ==, 2);
}

/* Robust limits come from counts of |x| the first frame's pass made, not
 * from passes of their own, and agree with the exact percentile to 1/128;
 * a zoomed frame keeps them (they are over the slice). */
static void
test_heatmap_robust_limits_same_pass (void)
{
  gsize shape[2] = { 2000, 1500 };
  g_autoptr(GRand) rand = g_rand_new_with_seed (31);
  g_autoptr(GraftTensor) t = make_random (rand, 2, shape, 3.0);
  g_autoptr(GraftHeatmap) hm = graft_heatmap_new (t);
  g_autoptr(GraftHeatmapFrame) frame = NULL, zoomed = NULL;
  g_autoptr(GError) error = NULL;
  GraftHeatmapWindow win = { 10, 400, 20, 300 };
  GraftHeatmapStyle style;
  double levels[3] = { 50, 99, 99.9 };

  graft_heatmap_style_init (&style);
  style.limits = GRAFT_LIMITS_ROBUST;
  for (guint k = 0; k < G_N_ELEMENTS (levels); k++)
    {
      double exact;

      style.robust_percentile = levels[k];
      g_clear_pointer (&frame, graft_heatmap_frame_free);
      frame = graft_heatmap_render (hm, NULL, 100, 80, &style, NULL, &error);
      g_assert_no_error (error);
      g_assert_nonnull (hm->abs_hist);
      g_assert_true (graft_stats_compute_percentiles (t, GRAFT_STATS_FLAGS_ABSOLUTE, &levels[k], 1,
                                                      &exact, NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpfloat_with_epsilon (graft_heatmap_frame_get_colorbar (frame)->vmax, exact,
                                      exact / 128);
      g_assert_cmpfloat (graft_heatmap_frame_get_colorbar (frame)->vmin, ==,
                         -graft_heatmap_frame_get_colorbar (frame)->vmax);
    }
  zoomed = graft_heatmap_render (hm, &win, 50, 50, &style, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (graft_heatmap_frame_get_colorbar (zoomed)->vmax, ==,
                     graft_heatmap_frame_get_colorbar (frame)->vmax);

  /* A heatmap whose first frame was not robust makes the counts in a pass
   * of their own, with the same result. */
  {
    g_autoptr(GraftHeatmap) other = graft_heatmap_new (t);
    g_autoptr(GraftHeatmapFrame) first = NULL, second = NULL;
    GraftHeatmapStyle sym;

    graft_heatmap_style_init (&sym);
    first = graft_heatmap_render (other, NULL, 100, 80, &sym, NULL, &error);
    g_assert_no_error (error);
    g_assert_null (other->abs_hist);
    second = graft_heatmap_render (other, &win, 50, 50, &style, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpfloat (graft_heatmap_frame_get_colorbar (second)->vmax, ==,
                       graft_heatmap_frame_get_colorbar (frame)->vmax);
  }
}

/* A (2, 3, 2, 3) kernel whose values encode their index. */
static GraftTensor *
make_kernel (void)
{
  gsize shape[4] = { 2, 3, 2, 3 };
  float *k = g_new (float, 36);

  for (guint ky = 0; ky < 2; ky++)
    for (guint kx = 0; kx < 3; kx++)
      for (guint c = 0; c < 2; c++)
        for (guint f = 0; f < 3; f++)
          k[((ky * 3 + kx) * 2 + c) * 3 + f] = (f + 1) * (c ? -1.0f : 1.0f) * (ky * 3 + kx + 1);
  return graft_tensor_new_take (GRAFT_DTYPE_FLOAT32, 4, shape, k);
}

static void
test_heatmap_grid_pixel_by_pixel (void)
{
  g_autoptr(GraftTensor) t = make_kernel ();
  g_autoptr(GraftHeatmap) hm = graft_heatmap_new (t);
  g_autoptr(GraftHeatmapFrame) frame = NULL;
  g_autoptr(GraftColormap) cmap = graft_colormap_new (GRAFT_COLORMAP_DIVERGING, FALSE);
  g_autoptr(GError) error = NULL;
  const float *k = graft_tensor_get_data (t, NULL);
  GraftHeatmapStyle style;
  const guint8 *rgba;
  guint w, h, zoom = 3;
  guint8 expect[4], background[4];

  graft_heatmap_style_init (&style);
  g_assert_true (graft_heatmap_can_grid (hm));
  g_assert_true (graft_heatmap_get_grid_size (hm, &style, zoom, &w, &h));
  /* 2 channels of 3 columns, 3 filters of 2 rows, zoom 3, 1-px separators. */
  g_assert_cmpuint (w, ==, 2 * (3 * 3 + 1) - 1);
  g_assert_cmpuint (h, ==, 3 * (2 * 3 + 1) - 1);
  frame = graft_heatmap_render_grid (hm, NULL, w, h, &style, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (graft_heatmap_frame_get_layout (frame), ==, GRAFT_HEATMAP_GRID);
  rgba = graft_heatmap_frame_get_rgba (frame);
  g_assert_true (graft_colormap_set_scale (cmap, GRAFT_SCALE_LINEAR, -18, 18, 0, NULL));
  graft_colormap_get_special (cmap, GRAFT_COLOR_BACKGROUND, background);

  for (guint y = 0; y < h; y++)
    for (guint x = 0; x < w; x++)
      {
        const guint8 *p = rgba + 4 * ((gsize) y * w + x);
        guint c = x / 10, kx = (x % 10) / 3, f = y / 7, ky = (y % 7) / 3;
        GraftHeatmapPixel px;

        g_assert_true (graft_heatmap_frame_lookup (frame, x, y, &px, &error));
        if (x % 10 == 9 || y % 7 == 6)
          {
            g_assert_cmpmem (p, 4, background, 4);
            g_assert_false (px.valid);
            continue;
          }
        graft_colormap_map (cmap, k[((ky * 3 + kx) * 2 + c) * 3 + f], expect);
        g_assert_cmpmem (p, 4, expect, 4);
        g_assert_true (px.valid);
        g_assert_cmpfloat (px.value, ==, k[((ky * 3 + kx) * 2 + c) * 3 + f]);
        g_assert_cmpuint (px.value_index[0], ==, ky);
        g_assert_cmpuint (px.value_index[1], ==, kx);
        g_assert_cmpuint (px.value_index[2], ==, c);
        g_assert_cmpuint (px.value_index[3], ==, f);
      }

  /* Per-filter limits: every filter's largest |x| reaches an end of the map. */
  style.per_filter = TRUE;
  g_clear_pointer (&frame, graft_heatmap_frame_free);
  frame = graft_heatmap_render_grid (hm, NULL, w, h, &style, NULL, &error);
  g_assert_no_error (error);
  rgba = graft_heatmap_frame_get_rgba (frame);
  for (guint f = 0; f < 3; f++)
    {
      /* Filter f, channel 0, ky = 1, kx = 2 holds +6 (f + 1), the filter's max. */
      const guint8 *p = rgba + 4 * ((gsize) (f * 7 + 3) * w + 6);

      graft_colormap_sample (cmap, 1, expect);
      g_assert_cmpmem (p, 4, expect, 4);
    }
}

static void
test_heatmap_grid_one_channel_and_fit (void)
{
  g_autoptr(GraftTensor) t = make_kernel ();
  g_autoptr(GraftHeatmap) hm = graft_heatmap_new (t);
  g_autoptr(GraftHeatmapFrame) frame = NULL;
  g_autoptr(GError) error = NULL;
  GraftHeatmapStyle style;
  GraftHeatmapPixel px;
  GraftHeatmapWindow win;

  graft_heatmap_style_init (&style);
  style.channel = 1;
  /* 3 filters wrap into 2 × 2 tiles of 2 × 3 at zoom 1. */
  frame = graft_heatmap_render_grid (hm, NULL, 7, 5, &style, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (graft_heatmap_frame_lookup (frame, 4, 0, &px, NULL));
  g_assert_true (px.valid);
  g_assert_cmpuint (px.value_index[2], ==, 1);
  g_assert_cmpuint (px.value_index[3], ==, 1);
  g_assert_cmpfloat (px.value, ==, -2.0);
  g_assert_true (graft_heatmap_frame_lookup (frame, 4, 3, &px, NULL));
  g_assert_false (px.valid);  /* the fourth tile has no filter */

  /* Too small for the whole grid: it is cut, and the window says so. */
  style.channel = GRAFT_HEATMAP_ALL_CHANNELS;
  g_clear_pointer (&frame, graft_heatmap_frame_free);
  frame = graft_heatmap_render_grid (hm, NULL, 4, 3, &style, NULL, &error);
  g_assert_no_error (error);
  graft_heatmap_frame_get_window (frame, &win);
  g_assert_cmpuint (win.row_end - win.row_start, ==, 1);
  g_assert_cmpuint (win.col_end - win.col_start, ==, 1);

  style.channel = 2;
  g_clear_pointer (&frame, graft_heatmap_frame_free);
  g_assert_null (graft_heatmap_render_grid (hm, NULL, 40, 40, &style, NULL, &error));
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_INVALID);
}

static void
test_heatmap_strip (void)
{
  gsize shape[1] = { 10 };
  float *v = g_new (float, 10);
  g_autoptr(GraftTensor) t = NULL;
  g_autoptr(GraftHeatmap) hm = NULL;
  g_autoptr(GraftHeatmapFrame) frame = NULL;
  g_autoptr(GError) error = NULL;
  GraftHeatmapStyle style;
  GraftHeatmapPixel px;

  for (guint i = 0; i < 10; i++)
    v[i] = (float) i - 4.5f;
  t = graft_tensor_new_take (GRAFT_DTYPE_FLOAT32, 1, shape, v);
  hm = graft_heatmap_new (t);
  graft_heatmap_style_init (&style);
  g_assert_cmpuint (graft_heatmap_get_n_rows (hm), ==, 1);
  g_assert_cmpuint (graft_heatmap_get_n_cols (hm), ==, 10);
  frame = graft_heatmap_render_grid (hm, NULL, 200, 30, &style, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (graft_heatmap_frame_get_layout (frame), ==, GRAFT_HEATMAP_STRIP);
  /* Cells of 19 px with 1-px separators: cell i spans x = 20 i … 20 i + 18. */
  for (guint i = 0; i < 10; i++)
    {
      g_assert_true (graft_heatmap_frame_lookup (frame, 20 * i + 9, 5, &px, NULL));
      g_assert_true (px.valid);
      g_assert_cmpfloat (px.value, ==, (double) i - 4.5);
      g_assert_cmpuint (px.value_index[0], ==, i);
      g_assert_true (graft_heatmap_frame_lookup (frame, 20 * i + 19, 5, &px, NULL));
      g_assert_false (px.valid);
    }

  /* Too many values for readable cells: wrapped into rows. */
  g_clear_pointer (&frame, graft_heatmap_frame_free);
  frame = graft_heatmap_render_grid (hm, NULL, 24, 24, &style, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (graft_heatmap_frame_lookup (frame, 0, 23, &px, NULL));
  g_clear_pointer (&frame, graft_heatmap_frame_free);
  g_assert_null (graft_heatmap_render_grid (hm, NULL, 3, 3, &style, NULL, &error));
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_LIMIT);
  g_clear_error (&error);

  /* The matrix layout of a vector is a single reduced row. */
  frame = graft_heatmap_render (hm, NULL, 5, 2, &style, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (graft_heatmap_frame_get_shown (frame, 0, 0), ==, -4.5);
  g_assert_cmpfloat (graft_heatmap_frame_get_shown (frame, 4, 1), ==, 4.5);
}

static void
test_heatmap_errors (void)
{
  gsize shape[3] = { 4, 5, 6 };
  g_autoptr(GraftTensor) t = graft_tensor_new (GRAFT_DTYPE_FLOAT32, 3, shape);
  gsize shape2[2] = { 4, 5 };
  g_autoptr(GraftTensor) t2 = graft_tensor_new (GRAFT_DTYPE_FLOAT32, 2, shape2);
  g_autoptr(GraftHeatmap) hm = graft_heatmap_new (t);
  g_autoptr(GraftHeatmap) hm2 = graft_heatmap_new (t2);
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  GraftHeatmapStyle style;
  GraftHeatmapWindow bad = { 2, 2, 0, 6 };
  gsize index[3] = { 0, 9, 0 };

  graft_heatmap_style_init (&style);
  g_assert_false (graft_heatmap_set_slice (hm, 0, 0, NULL, &error));
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (graft_heatmap_set_slice (hm, 0, 3, NULL, &error));
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (graft_heatmap_set_slice (hm, 0, 2, index, &error));
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (graft_heatmap_render (hm, &bad, 10, 10, &style, NULL, &error));
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (graft_heatmap_render (hm, NULL, 0, 10, &style, NULL, &error));
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (graft_heatmap_render_grid (hm2, NULL, 10, 10, &style, NULL, &error));
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_INVALID);
  g_clear_error (&error);
  style.limits = GRAFT_LIMITS_USER;
  style.user_min = 1;
  style.user_max = -1;
  g_assert_null (graft_heatmap_render (hm, NULL, 10, 10, &style, NULL, &error));
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_INVALID);
  g_clear_error (&error);
  graft_heatmap_style_init (&style);
  g_cancellable_cancel (cancellable);
  g_assert_null (graft_heatmap_render (hm, NULL, 2, 2, &style, cancellable, &error));
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_CANCELLED);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/heatmap/reduce/brute-force", test_heatmap_reduce_brute_force);
  g_test_add_func ("/heatmap/reduce/slices-and-dtypes", test_heatmap_reduce_slices_and_dtypes);
  g_test_add_func ("/heatmap/render/two-saturated-pixels", test_heatmap_two_saturated_pixels);
  g_test_add_func ("/heatmap/render/first-frame-equals-level", test_heatmap_first_frame_equals_level);
  g_test_add_func ("/heatmap/render/zero-is-neutral", test_heatmap_zero_is_neutral);
  g_test_add_func ("/heatmap/render/nan-and-inf", test_heatmap_nan_and_inf);
  g_test_add_func ("/heatmap/render/robust-limits-flag-clipped", test_heatmap_robust_limits_flag_clipped);
  g_test_add_func ("/heatmap/render/robust-limits-same-pass", test_heatmap_robust_limits_same_pass);
  g_test_add_func ("/heatmap/grid/pixel-by-pixel", test_heatmap_grid_pixel_by_pixel);
  g_test_add_func ("/heatmap/grid/one-channel-and-fit", test_heatmap_grid_one_channel_and_fit);
  g_test_add_func ("/heatmap/strip", test_heatmap_strip);
  g_test_add_func ("/heatmap/errors", test_heatmap_errors);

  return g_test_run ();
}
