/* graft-colormap.c
 *
 * A colormap is a lookup table of GRAFT_COLORMAP_LUT_SIZE colours spanning
 * [0, 1], filled once by linear interpolation between control points, and a
 * scale that turns a value into a position in [0, 1]. The table has an odd
 * size so that its middle entry sits exactly at 0.5: with symmetric limits
 * a zero lands there, on the diverging map's neutral colour.
 *
 * Control points: the diverging map uses the 11 ColorBrewer RdBu classes,
 * blue for negative; viridis, magma and cividis use 10 evenly spaced
 * samples of the published (CC0) maps, which linear interpolation follows
 * closely.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-colormap"

#include "config.h"

#include "graft-colormap.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "graft-error.h"

#define GRAFT_COLORMAP_LUT_SIZE 1025

struct GraftColormap
{
  GraftColormapKind kind;
  gboolean          reversed;
  GraftScale        scale;
  double            vmin;
  double            vmax;
  double            linthresh;
  /* Scale precomputed: position = (f (value) - f0) / range. Dividing (not
   * multiplying by a reciprocal) keeps 0 of symmetric limits at exactly 0.5. */
  double            f0;
  double            range;
  guint8            lut[GRAFT_COLORMAP_LUT_SIZE][4];
};

typedef struct
{
  const char   *name;
  guint         n_points;
  const guint32 *points;  /* 0xRRGGBB, low end first */
} GraftColormapInfo;

static const guint32 graft_colormap_diverging[] = {
  0x053061, 0x2166ac, 0x4393c3, 0x92c5de, 0xd1e5f0, 0xf7f7f7,
  0xfddbc7, 0xf4a582, 0xd6604d, 0xb2182b, 0x67001f,
};
static const guint32 graft_colormap_viridis[] = {
  0x440154, 0x482878, 0x3e4a89, 0x31688e, 0x26828e,
  0x1f9e89, 0x35b779, 0x6dcd59, 0xb4de2c, 0xfde725,
};
static const guint32 graft_colormap_magma[] = {
  0x000004, 0x180f3e, 0x451077, 0x721f81, 0x9f2f7f,
  0xcd4071, 0xf1605d, 0xfd9567, 0xfec98d, 0xfcfdbf,
};
static const guint32 graft_colormap_cividis[] = {
  0x00204d, 0x00336f, 0x39486b, 0x575c6d, 0x707173,
  0x8a8779, 0xa69d75, 0xc4b56c, 0xe4cf5b, 0xffea46,
};
static const guint32 graft_colormap_grayscale[] = {
  0x000000, 0xffffff,
};

static const GraftColormapInfo graft_colormap_info[] = {
  [GRAFT_COLORMAP_DIVERGING] = { "diverging", G_N_ELEMENTS (graft_colormap_diverging), graft_colormap_diverging },
  [GRAFT_COLORMAP_VIRIDIS]   = { "viridis", G_N_ELEMENTS (graft_colormap_viridis), graft_colormap_viridis },
  [GRAFT_COLORMAP_MAGMA]     = { "magma", G_N_ELEMENTS (graft_colormap_magma), graft_colormap_magma },
  [GRAFT_COLORMAP_CIVIDIS]   = { "cividis", G_N_ELEMENTS (graft_colormap_cividis), graft_colormap_cividis },
  [GRAFT_COLORMAP_GRAYSCALE] = { "grayscale", G_N_ELEMENTS (graft_colormap_grayscale), graft_colormap_grayscale },
};
G_STATIC_ASSERT (G_N_ELEMENTS (graft_colormap_info) == GRAFT_N_COLORMAPS);

/* Colours found in none of the maps: magenta for NaN, lime for +Inf, cyan
 * for -Inf; separators are mid grey. */
static const guint8 graft_colormap_special[GRAFT_N_SPECIAL_COLORS][4] = {
  [GRAFT_COLOR_NAN]        = { 255, 0, 255, 255 },
  [GRAFT_COLOR_POS_INF]    = { 0, 255, 0, 255 },
  [GRAFT_COLOR_NEG_INF]    = { 0, 255, 255, 255 },
  [GRAFT_COLOR_BACKGROUND] = { 128, 128, 128, 255 },
};

static const char * const graft_scale_names[] = {
  [GRAFT_SCALE_LINEAR] = "lin",
  [GRAFT_SCALE_SYMLOG] = "symlog",
  [GRAFT_SCALE_LOG]    = "log",
};
G_STATIC_ASSERT (G_N_ELEMENTS (graft_scale_names) == GRAFT_N_SCALES);

