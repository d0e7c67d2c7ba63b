/* fuzz-pickle.c: the restricted pickle reader, and legacy torch files
 *
 * Any input is given to the pickle reader as is, and the value it builds
 * is walked as the torch reader walks it; an input that starts like a
 * legacy torch.save file is also opened as one (five pickles, then raw
 * storages). Seeded with the data.pkl of every .pt in tests/data/torch
 * and with the legacy files.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fuzz-common.h"
#include "graft-pickle.h"

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_setup ();
  return 0;
}

static void
fuzz_walk (GraftPickleValue *v,
           guint             depth)
{
  if (depth > 8)
    return;
  for (guint i = 0; i < graft_pickle_value_get_n_items (v); i++)
    {
      GraftPickleValue *item = graft_pickle_value_get_item (v, i);
      const GraftPickleTensor *t = graft_pickle_value_get_tensor (item);
      volatile gsize sum = 0;

      if (graft_pickle_value_get_kind (v) == GRAFT_PICKLE_DICT)
        (void) graft_pickle_value_get_string (graft_pickle_value_get_key (v, i));
      if (t != NULL)
        for (guint k = 0; k < t->rank; k++)
          sum += t->shape[k] + (gsize) t->stride[k];
      (void) sum;
      fuzz_walk (item, depth + 1);
    }
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GraftPickle) pickle = graft_pickle_load (data, size, "fuzz", NULL, NULL);

  if (pickle != NULL)
    fuzz_walk (graft_pickle_get_root (pickle), 0);
  if (size > 10 && data[0] == 0x80 && data[2] == 0x8a)
    {
      g_autofree char *path = fuzz_write_input (data, size);
      g_autoptr(GraftModel) model = graft_keras_load (path, NULL);

      if (model != NULL)
        fuzz_read_all (model);
    }
  return 0;
}
