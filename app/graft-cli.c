/* graft-cli.c: what the subcommands of graft-cli share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-cli"

#include "config.h"

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "graft-cli-private.h"

/**
 * graft_cli_fail:
 * @error: (transfer full): what went wrong
 *
 * Prints @error as one line on stderr.
 *
 * Returns: the exit status for a failure
 */
int
graft_cli_fail (GError *error)
{
  g_autofree char *line = g_strdup (error->message);

  /* One line, whatever the message holds. */
  g_strdelimit (line, "\r\n", ' ');
  fprintf (stderr, "graft-cli: %s\n", line);
  g_error_free (error);
  return 1;
}

int
graft_cli_usage_error (const char *command,
                       const char *format,
                       ...)
{
  g_autofree char *msg = NULL;
  va_list args;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);
  fprintf (stderr, "graft-cli %s: %s (see 'graft-cli %s --help')\n", command, msg, command);
  return 2;
}

gboolean
graft_cli_parse (GOptionContext   *context,
                 int              *argc,
                 char           ***argv,
                 const char       *command)
{
  g_autoptr(GError) error = NULL;

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      graft_cli_usage_error (command, "%s", error->message);
      return FALSE;
    }
  return TRUE;
}

/**
 * graft_cli_find_weight:
 *
 * Finds a weight by path or HDF5 location; the error lists near misses.
 */
GraftWeight *
graft_cli_find_weight (GraftModel  *model,
                       const char  *name,
                       GError     **error)
{
  GraftWeight *w = graft_model_find_weight (model, name);
  g_autoptr(GString) hint = NULL;
  guint n_hints = 0;

  if (w != NULL)
    return w;

  for (guint i = 0; i < graft_model_get_n_extra_weights (model); i++)
    {
      GraftWeight *extra = graft_model_get_extra_weight (model, i);

      if (g_strcmp0 (graft_weight_get_path (extra), name) == 0 ||
          g_strcmp0 (graft_weight_get_location (extra), name) == 0 ||
          (name[0] != '/' && g_strcmp0 (graft_weight_get_location (extra) + 1, name) == 0))
        return extra;
    }

  hint = g_string_new (NULL);
  for (guint i = 0; i < graft_model_get_n_weights (model) && n_hints < 5; i++)
    {
      const char *path = graft_weight_get_path (graft_model_get_weight (model, i));

      if (strstr (path, name) != NULL || strstr (name, graft_weight_get_name (graft_model_get_weight (model, i))) != NULL)
        {
          g_string_append_printf (hint, "%s'%s'", n_hints ? ", " : "; did you mean ", path);
          n_hints++;
        }
    }
  g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_NOT_FOUND, "%s: no weight '%s'%s%s",
               graft_model_get_filename (model), name, hint->str, n_hints ? "?" : "");
  return NULL;
}

/* Loads @file and finds its weight @name (see graft_cli_find_weight()).
 * Returns the model, which owns *@weight. */
GraftModel *
graft_cli_load_weight (const char   *file,
                       const char   *name,
                       GraftWeight **weight,
                       GError      **error)
{
  g_autoptr(GraftModel) model = graft_cli_load (file, error);

  if (model == NULL)
    return NULL;
  *weight = graft_cli_find_weight (model, name, error);
  if (*weight == NULL)
    return NULL;
  return g_steal_pointer (&model);
}

void
graft_cli_json_print_node (JsonNode *root)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  text = json_generator_to_data (gen, NULL);
  printf ("%s\n", text);
}

void
graft_cli_json_print (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);

  graft_cli_json_print_node (root);
}

/* JSON has no NaN or infinity: those become null. */
void
graft_cli_json_add_double (JsonBuilder *builder,
                           double       value)
{
  if (isfinite (value))
    json_builder_add_double_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

/* Adds the member @name: a string, or null when @value is %NULL. */
void
graft_cli_json_set_string (JsonBuilder *builder,
                           const char  *name,
                           const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

void
graft_cli_json_set_int (JsonBuilder *builder,
                        const char  *name,
                        gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

/* Adds the member @name: a number, or null when @value is not finite. */
void
graft_cli_json_set_double (JsonBuilder *builder,
                           const char  *name,
                           double       value)
{
  json_builder_set_member_name (builder, name);
  graft_cli_json_add_double (builder, value);
}
