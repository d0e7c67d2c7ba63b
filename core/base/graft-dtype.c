/* graft-dtype.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-dtype"

#include "config.h"

#include "graft-dtype.h"

#include <math.h>
#include <string.h>

typedef struct
{
  const char *name;      /* NumPy's name */
  const char *npy_descr; /* .npy header descr, little-endian */
  gsize       size;
  gboolean    is_float;
} GraftDTypeInfo;

static const GraftDTypeInfo graft_dtype_info[] = {
  [GRAFT_DTYPE_FLOAT32]  = { "float32",  "<f4", 4, TRUE },
  [GRAFT_DTYPE_FLOAT64]  = { "float64",  "<f8", 8, TRUE },
  [GRAFT_DTYPE_FLOAT16]  = { "float16",  "<f2", 2, TRUE },
  /* NumPy has no bfloat16; ml_dtypes writes it as raw 2-byte void. */
  [GRAFT_DTYPE_BFLOAT16] = { "bfloat16", "<V2", 2, TRUE },
  [GRAFT_DTYPE_INT8]     = { "int8",     "|i1", 1, FALSE },
  [GRAFT_DTYPE_INT16]    = { "int16",    "<i2", 2, FALSE },
  [GRAFT_DTYPE_INT32]    = { "int32",    "<i4", 4, FALSE },
  [GRAFT_DTYPE_INT64]    = { "int64",    "<i8", 8, FALSE },
  [GRAFT_DTYPE_UINT8]    = { "uint8",    "|u1", 1, FALSE },
  [GRAFT_DTYPE_UINT16]   = { "uint16",   "<u2", 2, FALSE },
  [GRAFT_DTYPE_UINT32]   = { "uint32",   "<u4", 4, FALSE },
  [GRAFT_DTYPE_UINT64]   = { "uint64",   "<u8", 8, FALSE },
  [GRAFT_DTYPE_BOOL]     = { "bool",     "|b1", 1, FALSE },
  /* ml_dtypes' names; NumPy has no 1-byte floats, so .npy gets raw bytes. */
  [GRAFT_DTYPE_FLOAT8_E4M3] = { "float8_e4m3fn", "|V1", 1, TRUE },
  [GRAFT_DTYPE_FLOAT8_E5M2] = { "float8_e5m2", "|V1", 1, TRUE },
};
G_STATIC_ASSERT (G_N_ELEMENTS (graft_dtype_info) == GRAFT_N_DTYPES);

gsize
graft_dtype_get_size (GraftDType dtype)
{
  g_return_val_if_fail (dtype < GRAFT_N_DTYPES, 0);
  return graft_dtype_info[dtype].size;
}

const char *
graft_dtype_get_name (GraftDType dtype)
{
  g_return_val_if_fail (dtype < GRAFT_N_DTYPES, "invalid");
  return graft_dtype_info[dtype].name;
}

const char *
graft_dtype_get_npy_descr (GraftDType dtype)
{
  g_return_val_if_fail (dtype < GRAFT_N_DTYPES, NULL);
  return graft_dtype_info[dtype].npy_descr;
}

gboolean
graft_dtype_is_float (GraftDType dtype)
{
  g_return_val_if_fail (dtype < GRAFT_N_DTYPES, FALSE);
  return graft_dtype_info[dtype].is_float;
}

/**
 * graft_dtype_from_name:
 * @name: a NumPy dtype name such as "float32"
 * @dtype: (out): where to store the type
 *
 * Returns: %FALSE when @name is not a dtype Graft knows.
 */
gboolean
graft_dtype_from_name (const char *name,
                       GraftDType *dtype)
{
  for (guint i = 0; i < GRAFT_N_DTYPES; i++)
    if (g_strcmp0 (name, graft_dtype_info[i].name) == 0)
      {
        *dtype = i;
        return TRUE;
      }
  return FALSE;
}

