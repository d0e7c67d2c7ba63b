/* bench-heatmap.c: the first 1024×1024 frame and a 256-bin histogram of a
 * big kernel, against h5py + numpy in the same run (PERF.md section 2)
 *
 * bench-heatmap [PAIRS] FILE [WEIGHT]      (WEIGHT defaults to fc1/kernel)
 * bench-heatmap --child frame|hist FILE WEIGHT
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "bench-heatmap"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graft.h"

typedef struct
{
  double frame_ms;
  double hist_ms;
} BenchTimes;

static guint64
bench_rss_anon_kb (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  line = strstr (status, "RssAnon:");
  return line != NULL ? g_ascii_strtoull (line + 8, NULL, 10) : 0;
}

/* Open the file, render the first frame, then the histogram. */
static gboolean
bench_pipeline (const char *path,
                const char *weight_name,
                gboolean    with_hist,
                BenchTimes *times)
{
  gint64 t0 = g_get_monotonic_time ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GraftModel) model = graft_keras_load (path, &error);
  g_autoptr(GraftHeatmap) hm = NULL;
  g_autoptr(GraftHeatmapFrame) frame = NULL;
  g_autoptr(GraftHistogram) hist = NULL;
  GraftHeatmapStyle style;
  GraftWeight *weight;
  GraftStats stats;

  if (model == NULL || (weight = graft_model_find_weight (model, weight_name)) == NULL)
    {
      g_printerr ("bench-heatmap: %s: cannot open %s: %s\n", path, weight_name,
                  error != NULL ? error->message : "no such weight");
      return FALSE;
    }
  hm = graft_heatmap_new (graft_weight_get_tensor (weight));
  graft_heatmap_style_init (&style);
  frame = graft_heatmap_render (hm, NULL, 1024, 1024, &style, NULL, &error);
  if (frame == NULL)
    {
      g_printerr ("bench-heatmap: %s\n", error->message);
      return FALSE;
    }
  times->frame_ms = (g_get_monotonic_time () - t0) / 1000.0;
  times->hist_ms = times->frame_ms;
  if (!with_hist)
    return TRUE;
  if (!graft_stats_compute (graft_weight_get_tensor (weight), &stats, NULL, &error) ||
      (hist = graft_stats_compute_histogram (graft_weight_get_tensor (weight), &stats, 256,
                                             NULL, &error)) == NULL)
    {
      g_printerr ("bench-heatmap: %s\n", error->message);
      return FALSE;
    }
  times->hist_ms = (g_get_monotonic_time () - t0) / 1000.0;
  return TRUE;
}

