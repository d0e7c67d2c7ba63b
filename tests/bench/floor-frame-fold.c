/* floor-frame-fold.c: the fold kernels of floor-frame: a row piece of
 * float32 or bfloat16 into per-column min and max and the thread's sums
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE

#include <stdint.h>
#include <string.h>

#include "floor-frame-private.h"

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

void
floor_fold_f32 (const uint8_t *restrict src,
                size_t                  n,
                float *restrict         mn,
                float *restrict         mx,
                FloorSums              *acc)
{
  floor_fold (src, n, 0, mn, mx, acc);
}

void
floor_fold_bf16 (const uint8_t *restrict src,
                 size_t                  n,
                 float *restrict         mn,
                 float *restrict         mx,
                 FloorSums              *acc)
{
  floor_fold (src, n, 1, mn, mx, acc);
}
