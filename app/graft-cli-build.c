/* graft-cli-build.c: graft-cli build, a new checkpoint from a model spec
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-cli"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "graft-cli-private.h"

/* "28,28,1" -> {28, 28, 1}; every axis must be a positive size. */
static gboolean
graft_cli_build_parse_shape (const char  *text,
                             guint       *rank,
                             gssize      *dims)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);
  guint n = g_strv_length (parts);

  if (n == 0 || n + 1 > GRAFT_MAX_RANK)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      guint64 value;

      if (!g_ascii_string_to_unsigned (g_strstrip (parts[i]), 10, 1, G_MAXINT32, &value, NULL))
        return FALSE;
      dims[i] = (gssize) value;
    }
  *rank = n;
  return TRUE;
}

int
graft_cli_build (int    argc,
                 char **argv)
{
  g_auto(GStrv) shapes = NULL;
  g_autofree char *output = NULL;
  g_autofree char *seed_text = NULL;
  GOptionEntry entries[] = {
    { "input-shape", 0, 0, G_OPTION_ARG_STRING_ARRAY, &shapes,
      "The shape of an input without the batch axis, once per model input", "28,28,1" },
    { "seed", 0, 0, G_OPTION_ARG_STRING, &seed_text,
      "Seed of the initialisers (default: a random one, printed)", "N" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      "The file to write; its name picks the format", "OUT.keras|OUT.weights.h5|OUT.h5" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("MODEL.json");
  g_autoptr(GraftNet) net = NULL;
  GError *error = NULL;
  GraftFormat format;
  guint64 seed, n_params = 0;
  guint n_shapes, n_weights;

  g_option_context_set_summary (context,
                                "Build a model from a spec or config, initialise its weights\n"
                                "with Keras's initialisers and save it in the format OUT's\n"
                                "name asks for.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!graft_cli_parse (context, &argc, &argv, "build"))
    return 2;
  if (argc != 2)
    return graft_cli_usage_error ("build", "expected one MODEL.json");
  if (output == NULL)
    return graft_cli_usage_error ("build", "give the file to write with -o");
  format = graft_format_guess_for_path (output);
  if (format == GRAFT_FORMAT_UNKNOWN || format == GRAFT_FORMAT_SHARDED)
    return graft_cli_usage_error ("build", "name the output .keras, .weights.h5 or .h5");
  if (seed_text == NULL)
    seed = g_random_int ();
  else if (!g_ascii_string_to_unsigned (seed_text, 10, 0, G_MAXUINT64, &seed, NULL))
    return graft_cli_usage_error ("build", "--seed takes a non-negative integer, not '%s'",
                                  seed_text);

  net = graft_spec_load (argv[1], &error);
  if (net == NULL)
    return graft_cli_fail (error);

  n_shapes = shapes != NULL ? g_strv_length (shapes) : 0;
  if (n_shapes != 0 && n_shapes != graft_net_get_n_inputs (net))
    return graft_cli_usage_error ("build", "the model takes %u inputs, got %u --input-shape",
                                  graft_net_get_n_inputs (net), n_shapes);
  for (guint i = 0; i < n_shapes; i++)
    {
      gssize dims[GRAFT_MAX_RANK];
      guint rank;

      if (!graft_cli_build_parse_shape (shapes[i], &rank, dims))
        return graft_cli_usage_error ("build", "--input-shape takes sizes like 28,28,1, not '%s'",
                                      shapes[i]);
      if (!graft_net_set_input_shape (net, i, rank, dims, &error))
        return graft_cli_fail (error);
    }

  if (!graft_net_init_weights (net, seed, &error) ||
      !graft_net_save (net, output, format, &error))
    return graft_cli_fail (error);

  n_weights = graft_net_get_n_weights (net);
  for (guint i = 0; i < n_weights; i++)
    n_params += graft_tensor_get_n_elements (graft_net_get_weight (net, i, NULL));
  printf ("%s: %s, %u weights, %" G_GUINT64_FORMAT " parameters, seed %" G_GUINT64_FORMAT "\n",
          output, graft_format_get_name (format), n_weights, n_params, seed);
  return 0;
}
