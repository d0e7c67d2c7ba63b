/* floor-frame.c: the least a program can do to show the first heatmap frame
 * of a big kernel (PERF.md section 2), as the floor Graft is measured against
 *
 * floor-frame [--hist] [--threads N] [--map MODE] [--cells OUT.f32] [-v]
 *             [--png OUT.png] [FILE [DATASET]]
 *
 * FILE defaults to tests/bench/out/vgg16.h5 and DATASET to
 * /fc1/fc1/kernel:0. No Graft code. The HDF5 C API finds the dataset's
 * bytes (contiguous, unfiltered, little-endian float32 or bfloat16) and the
 * file region is mapped. One pass on N threads (default 2) then folds each
 * band of rows into per-column min and max (kept in L1, a chunk of columns
 * at a time) while the sum, sum of squares and NaN count of the statistics
 * run in registers; the columns are folded into 1024×1024 cells, each
 * showing its value of largest magnitude; bfloat16 is widened to float32
 * in the same loads. The cells are then coloured in place, blue–white–red
 * over ±max|x|, as RGBA8. With --hist a second pass adds a 256-bin
 * histogram over [min, max]. With --png (only in the floor-frame-png
 * build, which links cairo) the RGBA is written as a PNG the way graft-cli
 * render writes it.
 *
 * --map prefault (the default) has each thread map its own part with one
 * MADV_POPULATE_READ call: cheaper than a page fault every 64 KiB when the
 * page cache holds small folios. --map plain faults on first touch,
 * --map populate maps everything in mmap() (MAP_POPULATE).
 *
 * Prints "frame_ms hist_ms" (and "png_ms" with --png), each measured from
 * just before the file is opened; hist_ms equals frame_ms without --hist.
 * -v adds the statistics and each phase's time on stderr.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <hdf5.h>

#ifdef FLOOR_PNG
#include <cairo.h>
#endif

#ifndef SRCDIR
#define SRCDIR "tests/bench"
#endif

#define FLOOR_SIDE 1024
#define FLOOR_BINS 256
/* Columns folded at a time: five accumulator arrays of 4 KiB stay in L1. */
#ifndef FLOOR_CHUNK
#define FLOOR_CHUNK 1024
#endif
/* Elements binned at a time by the histogram pass. */
#define FLOOR_HIST_BLOCK 4096
#define FLOOR_MAX_THREADS 64

typedef enum
{
  FLOOR_MAP_PLAIN,     /* fault pages in as the pass touches them */
  FLOOR_MAP_POPULATE,  /* MAP_POPULATE: the kernel maps everything at mmap() */
  FLOOR_MAP_PREFAULT,  /* each thread MADV_POPULATE_READs its own part first */
} FloorMapMode;

/* GCC vector extensions: 16 lanes, one AVX-512 register at -march=native
 * on the project's machines (two AVX2 ones elsewhere). */
typedef float v16sf __attribute__ ((vector_size (64)));
typedef int32_t v16si __attribute__ ((vector_size (64)));
typedef uint32_t v16su __attribute__ ((vector_size (64)));
typedef uint16_t v16hu __attribute__ ((vector_size (32)));
typedef float v8sf __attribute__ ((vector_size (32)));
typedef double v8df __attribute__ ((vector_size (64)));
#define FLOOR_LANES 16

typedef struct
{
  const uint8_t *data;   /* first element of the dataset */
  int            bf16;   /* 2-byte bfloat16 elements, else float32 */
  size_t         rows;   /* all axes but the last, flattened */
  size_t         cols;   /* the last axis */
  unsigned       width;  /* output cells */
  unsigned       height;
  size_t        *col_lo; /* [width] first column of each cell */
  size_t        *col_hi; /* [width] end column */
  unsigned       k;      /* columns per cell when all cells have the same, else 0 */
  /* [height * width] the value each cell shows, then its RGBA8 colour in
   * the same place once the limits are known. */
  float         *shown;
  float         *cells;  /* (nullable) a copy of the shown values, for --cells */
  unsigned       n_threads;
  FloorMapMode   map_mode;
  pthread_barrier_t barrier;
  double         limit;  /* ±limit is the colour map's range, set between barriers */
} FloorFrame;

/* The running statistics of one thread. Each row piece is summed in float
 * lanes (at most FLOOR_CHUNK / 16 values a lane), then added to double
 * lanes. */
typedef struct
{
  v8df     sum;
  v8df     sumsq;
  v16si    nan;
  double   tail_sum;   /* the columns past the last whole vector */
  double   tail_sumsq;
  uint64_t tail_nan;
} FloorSums;

typedef struct
{
  FloorFrame *frame;
  unsigned    index;
  unsigned    p0;        /* output rows p0 … p1 */
  unsigned    p1;
  /* Statistics of this thread's rows. */
  double      sum;
  double      sumsq;
  uint64_t    nan;
  float       min;
  float       max;
} FloorJob;

