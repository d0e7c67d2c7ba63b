/* fuzz-npy.c: load any .npy file
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
  g_autoptr(GraftTensor) tensor = NULL;
  g_autofree char *path = NULL;

  path = fuzz_write_input (data, size);
  tensor = graft_npy_load (path, NULL);
  if (tensor != NULL)
    {
      g_autofree float *values = graft_tensor_dup_float (tensor, NULL);
      volatile float sum = 0;

      for (gsize k = 0; values != NULL && k < graft_tensor_get_n_elements (tensor); k++)
        sum += values[k];
      (void) sum;
    }
  g_clear_pointer (&tensor, graft_tensor_unref);
  return 0;
}
