/* test-tensor.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "graft.h"

static void
test_tensor_new (void)
{
  const gsize shape[3] = { 2, 3, 4 };
  g_autoptr(GraftTensor) t = graft_tensor_new (GRAFT_DTYPE_FLOAT32, 3, shape);
  g_autofree char *text = graft_tensor_format_shape (t);
  const float *data;

  g_assert_cmpuint (graft_tensor_get_rank (t), ==, 3);
  g_assert_cmpuint (graft_tensor_get_n_elements (t), ==, 24);
  g_assert_cmpuint (graft_tensor_get_n_bytes (t), ==, 96);
  g_assert_cmpstr (text, ==, "[2, 3, 4]");
  g_assert_false (graft_tensor_is_lazy (t));
  data = graft_tensor_get_data (t, NULL);
  for (guint i = 0; i < 24; i++)
    g_assert_cmpfloat (data[i], ==, 0.0f);
}

static void
test_tensor_scalar (void)
{
  g_autoptr(GraftTensor) t = graft_tensor_new (GRAFT_DTYPE_INT32, 0, NULL);
  g_autofree char *text = graft_tensor_format_shape (t);

  g_assert_cmpuint (graft_tensor_get_n_elements (t), ==, 1);
  g_assert_cmpstr (text, ==, "[]");
}

static GraftTensor *
make_iota (void)
{
  const gsize shape[3] = { 4, 5, 6 };
  float *data = g_new (float, 120);

  for (guint i = 0; i < 120; i++)
    data[i] = i;
  return graft_tensor_new_take (GRAFT_DTYPE_FLOAT32, 3, shape, data);
}

static void
test_tensor_read_block (void)
{
  g_autoptr(GraftTensor) t = make_iota ();
  const gsize start[3] = { 1, 2, 3 }, count[3] = { 2, 3, 2 };
  float block[12];
  guint k = 0;

  g_assert_true (graft_tensor_read_block (t, start, count, block, NULL));
  for (gsize a = 0; a < 2; a++)
    for (gsize b = 0; b < 3; b++)
      for (gsize c = 0; c < 2; c++)
        g_assert_cmpfloat (block[k++], ==, (1 + a) * 30 + (2 + b) * 6 + 3 + c);
}

/* A lazy source that counts its reads, to show blocks do not load it all. */
typedef struct
{
  guint n_reads;
  gsize last_count;
} CountingSource;

static gboolean
counting_read (gpointer      data,
               const gsize  *start,
               const gsize  *count,
               void         *dest,
               GError      **error)
{
  CountingSource *src = data;
  double *out = dest;
  gsize k = 0;

  src->n_reads++;
  src->last_count = count[0] * count[1];
  for (gsize r = 0; r < count[0]; r++)
    for (gsize c = 0; c < count[1]; c++)
      out[k++] = (start[0] + r) * 1000 + start[1] + c;
  return TRUE;
}

static const GraftTensorSourceFuncs counting_funcs = { counting_read, NULL, NULL };

static void
test_tensor_lazy (void)
{
  const gsize shape[2] = { 1000, 1000 };
  CountingSource src = { 0 };
  g_autoptr(GraftTensor) t = graft_tensor_new_lazy (GRAFT_DTYPE_FLOAT64, 2, shape, &counting_funcs, &src);
  const gsize start[2] = { 10, 20 }, count[2] = { 2, 3 };
  float block[6];
  const double *all;

  g_assert_true (graft_tensor_is_lazy (t));
  g_assert_true (graft_tensor_read_block_float (t, start, count, block, NULL));
  g_assert_cmpuint (src.n_reads, ==, 1);
  g_assert_cmpuint (src.last_count, ==, 6);
  g_assert_cmpfloat (block[0], ==, 10020.0f);
  g_assert_cmpfloat (block[5], ==, 11022.0f);

  all = graft_tensor_get_data (t, NULL);
  g_assert_cmpuint (src.n_reads, ==, 2);
  g_assert_cmpfloat (all[999 * 1000 + 999], ==, 999999.0);
  /* Loaded once: later calls and blocks come from memory. */
  g_assert_true (graft_tensor_get_data (t, NULL) == all);
  g_assert_true (graft_tensor_read_block_float (t, start, count, block, NULL));
  g_assert_cmpuint (src.n_reads, ==, 2);
}

static void
test_tensor_memory_limit (void)
{
  const gsize shape[2] = { 100000, 100000 };
  CountingSource src = { 0 };
  g_autoptr(GraftTensor) t = graft_tensor_new_lazy (GRAFT_DTYPE_FLOAT64, 2, shape, &counting_funcs, &src);
  g_autoptr(GError) error = NULL;

  g_setenv ("GRAFT_MAX_MEMORY", "1M", TRUE);
  g_assert_null (graft_tensor_get_data (t, &error));
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_LIMIT);
  g_assert_cmpuint (src.n_reads, ==, 0);
  g_unsetenv ("GRAFT_MAX_MEMORY");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tensor/new", test_tensor_new);
  g_test_add_func ("/tensor/scalar", test_tensor_scalar);
  g_test_add_func ("/tensor/read-block", test_tensor_read_block);
  g_test_add_func ("/tensor/lazy", test_tensor_lazy);
  g_test_add_func ("/tensor/memory-limit", test_tensor_memory_limit);
  return g_test_run ();
}
