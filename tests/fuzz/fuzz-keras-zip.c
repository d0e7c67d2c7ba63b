/* fuzz-keras-zip.c: open any .keras archive, list it, read every tensor
 *
 * The same entry point as the HDF5 target, seeded with archives, so the
 * fuzzer spends its time in the zip reader, the member checks and
 * config.json handling.
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

  /* Only archives: anything else is the HDF5 target's business. */
  if (size < 4 || data[0] != 'P' || data[1] != 'K')
    return 0;
  path = fuzz_write_input (data, size);
  model = graft_keras_load (path, NULL);
  if (model != NULL)
    fuzz_read_all (model);
  g_clear_pointer (&model, graft_model_unref);
  return 0;
}