static void
graft_colormap_fill_lut (GraftColormap *self)
{
  const GraftColormapInfo *info = &graft_colormap_info[self->kind];
  guint last = GRAFT_COLORMAP_LUT_SIZE - 1;

  for (guint i = 0; i <= last; i++)
    {
      double t = (double) i / last;
      double x = (self->reversed ? 1.0 - t : t) * (info->n_points - 1);
      guint k = MIN ((guint) x, info->n_points - 2);
      double f = x - k;
      guint32 a = info->points[k], b = info->points[k + 1];

      for (guint c = 0; c < 3; c++)
        {
          double ca = (a >> (16 - 8 * c)) & 0xff, cb = (b >> (16 - 8 * c)) & 0xff;

          self->lut[i][c] = (guint8) lround (ca + f * (cb - ca));
        }
      self->lut[i][3] = 255;
    }
}

static double
graft_colormap_forward (const GraftColormap *self,
                        double               v)
{
  switch (self->scale)
    {
    case GRAFT_SCALE_SYMLOG:
      return copysign (log10 (1.0 + fabs (v) / self->linthresh), v);
    case GRAFT_SCALE_LOG:
      return v > 0 ? log10 (v) : -INFINITY;
    case GRAFT_SCALE_LINEAR:
    case GRAFT_N_SCALES:
    default:
      return v;
    }
}

/**
 * graft_colormap_new:
 * @reversed: run the colours from the high end to the low end
 *
 * Creates a colormap with a linear scale over [-1, 1].
 *
 * Returns: (transfer full): a new colormap, free with graft_colormap_free()
 */
GraftColormap *
graft_colormap_new (GraftColormapKind kind,
                    gboolean          reversed)
{
  GraftColormap *self;

  g_return_val_if_fail (kind < GRAFT_N_COLORMAPS, NULL);

  self = g_new0 (GraftColormap, 1);
  self->kind = kind;
  self->reversed = !!reversed;
  graft_colormap_fill_lut (self);
  graft_colormap_set_scale (self, GRAFT_SCALE_LINEAR, -1, 1, 0, NULL);
  return self;
}

void
graft_colormap_free (GraftColormap *self)
{
  g_free (self);
}

GraftColormapKind
graft_colormap_get_kind (const GraftColormap *self)
{
  return self->kind;
}

gboolean
graft_colormap_get_reversed (const GraftColormap *self)
{
  return self->reversed;
}

/**
 * graft_colormap_set_scale:
 * @vmin: value at the low end of the map
 * @vmax: value at the high end of the map
 * @linthresh: for %GRAFT_SCALE_SYMLOG, the width of the linear part around
 *   zero; 0 picks max (|vmin|, |vmax|) / 1000
 *
 * Sets how values are placed on the map. Equal limits are widened to
 * ±0.5 (or a factor of 10 for a log scale) so a constant tensor still maps.
 *
 * Returns: %FALSE with %GRAFT_ERROR_INVALID when the limits are not finite,
 *   vmin > vmax, or a log scale gets vmax <= 0
 */
gboolean
graft_colormap_set_scale (GraftColormap  *self,
                          GraftScale      scale,
                          double          vmin,
                          double          vmax,
                          double          linthresh,
                          GError        **error)
{
  double f1;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (scale < GRAFT_N_SCALES, FALSE);

  if (!isfinite (vmin) || !isfinite (vmax) || vmin > vmax)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_INVALID,
                   "colour limits [%g, %g] are not an interval", vmin, vmax);
      return FALSE;
    }
  if (scale == GRAFT_SCALE_LOG)
    {
      if (vmax <= 0)
        {
          g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_INVALID,
                       "a log scale needs a positive upper limit, not %g", vmax);
          return FALSE;
        }
      if (vmin <= 0)
        vmin = vmax * 1e-3;
      if (vmin == vmax)
        {
          vmin /= 10;
          vmax *= 10;
        }
    }
  else if (vmin == vmax)
    {
      vmin -= 0.5;
      vmax += 0.5;
    }

  self->scale = scale;
  self->vmin = vmin;
  self->vmax = vmax;
  self->linthresh = linthresh > 0 ? linthresh : MAX (fabs (vmin), fabs (vmax)) / 1000.0;
  self->f0 = graft_colormap_forward (self, vmin);
  f1 = graft_colormap_forward (self, vmax);
  self->range = f1 > self->f0 ? f1 - self->f0 : INFINITY;
  return TRUE;
}

GraftScale
graft_colormap_get_scale (const GraftColormap *self)
{
  return self->scale;
}

void
graft_colormap_get_limits (const GraftColormap *self,
                           double              *vmin,
                           double              *vmax)
{
  if (vmin != NULL)
    *vmin = self->vmin;
  if (vmax != NULL)
    *vmax = self->vmax;
}

