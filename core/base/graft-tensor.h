/* graft-tensor.h: immutable, reference-counted, possibly lazy tensors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "graft-types.h"

G_BEGIN_DECLS

/**
 * GraftTensorSourceFuncs:
 * @read: reads the block start[i] .. start[i] + count[i] on every axis into
 *   @dest, row-major, as elements of the tensor's dtype in native byte order.
 * @map: (nullable): returns the whole tensor in place (a mapped file, an
 *   in-memory archive member), or %NULL when that is not possible.
 * @free: releases @source.
 *
 * How a lazy tensor fetches its values. A source must be usable from any
 * thread.
 */
typedef struct
{
  gboolean     (*read) (gpointer      source,
                        const gsize  *start,
                        const gsize  *count,
                        void         *dest,
                        GError      **error);
  const void  *(*map)  (gpointer      source);
  void         (*free) (gpointer      source);
} GraftTensorSourceFuncs;

GraftTensor  *graft_tensor_new            (GraftDType                    dtype,
                                           guint                         rank,
                                           const gsize                  *shape) G_GNUC_WARN_UNUSED_RESULT;
GraftTensor  *graft_tensor_new_take       (GraftDType                    dtype,
                                           guint                         rank,
                                           const gsize                  *shape,
                                           gpointer                      data) G_GNUC_WARN_UNUSED_RESULT;
GraftTensor  *graft_tensor_new_lazy       (GraftDType                    dtype,
                                           guint                         rank,
                                           const gsize                  *shape,
                                           const GraftTensorSourceFuncs *funcs,
                                           gpointer                      source) G_GNUC_WARN_UNUSED_RESULT;
GraftTensor  *graft_tensor_ref            (GraftTensor                  *self);
void          graft_tensor_unref          (GraftTensor                  *self);

GraftDType    graft_tensor_get_dtype      (const GraftTensor            *self);
guint         graft_tensor_get_rank       (const GraftTensor            *self);
const gsize  *graft_tensor_get_shape      (const GraftTensor            *self);
gsize         graft_tensor_get_dim        (const GraftTensor            *self,
                                           guint                         axis);
gsize         graft_tensor_get_n_elements (const GraftTensor            *self);
gsize         graft_tensor_get_n_bytes    (const GraftTensor            *self);
gboolean      graft_tensor_is_lazy        (const GraftTensor            *self);
gboolean      graft_tensor_same_shape     (const GraftTensor            *a,
                                           const GraftTensor            *b);
char         *graft_tensor_format_shape   (const GraftTensor            *self);
char         *graft_shape_format          (guint                         rank,
                                           const gsize                  *shape);

void         *graft_tensor_get_data_mutable (GraftTensor                *self);
const void   *graft_tensor_get_data       (GraftTensor                  *self,
                                           GError                      **error);
const void   *graft_tensor_get_data_in_place (GraftTensor               *self);
gboolean      graft_tensor_read_block     (GraftTensor                  *self,
                                           const gsize                  *start,
                                           const gsize                  *count,
                                           void                         *dest,
                                           GError                      **error);
gboolean      graft_tensor_read_block_float (GraftTensor                *self,
                                           const gsize                  *start,
                                           const gsize                  *count,
                                           float                        *dest,
                                           GError                      **error);
float        *graft_tensor_dup_float      (GraftTensor                  *self,
                                           GError                      **error) G_GNUC_WARN_UNUSED_RESULT;

void          graft_tensor_put_derived    (GraftTensor                  *self,
                                           GQuark                        key,
                                           gconstpointer                 blob,
                                           gsize                         size);
gboolean      graft_tensor_get_derived    (GraftTensor                  *self,
                                           GQuark                        key,
                                           gpointer                      dest,
                                           gsize                         size);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GraftTensor, graft_tensor_unref)

G_END_DECLS