typedef struct
{
  const FloorFrame *frame;
  size_t            e0;  /* elements e0 … e1 */
  size_t            e1;
  float             lo;
  float             scale;
  uint64_t          counts[FLOOR_BINS];
} FloorHistJob;

static double
floor_now_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static inline float
floor_bf16 (uint16_t bits)
{
  uint32_t u = (uint32_t) bits << 16;
  float f;

  memcpy (&f, &u, sizeof f);
  return f;
}

static inline float
floor_element (const uint8_t *p,
               int            bf16)
{
  float f;

  if (bf16)
    {
      uint16_t b;

      memcpy (&b, p, sizeof b);
      return floor_bf16 (b);
    }
  memcpy (&f, p, sizeof f);
  return f;
}

/* 16 elements as float32: a bfloat16 is the top half of its float32. */
static inline v16sf
floor_load (const uint8_t *p,
            int            bf16)
{
  v16sf v;

  if (bf16)
    {
      v16hu h;

      memcpy (&h, p, sizeof h);
      return (v16sf) (__builtin_convertvector (h, v16su) << 16);
    }
  memcpy (&v, p, sizeof v);
  return v;
}

/* mask ? a : b, lane by lane (C has no vector ?:). */
static inline v16sf
floor_select (v16si mask,
              v16sf a,
              v16sf b)
{
  return (v16sf) (((v16si) a & mask) | ((v16si) b & ~mask));
}

/* Folds n elements of one row into the column extremes and the thread's
 * sums. NaN loses every comparison, so the extremes skip it; it is zeroed
 * before the sums and counted. The element kind is a constant after
 * inlining, so each kind gets its own loop. */
static inline __attribute__ ((always_inline)) void
floor_fold (const uint8_t *restrict src,
            size_t                  n,
            int                     bf16,
            float *restrict         mn,
            float *restrict         mx,
            FloorSums              *acc)
{
  size_t esize = bf16 ? 2 : 4, c = 0;
  v16sf s = { 0 }, q = { 0 };
  v16si nan = acc->nan;

  for (; c + FLOOR_LANES <= n; c += FLOOR_LANES)
    {
      v16sf v = floor_load (src + c * esize, bf16), a, b;
      v16si is_nan = v != v;
      v16sf w = (v16sf) ((v16si) v & ~is_nan);

      memcpy (&a, mn + c, sizeof a);
      memcpy (&b, mx + c, sizeof b);
      a = floor_select (v < a, v, a);
      b = floor_select (v > b, v, b);
      memcpy (mn + c, &a, sizeof a);
      memcpy (mx + c, &b, sizeof b);
      s += w;
      q += w * w;
      nan -= is_nan;
    }
  acc->nan = nan;
  acc->sum += __builtin_convertvector (__builtin_shufflevector (s, s, 0, 1, 2, 3, 4, 5, 6, 7), v8df)
              + __builtin_convertvector (__builtin_shufflevector (s, s, 8, 9, 10, 11, 12, 13, 14, 15), v8df);
  acc->sumsq += __builtin_convertvector (__builtin_shufflevector (q, q, 0, 1, 2, 3, 4, 5, 6, 7), v8df)
                + __builtin_convertvector (__builtin_shufflevector (q, q, 8, 9, 10, 11, 12, 13, 14, 15), v8df);
  for (; c < n; c++)
    {
      float v = floor_element (src + c * esize, bf16);

      if (v != v)
        {
          acc->tail_nan++;
          continue;
        }
      mn[c] = v < mn[c] ? v : mn[c];
      mx[c] = v > mx[c] ? v : mx[c];
      acc->tail_sum += v;
      acc->tail_sumsq += (double) v * v;
    }
}

static void
floor_fold_f32 (const uint8_t *restrict src,
                size_t                  n,
                float *restrict         mn,
                float *restrict         mx,
                FloorSums              *acc)
{
  floor_fold (src, n, 0, mn, mx, acc);
}

static void
floor_fold_bf16 (const uint8_t *restrict src,
                 size_t                  n,
                 float *restrict         mn,
                 float *restrict         mx,
                 FloorSums              *acc)
{
  floor_fold (src, n, 1, mn, mx, acc);
}

/* Columns into cells of K columns each (K a constant after inlining, so
 * GCC can vectorise with shuffles). */
static inline __attribute__ ((always_inline)) void
floor_cells_k (const float *restrict mn,
               const float *restrict mx,
               size_t                n_cells,
               size_t                k,
               float *restrict       cmn,
               float *restrict       cmx)
{
  for (size_t j = 0; j < n_cells; j++)
    {
      float a = mn[j * k], b = mx[j * k];

      for (size_t t = 1; t < k; t++)
        {
          a = mn[j * k + t] < a ? mn[j * k + t] : a;
          b = mx[j * k + t] > b ? mx[j * k + t] : b;
        }
      cmn[j] = a;
      cmx[j] = b;
    }
}

