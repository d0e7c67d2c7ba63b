/* fuzz-common.h: what the libFuzzer targets share
 *
 * The readers take paths, so each input is written to a file in
 * /dev/shm first.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <unistd.h>

#include "graft.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);
int LLVMFuzzerInitialize (int *argc, char ***argv);

static inline char *
fuzz_write_input (const guint8 *data,
                  size_t        size)
{
  /* HDF5 wants a real path, so not a memfd: a file in shared memory. */
  char *path = g_strdup_printf ("/dev/shm/graft-fuzz-%d", (int) getpid ());

  g_assert (g_file_set_contents (path, (const char *) data, size, NULL));
  return path;
}

/* Reads every value of every tensor the model lists, as a user browsing it
 * would, so that lazy reads are fuzzed as well as opening. */
static inline void
fuzz_read_all (GraftModel *model)
{
  for (guint i = 0; i < graft_model_get_n_weights (model); i++)
    {
      GraftTensor *t = graft_weight_get_tensor (graft_model_get_weight (model, i));
      g_autoptr(GError) error = NULL;
      g_autofree float *values = graft_tensor_dup_float (t, &error);
      volatile float sum = 0;

      for (gsize k = 0; values != NULL && k < graft_tensor_get_n_elements (t); k++)
        sum += values[k];
      (void) sum;
    }
  for (guint i = 0; i < graft_model_get_n_extra_weights (model); i++)
    {
      GraftTensor *t = graft_weight_get_tensor (graft_model_get_extra_weight (model, i));
      g_autoptr(GError) error = NULL;

      (void) graft_tensor_get_data (t, &error);
    }
}

static inline void
fuzz_setup (void)
{
  /* A hostile file must be refused before it allocates more than this. */
  g_setenv ("GRAFT_MAX_MEMORY", "256M", TRUE);
  graft_init ();
}
