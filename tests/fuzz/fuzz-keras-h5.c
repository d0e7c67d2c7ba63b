/* fuzz-keras-h5.c: open any HDF5 checkpoint, list it, read every tensor
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

  path = fuzz_write_input (data, size);
  model = graft_keras_load (path, NULL);
  if (model != NULL)
    fuzz_read_all (model);
  g_clear_pointer (&model, graft_model_unref);
  return 0;
}
