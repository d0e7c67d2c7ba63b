/* fuzz-safetensors.c: open any safetensors file, list it, read every tensor
 *
 * Seeded with the safetensors files of tests/data/torch, so the fuzzer
 * spends its time in the header checks: the length, the JSON, the dtypes,
 * shapes and byte ranges.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fuzz-common.h"

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
  g_autoptr(GraftModel) model = NULL;
  g_autofree char *path = NULL;

  /* Only what sniffs as safetensors: a length, then '{'. */
  if (size < 9 || data[8] != '{')
    return 0;
  path = fuzz_write_input (data, size);
  model = graft_keras_load (path, NULL);
  if (model != NULL)
    fuzz_read_all (model);
  g_clear_pointer (&model, graft_model_unref);
  return 0;
}