float
graft_half_to_float (guint16 h)
{
  guint32 sign = (guint32) (h & 0x8000) << 16;
  guint32 exp = (h >> 10) & 0x1f;
  guint32 mant = h & 0x3ff;
  guint32 bits;
  float f;

  if (exp == 0)
    {
      /* Zero or subnormal: value = mant × 2^-24, exact in float. */
      f = ldexpf ((float) mant, -24);
      return sign ? -f : f;
    }
  if (exp == 31)
    bits = sign | 0x7f800000u | (mant << 13);
  else
    bits = sign | ((exp + 112) << 23) | (mant << 13);
  memcpy (&f, &bits, sizeof f);
  return f;
}

guint16
graft_float_to_half (float f)
{
  guint32 bits;
  guint32 sign, mant;
  gint32 exp;

  memcpy (&bits, &f, sizeof bits);
  sign = (bits >> 16) & 0x8000;
  exp = (gint32) ((bits >> 23) & 0xff) - 127 + 15;
  mant = bits & 0x7fffff;

  if (((bits >> 23) & 0xff) == 0xff)
    return sign | 0x7c00 | (mant ? 0x200 : 0);
  if (exp >= 31)
    return sign | 0x7c00;
  if (exp <= 0)
    {
      guint32 shift, half_mant, rem, halfway;

      if (exp < -10)
        return sign;
      mant |= 0x800000;
      shift = (guint32) (14 - exp);
      half_mant = mant >> shift;
      rem = mant & ((1u << shift) - 1);
      halfway = 1u << (shift - 1);
      if (rem > halfway || (rem == halfway && (half_mant & 1)))
        half_mant++;
      return sign | half_mant;
    }
  {
    /* Round to nearest even; a carry out of the mantissa correctly bumps
     * the exponent, up to infinity. */
    guint32 h = sign | ((guint32) exp << 10) | (mant >> 13);
    guint32 rem = mant & 0x1fff;

    if (rem > 0x1000 || (rem == 0x1000 && (h & 1)))
      h++;
    return h;
  }
}

float
graft_bfloat16_to_float (guint16 b)
{
  guint32 bits = (guint32) b << 16;
  float f;

  memcpy (&f, &bits, sizeof f);
  return f;
}

guint16
graft_float_to_bfloat16 (float f)
{
  guint32 bits;

  memcpy (&bits, &f, sizeof bits);
  if (isnan (f))
    return (bits >> 16) | 0x40;
  bits += 0x7fff + ((bits >> 16) & 1);
  return bits >> 16;
}

/**
 * graft_float8_e4m3_to_float:
 *
 * OCP 8-bit float E4M3 ("fn"): sign, 4 exponent bits (bias 7), 3 mantissa
 * bits; no infinities, S.1111.111 is NaN; the largest value is 448.
 */
float
graft_float8_e4m3_to_float (guint8 b)
{
  guint exp = (b >> 3) & 0xf;
  guint mant = b & 0x7;
  float v;

  if (exp == 0xf && mant == 0x7)
    return NAN;
  if (exp == 0)
    v = ldexpf ((float) mant, -9);
  else
    v = ldexpf ((float) (8 + mant), (int) exp - 10);
  return (b & 0x80) ? -v : v;
}

/**
 * graft_float8_e5m2_to_float:
 *
 * 8-bit float E5M2: the top byte of an IEEE half, so it widens exactly.
 */
float
graft_float8_e5m2_to_float (guint8 b)
{
  return graft_half_to_float ((guint16) b << 8);
}

/**
 * graft_float_to_float8_e4m3:
 *
 * The nearest E4M3 value (ties to even code), NaN for NaN; magnitudes past
 * 448 saturate to ±448.
 */
guint8
graft_float_to_float8_e4m3 (float f)
{
  guint8 best = 0;
  float best_err = INFINITY;

  if (isnan (f))
    return 0x7f;
  /* 127 positive codes: a search is exact and plenty fast for conversions
   * that happen only when a user writes float8. */
  for (guint c = 0; c < 0x7f; c++)
    {
      float err = fabsf (graft_float8_e4m3_to_float ((guint8) c) - fabsf (f));

      if (err < best_err || (err == best_err && (c & 1) == 0))
        {
          best_err = err;
          best = (guint8) c;
        }
    }
  return (f < 0 ? 0x80 : 0) | best;
}

