/* graft-transfer-report.c: a plan as a table and as JSON (a dry run)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-transfer-report"

#include "config.h"

#include "graft-transfer-private.h"

#include <string.h>

#include "graft-dtype.h"
#include "graft-json.h"
#include "graft-model.h"
#include "graft-tensor.h"

/**
 * graft_transfer_plan_to_table:
 *
 * Returns: (transfer full): the plan as aligned text, one pair a line,
 *   then a summary
 */
char *
graft_transfer_plan_to_table (const GraftTransferPlan *self)
{
  GString *out = g_string_new (NULL);
  gsize wsrc = strlen ("SOURCE"), wdst = strlen ("TARGET");

  for (guint i = 0; i < self->pairs->len; i++)
    {
      const GraftTransferPair *pair = &g_array_index (self->pairs, GraftTransferPair, i);

      if (pair->source)
        wsrc = MAX (wsrc, strlen (graft_weight_get_path (pair->source)));
      if (pair->target)
        wdst = MAX (wdst, strlen (graft_weight_get_path (pair->target)));
    }
  wsrc = MIN (wsrc, 60);
  wdst = MIN (wdst, 60);

  g_string_append_printf (out, "%-17s  %-*s  %-*s  %-15s  %-15s  %s\n", "STATUS", (int) wsrc,
                          "SOURCE", (int) wdst, "TARGET", "SOURCE SHAPE", "TARGET SHAPE", "WHY");
  for (guint i = 0; i < self->pairs->len; i++)
    {
      const GraftTransferPair *pair = &g_array_index (self->pairs, GraftTransferPair, i);
      g_autofree char *ss = graft_transfer_weight_shape (pair->source);
      g_autofree char *ts = graft_transfer_weight_shape (pair->target);

      g_string_append_printf (out, "%-17s  %-*s  %-*s  %-15s  %-15s  %s\n",
                              graft_transfer_status_get_name (pair->status), (int) wsrc,
                              pair->source ? graft_weight_get_path (pair->source) : "-", (int) wdst,
                              pair->target ? graft_weight_get_path (pair->target) : "-", ss, ts,
                              pair->reason ? pair->reason : "");
    }
  g_string_append_printf (out, "\n%u weights copied (%u as is, %u converted, %u partial); "
                          "%u shape mismatches refused; %u skipped; %u target weights keep their "
                          "values; %u source weights unused\n",
                          graft_transfer_plan_get_n_copies (self),
                          graft_transfer_plan_count (self, GRAFT_TRANSFER_OK),
                          graft_transfer_plan_count (self, GRAFT_TRANSFER_CONVERTED),
                          graft_transfer_plan_get_n_copies (self) -
                          graft_transfer_plan_count (self, GRAFT_TRANSFER_OK) -
                          graft_transfer_plan_count (self, GRAFT_TRANSFER_CONVERTED),
                          graft_transfer_plan_count (self, GRAFT_TRANSFER_SHAPE_MISMATCH) -
                          (graft_transfer_plan_get_n_copies (self) -
                           graft_transfer_plan_count (self, GRAFT_TRANSFER_OK) -
                           graft_transfer_plan_count (self, GRAFT_TRANSFER_CONVERTED)),
                          graft_transfer_plan_count (self, GRAFT_TRANSFER_SKIPPED),
                          graft_transfer_plan_count (self, GRAFT_TRANSFER_MISSING_IN_SOURCE) +
                          graft_transfer_plan_count (self, GRAFT_TRANSFER_SKIPPED),
                          graft_transfer_plan_count (self, GRAFT_TRANSFER_MISSING_IN_TARGET));
  return g_string_free (out, FALSE);
}

static void
graft_transfer_report_weight (JsonBuilder *builder,
                              const char  *key,
                              GraftWeight *w)
{
  GraftTensor *t;

  json_builder_set_member_name (builder, key);
  if (w == NULL)
    {
      json_builder_add_null_value (builder);
      return;
    }
  t = graft_weight_get_tensor (w);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "path");
  json_builder_add_string_value (builder, graft_weight_get_path (w));
  json_builder_set_member_name (builder, "location");
  json_builder_add_string_value (builder, graft_weight_get_location (w));
  json_builder_set_member_name (builder, "shape");
  graft_json_add_shape (builder, graft_tensor_get_rank (t), graft_tensor_get_shape (t));
  json_builder_set_member_name (builder, "dtype");
  json_builder_add_string_value (builder, graft_dtype_get_name (graft_tensor_get_dtype (t)));
  json_builder_end_object (builder);
}

/**
 * graft_transfer_plan_to_json:
 *
 * Returns: (transfer full): `{"source", "target", "pairs": [{"status",
 *   "source": {path, location, shape, dtype} | null, "target": …,
 *   "partial", "reason"}], "counts": {status: n}, "copies": n}`
 */
JsonNode *
graft_transfer_plan_to_json (const GraftTransferPlan *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "source");
  json_builder_add_string_value (builder, graft_model_get_filename (self->source));
  json_builder_set_member_name (builder, "target");
  json_builder_add_string_value (builder, graft_model_get_filename (self->target));
  json_builder_set_member_name (builder, "pairs");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->pairs->len; i++)
    {
      const GraftTransferPair *pair = &g_array_index (self->pairs, GraftTransferPair, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "status");
      json_builder_add_string_value (builder, graft_transfer_status_get_name (pair->status));
      graft_transfer_report_weight (builder, "source", pair->source);
      graft_transfer_report_weight (builder, "target", pair->target);
      json_builder_set_member_name (builder, "partial");
      json_builder_add_boolean_value (builder, pair->partial);
      json_builder_set_member_name (builder, "reason");
      json_builder_add_string_value (builder, pair->reason);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "counts");
  json_builder_begin_object (builder);
  for (guint s = 0; s < GRAFT_N_TRANSFER_STATUSES; s++)
    {
      json_builder_set_member_name (builder, graft_transfer_status_get_name (s));
      json_builder_add_int_value (builder, graft_transfer_plan_count (self, s));
    }
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "copies");
  json_builder_add_int_value (builder, graft_transfer_plan_get_n_copies (self));
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}
