/* graft-value-table.h: the exact values of a 2-D slice as a table that draws only the visible cells
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "graft.h"

G_BEGIN_DECLS

#define GRAFT_TYPE_VALUE_TABLE (graft_value_table_get_type ())

G_DECLARE_FINAL_TYPE (GraftValueTable, graft_value_table, GRAFT, VALUE_TABLE, GtkWidget)

GtkWidget *graft_value_table_new           (void);
void       graft_value_table_set_slice     (GraftValueTable *self,
                                            GraftTensor     *tensor,
                                            guint            row_axis,
                                            guint            col_axis,
                                            const gsize     *index);
gsize      graft_value_table_get_n_rows    (GraftValueTable *self);
gsize      graft_value_table_get_n_cols    (GraftValueTable *self);
char      *graft_value_table_get_cell_text (GraftValueTable *self,
                                            gsize            row,
                                            gsize            col) G_GNUC_WARN_UNUSED_RESULT;
guint      graft_value_table_get_n_drawn   (GraftValueTable *self);

G_END_DECLS
