/* graft-h5-util-private.h: what the HDF5 reader and writer share
 *
 * This header includes hdf5.h, so only graft-h5*.c may include it; the
 * rest of core uses graft-h5-private.h and graft-h5-write-private.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <hdf5.h>

#include "graft-error.h"

G_BEGIN_DECLS

/* Any HDF5 handle, closed by the function its type needs. */
typedef hid_t GraftH5Id;

void graft_h5_id_close  (hid_t        id);
void graft_h5_quiet     (void);
void graft_h5_set_error (GError     **error,
                         GraftError   code,
                         const char  *format,
                         ...) G_GNUC_PRINTF (3, 4);

G_DEFINE_AUTO_CLEANUP_FREE_FUNC (GraftH5Id, graft_h5_id_close, H5I_INVALID_HID)

G_END_DECLS
