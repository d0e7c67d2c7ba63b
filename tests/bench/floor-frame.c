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
 * The program is split by pass: floor-frame-locate.c finds the dataset,
 * floor-frame-fold.c holds the fold kernels, floor-frame-pass.c the frame
 * pass and its colours, floor-frame-hist.c the histogram pass and
 * floor-frame-png.c the PNG output; floor-frame-private.h is what they
 * share.
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

#ifndef SRCDIR
#define SRCDIR "tests/bench"
#endif

#include "floor-frame-private.h"

static double
floor_now_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
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
