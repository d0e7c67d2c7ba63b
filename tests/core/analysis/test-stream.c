/* test-stream.c: statistics and heatmaps of tensors too large to read whole
 *
 * A lazy tensor whose source can only read blocks (as a compressed HDF5
 * dataset can) and that is larger than GRAFT_MAX_MEMORY: its statistics,
 * percentiles, histogram and heatmap must equal those of the same values
 * in memory, no read may exceed one streamed piece, the whole tensor is
 * never read, and a failing read is reported, not shown as data. The
 * first frame of a whole tensor finds its statistics in the same pass.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-stream"

#include "config.h"

#include <math.h>
#include <string.h>

#include "graft.h"

typedef struct
{
  const guint16 *values;     /* bfloat16, as a big embedding is stored */
  guint          rank;
  gsize          shape[GRAFT_MAX_RANK];
  gsize          fail_at;    /* a read touching this row fails; G_MAXSIZE: none */
  gint           n_reads;
  gsize          largest;    /* bytes of the largest read */
  GMutex         lock;
} Source;

static gboolean
source_read (gpointer      data,
             const gsize  *start,
             const gsize  *count,
             void         *dest,
             GError      **error)
{
  Source *src = data;
  gsize n = 1, idx[GRAFT_MAX_RANK] = { 0 };
  guint16 *out = dest;

  for (guint i = 0; i < src->rank; i++)
    n *= count[i];
  g_mutex_lock (&src->lock);
  src->n_reads++;
  src->largest = MAX (src->largest, n * 2);
  g_mutex_unlock (&src->lock);
  if (src->fail_at >= start[0] && src->fail_at < start[0] + count[0])
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT, "test.h5: chunk at row %" G_GSIZE_FORMAT
                   " fails its checksum", src->fail_at);
      return FALSE;
    }
  /* Row-major walk of the block. */
  for (gsize k = 0; k < n; k++)
    {
      gsize flat = 0;

      for (guint i = 0; i < src->rank; i++)
        flat = flat * src->shape[i] + start[i] + idx[i];
      out[k] = src->values[flat];
      for (guint i = src->rank; i-- > 0;)
        {
          if (++idx[i] < count[i])
            break;
          idx[i] = 0;
        }
    }
  return TRUE;
}

static void
source_free (gpointer data)
{
}

static const GraftTensorSourceFuncs source_funcs = { source_read, NULL, source_free };

/* Values with structure, NaN and ±Inf in known places, as bfloat16. */
static guint16 *
make_values (gsize n)
{
  guint16 *v = g_new (guint16, n);

  for (gsize i = 0; i < n; i++)
    {
      float x = (float) (sin (i * 0.0007) * 0.05 + ((i * 2654435761u) % 1000) * 1e-5);
      guint32 bits;

      if (i % 100003 == 17)
        x = NAN;
      else if (i == 5)
        x = INFINITY;
      memcpy (&bits, &x, 4);
      v[i] = bits >> 16;
    }
  return v;
}

typedef struct
{
  guint16     *values;
  Source       src;
  GraftTensor *streamed;
  GraftTensor *in_memory;
} Fixture;

/* 3000 × 1100 bfloat16: 6.6 MB, against a 4 MiB memory limit. */
static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  gsize shape[2] = { 3000, 1100 };

  g_setenv ("GRAFT_MAX_MEMORY", "4M", TRUE);
  f->values = make_values (shape[0] * shape[1]);
  memset (&f->src, 0, sizeof f->src);
  f->src.values = f->values;
  f->src.rank = 2;
  memcpy (f->src.shape, shape, sizeof shape);
  f->src.fail_at = G_MAXSIZE;
  g_mutex_init (&f->src.lock);
  f->streamed = graft_tensor_new_lazy (GRAFT_DTYPE_BFLOAT16, 2, shape, &source_funcs, &f->src);
  f->in_memory = graft_tensor_new_take (GRAFT_DTYPE_BFLOAT16, 2, shape,
                                        g_memdup2 (f->values, shape[0] * shape[1] * 2));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_pointer (&f->streamed, graft_tensor_unref);
  g_clear_pointer (&f->in_memory, graft_tensor_unref);
  g_mutex_clear (&f->src.lock);
  g_free (f->values);
  g_unsetenv ("GRAFT_MAX_MEMORY");
}

