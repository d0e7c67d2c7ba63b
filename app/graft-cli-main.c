/* graft-cli-main.c: the command-line face of libgraft-core
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-cli"

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "graft-cli-private.h"

/* Subcommands in the order `graft-cli --help` lists them. */
static const GraftCliCommand graft_cli_commands[] = {
  { "inspect", "FILE [--json]                the layer tree, shapes, dtypes, parameters", graft_cli_inspect },
  { "export",  "FILE WEIGHT -o OUT.npy       one tensor as a NumPy file", graft_cli_export },
  { "stats",   "FILE WEIGHT [--json] [--hist [BINS]]  statistics, percentiles, histogram", graft_cli_stats },
  { "render",  "FILE WEIGHT -o OUT.png [--grid …]  heatmap of one tensor as a PNG", graft_cli_render },
  { "transfer", "SOURCE TARGET -o OUT [--by …]  copy weights between checkpoints", graft_cli_transfer },
  { "diff",    "A B [--map A=B] [--json]     compare the weights of two checkpoints", graft_cli_diff },
  { "convert", "IN OUT [--format F]          write a checkpoint in another format", graft_cli_convert },
  { "predict", "FILE --input X.npy -o Y.npy  run the model (--spec MODEL.json for subclassed ones)", graft_cli_predict },
  { "build",   "MODEL.json --input-shape S -o OUT  a new checkpoint with initialised weights", graft_cli_build },
  { "spectrum", "FILE [WEIGHT] [--json]      singular values, stable rank, power-law α per layer", graft_cli_spectrum },
  { "series",  "FILE|FOLDER… [--json|--csv]  a training run's checkpoints as per-layer curves", graft_cli_series },
};

static void
graft_cli_print_help (FILE *out)
{
  fprintf (out, "Usage: graft-cli COMMAND [ARGS…]\n\n"
                "Look inside Keras and PyTorch checkpoints (.keras, .weights.h5, .h5, .weights.json,\n"
                ".pt/.pth/.bin state_dicts, .safetensors and their sharded indexes).\n\n"
                "Commands:\n");
  for (guint i = 0; i < G_N_ELEMENTS (graft_cli_commands); i++)
    fprintf (out, "  %-9s %s\n", graft_cli_commands[i].name, graft_cli_commands[i].synopsis);
  fprintf (out, "\nWEIGHT is a weight path (dense/kernel) or its HDF5 dataset location.\n"
                "Run 'graft-cli COMMAND --help' for a command's options.\n");
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  graft_cli_crash_guard_install (argc, argv);
  graft_init ();

  if (argc < 2 || g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h") ||
      g_str_equal (argv[1], "help"))
    {
      graft_cli_print_help (argc < 2 ? stderr : stdout);
      return argc < 2 ? 2 : 0;
    }
  if (g_str_equal (argv[1], "--version"))
    {
      printf ("graft-cli %s\n", PACKAGE_VERSION);
      return 0;
    }

  for (guint i = 0; i < G_N_ELEMENTS (graft_cli_commands); i++)
    if (g_str_equal (argv[1], graft_cli_commands[i].name))
      return graft_cli_commands[i].func (argc - 1, argv + 1);

  fprintf (stderr, "graft-cli: unknown command '%s' (see 'graft-cli --help')\n", argv[1]);
  return 2;
}
