/* test-npy.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "graft.h"

static void
test_npy_round_trip (void)
{
  g_autofree char *dir = g_dir_make_tmp ("graft-npy-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "x.npy", NULL);
  const GraftDType dtypes[] = { GRAFT_DTYPE_FLOAT32, GRAFT_DTYPE_FLOAT64, GRAFT_DTYPE_FLOAT16,
                                GRAFT_DTYPE_INT8, GRAFT_DTYPE_INT64, GRAFT_DTYPE_UINT8, GRAFT_DTYPE_BOOL };

  for (guint d = 0; d < G_N_ELEMENTS (dtypes); d++)
    {
      const gsize shape[3] = { 2, 3, 5 };
      g_autoptr(GraftTensor) t = graft_tensor_new (dtypes[d], 3, shape);
      g_autoptr(GraftTensor) back = NULL;
      g_autoptr(GError) error = NULL;
      guint8 *bytes = graft_tensor_get_data_mutable (t);

      for (gsize i = 0; i < graft_tensor_get_n_bytes (t); i++)
        bytes[i] = dtypes[d] == GRAFT_DTYPE_BOOL ? i % 2 : (guint8) (i * 37 + 11);

      g_assert_true (graft_npy_save (t, path, &error));
      g_assert_no_error (error);
      back = graft_npy_load (path, &error);
      g_assert_no_error (error);
      g_assert_cmpint (graft_tensor_get_dtype (back), ==, dtypes[d]);
      g_assert_true (graft_tensor_same_shape (t, back));
      g_assert_cmpmem (graft_tensor_get_data (t, NULL), graft_tensor_get_n_bytes (t),
                       graft_tensor_get_data (back, NULL), graft_tensor_get_n_bytes (back));
    }
  g_unlink (path);
  g_rmdir (dir);
}

/* The reference input of a corpus model, written by NumPy itself. */
static void
test_npy_load_numpy_file (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "keras", "mlp_functional.input.npy", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GraftTensor) t = graft_npy_load (path, &error);

  g_assert_no_error (error);
  g_assert_cmpint (graft_tensor_get_dtype (t), ==, GRAFT_DTYPE_FLOAT32);
  g_assert_cmpuint (graft_tensor_get_rank (t), ==, 2);
  g_assert_cmpuint (graft_tensor_get_dim (t, 1), ==, 3);
}

static void
write_file (const char *path,
            const char *contents,
            gsize       len)
{
  g_assert_true (g_file_set_contents (path, contents, len, NULL));
}

static void
test_npy_refuses (void)
{
  g_autofree char *dir = g_dir_make_tmp ("graft-npy-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "bad.npy", NULL);
  static const char object_header[] = "\x93NUMPY\x01\x00\x36\x00{'descr': '|O', 'fortran_order': False, 'shape': (2,), }      \n";
  static const char short_data[] = "\x93NUMPY\x01\x00\x36\x00{'descr': '<f4', 'fortran_order': False, 'shape': (9,), }     \n\x01\x02";
  g_autoptr(GError) error = NULL;
  g_autoptr(GraftTensor) t = NULL;

  write_file (path, object_header, sizeof object_header - 1);
  t = graft_npy_load (path, &error);
  g_assert_null (t);
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "never"));
  g_clear_error (&error);

  write_file (path, short_data, sizeof short_data - 1);
  t = graft_npy_load (path, &error);
  g_assert_null (t);
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT);
  g_clear_error (&error);

  write_file (path, "hello", 5);
  t = graft_npy_load (path, &error);
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT);
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/npy/round-trip", test_npy_round_trip);
  g_test_add_func ("/npy/load-numpy-file", test_npy_load_numpy_file);
  g_test_add_func ("/npy/refuses-bad-files", test_npy_refuses);
  return g_test_run ();
}
