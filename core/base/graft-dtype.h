/* graft-dtype.h: element types of tensors and their conversions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "graft-types.h"

G_BEGIN_DECLS

gsize        graft_dtype_get_size      (GraftDType    dtype);
const char  *graft_dtype_get_name      (GraftDType    dtype);
const char  *graft_dtype_get_npy_descr (GraftDType    dtype);
gboolean     graft_dtype_from_name     (const char   *name,
                                        GraftDType   *dtype);
gboolean     graft_dtype_is_float      (GraftDType    dtype);

float        graft_half_to_float       (guint16       h);
guint16      graft_float_to_half       (float         f);
float        graft_bfloat16_to_float   (guint16       b);
float        graft_float8_e4m3_to_float (guint8       b);
guint8       graft_float_to_float8_e4m3 (float        f);
float        graft_float8_e5m2_to_float (guint8       b);
guint16      graft_float_to_bfloat16   (float         f);

void         graft_dtype_to_float      (GraftDType    dtype,
                                        const void   *src,
                                        float        *dst,
                                        gsize         n);
void         graft_dtype_to_double     (GraftDType    dtype,
                                        const void   *src,
                                        double       *dst,
                                        gsize         n);
void         graft_dtype_from_double   (GraftDType    dtype,
                                        const double *src,
                                        void         *dst,
                                        gsize         n);

G_END_DECLS
