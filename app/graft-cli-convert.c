/* graft-cli-convert.c: graft-cli convert IN OUT
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-cli"

#include "config.h"

#include <stdio.h>

#include "graft-cli-private.h"

int
graft_cli_convert (int    argc,
                   char **argv)
{
  g_autofree char *format_name = NULL;
  gboolean drop_optimizer = FALSE;
  const GOptionEntry entries[] = {
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format_name,
      "legacy-h5, legacy-weights-h5, weights-h5 or keras (default: from OUT's name)", "FORMAT" },
    { "drop-optimizer", 0, 0, G_OPTION_ARG_NONE, &drop_optimizer,
      "Leave out the optimizer state", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("IN OUT");
  g_autoptr(GraftModel) model = NULL;
  g_autoptr(GPtrArray) unchanged = g_ptr_array_new ();
  GError *error = NULL;
  GraftFormat format;

  g_option_context_set_summary (context,
                                "Write checkpoint IN to OUT, in the format --format names or\n"
                                "OUT's name implies (.keras, .weights.h5, .h5). Converting to\n"
                                "IN's own format copies it with nothing lost.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!graft_cli_parse (context, &argc, &argv, "convert"))
    return 2;
  if (argc != 3)
    return graft_cli_usage_error ("convert", "expected IN and OUT");

  if (format_name != NULL)
    {
      format = graft_format_from_name (format_name);
      if (format == GRAFT_FORMAT_UNKNOWN || format == GRAFT_FORMAT_SHARDED)
        return graft_cli_usage_error ("convert", "unknown --format '%s'", format_name);
    }
  else
    format = graft_format_guess_for_path (argv[2]);

  model = graft_keras_load (argv[1], &error);
  if (model == NULL)
    return graft_cli_fail (error);

  if (format == GRAFT_FORMAT_UNKNOWN)
    format = graft_model_get_format (model);
  /* A .h5 name fits both legacy formats: keep the input's when it is one,
   * and write weights only when there is no architecture to write. */
  if (format_name == NULL && format == GRAFT_FORMAT_LEGACY_H5 &&
      (graft_model_get_format (model) == GRAFT_FORMAT_LEGACY_WEIGHTS_H5 ||
       graft_model_get_config (model) == NULL))
    format = GRAFT_FORMAT_LEGACY_WEIGHTS_H5;

  /* A model just loaded has no changes: its own format is a plain copy. */
  if (!graft_keras_save (model, argv[2], format,
                         drop_optimizer ? GRAFT_SAVE_DROP_OPTIMIZER : GRAFT_SAVE_NONE, unchanged, &error))
    return graft_cli_fail (error);
  printf ("wrote %s (%s)\n", argv[2], graft_format_get_name (format));
  return 0;
}
