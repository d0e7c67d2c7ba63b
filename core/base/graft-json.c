/* graft-json.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-json"

#include "config.h"

#include "graft-json.h"

#include <string.h>

#include "graft-error.h"
#include "graft-limits.h"

/* The deepest nesting of @text, counting brackets outside strings. */
static guint
graft_json_depth (const char *text,
                  gsize       len)
{
  guint depth = 0, deepest = 0;
  gboolean in_string = FALSE;

  for (gsize i = 0; i < len; i++)
    {
      char c = text[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
          continue;
        }
      if (c == '"')
        in_string = TRUE;
      else if (c == '[' || c == '{')
        deepest = MAX (deepest, ++depth);
      else if ((c == ']' || c == '}') && depth > 0)
        depth--;
    }
  return deepest;
}

/**
 * graft_json_parse:
 * @len: the length of @text, or -1 when it is NUL-terminated
 * @what: how messages name the document ("model.h5: model_config")
 *
 * Parses JSON from a file after checking its size and nesting against
 * Graft's limits.
 *
 * Returns: (transfer full): the document's root, or %NULL with
 *   %GRAFT_ERROR_LIMIT (too large or too deeply nested) or
 *   %GRAFT_ERROR_CORRUPT (not valid JSON) naming @what
 */
JsonNode *
graft_json_parse (const char  *text,
                  gssize       len,
                  const char  *what,
                  GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;

  if (len < 0)
    len = strlen (text);
  if ((gsize) len > GRAFT_MAX_JSON_BYTES)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_LIMIT, "%s: %" G_GSSIZE_FORMAT
                   " bytes of JSON is more than Graft reads", what, len);
      return NULL;
    }
  if (graft_json_depth (text, len) > GRAFT_MAX_JSON_DEPTH)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_LIMIT,
                   "%s: JSON nested more than %d levels deep", what, GRAFT_MAX_JSON_DEPTH);
      return NULL;
    }
  if (!json_parser_load_from_data (parser, text, len, &local_error))
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT, "%s is not valid JSON: %s",
                   what, local_error->message);
      return NULL;
    }
  if (json_parser_get_root (parser) == NULL)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT, "%s is empty", what);
      return NULL;
    }
  return json_node_ref (json_parser_get_root (parser));
}

/**
 * graft_json_add_shape:
 *
 * Adds a shape to @builder as an array of whole numbers, as every JSON
 * report of Graft writes shapes.
 */
void
graft_json_add_shape (JsonBuilder  *builder,
                      guint         rank,
                      const gsize  *shape)
{
  json_builder_begin_array (builder);
  for (guint i = 0; i < rank; i++)
    json_builder_add_int_value (builder, shape[i]);
  json_builder_end_array (builder);
}
