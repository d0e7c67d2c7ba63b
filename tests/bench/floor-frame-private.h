/* floor-frame-private.h: what the files of floor-frame share: the frame,
 * the jobs of its two passes, the vector types and the element loads
 *
 * floor-frame.c parses the arguments, maps the dataset and runs the passes;
 * floor-frame-locate.c finds the dataset's bytes with the HDF5 C API;
 * floor-frame-fold.c folds a row piece into column extremes and sums;
 * floor-frame-pass.c is the frame pass (one thread's rows into cells, then
 * their colours); floor-frame-hist.c the histogram pass; floor-frame-png.c
 * (floor-frame-png only) writes the PNG. No Graft code.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <hdf5.h>

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

/* mask ? a : b, lane by lane (C has no vector ?:). */
static inline v16sf
floor_select (v16si mask,
              v16sf a,
              v16sf b)
{
  return (v16sf) (((v16si) a & mask) | ((v16si) b & ~mask));
}

/* floor-frame-fold.c */
void   floor_fold_f32     (const uint8_t *restrict src,
                           size_t                  n,
                           float *restrict         mn,
                           float *restrict         mx,
                           FloorSums              *acc);
void   floor_fold_bf16    (const uint8_t *restrict src,
                           size_t                  n,
                           float *restrict         mn,
                           float *restrict         mx,
                           FloorSums              *acc);

/* floor-frame-pass.c */
void  *floor_frame_thread (void   *data);
float *floor_alloc_frame  (size_t  bytes,
                           size_t *length);

/* floor-frame-hist.c */
void  *floor_hist_thread  (void *data);

/* floor-frame-locate.c */
int    floor_locate       (const char *path,
                           const char *name,
                           haddr_t    *offset,
                           size_t     *rows,
                           size_t     *cols,
                           int        *bf16);

#ifdef FLOOR_PNG
/* floor-frame-png.c */
int    floor_write_png    (const char       *path,
                           const FloorFrame *f);
#endif
