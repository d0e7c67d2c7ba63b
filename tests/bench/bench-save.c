/* bench-save.c: saving a checkpoint after changing one layer, against cp,
 * cp + fsync and an h5py read-all/write-all copy (the way Keras saves)
 *
 * usage: bench-save FILE.h5 [PAIRS]
 *
 * Each round runs the four in turn (the order rotates every round); the
 * figure quoted is the median of per-round ratios. Graft's save includes
 * loading the model, replacing one tensor and the fsync of the atomic save.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "graft.h"

static const char bench_h5py_script[] =
  "import sys, h5py\n"
  "def copy(s, d):\n"
  "    for k, v in s.attrs.items():\n"
  "        d.attrs[k] = v\n"
  "    for name, obj in s.items():\n"
  "        if isinstance(obj, h5py.Group):\n"
  "            copy(obj, d.create_group(name))\n"
  "        else:\n"
  "            ds = d.create_dataset(name, data=obj[()])\n"
  "            for k, v in obj.attrs.items():\n"
  "                ds.attrs[k] = v\n"
  "with h5py.File(sys.argv[1], 'r') as s, h5py.File(sys.argv[2], 'w') as d:\n"
  "    copy(s, d)\n";

static double
bench_spawn (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  gint64 t0 = g_get_monotonic_time ();
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                     &status, &error) || !g_spawn_check_wait_status (status, &error))
    {
      fprintf (stderr, "%s: %s\n", argv[0], error->message);
      exit (1);
    }
  return (g_get_monotonic_time () - t0) / 1000.0;
}

static double
bench_graft (const char     *in,
             const char     *out,
             GraftSaveFlags  flags)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GraftModel) model = NULL;
  g_autoptr(GraftEdit) edit = NULL;
  g_autoptr(GraftTensor) t = NULL;
  gint64 t0 = g_get_monotonic_time ();
  GraftWeight *w;
  float *v;

  model = graft_keras_load (in, &error);
  if (model == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      exit (1);
    }
  edit = graft_edit_new (model);
  /* One layer's kernel: the weight in the middle of the model. */
  w = graft_model_get_weight (model, graft_model_get_n_weights (model) / 2);
  v = graft_tensor_dup_float (graft_weight_get_tensor (w), &error);
  for (gsize i = 0; i < graft_tensor_get_n_elements (graft_weight_get_tensor (w)); i++)
    v[i] *= 0.5f;
  t = graft_tensor_new_take (GRAFT_DTYPE_FLOAT32, graft_tensor_get_rank (graft_weight_get_tensor (w)),
                             graft_tensor_get_shape (graft_weight_get_tensor (w)), v);
  graft_edit_set_tensor (edit, w, t);
  if (!graft_edit_save (edit, out, GRAFT_FORMAT_UNKNOWN, flags, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      exit (1);
    }
  return (g_get_monotonic_time () - t0) / 1000.0;
}

static int
bench_cmp (gconstpointer a,
           gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
bench_median (GArray *values)
{
  g_array_sort (values, bench_cmp);
  return g_array_index (values, double, values->len / 2);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *dir = NULL;
  g_autofree char *out_cp = NULL, *out_graft = NULL, *out_py = NULL;
  g_autoptr(GArray) t_cp = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) t_cps = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) t_graft = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) t_nosync = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) t_py = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) r_cp = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) r_cps = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) r_py = g_array_new (FALSE, FALSE, sizeof (double));
  int pairs = argc > 2 ? atoi (argv[2]) : 7;

  if (argc < 2 || pairs < 1)
    {
      fprintf (stderr, "usage: bench-save FILE.h5 [PAIRS]\n");
      return 2;
    }
  graft_init ();
  dir = g_path_get_dirname (argv[1]);
  out_cp = g_build_filename (dir, "bench-save-cp.h5", NULL);
  out_graft = g_build_filename (dir, "bench-save-graft.h5", NULL);
  out_py = g_build_filename (dir, "bench-save-h5py.h5", NULL);

  bench_graft (argv[1], out_graft, GRAFT_SAVE_NONE);   /* warm-up: page cache */
  for (int round = 0; round < pairs; round++)
    {
      const char *cp[] = { "cp", argv[1], out_cp, NULL };
      const char *sync_file[] = { "sync", out_cp, NULL };
      const char *py[] = { "/usr/bin/python3", "-c", bench_h5py_script, argv[1], out_py, NULL };
      double c = 0, cs = 0, g = 0, gn = 0, p = 0;

      /* Every run starts with no dirty pages: on ext4 (data=ordered) an
       * fsync commits the journal, which first writes out the dirty data of
       * every file in the transaction, so a run after an unsynced cp or
       * h5py copy would pay for their 0.5 GB too. The sync is not timed. */
      for (int k = 0; k < 3; k++)
        switch ((round + k) % 3)
          {
          case 0:
            g_unlink (out_cp);
            sync ();
            c = bench_spawn (cp);
            g_unlink (out_cp);
            sync ();
            cs = bench_spawn (cp) + bench_spawn (sync_file);
            break;
          case 1:
            g_unlink (out_graft);
            sync ();
            g = bench_graft (argv[1], out_graft, GRAFT_SAVE_NONE);
            g_unlink (out_graft);
            sync ();
            gn = bench_graft (argv[1], out_graft, GRAFT_SAVE_NO_SYNC);
            break;
          default:
            g_unlink (out_py);
            sync ();
            p = bench_spawn (py);
            break;
          }
      g_array_append_val (t_cp, c);
      g_array_append_val (t_cps, cs);
      g_array_append_val (t_graft, g);
      g_array_append_val (t_nosync, gn);
      g_array_append_val (t_py, p);
      /* Like against like: the flushing save against cp + sync, the
       * unflushed one against plain cp and against h5py, which flush
       * nothing either. */
      c = gn / c;
      cs = g / cs;
      p = p / gn;
      g_array_append_val (r_cp, c);
      g_array_append_val (r_cps, cs);
      g_array_append_val (r_py, p);
    }
  printf ("%s, %d rounds\n", argv[1], pairs);
  printf ("  graft save (load, change one layer, save, fsync)  median %8.1f ms\n", bench_median (t_graft));
  printf ("  graft save, --no-sync                             median %8.1f ms\n", bench_median (t_nosync));
  printf ("  cp                                                median %8.1f ms   graft no-sync/cp: median %.2f\n",
          bench_median (t_cp), bench_median (r_cp));
  printf ("  cp + fsync                                        median %8.1f ms   graft/(cp+sync):  median %.2f\n",
          bench_median (t_cps), bench_median (r_cps));
  printf ("  h5py read-all/write-all                           median %8.1f ms   h5py/graft no-sync: median %.2f\n",
          bench_median (t_py), bench_median (r_py));
  g_unlink (out_cp);
  g_unlink (out_graft);
  g_unlink (out_py);
  return 0;
}
