/* test-dtype.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "graft.h"

static void
test_dtype_half (void)
{
  /* Exact values from IEEE 754 binary16. */
  g_assert_cmpfloat (graft_half_to_float (0x3c00), ==, 1.0f);
  g_assert_cmpfloat (graft_half_to_float (0xc000), ==, -2.0f);
  g_assert_cmpfloat (graft_half_to_float (0x7bff), ==, 65504.0f);
  g_assert_cmpfloat (graft_half_to_float (0x0001), ==, ldexpf (1.0f, -24));
  g_assert_true (isinf (graft_half_to_float (0x7c00)));
  g_assert_true (isnan (graft_half_to_float (0x7e00)));
  g_assert_cmpuint (graft_float_to_half (1.0f), ==, 0x3c00);
  g_assert_cmpuint (graft_float_to_half (65504.0f), ==, 0x7bff);
  g_assert_cmpuint (graft_float_to_half (1e6f), ==, 0x7c00);
  g_assert_cmpuint (graft_float_to_half (ldexpf (1.0f, -24)), ==, 0x0001);
  /* 1 + 2^-11 lies halfway between 1 and 1 + 2^-10: round to even. */
  g_assert_cmpuint (graft_float_to_half (1.0f + ldexpf (1.0f, -11)), ==, 0x3c00);
  g_assert_cmpuint (graft_float_to_half (1.0f + 3 * ldexpf (1.0f, -11)), ==, 0x3c02);

  /* Every finite half survives a round trip. */
  for (guint h = 0; h < 0x7c00; h++)
    g_assert_cmpuint (graft_float_to_half (graft_half_to_float (h)), ==, h);
}

static void
test_dtype_bfloat16 (void)
{
  g_assert_cmpfloat (graft_bfloat16_to_float (0x3f80), ==, 1.0f);
  g_assert_cmpuint (graft_float_to_bfloat16 (1.0f), ==, 0x3f80);
  g_assert_cmpuint (graft_float_to_bfloat16 (-2.5f), ==, 0xc020);
}

static void
test_dtype_convert (void)
{
  const gint8 i8[4] = { -128, -1, 0, 127 };
  const guint8 b[3] = { 0, 1, 2 };
  float out[4];
  double d[4];

  graft_dtype_to_float (GRAFT_DTYPE_INT8, i8, out, 4);
  g_assert_cmpfloat (out[0], ==, -128.0f);
  g_assert_cmpfloat (out[3], ==, 127.0f);
  graft_dtype_to_double (GRAFT_DTYPE_BOOL, b, d, 3);
  g_assert_cmpfloat (d[0], ==, 0.0);
  g_assert_cmpfloat (d[2], ==, 1.0);

  {
    const double in[3] = { 1e10, -3.6, 2.5 };
    gint16 s[3];

    graft_dtype_from_double (GRAFT_DTYPE_INT16, in, s, 3);
    g_assert_cmpint (s[0], ==, G_MAXINT16);
    g_assert_cmpint (s[1], ==, -4);
    g_assert_cmpint (s[2], ==, 2);
  }
}

static void
test_dtype_names (void)
{
  GraftDType dtype;

  for (guint i = 0; i < GRAFT_N_DTYPES; i++)
    {
      g_assert_true (graft_dtype_from_name (graft_dtype_get_name (i), &dtype));
      g_assert_cmpint (dtype, ==, i);
    }
  g_assert_false (graft_dtype_from_name ("complex64", &dtype));
  g_assert_cmpuint (graft_dtype_get_size (GRAFT_DTYPE_FLOAT16), ==, 2);
  g_assert_cmpuint (graft_dtype_get_size (GRAFT_DTYPE_INT64), ==, 8);
  g_assert_cmpstr (graft_dtype_get_npy_descr (GRAFT_DTYPE_FLOAT32), ==, "<f4");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/dtype/half", test_dtype_half);
  g_test_add_func ("/dtype/bfloat16", test_dtype_bfloat16);
  g_test_add_func ("/dtype/convert", test_dtype_convert);
  g_test_add_func ("/dtype/names", test_dtype_names);
  return g_test_run ();
}
