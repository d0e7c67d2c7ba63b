/* bench-net.c: forward-pass layers against the bare OpenBLAS call they
 * reduce to, in the same run (PERF.md 4)
 *
 * Runs alternate layer, reference, layer, reference …; each line gives the
 * layer's median, min–max, and the median of the per-pair ratios.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graft.h"
#include "graft-blas-private.h"

typedef void (*BenchFunc) (gpointer data);

static int
bench_cmp (const void *a,
           const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static void
bench_pair (const char *name,
            BenchFunc   layer,
            BenchFunc   reference,
            gpointer    data,
            guint       pairs)
{
  g_autofree double *lt = g_new (double, pairs);
  g_autofree double *rt = g_new (double, pairs);
  g_autofree double *ratio = g_new (double, pairs);

  layer (data);
  reference (data);
  for (guint i = 0; i < pairs; i++)
    {
      gint64 t0 = g_get_monotonic_time ();

      layer (data);
      gint64 t1 = g_get_monotonic_time ();
      reference (data);
      gint64 t2 = g_get_monotonic_time ();
      lt[i] = (t1 - t0) / 1000.0;
      rt[i] = (t2 - t1) / 1000.0;
      ratio[i] = lt[i] / rt[i];
    }
  qsort (ratio, pairs, sizeof (double), bench_cmp);
  qsort (rt, pairs, sizeof (double), bench_cmp);
  qsort (lt, pairs, sizeof (double), bench_cmp);
  printf ("%-40s median %8.2f ms  min-max %8.2f-%8.2f ms  reference %8.2f ms  ratio %.3f\n",
          name, lt[pairs / 2], lt[0], lt[pairs - 1], rt[pairs / 2], ratio[pairs / 2]);
  fflush (stdout);
}

typedef struct
{
  GraftNet     *net;
  GraftTensor  *x;
  const float  *a;        /* reference operands */
  const float  *b;
  float        *c;
  gsize         m, n, k;
} BenchCase;

static void
bench_predict (gpointer data)
{
  BenchCase *bc = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) out = graft_net_predict (bc->net, 1, &bc->x, &error);

  g_assert_no_error (error);
}

static void
bench_gemm (gpointer data)
{
  BenchCase *bc = data;

  if (bc->m == 1)
    graft_blas_sgemv (TRUE, bc->k, bc->n, 1.0f, bc->b, bc->n, bc->a, 0.0f, bc->c);
  else
    graft_blas_sgemm (FALSE, FALSE, bc->m, bc->n, bc->k, 1.0f, bc->a, bc->k, bc->b, bc->n, 0.0f, bc->c, bc->n);
}

static float *
bench_random (gsize n)
{
  float *v = g_new (float, n);

  for (gsize i = 0; i < n; i++)
    v[i] = (float) g_random_double_range (-1, 1);
  return v;
}

static GraftNet *
bench_one_layer (const char   *class_name,
                 const char   *config,
                 guint         rank,
                 const gssize *shape)
{
  GraftNet *net = graft_net_new ("bench");
  guint in_id = graft_net_add_input (net, "x", rank, shape), out_id;
  GError *error = NULL;

  graft_net_add_layer (net, class_name, config, 1, &in_id, &out_id, &error);
  g_assert_no_error (error);
  graft_net_set_outputs (net, 1, &out_id);
  graft_net_init_weights (net, 1, &error);
  g_assert_no_error (error);
  return net;
}

