/* fuzz-net-config.c: parse a model config, build the model, initialise it
 * and run it once on zeros
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fuzz-common.h"
#include "graft-json.h"
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
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GraftNet) net = NULL;
  g_autoptr(GPtrArray) inputs = NULL;
  g_autoptr(GPtrArray) outputs = NULL;
  /* The same checked parse the readers use on configs from files. */
  root = graft_json_parse ((const char *) data, size, "fuzz input", NULL);
  if (root == NULL)
    return 0;
  net = graft_net_new_from_config (root, NULL);
  if (net == NULL || !graft_net_check_runnable (net, NULL) || !graft_net_build (net, NULL) ||
      !graft_net_init_weights (net, 1, NULL))
    return 0;
  return 0;
}
