/* test-keras-writer.c: every .keras Graft writes has one layout, and a save
 * stopped at any step leaves the old file or the new one
 *
 * The three ways a .keras comes to be written: a conversion (graft-cli
 * convert), a built model (graft-cli build) and a save of an edited archive
 * (graft-cli transfer, which saves the target in its own format). Each runs
 * as a separate process under GRAFT_FAULT (core/base/graft-fault.c), which
 * kills it, or makes it fail, at its N-th step, for every N until the save
 * runs to its end.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>

#include "graft.h"
#include "graft-archive.h"
#include "test-util.h"

static const char text_spec[] =
  "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"tiny\", \"layers\": ["
  "{\"class_name\": \"InputLayer\", \"config\": {\"name\": \"x\", \"batch_shape\": [null, 5]}},"
  "{\"class_name\": \"Dense\", \"config\": {\"name\": \"hidden\", \"units\": 4}},"
  "{\"class_name\": \"Dense\", \"config\": {\"name\": \"out\", \"units\": 2}}]}}";

typedef struct
{
  const char *name;
  /* Fills @args (NULL-terminated) to write @out, with inputs in @dir. */
  void      (*args) (const char  *dir,
                     const char  *out,
                     const char **args);
} Writer;

static void
convert_args (const char  *dir,
              const char  *out,
              const char **args)
{
  static char *in = NULL;

  if (in == NULL)
    in = test_util_fixture ("mlp_functional.legacy.h5");
  args[0] = "convert";
  args[1] = in;
  args[2] = out;
  args[3] = NULL;
}

static void
build_args (const char  *dir,
            const char  *out,
            const char **args)
{
  static char *spec = NULL;

  g_free (spec);
  spec = g_build_filename (dir, "tiny.json", NULL);
  g_assert_true (g_file_set_contents (spec, text_spec, -1, NULL));
  args[0] = "build";
  args[1] = spec;
  args[2] = "--seed";
  args[3] = "4";
  args[4] = "-o";
  args[5] = out;
  args[6] = NULL;
}

static void
save_args (const char  *dir,
           const char  *out,
           const char **args)
{
  static char *source = NULL;
  static char *target = NULL;

  if (source == NULL)
    {
      source = g_test_build_filename (G_TEST_DIST, "..", "data", "seq_conv.keras", NULL);
      target = g_test_build_filename (G_TEST_DIST, "..", "data", "seq_conv_newhead.keras", NULL);
    }
  args[0] = "transfer";
  args[1] = source;
  args[2] = target;
  args[3] = "-o";
  args[4] = out;
  args[5] = "--skip-mismatch";
  args[6] = NULL;
}

static const Writer writers[] = {
  { "convert", convert_args },
  { "build", build_args },
  { "save", save_args },
};

static char *
read_file (const char *path,
           gsize      *len)
{
  char *data = NULL;

  g_assert_true (g_file_get_contents (path, &data, len, NULL));
  return data;
}

/* The layout Keras writes: metadata.json, config.json, model.weights.h5,
 * all stored; the JSON members dated 1980-01-01. */
static void
assert_keras_layout (const char *path)
{
  static const char * const names[] = { "metadata.json", "config.json", "model.weights.h5" };
  g_autoptr(GError) error = NULL;
  g_autoptr(GraftArchive) archive = graft_archive_open (path, &error);
  g_autoptr(GBytes) metadata = NULL;
  g_autoptr(JsonNode) meta = NULL;
  g_autofree char *json = NULL;
  gsize len;
  const char *text;

  g_assert_no_error (error);
  g_assert_cmpuint (graft_archive_get_n_members (archive), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      GraftArchiveMember m;
      g_autoptr(GDateTime) date = NULL;

      g_assert_true (graft_archive_get_member (archive, i, &m, &error));
      g_assert_cmpstr (m.name, ==, names[i]);
      g_assert_true (m.stored);
      date = g_date_time_new_from_unix_local (m.mtime);
      if (i < 2)
        g_assert_cmpint (g_date_time_get_year (date), ==, 1980);
      else
        g_assert_cmpint (g_date_time_get_year (date), >=, 2024);
    }
  metadata = graft_archive_read (archive, 0, &error);
  g_assert_no_error (error);
  text = g_bytes_get_data (metadata, &len);
  json = g_strndup (text, len);
  meta = json_from_string (json, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (meta), "keras_version"),
                   ==, "3.15.1");
  g_assert_true (json_object_has_member (json_node_get_object (meta), "date_saved"));
  g_assert_cmpuint (json_object_get_size (json_node_get_object (meta)), ==, 2);
}

/* Removes everything in @dir but @keep. */
static void
clear_dir (const char *dir,
           const char *keep)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while ((name = g_dir_read_name (d)) != NULL)
    if (!g_str_equal (name, keep))
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);

        g_unlink (path);
      }
}

