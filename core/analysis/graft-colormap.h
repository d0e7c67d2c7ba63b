/* graft-colormap.h: values to RGBA8 colours, and what a colour bar shows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "graft-types.h"

G_BEGIN_DECLS

typedef struct GraftColormap GraftColormap;

typedef enum
{
  GRAFT_COLORMAP_DIVERGING,  /* RdBu-like: blue below zero, red above, neutral at 0 */
  GRAFT_COLORMAP_VIRIDIS,
  GRAFT_COLORMAP_MAGMA,
  GRAFT_COLORMAP_CIVIDIS,
  GRAFT_COLORMAP_GRAYSCALE,
  GRAFT_N_COLORMAPS
} GraftColormapKind;

typedef enum
{
  GRAFT_SCALE_LINEAR,
  GRAFT_SCALE_SYMLOG,  /* sign (x) log10 (1 + |x| / linthresh) */
  GRAFT_SCALE_LOG,     /* log10 (x); x <= 0 is clipped low */
  GRAFT_N_SCALES
} GraftScale;

typedef enum
{
  GRAFT_LIMITS_SYMMETRIC,  /* ±max |x| */
  GRAFT_LIMITS_ROBUST,     /* ±percentile of |x|; values beyond are clipped and flagged */
  GRAFT_LIMITS_USER,       /* caller's min and max */
  GRAFT_N_LIMITS
} GraftLimitsMode;

/* Where a value fell relative to the limits. */
typedef enum
{
  GRAFT_CLIP_NONE = 0,
  GRAFT_CLIP_LOW  = 1,
  GRAFT_CLIP_HIGH = 2,
} GraftClip;

/* Colours of values that have no place on the scale. */
typedef enum
{
  GRAFT_COLOR_NAN,
  GRAFT_COLOR_POS_INF,
  GRAFT_COLOR_NEG_INF,
  GRAFT_COLOR_BACKGROUND,  /* separators and unused space */
  GRAFT_N_SPECIAL_COLORS
} GraftSpecialColor;

#define GRAFT_COLORBAR_MAX_TICKS 16

typedef struct
{
  double value;
  double position;  /* 0 at the low end of the bar, 1 at the high end */
  char   label[24];
} GraftColorbarTick;

/**
 * GraftColorbar:
 *
 * Everything needed to draw a truthful colour bar: the limits the colours
 * span, the scale, and ticks at their positions along the bar. Sample the
 * bar's colours with graft_colormap_sample().
 */
typedef struct
{
  double            vmin;
  double            vmax;
  GraftScale        scale;
  double            linthresh;
  guint             n_ticks;
  GraftColorbarTick ticks[GRAFT_COLORBAR_MAX_TICKS];
} GraftColorbar;

GraftColormap *graft_colormap_new           (GraftColormapKind    kind,
                                             gboolean             reversed) G_GNUC_WARN_UNUSED_RESULT;
void           graft_colormap_free          (GraftColormap       *self);

GraftColormapKind graft_colormap_get_kind   (const GraftColormap *self);
gboolean       graft_colormap_get_reversed  (const GraftColormap *self);
gboolean       graft_colormap_set_scale     (GraftColormap       *self,
                                             GraftScale           scale,
                                             double               vmin,
                                             double               vmax,
                                             double               linthresh,
                                             GError             **error);
GraftScale     graft_colormap_get_scale     (const GraftColormap *self);
void           graft_colormap_get_limits    (const GraftColormap *self,
                                             double              *vmin,
                                             double              *vmax);
double         graft_colormap_get_linthresh (const GraftColormap *self);

double         graft_colormap_normalize     (const GraftColormap *self,
                                             double               value);
GraftClip      graft_colormap_map           (const GraftColormap *self,
                                             double               value,
                                             guint8              *rgba);
void           graft_colormap_map_floats    (const GraftColormap *self,
                                             const float         *values,
                                             gsize                n,
                                             guint8              *rgba,
                                             guint8              *clip);
void           graft_colormap_sample        (const GraftColormap *self,
                                             double               position,
                                             guint8              *rgba);
void           graft_colormap_get_special   (const GraftColormap *self,
                                             GraftSpecialColor    which,
                                             guint8              *rgba);
void           graft_colormap_get_colorbar  (const GraftColormap *self,
                                             GraftColorbar       *bar);

const char    *graft_colormap_kind_get_name (GraftColormapKind    kind);
gboolean       graft_colormap_kind_from_name (const char         *name,
                                             GraftColormapKind   *kind);
const char    *graft_scale_get_name         (GraftScale           scale);
gboolean       graft_scale_from_name        (const char          *name,
                                             GraftScale          *scale);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GraftColormap, graft_colormap_free)

G_END_DECLS