static void
test_read_flat (Fixture       *f,
                gconstpointer  data)
{
  /* Ranges starting and ending inside rows, whole rows, one element. */
  static const gsize ranges[][2] = { { 0, 1 }, { 1099, 2 }, { 500, 5000 }, { 2200, 3300 },
                                     { 3000 * 1100 - 7, 7 }, { 123456, 1 } };
  g_autofree guint16 *buf = g_new (guint16, 5000);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (ranges); i++)
    {
      g_assert_true (graft_tensor_read_flat (f->streamed, ranges[i][0], ranges[i][1], buf, &error));
      g_assert_no_error (error);
      g_assert_cmpmem (buf, ranges[i][1] * 2, f->values + ranges[i][0], ranges[i][1] * 2);
    }
  g_assert_false (graft_tensor_read_flat (f->streamed, 3000 * 1100 - 1, 2, buf, &error));
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_INVALID);
  /* Never mapped, never read whole. */
  g_assert_null (graft_tensor_get_data_in_place (f->streamed));
  g_clear_error (&error);
  g_assert_null (graft_tensor_peek_data (f->streamed, &error));
  g_assert_no_error (error);
}

static void
test_stats (Fixture       *f,
            gconstpointer  data)
{
  static const double levels[] = { 1, 50, 99 };
  GraftStats a, b;
  double pa[3], pb[3];
  g_autoptr(GraftHistogram) ha = NULL, hb = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (graft_stats_compute (f->in_memory, &a, NULL, &error));
  g_assert_true (graft_stats_compute (f->streamed, &b, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (b.count, ==, 3000 * 1100);
  g_assert_cmpuint (b.nan, ==, a.nan);
  g_assert_cmpuint (b.nan, >, 30);
  g_assert_cmpuint (b.pos_inf, ==, 1);
  g_assert_cmpfloat (b.min, ==, a.min);
  g_assert_cmpfloat (b.max, ==, a.max);
  /* The same chunks in the same order: the same sums, bit for bit. */
  g_assert_cmpfloat (b.mean, ==, a.mean);
  g_assert_cmpfloat (b.std, ==, a.std);

  g_assert_true (graft_stats_compute_percentiles (f->in_memory, 0, levels, 3, pa, NULL, &error));
  g_assert_true (graft_stats_compute_percentiles (f->streamed, 0, levels, 3, pb, NULL, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpfloat (pb[i], ==, pa[i]);

  ha = graft_stats_compute_histogram (f->in_memory, &a, 256, NULL, &error);
  hb = graft_stats_compute_histogram (f->streamed, &b, 256, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (hb->counts, 256 * sizeof (guint64), ha->counts, 256 * sizeof (guint64));

  /* Bounded pieces, and far fewer reads than chunks of 64 Ki values. */
  g_assert_cmpuint (f->src.largest, <=, GRAFT_TENSOR_STREAM_PIECE_BYTES);
  g_assert_cmpint (f->src.n_reads, >, 0);
  g_assert_null (graft_tensor_get_data_in_place (f->streamed));
}

static void
assert_same_frame (GraftHeatmap             *a,
                   GraftHeatmap             *b,
                   const GraftHeatmapWindow *window,
                   guint                     w,
                   guint                     h)
{
  GraftHeatmapStyle style;
  g_autoptr(GraftHeatmapFrame) fa = NULL, fb = NULL;
  g_autoptr(GError) error = NULL;

  graft_heatmap_style_init (&style);
  fa = graft_heatmap_render (a, window, w, h, &style, NULL, &error);
  g_assert_no_error (error);
  fb = graft_heatmap_render (b, window, w, h, &style, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (graft_heatmap_frame_get_rgba (fb), (gsize) w * h * 4,
                   graft_heatmap_frame_get_rgba (fa), (gsize) w * h * 4);
  for (guint y = 0; y < h; y += 7)
    for (guint x = 0; x < w; x += 5)
      {
        float va = graft_heatmap_frame_get_shown (fa, x, y), vb = graft_heatmap_frame_get_shown (fb, x, y);

        g_assert_true ((isnan (va) && isnan (vb)) || va == vb);
      }
}

static void
test_heatmap (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GraftHeatmap) a = graft_heatmap_new (f->in_memory);
  g_autoptr(GraftHeatmap) b = graft_heatmap_new (f->streamed);
  GraftHeatmapWindow zoomed = { 1000, 1200, 300, 500 };
  gsize index[2] = { 0, 0 };
  g_autoptr(GError) error = NULL;
  gint reads;

  assert_same_frame (a, b, NULL, 256, 512);

  /* That first pass over the whole tensor found its statistics too:
   * asking for them now reads nothing, and they agree with a pass of
   * their own over a fresh copy. */
  {
    gsize shape[2] = { 3000, 1100 };
    g_autoptr(GraftTensor) fresh = graft_tensor_new_take (GRAFT_DTYPE_BFLOAT16, 2, shape,
                                                         g_memdup2 (f->values, 3000 * 1100 * 2));
    GraftStats fused, own;

    reads = f->src.n_reads;
    g_assert_true (graft_stats_compute (f->streamed, &fused, NULL, &error));
    g_assert_cmpint (f->src.n_reads, ==, reads);
    g_assert_true (graft_stats_compute (fresh, &own, NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (fused.count, ==, own.count);
    g_assert_cmpuint (fused.n_finite, ==, own.n_finite);
    g_assert_cmpuint (fused.nan, ==, own.nan);
    g_assert_cmpuint (fused.pos_inf, ==, own.pos_inf);
    g_assert_cmpuint (fused.zeros, ==, own.zeros);
    g_assert_cmpfloat (fused.min, ==, own.min);
    g_assert_cmpfloat (fused.max, ==, own.max);
    g_assert_cmpfloat_with_epsilon (fused.mean, own.mean, 1e-12);
    g_assert_cmpfloat_with_epsilon (fused.std, own.std, 1e-12);
    g_assert_cmpfloat_with_epsilon (fused.l2, own.l2, 1e-9 * own.l2);
  }

  assert_same_frame (a, b, NULL, 1100, 3000);

  /* Zoomed in at 1:1, only the rows under the view are read. */
  g_mutex_lock (&f->src.lock);
  reads = f->src.n_reads;
  f->src.largest = 0;
  g_mutex_unlock (&f->src.lock);
  assert_same_frame (a, b, &zoomed, 200, 200);
  g_assert_cmpint (f->src.n_reads, >, reads);
  g_assert_cmpuint (f->src.largest, <=, 2 * 200 * 200);

  /* Transposed: columns of the tensor as rows of the picture. */
  g_assert_true (graft_heatmap_set_slice (a, 1, 0, index, &error));
  g_assert_true (graft_heatmap_set_slice (b, 1, 0, index, &error));
  g_assert_no_error (error);
  assert_same_frame (a, b, NULL, 300, 110);
  g_assert_cmpuint (f->src.largest, <=, GRAFT_TENSOR_STREAM_PIECE_BYTES);
  g_assert_null (graft_tensor_get_data_in_place (f->streamed));
}

static void
test_read_error (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GraftHeatmap) hm = graft_heatmap_new (f->streamed);
  g_autoptr(GraftHeatmapFrame) frame = NULL;
  GraftHeatmapStyle style;
  GraftStats stats;
  double p;
  static const double half = 50;
  g_autoptr(GError) error = NULL;

  f->src.fail_at = 2500;
  g_assert_false (graft_stats_compute (f->streamed, &stats, NULL, &error));
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "row 2500"));
  g_clear_error (&error);

  g_assert_false (graft_stats_compute_percentiles (f->streamed, 0, &half, 1, &p, NULL, &error));
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT);
  g_clear_error (&error);

  graft_heatmap_style_init (&style);
  style.limits = GRAFT_LIMITS_USER;
  style.user_min = -1;
  style.user_max = 1;
  frame = graft_heatmap_render (hm, NULL, 128, 128, &style, NULL, &error);
  g_assert_null (frame);
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT);
}

/* A kernel's mosaic reads nothing until it is read, then the kernel a
 * piece at a time, keeping no copy of it: the same values as the mosaic
 * of the kernel in memory, each tap at its place; per filter, each filter
 * spans ±1; a failing read fails the mosaic's read. The fixture's values
 * as a 1-D convolution kernel of 3 taps, 1100 inputs and 1000 filters. */
static void
test_mosaic (Fixture       *f,
             gconstpointer  data)
{
  gsize shape[3] = { 3, 1100, 1000 };
  Source src = f->src;
  g_autoptr(GraftTensor) kernel = NULL, in_memory = NULL;
  g_autoptr(GraftTensor) a = NULL, b = NULL, scaled = NULL;
  g_autoptr(GError) error = NULL;
  GraftHeatmapMosaic m;
  const float *va, *vb, *vs;
  gsize n_rows, n_cols, used = 0;

  g_setenv ("GRAFT_MAX_MEMORY", "64M", TRUE);
  src.rank = 3;
  memcpy (src.shape, shape, sizeof shape);
  g_mutex_init (&src.lock);
  kernel = graft_tensor_new_lazy (GRAFT_DTYPE_BFLOAT16, 3, shape, &source_funcs, &src);
  in_memory = graft_tensor_new_take (GRAFT_DTYPE_BFLOAT16, 3, shape,
                                     g_memdup2 (f->values, 3000 * 1100 * 2));
  g_assert_true (graft_heatmap_mosaic_init (&m, kernel, FALSE));
  g_assert_cmpuint (m.n_filters, ==, 1000);
  g_assert_cmpuint (m.n_channels, ==, 1100);
  g_assert_cmpuint (m.kw, ==, 3);

  a = graft_heatmap_mosaic_new_tensor (&m, kernel, NULL, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (src.n_reads, ==, 0);
  n_rows = graft_tensor_get_dim (a, 0);
  n_cols = graft_tensor_get_dim (a, 1);
  g_assert_cmpuint (n_rows, ==, (gsize) m.grid_rows * m.tile_rows);
  g_assert_cmpuint (n_cols, ==, (gsize) m.grid_cols * m.tile_cols);
  va = graft_tensor_get_data (a, &error);
  g_assert_no_error (error);
  g_assert_cmpint (src.n_reads, >=, 1);
  g_assert_cmpuint (src.largest, <=, GRAFT_TENSOR_STREAM_PIECE_BYTES);
  g_assert_null (graft_tensor_get_data_in_place (kernel));

  b = graft_heatmap_mosaic_new_tensor (&m, in_memory, NULL, FALSE, &error);
  vb = graft_tensor_get_data (b, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (va, n_rows * n_cols * 4, vb, n_rows * n_cols * 4);

  for (gsize r = 0; r < n_rows; r++)
    for (gsize c = 0; c < n_cols; c++)
      {
        guint filter, channel, ky, kx;
        float want = 0;

        if (graft_heatmap_mosaic_locate (&m, r, c, &filter, &channel, &ky, &kx))
          {
            guint32 bits = (guint32) f->values[((gsize) kx * 1100 + channel) * 1000 + filter] << 16;

            g_assert_cmpuint (ky, ==, 0);
            memcpy (&want, &bits, 4);
            used++;
          }
        if (isnan (want))
          g_assert_true (isnan (va[r * n_cols + c]));
        else
          g_assert_cmpfloat (va[r * n_cols + c], ==, want);
      }
  g_assert_cmpuint (used, ==, 3000 * 1100);

  scaled = graft_heatmap_mosaic_new_tensor (&m, in_memory, NULL, TRUE, &error);
  vs = graft_tensor_get_data (scaled, &error);
  g_assert_no_error (error);
  for (guint filter = 0; filter < m.n_filters; filter += 97)
    {
      gsize r0 = (gsize) (filter / m.grid_cols) * m.tile_rows;
      gsize c0 = (gsize) (filter % m.grid_cols) * m.tile_cols;
      float peak = 0;

      for (gsize r = r0; r < r0 + m.tile_rows; r++)
        for (gsize c = c0; c < c0 + m.tile_cols; c++)
          if (isfinite (vs[r * n_cols + c]))
            peak = MAX (peak, fabsf (vs[r * n_cols + c]));
      g_assert_cmpfloat_with_epsilon (peak, 1, 1e-6);
    }

  g_clear_pointer (&a, graft_tensor_unref);
  src.fail_at = 1;
  a = graft_heatmap_mosaic_new_tensor (&m, kernel, NULL, FALSE, &error);
  g_assert_nonnull (a);
  g_assert_null (graft_tensor_get_data (a, &error));
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "checksum"));
  g_clear_pointer (&a, graft_tensor_unref);
  g_clear_pointer (&kernel, graft_tensor_unref);
  g_mutex_clear (&src.lock);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/stream/read-flat", Fixture, NULL, fixture_setup, test_read_flat, fixture_teardown);
  g_test_add ("/stream/stats", Fixture, NULL, fixture_setup, test_stats, fixture_teardown);
  g_test_add ("/stream/heatmap", Fixture, NULL, fixture_setup, test_heatmap, fixture_teardown);
  g_test_add ("/stream/read-error", Fixture, NULL, fixture_setup, test_read_error, fixture_teardown);
  g_test_add ("/stream/mosaic", Fixture, NULL, fixture_setup, test_mosaic, fixture_teardown);
  return g_test_run ();
}
