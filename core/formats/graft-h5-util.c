/* graft-h5-util.c: handle cleanup and error reporting for graft-h5*.c
 *
 * HDF5's own error stack is never printed: every failure becomes a GError
 * whose message carries the deepest description HDF5 recorded.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-h5-util"

#include "config.h"

#include "graft-h5-util-private.h"

void
graft_h5_id_close (hid_t id)
{
  if (id < 0)
    return;
  switch (H5Iget_type (id))
    {
    case H5I_FILE: H5Fclose (id); break;
    case H5I_GROUP: H5Gclose (id); break;
    case H5I_DATASET: H5Dclose (id); break;
    case H5I_ATTR: H5Aclose (id); break;
    case H5I_DATATYPE: H5Tclose (id); break;
    case H5I_DATASPACE: H5Sclose (id); break;
    case H5I_GENPROP_LST: H5Pclose (id); break;
    default: H5Oclose (id); break;
    }
}

/* In a thread-safe HDF5 the automatic error printing is a per-thread
 * setting, so every entry point turns it off for the calling thread. */
void
graft_h5_quiet (void)
{
  H5Eset_auto2 (H5E_DEFAULT, NULL, NULL);
}

static herr_t
graft_h5_util_error_walk_cb (unsigned             n,
                             const H5E_error2_t  *err,
                             void                *data)
{
  char **deepest = data;

  /* Walking downward, the last entry is the innermost cause. */
  if (err->desc != NULL && err->desc[0] != '\0')
    {
      g_free (*deepest);
      *deepest = g_strdup (err->desc);
    }
  return 0;
}

/* Sets @error from @format plus HDF5's deepest message, then clears the
 * HDF5 stack. */
void
graft_h5_set_error (GError     **error,
                    GraftError   code,
                    const char  *format,
                    ...)
{
  g_autofree char *deepest = NULL;
  g_autofree char *msg = NULL;
  va_list args;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);

  H5Ewalk2 (H5E_DEFAULT, H5E_WALK_DOWNWARD, graft_h5_util_error_walk_cb, &deepest);
  H5Eclear2 (H5E_DEFAULT);
  if (deepest != NULL)
    {
      g_autofree char *valid = g_utf8_make_valid (deepest, -1);

      g_set_error (error, GRAFT_ERROR, code, "%s (%s)", msg, valid);
    }
  else
    g_set_error_literal (error, GRAFT_ERROR, code, msg);
}