double
graft_colormap_get_linthresh (const GraftColormap *self)
{
  return self->linthresh;
}

/**
 * graft_colormap_normalize:
 *
 * Returns: where @value sits on the map, 0 at vmin and 1 at vmax, not
 *   clamped (values outside the limits give positions outside [0, 1])
 */
double
graft_colormap_normalize (const GraftColormap *self,
                          double               value)
{
  return (graft_colormap_forward (self, value) - self->f0) / self->range;
}

/**
 * graft_colormap_sample:
 * @position: 0 … 1 along the map
 * @rgba: (out caller-allocates): [4] the colour
 */
void
graft_colormap_sample (const GraftColormap *self,
                       double               position,
                       guint8              *rgba)
{
  double t = CLAMP (position, 0.0, 1.0);

  memcpy (rgba, self->lut[(guint) lround (t * (GRAFT_COLORMAP_LUT_SIZE - 1))], 4);
}

void
graft_colormap_get_special (const GraftColormap *self,
                            GraftSpecialColor    which,
                            guint8              *rgba)
{
  g_return_if_fail (which < GRAFT_N_SPECIAL_COLORS);
  memcpy (rgba, graft_colormap_special[which], 4);
}

/* The colour of one value; @linear (a constant at each call) skips the
 * scale's function call for the linear scale, same arithmetic. */
static inline __attribute__ ((always_inline)) GraftClip
graft_colormap_map_one (const GraftColormap *self,
                        double               value,
                        guint8              *rgba,
                        gboolean             linear)
{
  double t;
  GraftClip clip = GRAFT_CLIP_NONE;

  if (G_UNLIKELY (isnan (value)))
    {
      memcpy (rgba, graft_colormap_special[GRAFT_COLOR_NAN], 4);
      return GRAFT_CLIP_NONE;
    }
  if (G_UNLIKELY (isinf (value)))
    {
      memcpy (rgba, graft_colormap_special[value > 0 ? GRAFT_COLOR_POS_INF : GRAFT_COLOR_NEG_INF], 4);
      return GRAFT_CLIP_NONE;
    }
  if (value < self->vmin)
    clip = GRAFT_CLIP_LOW;
  else if (value > self->vmax)
    clip = GRAFT_CLIP_HIGH;
  t = linear ? (value - self->f0) / self->range : graft_colormap_normalize (self, value);
  if (!(t > 0))
    t = 0;
  else if (t > 1)
    t = 1;
  memcpy (rgba, self->lut[(guint) (t * (GRAFT_COLORMAP_LUT_SIZE - 1) + 0.5)], 4);
  return clip;
}

/**
 * graft_colormap_map:
 * @rgba: (out caller-allocates): [4] the colour of @value
 *
 * Returns: whether @value was clipped to an end of the map; NaN and ±Inf
 *   get their own colours and are not clipped
 */
GraftClip
graft_colormap_map (const GraftColormap *self,
                    double               value,
                    guint8              *rgba)
{
  return graft_colormap_map_one (self, value, rgba, FALSE);
}

/**
 * graft_colormap_map_floats:
 * @values: [n] values
 * @rgba: (out caller-allocates): [n, 4] colours
 * @clip: (out caller-allocates) (nullable): [n] #GraftClip of each value
 *
 * A frame's worth of pixels: on the linear scale, without a call per pixel.
 */
void
graft_colormap_map_floats (const GraftColormap *self,
                           const float         *values,
                           gsize                n,
                           guint8              *rgba,
                           guint8              *clip)
{
  gboolean linear = self->scale == GRAFT_SCALE_LINEAR;

  for (gsize i = 0; i < n; i++)
    {
      GraftClip c = linear ? graft_colormap_map_one (self, values[i], rgba + 4 * i, TRUE)
                           : graft_colormap_map_one (self, values[i], rgba + 4 * i, FALSE);

      if (clip != NULL)
        clip[i] = c;
    }
}

/* 1, 2 or 5 times a power of ten, near @range / @n. */
static double
graft_colormap_nice_step (double range,
                          guint  n)
{
  double raw = range / n;
  double p = pow (10, floor (log10 (raw)));
  double m = raw / p;

  if (m < 1.5)
    return p;
  if (m < 3.5)
    return 2 * p;
  if (m < 7.5)
    return 5 * p;
  return 10 * p;
}

static void
graft_colormap_add_tick (const GraftColormap *self,
                         GraftColorbar       *bar,
                         double               value)
{
  GraftColorbarTick *tick;
  double pos = graft_colormap_normalize (self, value);

  if (bar->n_ticks >= GRAFT_COLORBAR_MAX_TICKS || pos < -1e-9 || pos > 1 + 1e-9)
    return;
  for (guint i = 0; i < bar->n_ticks; i++)
    if (fabs (bar->ticks[i].position - pos) < 1e-6)
      return;
  tick = &bar->ticks[bar->n_ticks++];
  tick->value = value;
  tick->position = CLAMP (pos, 0.0, 1.0);
  g_snprintf (tick->label, sizeof tick->label, "%.3g", value);
}

