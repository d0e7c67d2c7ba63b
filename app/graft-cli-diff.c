/* graft-cli-diff.c: graft-cli diff A B
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-cli"

#include "config.h"

#include <stdio.h>

#include "graft-cli-private.h"

int
graft_cli_diff (int    argc,
                char **argv)
{
  g_auto(GStrv) maps = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "map", 0, 0, G_OPTION_ARG_STRING_ARRAY, &maps,
      "Align A's weights with B's by rule; '*' wildcards carry over", "A_PATH=B_PATH" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("A B");
  g_autoptr(GraftModel) a = NULL;
  g_autoptr(GraftModel) b = NULL;
  g_autoptr(GraftDiff) diff = NULL;
  GError *error = NULL;

  g_option_context_set_summary (context,
                                "Compare the weights of two checkpoints, aligned by path:\n"
                                "max |Δ|, relative Frobenius norm of Δ, cosine similarity and\n"
                                "changed elements per weight and per layer.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!graft_cli_parse (context, &argc, &argv, "diff"))
    return 2;
  if (argc != 3)
    return graft_cli_usage_error ("diff", "expected two checkpoints");

  a = graft_cli_load (argv[1], &error);
  if (a == NULL)
    return graft_cli_fail (error);
  b = graft_cli_load (argv[2], &error);
  if (b == NULL)
    return graft_cli_fail (error);
  diff = graft_diff_new (a, b, (const char * const *) maps, &error);
  if (diff == NULL)
    return graft_cli_fail (error);

  if (json)
    {
      g_autoptr(JsonNode) root = graft_diff_to_json (diff);

      graft_cli_json_print_node (root);
    }
  else
    {
      g_autofree char *text = graft_diff_to_text (diff);

      fputs (text, stdout);
    }
  return 0;
}