static void
test_keras_writer_layout (gconstpointer data)
{
  const Writer *writer = data;
  g_autofree char *dir = g_dir_make_tmp ("graft-writer-XXXXXX", NULL);
  g_autofree char *out = g_build_filename (dir, "out.keras", NULL);
  const char *args[8];
  g_autofree char *err = NULL;

  writer->args (dir, out, args);
  g_assert_cmpint (test_util_run_cli (NULL, args, NULL, &err), ==, 0);
  assert_keras_layout (out);
  /* A save of a file Graft wrote keeps that layout. */
  {
    const char *again[] = { "convert", out, NULL, NULL };
    g_autofree char *copy = g_build_filename (dir, "copy.keras", NULL);

    again[2] = copy;
    g_assert_cmpint (test_util_run_cli (NULL, again, NULL, NULL), ==, 0);
    assert_keras_layout (copy);
    g_unlink (copy);
  }
  clear_dir (dir, "");
  g_rmdir (dir);
}

/* The weights of @path, as their sums in order. */
static GArray *
weight_sums (const char *path)
{
  g_autoptr(GraftModel) model = test_util_load_path (path);
  GArray *sums = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint i = 0; i < graft_model_get_n_weights (model); i++)
    {
      GraftTensor *t = graft_weight_get_tensor (graft_model_get_weight (model, i));
      g_autofree float *v = graft_tensor_dup_float (t, NULL);
      double sum = 0;

      for (gsize k = 0; k < graft_tensor_get_n_elements (t); k++)
        sum += v[k];
      g_array_append_val (sums, sum);
    }
  return sums;
}

static guint
count_files (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (g_dir_read_name (d) != NULL)
    n++;
  return n;
}

static void
run_faults (const Writer *writer,
            const char   *mode)
{
  g_autofree char *dir = g_dir_make_tmp ("graft-writer-XXXXXX", NULL);
  g_autofree char *out = g_build_filename (dir, "out.keras", NULL);
  g_autofree char *old = test_util_fixture ("mlp_functional.keras");
  g_autofree char *old_bytes = NULL;
  g_autoptr(GArray) want = NULL;
  gsize old_len;
  const char *args[8];
  guint step;
  guint n_new = 0;

  old_bytes = read_file (old, &old_len);

  /* The file a save that is not stopped writes. */
  writer->args (dir, out, args);
  g_assert_cmpint (test_util_run_cli (NULL, args, NULL, NULL), ==, 0);
  want = weight_sums (out);

  for (step = 1; step < 100; step++)
    {
      g_autofree char *fault = g_strdup_printf ("GRAFT_FAULT=%s:%u", mode, step);
      const char *env[] = { fault, NULL };
      g_autofree char *got = NULL;
      gsize got_len;
      int status;

      clear_dir (dir, "");
      g_assert_true (g_file_set_contents (out, old_bytes, old_len, NULL));
      writer->args (dir, out, args);
      status = test_util_run_cli (env, args, NULL, NULL);
      if (status == 0)
        break;
      g_assert_cmpint (status, ==, g_str_equal (mode, "kill") ? -SIGKILL : 1);

      /* Old or new, never a mix. */
      got = read_file (out, &got_len);
      if (got_len != old_len || memcmp (got, old_bytes, old_len) != 0)
        {
          g_autoptr(GArray) sums = weight_sums (out);

          g_assert_cmpuint (sums->len, ==, want->len);
          for (guint i = 0; i < sums->len; i++)
            g_assert_cmpfloat (g_array_index (sums, double, i), ==,
                               g_array_index (want, double, i));
          n_new++;
        }
      /* A save that fails cleans up after itself: only the target (and the
       * spec of the build) are left. */
      if (g_str_equal (mode, "fail"))
        g_assert_cmpuint (count_files (dir), ==, g_str_equal (writer->name, "build") ? 2 : 1);
    }
  g_assert_cmpuint (step, <, 100);
  /* Every writer has several steps: the temporary files, three members, the
   * archive written, flushed, renamed, and the folder flushed. */
  g_test_message ("%s, %s: %u steps, the new file after %u of them", writer->name, mode, step - 1,
                  n_new);
  g_assert_cmpuint (step - 1, >=, 8);
  /* Killed after the rename, the target is the new file; a failure is
   * never reported after it. */
  if (g_str_equal (mode, "kill"))
    g_assert_cmpuint (n_new, ==, 1);
  else
    g_assert_cmpuint (n_new, ==, 0);
  clear_dir (dir, "");
  g_rmdir (dir);
}

static void
test_keras_writer_kill (gconstpointer data)
{
  run_faults (data, "kill");
}

static void
test_keras_writer_fail (gconstpointer data)
{
  run_faults (data, "fail");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  graft_init ();

  if (g_getenv ("GRAFT_CLI") == NULL)
    g_error ("GRAFT_CLI must name graft-cli (meson test sets it)");
  for (guint i = 0; i < G_N_ELEMENTS (writers); i++)
    {
      g_autofree char *layout = g_strdup_printf ("/keras-writer/%s/layout", writers[i].name);
      g_autofree char *kill = g_strdup_printf ("/keras-writer/%s/killed-at-every-step",
                                               writers[i].name);
      g_autofree char *fail = g_strdup_printf ("/keras-writer/%s/failed-at-every-step",
                                               writers[i].name);

      g_test_add_data_func (layout, &writers[i], test_keras_writer_layout);
      g_test_add_data_func (kill, &writers[i], test_keras_writer_kill);
      g_test_add_data_func (fail, &writers[i], test_keras_writer_fail);
    }
  return g_test_run ();
}