/* The cells j0 … j1 of one output row, from their columns' extremes
 * (mn and mx start at column col_lo[j0]). */
static void
floor_cells (const FloorFrame *f,
             unsigned          j0,
             unsigned          j1,
             const float      *mn,
             const float      *mx,
             float            *cmn,
             float            *cmx)
{
  size_t n = j1 - j0;

  switch (f->k)
    {
    case 1:
      memcpy (cmn, mn, n * sizeof (float));
      memcpy (cmx, mx, n * sizeof (float));
      return;
    case 2:
      floor_cells_k (mn, mx, n, 2, cmn, cmx);
      return;
    case 4:
      floor_cells_k (mn, mx, n, 4, cmn, cmx);
      return;
    case 8:
      floor_cells_k (mn, mx, n, 8, cmn, cmx);
      return;
    default:
      break;
    }
  for (unsigned j = j0; j < j1; j++)
    {
      size_t lo = f->col_lo[j] - f->col_lo[j0], hi = f->col_hi[j] - f->col_lo[j0];
      float a = mn[lo], b = mx[lo];

      for (size_t c = lo + 1; c < hi; c++)
        {
          a = mn[c] < a ? mn[c] : a;
          b = mx[c] > b ? mx[c] : b;
        }
      cmn[j - j0] = a;
      cmx[j - j0] = b;
    }
}

/* The colour of one cell on a diverging blue–white–red map over ±limit,
 * as little-endian RGBA8; NaN is magenta. */
static inline uint32_t
floor_colour (float v,
              float inv_limit)
{
  float t = v * inv_limit;
  uint32_t fade;

  if (v != v)
    return 0xffff00ffu;
  t = t > 1.0f ? 1.0f : t < -1.0f ? -1.0f : t;
  if (t >= 0)
    {
      fade = (uint32_t) (255.0f * (1.0f - t) + 0.5f);
      return 0xff000000u | fade << 16 | fade << 8 | 0xffu;
    }
  fade = (uint32_t) (255.0f * (1.0f + t) + 0.5f);
  return 0xffff0000u | fade << 8 | fade;
}

