/* floor-frame-hist.c: the histogram pass of floor-frame (--hist): 256 bins
 * over [min, max], each thread counting its range of elements
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE

#include <stdint.h>
#include <string.h>

#include "floor-frame-private.h"

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

void *
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