static int
graft_colormap_cmp_tick (gconstpointer a,
                         gconstpointer b)
{
  double x = ((const GraftColorbarTick *) a)->position;
  double y = ((const GraftColorbarTick *) b)->position;

  return x < y ? -1 : x > y;
}

/**
 * graft_colormap_get_colorbar:
 * @bar: (out caller-allocates): the colour bar
 *
 * Describes the colour bar: the limits (always ticked, since they are the
 * truth about what the ends mean), the scale, and round-number ticks in
 * between (decades on log scales, zero and decades on symlog).
 */
void
graft_colormap_get_colorbar (const GraftColormap *self,
                             GraftColorbar       *bar)
{
  memset (bar, 0, sizeof *bar);
  bar->vmin = self->vmin;
  bar->vmax = self->vmax;
  bar->scale = self->scale;
  bar->linthresh = self->linthresh;

  graft_colormap_add_tick (self, bar, self->vmin);
  graft_colormap_add_tick (self, bar, self->vmax);

  if (self->scale == GRAFT_SCALE_LINEAR)
    {
      double step = graft_colormap_nice_step (self->vmax - self->vmin, 5);
      double first = ceil (self->vmin / step) * step;

      for (double v = first; v <= self->vmax && bar->n_ticks < GRAFT_COLORBAR_MAX_TICKS; v += step)
        {
          double pos = graft_colormap_normalize (self, v);

          /* Keep labels from crowding the limits. */
          if (pos > 0.08 && pos < 0.92)
            graft_colormap_add_tick (self, bar, fabs (v) < step * 1e-9 ? 0.0 : v);
        }
    }
  else
    {
      double top = MAX (fabs (self->vmin), fabs (self->vmax));
      double bottom = self->scale == GRAFT_SCALE_LOG ? self->vmin : self->linthresh;
      int k0 = (int) ceil (log10 (bottom)), k1 = (int) floor (log10 (top));
      int stride = MAX (1, (k1 - k0 + 1) / 4);

      if (self->scale == GRAFT_SCALE_SYMLOG && self->vmin < 0 && self->vmax > 0)
        graft_colormap_add_tick (self, bar, 0.0);
      for (int k = k1; k >= k0; k -= stride)
        {
          double v = pow (10, k);
          double pos = graft_colormap_normalize (self, v);

          if (pos > 0.06 && pos < 0.94)
            graft_colormap_add_tick (self, bar, v);
          pos = graft_colormap_normalize (self, -v);
          if (self->scale == GRAFT_SCALE_SYMLOG && pos > 0.06 && pos < 0.94)
            graft_colormap_add_tick (self, bar, -v);
        }
    }
  qsort (bar->ticks, bar->n_ticks, sizeof bar->ticks[0], graft_colormap_cmp_tick);
}

const char *
graft_colormap_kind_get_name (GraftColormapKind kind)
{
  g_return_val_if_fail (kind < GRAFT_N_COLORMAPS, NULL);
  return graft_colormap_info[kind].name;
}

/**
 * graft_colormap_kind_from_name:
 *
 * Accepts the names graft_colormap_kind_get_name() gives, and "rdbu" and
 * "gray" as synonyms.
 */
gboolean
graft_colormap_kind_from_name (const char        *name,
                               GraftColormapKind *kind)
{
  if (g_ascii_strcasecmp (name, "rdbu") == 0)
    name = "diverging";
  else if (g_ascii_strcasecmp (name, "gray") == 0 || g_ascii_strcasecmp (name, "grey") == 0)
    name = "grayscale";
  for (guint i = 0; i < GRAFT_N_COLORMAPS; i++)
    if (g_ascii_strcasecmp (name, graft_colormap_info[i].name) == 0)
      {
        *kind = i;
        return TRUE;
      }
  return FALSE;
}

const char *
graft_scale_get_name (GraftScale scale)
{
  g_return_val_if_fail (scale < GRAFT_N_SCALES, NULL);
  return graft_scale_names[scale];
}

gboolean
graft_scale_from_name (const char *name,
                       GraftScale *scale)
{
  if (g_ascii_strcasecmp (name, "linear") == 0)
    name = "lin";
  for (guint i = 0; i < GRAFT_N_SCALES; i++)
    if (g_ascii_strcasecmp (name, graft_scale_names[i]) == 0)
      {
        *scale = i;
        return TRUE;
      }
  return FALSE;
}