static void *
floor_frame_thread (void *data)
{
  FloorJob *job = data;
  FloorFrame *f = job->frame;
  size_t esize = f->bf16 ? 2 : 4;
  size_t row_bytes = f->cols * esize;
  size_t chunk = f->cols < FLOOR_CHUNK ? f->cols : FLOOR_CHUNK;
  /* A chunk ends on a cell boundary, so it may hold up to one cell's
   * columns more than FLOOR_CHUNK. */
  size_t room = (chunk + f->cols / f->width + 1 + FLOOR_LANES) & ~(size_t) (FLOOR_LANES - 1);
  float *acc = aligned_alloc (64, 4 * room * sizeof (float));
  float *mn = acc, *mx = acc + room, *cmn = acc + 2 * room, *cmx = acc + 3 * room;
  void (*fold) (const uint8_t *restrict, size_t, float *restrict, float *restrict, FloorSums *) =
    f->bf16 ? floor_fold_bf16 : floor_fold_f32;
  FloorSums sums;
  float gmin = INFINITY, gmax = -INFINITY;
  int64_t nan_seen = 0;

  if (acc == NULL)
    {
      fprintf (stderr, "floor-frame: out of memory\n");
      exit (1);
    }
  memset (&sums, 0, sizeof sums);

  if (f->map_mode == FLOOR_MAP_PREFAULT && job->p1 > job->p0)
    {
      /* Page tables for this thread's rows in one call rather than a fault
       * at a time. The range is widened to whole pages. */
      size_t r_first = (size_t) job->p0 * f->rows / f->height;
      size_t r_end = (size_t) job->p1 * f->rows / f->height;
      uintptr_t page = (uintptr_t) sysconf (_SC_PAGESIZE);
      uintptr_t a = (uintptr_t) (f->data + r_first * row_bytes) & ~(page - 1);
      uintptr_t b = (uintptr_t) (f->data + r_end * row_bytes);

      if (madvise ((void *) a, b - a, MADV_POPULATE_READ) != 0)
        fprintf (stderr, "floor-frame: MADV_POPULATE_READ: %s\n", strerror (errno));
    }

  for (unsigned p = job->p0; p < job->p1; p++)
    {
      size_t r0 = (size_t) p * f->rows / f->height;
      size_t r1 = (size_t) (p + 1) * f->rows / f->height;
      float *out = f->shown + (size_t) p * f->width;
      unsigned j0 = 0;

      if (r1 <= r0)
        r1 = r0 + 1;
      /* Chunks of whole cells, about FLOOR_CHUNK columns each, so that the
       * column extremes stay in L1 while the band's rows stream past. */
      while (j0 < f->width)
        {
          size_t a = f->col_lo[j0], n;
          unsigned j1 = j0 + 1;
          v16sf vmin, vmax;
          int64_t nan_before;

          while (j1 < f->width && f->col_hi[j1] - a <= chunk)
            j1++;
          n = f->col_hi[j1 - 1] - a;

          for (size_t c = 0; c < n; c++)
            {
              mn[c] = INFINITY;
              mx[c] = -INFINITY;
            }
          nan_before = (int64_t) sums.tail_nan;
          for (int l = 0; l < FLOOR_LANES; l++)
            nan_before += sums.nan[l];
          for (size_t r = r0; r < r1; r++)
            fold (f->data + r * row_bytes + a * esize, n, mn, mx, &sums);

          floor_cells (f, j0, j1, mn, mx, cmn, cmx);
          /* Each cell shows its value of largest magnitude, the positive
           * one on a tie. */
          for (unsigned j = 0; j < j1 - j0; j++)
            out[j0 + j] = cmx[j] >= -cmn[j] ? cmx[j] : cmn[j];
          vmin = (v16sf) { 0 } + INFINITY;
          vmax = (v16sf) { 0 } - INFINITY;
          for (size_t c = 0; c + FLOOR_LANES <= n; c += FLOOR_LANES)
            {
              v16sf u, w;

              memcpy (&u, mn + c, sizeof u);
              memcpy (&w, mx + c, sizeof w);
              vmin = floor_select (u < vmin, u, vmin);
              vmax = floor_select (w > vmax, w, vmax);
            }
          for (size_t c = n & ~(size_t) (FLOOR_LANES - 1); c < n; c++)
            {
              gmin = mn[c] < gmin ? mn[c] : gmin;
              gmax = mx[c] > gmax ? mx[c] : gmax;
            }
          for (int l = 0; l < FLOOR_LANES; l++)
            {
              gmin = vmin[l] < gmin ? vmin[l] : gmin;
              gmax = vmax[l] > gmax ? vmax[l] : gmax;
            }

          /* A block that held NaN (rare) is scanned again to find which
           * cells show NaN. */
          nan_seen = (int64_t) sums.tail_nan;
          for (int l = 0; l < FLOOR_LANES; l++)
            nan_seen += sums.nan[l];
          if (nan_seen != nan_before)
            for (unsigned j = j0; j < j1; j++)
              for (size_t r = r0; r < r1; r++)
                for (size_t c = f->col_lo[j]; c < f->col_hi[j]; c++)
                  if (isnan (floor_element (f->data + r * row_bytes + c * esize, f->bf16)))
                    {
                      out[j] = NAN;
                      r = r1 - 1;
                      break;
                    }
          j0 = j1;
        }
    }

  job->min = gmin;
  job->max = gmax;
  job->sum = sums.tail_sum;
  job->sumsq = sums.tail_sumsq;
  job->nan = sums.tail_nan;
  for (int l = 0; l < 8; l++)
    {
      job->sum += sums.sum[l];
      job->sumsq += sums.sumsq[l];
    }
  for (int l = 0; l < FLOOR_LANES; l++)
    job->nan += (uint64_t) sums.nan[l];
  free (acc);

  /* Every thread's extremes are needed before any cell can be coloured. */
  pthread_barrier_wait (&f->barrier);
  if (job->index == 0)
    {
      /* Thread 0 runs jobs[0], so the others follow it in the array. */
      FloorJob *jobs = job;
      double m = 0;

      for (unsigned t = 0; t < f->n_threads; t++)
        {
          if (isfinite (jobs[t].min))
            m = fmax (m, fabs (jobs[t].min));
          if (isfinite (jobs[t].max))
            m = fmax (m, fabs (jobs[t].max));
        }
      f->limit = m > 0 ? m : 1;
    }
  pthread_barrier_wait (&f->barrier);
  {
    float inv = (float) (1.0 / f->limit);
    size_t i0 = (size_t) job->p0 * f->width, i1 = (size_t) job->p1 * f->width;
    uint32_t *px = (uint32_t *) f->shown;

    if (f->cells != NULL)
      memcpy (f->cells + i0, f->shown + i0, (i1 - i0) * sizeof (float));
    /* In place: each value is read before its colour overwrites it. */
    for (size_t i = i0; i < i1; i++)
      px[i] = floor_colour (f->shown[i], inv);
  }
  return NULL;
}

