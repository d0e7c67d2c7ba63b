/* fuzz-net-config.c: parse a model config, build the model, initialise it
 * and run it once on zeros
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fuzz-common.h"
#include "graft-net.h"

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_setup ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GraftNet) net = NULL;
  g_autoptr(GPtrArray) inputs = NULL;
  g_autoptr(GPtrArray) outputs = NULL;
  JsonNode *root;

  if (!json_parser_load_from_data (parser, (const char *) data, size, NULL))
    return 0;
  root = json_parser_get_root (parser);
  if (root == NULL)
    return 0;
  net = graft_net_new_from_config (root, NULL);
  if (net == NULL || !graft_net_check_runnable (net, NULL) || !graft_net_build (net, NULL) ||
      !graft_net_init_weights (net, 1, NULL))
    return 0;
  return 0;
}
