/* graft-tensor-stream.h: a tensor's values a piece at a time
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "graft-types.h"

G_BEGIN_DECLS

/* Tensors of more bytes than this that live in compressed or chunked
 * storage are streamed rather than read whole: a read-whole tensor keeps
 * its values for as long as it lives, and browsing the kernels of a
 * compressed multi-GB checkpoint must not pile them up. */
#define GRAFT_TENSOR_STREAM_MIN_BYTES ((gsize) 4 << 20)

/* Bytes one streamed piece may take. */
#define GRAFT_TENSOR_STREAM_PIECE_BYTES ((gsize) 8 << 20)

/* Tensors from this size up are worth populating before a full pass. */
#define GRAFT_TENSOR_POPULATE_MIN_BYTES ((gsize) 16 << 20)

void        graft_tensor_populate     (GraftTensor  *self);
void        graft_tensor_populate_part (GraftTensor *self,
                                        gsize        first,
                                        gsize        n);
void        graft_tensor_note_populated (GraftTensor *self);
const void *graft_tensor_peek_data    (GraftTensor  *self,
                                       GError      **error);
gboolean    graft_tensor_read_flat    (GraftTensor  *self,
                                       gsize         offset,
                                       gsize         n,
                                       void         *dest,
                                       GError      **error);

G_END_DECLS