/* Bins a block into idx (FLOOR_BINS for NaN, which is not counted), then
 * counts with four interleaved tables, so that runs of one bin do not wait
 * on each other's stores. */
static inline __attribute__ ((always_inline)) void
floor_hist_block (const uint8_t *restrict src,
                  size_t                  n,
                  int                     bf16,
                  float                   lo,
                  float                   scale,
                  uint16_t *restrict      idx)
{
  for (size_t k = 0; k < n; k++)
    {
      float v = bf16 ? floor_bf16 (((const uint16_t *) src)[k]) : ((const float *) src)[k];
      float b = (v - lo) * scale;

      b = b < 0.0f ? 0.0f : b > FLOOR_BINS - 1 ? FLOOR_BINS - 1 : b;
      idx[k] = v != v ? FLOOR_BINS : (uint16_t) (int32_t) b;
    }
}

static void *
floor_hist_thread (void *data)
{
  FloorHistJob *job = data;
  const FloorFrame *f = job->frame;
  uint32_t counts[4][FLOOR_BINS + 1];
  uint16_t idx[FLOOR_HIST_BLOCK];
  size_t esize = f->bf16 ? 2 : 4, since_drain = 0;

  memset (counts, 0, sizeof counts);
  for (size_t e = job->e0; e < job->e1; e += FLOOR_HIST_BLOCK)
    {
      size_t n = job->e1 - e < FLOOR_HIST_BLOCK ? job->e1 - e : FLOOR_HIST_BLOCK;
      size_t i = 0;

      if (f->bf16)
        floor_hist_block (f->data + e * esize, n, 1, job->lo, job->scale, idx);
      else
        floor_hist_block (f->data + e * esize, n, 0, job->lo, job->scale, idx);
      for (; i + 4 <= n; i += 4)
        {
          counts[0][idx[i]]++;
          counts[1][idx[i + 1]]++;
          counts[2][idx[i + 2]]++;
          counts[3][idx[i + 3]]++;
        }
      for (; i < n; i++)
        counts[0][idx[i]]++;
      /* The tables are 32-bit: drain them long before one could wrap. */
      since_drain += n;
      if (since_drain >= (size_t) 1 << 30)
        {
          for (unsigned t = 0; t < 4; t++)
            for (unsigned b = 0; b < FLOOR_BINS; b++)
              {
                job->counts[b] += counts[t][b];
                counts[t][b] = 0;
              }
          since_drain = 0;
        }
    }
  for (unsigned t = 0; t < 4; t++)
    for (unsigned b = 0; b < FLOOR_BINS; b++)
      job->counts[b] += counts[t][b];
  return NULL;
}

/* The `dtype` attribute Keras 3 writes beside opaque bfloat16 data, or NULL. */
static char *
floor_dtype_attr (hid_t dset)
{
  hid_t attr, type, mem;
  char *value = NULL;

  if (H5Aexists (dset, "dtype") <= 0)
    return NULL;
  attr = H5Aopen (dset, "dtype", H5P_DEFAULT);
  if (attr < 0)
    return NULL;
  type = H5Aget_type (attr);
  if (type >= 0 && H5Tget_class (type) == H5T_STRING)
    {
      /* Read in the attribute's own character set: HDF5 converts none. */
      mem = H5Tcopy (H5T_C_S1);
      if (H5Tis_variable_str (type) > 0)
        {
          char *s = NULL;

          H5Tset_size (mem, H5T_VARIABLE);
          H5Tset_cset (mem, H5Tget_cset (type));
          if (H5Aread (attr, mem, &s) >= 0 && s != NULL)
            {
              value = strdup (s);
              H5free_memory (s);
            }
        }
      else
        {
          size_t n = H5Tget_size (type);

          value = calloc (n + 1, 1);
          H5Tset_size (mem, n);
          H5Tset_cset (mem, H5Tget_cset (type));
          if (value != NULL && H5Aread (attr, mem, value) < 0)
            {
              free (value);
              value = NULL;
            }
        }
      H5Tclose (mem);
    }
  if (type >= 0)
    H5Tclose (type);
  H5Aclose (attr);
  return value;
}