/* One loop per source type, written once through a macro body so that every
 * conversion stays a tight, vectorisable loop. */
#define GRAFT_CONVERT_LOOP(CTYPE, EXPR)          \
  G_STMT_START {                                 \
    const CTYPE *s = src;                        \
    for (gsize i = 0; i < n; i++)                \
      {                                          \
        CTYPE v;                                 \
        memcpy (&v, &s[i], sizeof v);            \
        dst[i] = (EXPR);                         \
      }                                          \
  } G_STMT_END

#define GRAFT_CONVERT_ALL(OUT_TYPE)                                          \
  switch (dtype)                                                             \
    {                                                                        \
    case GRAFT_DTYPE_FLOAT32:  GRAFT_CONVERT_LOOP (float, (OUT_TYPE) v); break;   \
    case GRAFT_DTYPE_FLOAT64:  GRAFT_CONVERT_LOOP (double, (OUT_TYPE) v); break;  \
    case GRAFT_DTYPE_FLOAT16:  GRAFT_CONVERT_LOOP (guint16, (OUT_TYPE) graft_half_to_float (v)); break; \
    case GRAFT_DTYPE_BFLOAT16: GRAFT_CONVERT_LOOP (guint16, (OUT_TYPE) graft_bfloat16_to_float (v)); break; \
    case GRAFT_DTYPE_INT8:     GRAFT_CONVERT_LOOP (gint8, (OUT_TYPE) v); break;   \
    case GRAFT_DTYPE_INT16:    GRAFT_CONVERT_LOOP (gint16, (OUT_TYPE) v); break;  \
    case GRAFT_DTYPE_INT32:    GRAFT_CONVERT_LOOP (gint32, (OUT_TYPE) v); break;  \
    case GRAFT_DTYPE_INT64:    GRAFT_CONVERT_LOOP (gint64, (OUT_TYPE) v); break;  \
    case GRAFT_DTYPE_UINT8:    GRAFT_CONVERT_LOOP (guint8, (OUT_TYPE) v); break;  \
    case GRAFT_DTYPE_UINT16:   GRAFT_CONVERT_LOOP (guint16, (OUT_TYPE) v); break; \
    case GRAFT_DTYPE_UINT32:   GRAFT_CONVERT_LOOP (guint32, (OUT_TYPE) v); break; \
    case GRAFT_DTYPE_UINT64:   GRAFT_CONVERT_LOOP (guint64, (OUT_TYPE) v); break; \
    case GRAFT_DTYPE_BOOL:     GRAFT_CONVERT_LOOP (guint8, (OUT_TYPE) (v != 0)); break; \
    case GRAFT_DTYPE_FLOAT8_E4M3: GRAFT_CONVERT_LOOP (guint8, (OUT_TYPE) graft_float8_e4m3_to_float (v)); break; \
    case GRAFT_DTYPE_FLOAT8_E5M2: GRAFT_CONVERT_LOOP (guint8, (OUT_TYPE) graft_float8_e5m2_to_float (v)); break; \
    case GRAFT_N_DTYPES:                                                     \
    default:                                                                 \
      g_return_if_reached ();                                                \
    }

/**
 * graft_dtype_to_float:
 * @dtype: the element type of @src
 * @src: @n elements of @dtype, in native byte order (alignment not required)
 * @dst: (out caller-allocates): @n floats
 *
 * Converts elements to float32, as Graft does for display and compute.
 */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define GRAFT_DTYPE_KERNEL __attribute__ ((target_clones ("avx2", "default")))
#else
#define GRAFT_DTYPE_KERNEL
#endif

typedef guint16 GraftU16x16 __attribute__ ((vector_size (32)));
typedef guint32 GraftU32x16 __attribute__ ((vector_size (64)));

/* A bfloat16 is the upper half of a float32: widening is a shift, done 16
 * at a time (the project builds at -O2, where GCC leaves a loop of unknown
 * length scalar, one call per value). */