static void
bench_dense (guint batch,
             guint pairs)
{
  const gssize shape[] = { 25088 };
  gsize x_shape[] = { batch, 25088 };
  BenchCase bc = { 0 };
  g_autofree char *name = g_strdup_printf ("dense 25088x4096 batch %u", batch);
  g_autofree float *x = bench_random (batch * 25088);

  bc.net = bench_one_layer ("Dense", "{\"name\": \"fc1\", \"units\": 4096, \"use_bias\": false}", 1, shape);
  bc.x = graft_tensor_new_take (GRAFT_DTYPE_FLOAT32, 2, x_shape, g_memdup2 (x, batch * 25088 * sizeof (float)));
  bc.a = x;
  bc.b = graft_tensor_get_data (graft_net_get_weight (bc.net, 0, NULL), NULL);
  bc.c = g_new (float, batch * 4096);
  bc.m = batch;
  bc.n = 4096;
  bc.k = 25088;
  bench_pair (name, bench_predict, bench_gemm, &bc, pairs);
  g_free (bc.c);
  graft_tensor_unref (bc.x);
  graft_net_unref (bc.net);
}

static void
bench_conv (guint pairs)
{
  const gssize shape[] = { 224, 224, 64 };
  gsize x_shape[] = { 1, 224, 224, 64 };
  BenchCase bc = { 0 };
  g_autofree float *col = bench_random (50176 * 576);

  bc.net = bench_one_layer ("Conv2D", "{\"name\": \"block1_conv2\", \"filters\": 64, \"kernel_size\": 3,"
                            " \"padding\": \"same\", \"use_bias\": false}", 3, shape);
  bc.x = graft_tensor_new_take (GRAFT_DTYPE_FLOAT32, 4, x_shape, bench_random (224 * 224 * 64));
  bc.a = col;
  bc.b = graft_tensor_get_data (graft_net_get_weight (bc.net, 0, NULL), NULL);
  bc.c = g_new (float, 50176 * 64);
  bc.m = 50176;
  bc.n = 64;
  bc.k = 576;
  bench_pair ("conv2d block1_conv2 (im2col 50176x64x576)", bench_predict, bench_gemm, &bc, pairs);
  g_free (bc.c);
  graft_tensor_unref (bc.x);
  graft_net_unref (bc.net);
}

/* Whole models of the corpus: predict time, against one sgemm with the
 * same multiply-adds as the model's Dense and Conv layers would need is
 * not measured; the ratio is against a 512x512x512 sgemm as a fixed yardstick. */
static void
bench_model (const char *dir,
             const char *model,
             guint       pairs)
{
  g_autofree char *path = g_strdup_printf ("%s/keras/%s.keras", dir, model);
  g_autofree char *input = g_strdup_printf ("%s/keras/%s.input.npy", dir, model);
  g_autofree char *name = g_strdup_printf ("predict %s", model);
  g_autoptr(GraftModel) m = NULL;
  BenchCase bc = { 0 };
  GError *error = NULL;
  g_autofree float *a = bench_random (512 * 512);
  g_autofree float *b = bench_random (512 * 512);

  m = graft_keras_load (path, &error);
  g_assert_no_error (error);
  bc.net = graft_net_new_from_model (m, &error);
  g_assert_no_error (error);
  bc.x = graft_npy_load (input, &error);
  g_assert_no_error (error);
  bc.a = a;
  bc.b = b;
  bc.c = g_new (float, 512 * 512);
  bc.m = bc.n = bc.k = 512;
  bench_pair (name, bench_predict, bench_gemm, &bc, pairs);
  g_free (bc.c);
  graft_tensor_unref (bc.x);
  graft_net_unref (bc.net);
}

int
main (int    argc,
      char **argv)
{
  const char *dir = g_getenv ("GRAFT_CORPUS_DIR");
  guint pairs = argc > 1 ? (guint) atoi (argv[1]) : 9;

  graft_init ();
  g_random_set_seed (1);
  bench_dense (1, pairs);
  bench_dense (32, pairs);
  bench_conv (pairs);
  if (dir != NULL)
    {
      static const char *const models[] = { "vgg_small", "mobilenet_v2", "resnet_small", "transformer_block" };

      for (guint i = 0; i < G_N_ELEMENTS (models); i++)
        bench_model (dir, models[i], pairs);
    }
  return 0;
}