/* Finds the dataset's bytes in the file: offset, shape and element kind. */
static int
floor_locate (const char *path,
              const char *name,
              haddr_t    *offset,
              size_t     *rows,
              size_t     *cols,
              int        *bf16)
{
  hid_t file, dset, space, type, dcpl;
  hsize_t dims[H5S_MAX_RANK];
  int rank, ok = 0;
  char *dtype = NULL;

  file = H5Fopen (path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0)
    {
      fprintf (stderr, "floor-frame: %s: cannot open\n", path);
      return 0;
    }
  dset = H5Dopen2 (file, name, H5P_DEFAULT);
  if (dset < 0)
    {
      fprintf (stderr, "floor-frame: %s: no dataset %s\n", path, name);
      H5Fclose (file);
      return 0;
    }
  space = H5Dget_space (dset);
  type = H5Dget_type (dset);
  dcpl = H5Dget_create_plist (dset);
  rank = H5Sget_simple_extent_dims (space, dims, NULL);

  if (rank < 1)
    fprintf (stderr, "floor-frame: %s: not an array\n", name);
  else if (H5Pget_layout (dcpl) != H5D_CONTIGUOUS || H5Pget_nfilters (dcpl) != 0 ||
           (*offset = H5Dget_offset (dset)) == HADDR_UNDEF)
    fprintf (stderr, "floor-frame: %s: not contiguous and unfiltered\n", name);
  else if (H5Tget_class (type) == H5T_FLOAT && H5Tget_size (type) == 4 &&
           H5Tget_order (type) == H5T_ORDER_LE)
    {
      *bf16 = 0;
      ok = 1;
    }
  else if (H5Tget_size (type) == 2 && H5Tget_class (type) != H5T_FLOAT &&
           H5Tget_class (type) != H5T_INTEGER &&
           ((dtype = floor_dtype_attr (dset)) == NULL || strcmp (dtype, "bfloat16") == 0))
    {
      /* Keras 3 stores bfloat16 as 2-byte opaque data with dtype=bfloat16. */
      *bf16 = 1;
      ok = 1;
    }
  else
    fprintf (stderr, "floor-frame: %s: neither float32 nor bfloat16%s%s\n", name,
             dtype != NULL ? " but " : "", dtype != NULL ? dtype : "");

  if (ok)
    {
      *cols = dims[rank - 1];
      *rows = 1;
      for (int i = 0; i < rank - 1; i++)
        *rows *= dims[i];
      ok = *rows > 0 && *cols > 0;
    }
  free (dtype);
  H5Pclose (dcpl);
  H5Tclose (type);
  H5Sclose (space);
  H5Dclose (dset);
  H5Fclose (file);
  return ok;
}

/* The frame's 4 MiB: anonymous memory in 2 MiB pages where the kernel
 * has them, two page faults instead of a thousand. */
static float *
floor_alloc_frame (size_t  bytes,
                   size_t *length)
{
  size_t huge = (size_t) 2 << 20;
  uint8_t *p;

  *length = (bytes + huge - 1) & ~(huge - 1);
  p = mmap (NULL, *length + huge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED)
    return NULL;
  {
    /* Keep a 2 MiB-aligned part and give back the rest. */
    uint8_t *aligned = (uint8_t *) (((uintptr_t) p + huge - 1) & ~(uintptr_t) (huge - 1));

    if (aligned > p)
      munmap (p, aligned - p);
    if (aligned + *length < p + *length + huge)
      munmap (aligned + *length, p + *length + huge - (aligned + *length));
    madvise (aligned, *length, MADV_HUGEPAGE);
    return (float *) aligned;
  }
}

static int
floor_write_cells (const char       *path,
                   const FloorFrame *f)
{
  FILE *out = fopen (path, "wb");
  size_t n = (size_t) f->width * f->height;
  int ok = out != NULL && fwrite (f->cells, sizeof (float), n, out) == n;

  if (out != NULL && fclose (out) != 0)
    ok = 0;
  if (!ok)
    fprintf (stderr, "floor-frame: %s: cannot write the cells\n", path);
  return ok;
}

#ifdef FLOOR_PNG
/* As graft-cli render does it: copy into a cairo ARGB32 surface (opaque, so
 * premultiplied equals straight) and let cairo encode the PNG. */
static int
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
#endif

static void
floor_usage (void)
{
  fprintf (stderr, "usage: floor-frame [--hist] [--threads N] [--map plain|populate|prefault] "
                   "[--cells OUT.f32] [-v]"
#ifdef FLOOR_PNG
                   " [--png OUT.png]"
#endif
                   " [FILE [DATASET]]\n");
}