static double
bench_run_process (char    **argv,
                   char    **out)
{
  gint64 t0 = g_get_monotonic_time ();
  int status = 0;
  g_autoptr(GError) error = NULL;

  if (!g_spawn_sync (NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, NULL, &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    {
      g_printerr ("bench-heatmap: %s: %s\n", argv[0], error->message);
      exit (1);
    }
  return (g_get_monotonic_time () - t0) / 1000.0;
}

static int
bench_cmp_double (gconstpointer a,
                  gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
bench_median (const double *v,
              guint         n)
{
  g_autofree double *s = g_memdup2 (v, n * sizeof *v);

  qsort (s, n, sizeof *s, bench_cmp_double);
  return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/* name, median, min–max, and the median of per-pair ratios ref / ours. */
static void
bench_report (const char   *name,
              const double *ours,
              const double *ref,
              guint         n)
{
  g_autofree double *ratio = g_new (double, n);
  double lo = ours[0], hi = ours[0], rlo = ref[0], rhi = ref[0];

  for (guint i = 0; i < n; i++)
    {
      ratio[i] = ref[i] / ours[i];
      lo = MIN (lo, ours[i]);
      hi = MAX (hi, ours[i]);
      rlo = MIN (rlo, ref[i]);
      rhi = MAX (rhi, ref[i]);
    }
  printf ("%-34s graft %8.1f ms (%7.1f–%7.1f)   h5py+numpy %8.1f ms (%7.1f–%7.1f)   ratio %5.2f×\n",
          name, bench_median (ours, n), lo, hi, bench_median (ref, n), rlo, rhi,
          bench_median (ratio, n));
}

int
main (int    argc,
      char **argv)
{
  const char *path, *weight_name = "fc1/kernel";
  g_autofree char *self = NULL, *script = NULL, *location = NULL;
  guint pairs = 7;
  double *g_frame, *g_hist, *p_frame, *p_hist, *gw_frame, *gw_hist, *pw_frame, *pw_hist;
  guint64 rss_child = 0, rss_python = 0;

  graft_init ();

  if (argc == 5 && g_str_equal (argv[1], "--child"))
    {
      BenchTimes t;

      if (!bench_pipeline (argv[3], argv[4], g_str_equal (argv[2], "hist"), &t))
        return 1;
      printf ("%.3f %.3f %" G_GUINT64_FORMAT "\n", t.frame_ms, t.hist_ms, bench_rss_anon_kb ());
      return 0;
    }
  if (argc >= 2 && g_ascii_isdigit (argv[1][0]))
    {
      pairs = MAX (1, atoi (argv[1]));
      argc--;
      argv++;
    }
  if (argc < 2)
    {
      fprintf (stderr, "usage: bench-heatmap [PAIRS] FILE [WEIGHT]\n");
      return 2;
    }
  path = argv[1];
  if (argc >= 3)
    weight_name = argv[2];

  self = g_file_read_link ("/proc/self/exe", NULL);
  script = g_build_filename (g_getenv ("BENCH_SRCDIR") ? g_getenv ("BENCH_SRCDIR") : SRCDIR,
                             "bench-heatmap.py", NULL);
  {
    g_autoptr(GraftModel) model = graft_keras_load (path, NULL);
    GraftWeight *w = model != NULL ? graft_model_find_weight (model, weight_name) : NULL;

    if (w == NULL)
      {
        fprintf (stderr, "bench-heatmap: %s: no weight %s\n", path, weight_name);
        return 1;
      }
    location = g_strdup (graft_weight_get_location (w));
  }

  g_frame = g_new (double, pairs);
  g_hist = g_new (double, pairs);
  p_frame = g_new (double, pairs);
  p_hist = g_new (double, pairs);
  gw_frame = g_new (double, pairs);
  gw_hist = g_new (double, pairs);
  pw_frame = g_new (double, pairs);
  pw_hist = g_new (double, pairs);

  /* One warm-up of each, so both read from the page cache. */
  for (guint i = 0; i <= pairs; i++)
    {
      char *py_hist[] = { "/usr/bin/python3", script, (char *) path, location, "hist", NULL };
      char *py_frame[] = { "/usr/bin/python3", script, (char *) path, location, "frame", NULL };
      char *child_hist[] = { self, "--child", "hist", (char *) path, (char *) weight_name, NULL };
      char *child_frame[] = { self, "--child", "frame", (char *) path, (char *) weight_name, NULL };
      g_autofree char *out1 = NULL, *out2 = NULL, *out3 = NULL, *out4 = NULL;
      BenchTimes t;
      double whole_py_hist, whole_py_frame, whole_g_hist, whole_g_frame;
      guint k = i > 0 ? i - 1 : 0;

      if (!bench_pipeline (path, weight_name, TRUE, &t))
        return 1;
      whole_py_hist = bench_run_process (py_hist, &out1);
      whole_g_frame = bench_run_process (child_frame, &out2);
      whole_py_frame = bench_run_process (py_frame, &out3);
      whole_g_hist = bench_run_process (child_hist, &out4);
      if (i == 0)
        continue;

      g_frame[k] = t.frame_ms;
      g_hist[k] = t.hist_ms;
      p_frame[k] = g_ascii_strtod (out1, NULL);
      p_hist[k] = g_ascii_strtod (strchr (out1, ' ') + 1, NULL);
      gw_frame[k] = whole_g_frame;
      gw_hist[k] = whole_g_hist;
      pw_frame[k] = whole_py_frame;
      pw_hist[k] = whole_py_hist;
      rss_child = MAX (rss_child, g_ascii_strtoull (strrchr (g_strstrip (out4), ' ') + 1, NULL, 10));
      {
        g_auto(GStrv) f = g_strsplit (g_strstrip (out1), " ", -1);

        if (g_strv_length (f) >= 3)
          rss_python = MAX (rss_python, g_ascii_strtoull (f[2], NULL, 10));
      }
    }

  printf ("%s %s, 1024×1024 first frame and 256-bin histogram, %u pairs\n", path, weight_name, pairs);
  bench_report ("first frame, in-process", g_frame, p_frame, pairs);
  bench_report ("frame + histogram, in-process", g_hist, p_hist, pairs);
  bench_report ("first frame, whole process", gw_frame, pw_frame, pairs);
  bench_report ("frame + histogram, whole process", gw_hist, pw_hist, pairs);
  printf ("peak anonymous RSS: graft child %" G_GUINT64_FORMAT " KiB, python %" G_GUINT64_FORMAT " KiB\n",
          rss_child, rss_python);

  g_free (g_frame);
  g_free (g_hist);
  g_free (p_frame);
  g_free (p_hist);
  g_free (gw_frame);
  g_free (gw_hist);
  g_free (pw_frame);
  g_free (pw_hist);
  return 0;
}