GRAFT_DTYPE_KERNEL static void
graft_bfloat16_to_float_n (const guint8 *src,
                           float        *dst,
                           gsize         n)
{
  gsize i = 0;

  for (; i + 16 <= n; i += 16)
    {
      GraftU16x16 half;
      GraftU32x16 wide;

      memcpy (&half, src + 2 * i, sizeof half);
      wide = __builtin_convertvector (half, GraftU32x16) << 16;
      memcpy (dst + i, &wide, sizeof wide);
    }
  for (; i < n; i++)
    {
      guint16 v;

      memcpy (&v, src + 2 * i, sizeof v);
      dst[i] = graft_bfloat16_to_float (v);
    }
}

void
graft_dtype_to_float (GraftDType  dtype,
                      const void *src,
                      float      *dst,
                      gsize       n)
{
  if (dtype == GRAFT_DTYPE_BFLOAT16)
    {
      graft_bfloat16_to_float_n (src, dst, n);
      return;
    }
  GRAFT_CONVERT_ALL (float)
}

void
graft_dtype_to_double (GraftDType  dtype,
                       const void *src,
                       double     *dst,
                       gsize       n)
{
  GRAFT_CONVERT_ALL (double)
}

/**
 * graft_dtype_from_double:
 *
 * Converts @n doubles into @dtype elements, rounding to nearest for floats
 * and saturating for integers.
 */
void
graft_dtype_from_double (GraftDType    dtype,
                         const double *src,
                         void         *dst,
                         gsize         n)
{
  for (gsize i = 0; i < n; i++)
    {
      double v = src[i];

      switch (dtype)
        {
        case GRAFT_DTYPE_FLOAT32: ((float *) dst)[i] = (float) v; break;
        case GRAFT_DTYPE_FLOAT64: ((double *) dst)[i] = v; break;
        case GRAFT_DTYPE_FLOAT16: ((guint16 *) dst)[i] = graft_float_to_half ((float) v); break;
        case GRAFT_DTYPE_BFLOAT16: ((guint16 *) dst)[i] = graft_float_to_bfloat16 ((float) v); break;
        case GRAFT_DTYPE_INT8: ((gint8 *) dst)[i] = (gint8) CLAMP (nearbyint (v), G_MININT8, G_MAXINT8); break;
        case GRAFT_DTYPE_INT16: ((gint16 *) dst)[i] = (gint16) CLAMP (nearbyint (v), G_MININT16, G_MAXINT16); break;
        case GRAFT_DTYPE_INT32: ((gint32 *) dst)[i] = (gint32) CLAMP (nearbyint (v), G_MININT32, G_MAXINT32); break;
        case GRAFT_DTYPE_INT64: ((gint64 *) dst)[i] = (gint64) CLAMP (nearbyint (v), -9.2233720368547748e18, 9.2233720368547748e18 - 1024); break;
        case GRAFT_DTYPE_UINT8: ((guint8 *) dst)[i] = (guint8) CLAMP (nearbyint (v), 0, G_MAXUINT8); break;
        case GRAFT_DTYPE_UINT16: ((guint16 *) dst)[i] = (guint16) CLAMP (nearbyint (v), 0, G_MAXUINT16); break;
        case GRAFT_DTYPE_UINT32: ((guint32 *) dst)[i] = (guint32) CLAMP (nearbyint (v), 0, G_MAXUINT32); break;
        case GRAFT_DTYPE_UINT64: ((guint64 *) dst)[i] = (guint64) CLAMP (nearbyint (v), 0, 1.8446744073709550e19); break;
        case GRAFT_DTYPE_BOOL: ((guint8 *) dst)[i] = v != 0; break;
        case GRAFT_DTYPE_FLOAT8_E4M3: ((guint8 *) dst)[i] = graft_float_to_float8_e4m3 ((float) v); break;
        case GRAFT_DTYPE_FLOAT8_E5M2: ((guint8 *) dst)[i] = graft_float_to_half ((float) v) >> 8; break;
        case GRAFT_N_DTYPES:
        default:
          g_return_if_reached ();
        }
    }
}