int
main (int    argc,
      char **argv)
{
  const char *path = SRCDIR "/out/vgg16.h5", *name = "/fc1/fc1/kernel:0";
  const char *cells_path = NULL, *png_path = NULL;
  int with_hist = 0, verbose = 0, bf16 = 0, fd, n_args = 0;
  unsigned n_threads = 2;
  FloorMapMode map_mode = FLOOR_MAP_PREFAULT;
  double t0, t_located, t_mapped, t_frame, t_hist, t_png;
  haddr_t offset = 0;
  size_t rows = 0, cols = 0, page, delta, length, shown_length = 0;
  uint8_t *map;
  FloorFrame f;
  FloorJob jobs[FLOOR_MAX_THREADS];
  pthread_t threads[FLOOR_MAX_THREADS];
  double sum = 0, sumsq = 0, mean, var;
  uint64_t nan = 0, count, n_finite;
  float gmin = INFINITY, gmax = -INFINITY;

  for (int i = 1; i < argc; i++)
    {
      if (strcmp (argv[i], "--hist") == 0)
        with_hist = 1;
      else if (strcmp (argv[i], "-v") == 0)
        verbose = 1;
      else if (strcmp (argv[i], "--threads") == 0 && i + 1 < argc)
        {
          n_threads = (unsigned) atoi (argv[++i]);
          if (n_threads < 1 || n_threads > FLOOR_MAX_THREADS)
            {
              floor_usage ();
              return 2;
            }
        }
      else if (strcmp (argv[i], "--map") == 0 && i + 1 < argc)
        {
          i++;
          if (strcmp (argv[i], "plain") == 0)
            map_mode = FLOOR_MAP_PLAIN;
          else if (strcmp (argv[i], "populate") == 0)
            map_mode = FLOOR_MAP_POPULATE;
          else if (strcmp (argv[i], "prefault") == 0)
            map_mode = FLOOR_MAP_PREFAULT;
          else
            {
              floor_usage ();
              return 2;
            }
        }
      else if (strcmp (argv[i], "--cells") == 0 && i + 1 < argc)
        cells_path = argv[++i];
#ifdef FLOOR_PNG
      else if (strcmp (argv[i], "--png") == 0 && i + 1 < argc)
        png_path = argv[++i];
#endif
      else if (argv[i][0] == '-' && argv[i][1] != '\0')
        {
          floor_usage ();
          return 2;
        }
      else if (n_args == 0)
        {
          path = argv[i];
          n_args++;
        }
      else if (n_args == 1)
        {
          name = argv[i];
          n_args++;
        }
      else
        {
          floor_usage ();
          return 2;
        }
    }

  t0 = floor_now_ms ();
  if (!floor_locate (path, name, &offset, &rows, &cols, &bf16))
    return 1;
  t_located = floor_now_ms ();

  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    {
      fprintf (stderr, "floor-frame: %s: %s\n", path, strerror (errno));
      return 1;
    }
  page = (size_t) sysconf (_SC_PAGESIZE);
  delta = (size_t) offset % page;
  length = rows * cols * (bf16 ? 2 : 4) + delta;
  map = mmap (NULL, length, PROT_READ,
              MAP_PRIVATE | (map_mode == FLOOR_MAP_POPULATE ? MAP_POPULATE : 0),
              fd, (off_t) (offset - delta));
  if (map == MAP_FAILED)
    {
      fprintf (stderr, "floor-frame: %s: mmap: %s\n", path, strerror (errno));
      return 1;
    }
  close (fd);
  t_mapped = floor_now_ms ();

  memset (&f, 0, sizeof f);
  f.data = map + delta;
  f.bf16 = bf16;
  f.rows = rows;
  f.cols = cols;
  f.width = cols < FLOOR_SIDE ? (unsigned) cols : FLOOR_SIDE;
  f.height = rows < FLOOR_SIDE ? (unsigned) rows : FLOOR_SIDE;
  f.n_threads = n_threads < f.height ? n_threads : f.height;
  f.map_mode = map_mode;
  f.col_lo = malloc (f.width * sizeof (size_t));
  f.col_hi = malloc (f.width * sizeof (size_t));
  f.shown = floor_alloc_frame ((size_t) f.width * f.height * sizeof (float), &shown_length);
  if (cells_path != NULL)
    f.cells = malloc ((size_t) f.width * f.height * sizeof (float));
  if (f.col_lo == NULL || f.col_hi == NULL || f.shown == NULL ||
      (cells_path != NULL && f.cells == NULL))
    {
      fprintf (stderr, "floor-frame: out of memory\n");
      return 1;
    }
  if (f.cols % f.width == 0 && f.cols / f.width <= 8)
    f.k = (unsigned) (f.cols / f.width);
  /* Cell j covers columns j·cols/width … (j+1)·cols/width, as Graft's
   * pixel edges do (rows likewise, in the threads). */
  for (unsigned j = 0; j < f.width; j++)
    {
      f.col_lo[j] = (size_t) j * cols / f.width;
      f.col_hi[j] = (size_t) (j + 1) * cols / f.width;
    }
  pthread_barrier_init (&f.barrier, NULL, f.n_threads);

  for (unsigned t = 0; t < f.n_threads; t++)
    {
      memset (&jobs[t], 0, sizeof jobs[t]);
      jobs[t].frame = &f;
      jobs[t].index = t;
      jobs[t].p0 = (unsigned) ((size_t) t * f.height / f.n_threads);
      jobs[t].p1 = (unsigned) ((size_t) (t + 1) * f.height / f.n_threads);
    }
  for (unsigned t = 1; t < f.n_threads; t++)
    if (pthread_create (&threads[t], NULL, floor_frame_thread, &jobs[t]) != 0)
      {
        fprintf (stderr, "floor-frame: cannot start a thread\n");
        return 1;
      }
  floor_frame_thread (&jobs[0]);
  for (unsigned t = 1; t < f.n_threads; t++)
    pthread_join (threads[t], NULL);
  t_frame = floor_now_ms ();

  for (unsigned t = 0; t < f.n_threads; t++)
    {
      sum += jobs[t].sum;
      sumsq += jobs[t].sumsq;
      nan += jobs[t].nan;
      gmin = jobs[t].min < gmin ? jobs[t].min : gmin;
      gmax = jobs[t].max > gmax ? jobs[t].max : gmax;
    }
  count = (uint64_t) rows * cols;
  n_finite = count - nan;
  mean = n_finite > 0 ? sum / n_finite : NAN;
  var = n_finite > 0 ? sumsq / n_finite - mean * mean : NAN;

  t_png = t_frame;
#ifdef FLOOR_PNG
  if (png_path != NULL)
    {
      if (!floor_write_png (png_path, &f))
        return 1;
      t_png = floor_now_ms ();
    }
#endif

  /* Without --hist, hist_ms is frame_ms. */
  t_hist = t_frame;
  if (with_hist)
    {
      FloorHistJob hjobs[FLOOR_MAX_THREADS];
      uint64_t counts[FLOOR_BINS] = { 0 }, binned = 0;
      float lo = gmin, scale = gmax > gmin ? (float) (FLOOR_BINS / ((double) gmax - gmin)) : 0.0f;

      for (unsigned t = 0; t < f.n_threads; t++)
        {
          memset (&hjobs[t], 0, sizeof hjobs[t]);
          hjobs[t].frame = &f;
          hjobs[t].e0 = (size_t) (count * t / f.n_threads);
          hjobs[t].e1 = (size_t) (count * (t + 1) / f.n_threads);
          hjobs[t].lo = lo;
          hjobs[t].scale = scale;
        }
      for (unsigned t = 1; t < f.n_threads; t++)
        if (pthread_create (&threads[t], NULL, floor_hist_thread, &hjobs[t]) != 0)
          {
            fprintf (stderr, "floor-frame: cannot start a thread\n");
            return 1;
          }
      floor_hist_thread (&hjobs[0]);
      for (unsigned t = 1; t < f.n_threads; t++)
        pthread_join (threads[t], NULL);
      for (unsigned t = 0; t < f.n_threads; t++)
        for (unsigned b = 0; b < FLOOR_BINS; b++)
          counts[b] += hjobs[t].counts[b];
      t_hist = floor_now_ms ();
      for (unsigned b = 0; b < FLOOR_BINS; b++)
        binned += counts[b];
      if (verbose)
        {
          uint64_t peak = 0;
          unsigned at = 0;

          for (unsigned b = 0; b < FLOOR_BINS; b++)
            if (counts[b] > peak)
              {
                peak = counts[b];
                at = b;
              }
          fprintf (stderr, "histogram    %u bins over [%g, %g], %llu values binned, "
                           "fullest bin %u (%llu)\n", FLOOR_BINS, (double) gmin, (double) gmax,
                   (unsigned long long) binned, at, (unsigned long long) peak);
        }
    }

  if (cells_path != NULL && !floor_write_cells (cells_path, &f))
    return 1;

  if (png_path != NULL)
    printf ("%.3f %.3f %.3f\n", t_frame - t0, t_hist - t0, t_png - t0);
  else
    printf ("%.3f %.3f\n", t_frame - t0, t_hist - t0);

  if (verbose)
    {
      fprintf (stderr, "dataset      %s %s: %zu × %zu %s at byte %llu, %u×%u cells, %u threads\n",
               path, name, rows, cols, bf16 ? "bfloat16" : "float32",
               (unsigned long long) offset, f.width, f.height, f.n_threads);
      fprintf (stderr, "statistics   count %llu  min %.9g  max %.9g  mean %.9g  std %.9g  NaN %llu\n",
               (unsigned long long) count, (double) gmin, (double) gmax, mean,
               var > 0 ? sqrt (var) : 0.0, (unsigned long long) nan);
      fprintf (stderr, "phases (ms)  locate %.2f  mmap %.2f  pass+colour %.2f  png %.2f  hist %.2f\n",
               t_located - t0, t_mapped - t_located, t_frame - t_mapped, t_png - t_frame,
               t_hist - t_png);
    }

  pthread_barrier_destroy (&f.barrier);
  free (f.col_lo);
  free (f.col_hi);
  free (f.cells);
  munmap (f.shown, shown_length);
  munmap (map, length);
  return 0;
}
