/* floor-frame-pass.c: the frame pass of floor-frame: each thread folds
 * its bands of rows into cells, then colours them once every thread's
 * extremes are known; and the frame's memory
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "floor-frame-private.h"

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

void *
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

/* The frame's 4 MiB: anonymous memory in 2 MiB pages where the kernel
 * has them, two page faults instead of a thousand. */
float *
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
