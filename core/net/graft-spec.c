/* graft-spec.c: model specs, the user-written architecture of a model
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-spec"

#include "config.h"

#include "graft-spec.h"

#include "graft-error.h"
#include "graft-json.h"

/* Specs are small; a bigger file is a mistake, not a model. */
#define GRAFT_SPEC_MAX_BYTES (16u << 20)

/**
 * graft_spec_load:
 * @path: a JSON model spec
 *
 * Returns: (transfer full): the unbuilt net, or %NULL with %GRAFT_ERROR_IO,
 *   %GRAFT_ERROR_CORRUPT (bad JSON or config) or %GRAFT_ERROR_UNSUPPORTED
 *   (layers Graft cannot run, named), each message starting with @path
 */
GraftNet *
graft_spec_load (const char  *path,
                 GError     **error)
{
  g_autofree char *text = NULL;
  gsize len = 0;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) local = NULL;
  GraftNet *net;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_file_get_contents (path, &text, &len, &local))
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_IO, "%s: %s", path, local->message);
      return NULL;
    }
  if (len > GRAFT_SPEC_MAX_BYTES)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_LIMIT, "%s: model spec is too big", path);
      return NULL;
    }
  root = graft_json_parse (text, (gssize) len, path, error);
  if (root == NULL)
    return NULL;
  net = graft_net_new_from_config (root, &local);
  if (net == NULL)
    {
      g_set_error (error, GRAFT_ERROR, local->code, "%s: %s", path, local->message);
      return NULL;
    }
  return net;
}
