/* test-torch-transfer.c: PyTorch weights into Keras models
 *
 * For every model of tests/data/torch and each of its PyTorch files, a
 * plan made with no options (by structure, the default across frameworks)
 * must be the mapping of M.json: the same PyTorch tensor for every Keras
 * weight, through the same conversion. Applied and run, the Keras model
 * must give PyTorch's outputs within 1e-4 × max(1, |y|). Each conversion
 * run backwards must give the PyTorch tensor back.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "graft.h"
#include "test-util.h"

static const char *const models[] = {
  "mlp", "cnn_bn", "conv1d_text", "lstm_classifier", "gru_seq", "separable", "conv_transpose",
  "transformer_block", "tied_embedding", "half_fp16", "half_bf16", "view",
};

/* M.json's names for conversions Graft calls by a more general name. */
static const char *
canonical (const char *transform)
{
  if (g_str_equal (transform, "lstm_kernel") || g_str_equal (transform, "lstm_recurrent"))
    return "transpose";
  if (g_str_equal (transform, "gru_recurrent"))
    return "gru_kernel";
  if (g_str_equal (transform, "conv1d_oiw_to_wio"))
    return "conv_oiw_to_wio";
  return transform;
}

static char *
torch_file (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", "torch", name, NULL);
}

static GraftModel *
load (const char *name)
{
  g_autofree char *path = torch_file (name);
  g_autoptr(GError) error = NULL;
  GraftModel *model = graft_keras_load (path, &error);

  g_assert_no_error (error);
  return model;
}

static JsonObject *
load_json (const char *model,
           JsonNode  **root)
{
  g_autofree char *name = g_strdup_printf ("%s.json", model);
  g_autofree char *path = torch_file (name);
  g_autofree char *text = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (path, &text, &len, NULL));
  *root = json_from_string (text, NULL);
  g_assert_nonnull (*root);
  return json_node_get_object (*root);
}

/* The plan pairs exactly what M.json maps, through the same conversions. */
static void
assert_plan_is_mapping (GraftTransferPlan *plan,
                        GraftModel        *target,
                        JsonObject        *spec)
{
  JsonArray *mapping = json_object_get_array_member (spec, "mapping");
  guint n_copied = 0;

  for (guint i = 0; i < graft_transfer_plan_get_n_pairs (plan); i++)
    {
      GraftWeight *s = graft_transfer_plan_get_source (plan, i);
      GraftWeight *t = graft_transfer_plan_get_target (plan, i);
      const char *conversion = graft_transfer_plan_get_conversion (plan, i);
      gboolean found = FALSE;

      if (t == NULL)
        continue;
      g_assert_nonnull (s);
      g_assert_cmpint (graft_transfer_plan_get_status (plan, i), !=, GRAFT_TRANSFER_SHAPE_MISMATCH);
      for (guint k = 0; k < json_array_get_length (mapping); k++)
        {
          JsonObject *m = json_array_get_object_element (mapping, k);

          if (!g_str_equal (json_object_get_string_member (m, "keras"), graft_weight_get_path (t)))
            continue;
          found = TRUE;
          g_assert_cmpstr (json_object_get_string_member (m, "torch"), ==,
                           graft_weight_get_location (s));
          g_assert_cmpstr (canonical (json_object_get_string_member (m, "transform")), ==,
                           conversion ? conversion : "copy");
        }
      g_assert_true (found);
      n_copied++;
    }
  g_assert_cmpuint (n_copied, ==, json_array_get_length (mapping));
  g_assert_cmpuint (graft_model_get_n_weights (target), ==, json_array_get_length (mapping));
}

static void
assert_predicts (GraftModel *model,
                 const char *name)
{
  g_autofree char *xname = g_strdup_printf ("%s.input.npy", name);
  g_autofree char *yname = g_strdup_printf ("%s.output.npy", name);
  g_autofree char *xpath = torch_file (xname);
  g_autofree char *ypath = torch_file (yname);

  test_util_assert_predicts (model, xpath, ypath, 1e-4);
}

/* Each conversion run backwards gives the PyTorch tensor back. */
static void
assert_scatter_inverts (GraftTransferPlan *plan,
                        GraftModel        *source)
{
  for (guint i = 0; i < graft_transfer_plan_get_n_pairs (plan); i++)
    {
      const char *name = graft_transfer_plan_get_conversion (plan, i);
      const GraftLayout *layout = name ? graft_layout_find (name) : NULL;
      GraftWeight *s = graft_transfer_plan_get_source (plan, i);
      GraftWeight *t = graft_transfer_plan_get_target (plan, i);
      GraftTensor *st;
      g_autofree float *back = NULL;
      g_autofree float *orig = NULL;
      g_autoptr(GError) error = NULL;
      GraftLayoutParams params = { 0 };

      if (layout == NULL || t == NULL || graft_layout_get_n_sources (layout) != 1 ||
          g_str_has_prefix (name, "mha_in") || name[0] == 'd')
        continue;
      st = graft_weight_get_tensor (s);
      back = g_new0 (float, graft_tensor_get_n_elements (st));
      orig = graft_tensor_dup_float (st, NULL);
      if (g_str_equal (name, "flatten_chw_to_hwc"))
        continue;
      if (g_str_equal (name, "mha_out"))
        {
          params.heads = graft_tensor_get_dim (graft_weight_get_tensor (t), 0);
          params.head_dim = graft_tensor_get_dim (graft_weight_get_tensor (t), 1);
        }
      g_assert_true (graft_layout_scatter (layout, &params, graft_weight_get_tensor (t),
                                           graft_tensor_get_rank (st), graft_tensor_get_shape (st),
                                           back, NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpmem (back, graft_tensor_get_n_elements (st) * sizeof (float),
                       orig, graft_tensor_get_n_elements (st) * sizeof (float));
    }
  (void) source;
}

static void
test_torch_transfer (void)
{
  static const char *const suffixes[] = { ".pt", ".safetensors", ".legacy.pt" };

  for (guint i = 0; i < G_N_ELEMENTS (models); i++)
    for (guint f = 0; f < G_N_ELEMENTS (suffixes); f++)
      {
        g_autofree char *sname = g_strconcat (models[i], suffixes[f], NULL);
        g_autofree char *spath = torch_file (sname);
        g_autofree char *tname = g_strconcat (models[i], ".keras", NULL);
        g_autoptr(JsonNode) root = NULL;
        JsonObject *spec;
        g_autoptr(GraftModel) source = NULL;
        g_autoptr(GraftModel) target = NULL;
        g_autoptr(GraftTransferPlan) plan = NULL;
        g_autoptr(GraftEdit) edit = NULL;
        g_autoptr(GError) error = NULL;

        if (!g_file_test (spath, G_FILE_TEST_EXISTS))
          continue;
        spec = load_json (models[i], &root);
        source = load (sname);
        target = load (tname);
        g_assert_cmpint (graft_transfer_strategy_default (source, target), ==,
                         GRAFT_TRANSFER_BY_STRUCTURE);
        plan = graft_transfer_plan_new (source, target);
        g_assert_true (graft_transfer_plan_match (plan, GRAFT_TRANSFER_BY_STRUCTURE, &error));
        g_assert_no_error (error);
        graft_transfer_plan_finish (plan);
        assert_plan_is_mapping (plan, target, spec);
        edit = graft_edit_new (target);
        g_assert_true (graft_transfer_plan_apply (plan, edit, &error));
        g_assert_no_error (error);
        assert_predicts (target, models[i]);
        if (f == 0)
          {
            g_autofree char *dir = g_dir_make_tmp ("graft-torch-XXXXXX", NULL);
            g_autofree char *back = g_build_filename (dir, "back.safetensors", NULL);
            g_autofree char *st = g_strconcat (models[i], ".safetensors", NULL);
            g_autoptr(GraftModel) original = load (st);
            g_autoptr(GraftModel) written = NULL;
            g_autoptr(GraftDiff) diff = NULL;
            guint converted = 0, kept = 0;

            assert_scatter_inverts (plan, source);
            /* The way back: PyTorch's names and layouts, tensor for tensor. */
            g_assert_true (graft_torch_export (target, source, back, FALSE, &converted, &kept, &error));
            g_assert_no_error (error);
            g_assert_cmpuint (converted + kept, ==, graft_model_get_n_weights (source));
            g_assert_cmpuint (kept, ==, g_str_equal (models[i], "cnn_bn") ? 1 : 0);
            written = graft_keras_load (back, &error);
            g_assert_no_error (error);
            diff = graft_diff_new (written, original, NULL, &error);
            g_assert_no_error (error);
            g_assert_true (graft_diff_is_identical (diff));
            g_assert_cmpuint (graft_diff_get_n_pairs (diff), ==, graft_model_get_n_weights (original));
            g_remove (back);
            g_rmdir (dir);
          }
      }
}

/* A PyTorch (O, I, kh, kw) kernel shown as a filter grid is the picture
 * of the Keras (kh, kw, I, O) kernel it converts to, pixel for pixel. */
static void
test_torch_filter_grid (void)
{
  g_autoptr(GraftModel) source = load ("cnn_bn.pt");
  g_autoptr(GraftModel) target = load ("cnn_bn.keras");
  g_autoptr(GraftTransferPlan) plan = graft_transfer_plan_new (source, target);
  g_autoptr(GraftEdit) edit = graft_edit_new (target);
  g_autoptr(GError) error = NULL;
  GraftHeatmap *hs, *ht;
  GraftHeatmapFrame *fs, *ft;
  GraftHeatmapStyle style;

  g_assert_true (graft_transfer_plan_match (plan, GRAFT_TRANSFER_BY_STRUCTURE, &error));
  g_assert_true (graft_transfer_plan_apply (plan, edit, &error));
  g_assert_no_error (error);

  graft_heatmap_style_init (&style);
  hs = graft_heatmap_new (graft_weight_get_tensor (graft_model_find_weight (source, "features.4.weight")));
  ht = graft_heatmap_new (graft_weight_get_tensor (graft_model_find_weight (target, "conv2/kernel")));
  graft_heatmap_set_channels_first (hs, TRUE);
  g_assert_true (graft_heatmap_can_grid (hs));
  fs = graft_heatmap_render_grid (hs, NULL, 400, 400, &style, NULL, &error);
  g_assert_no_error (error);
  ft = graft_heatmap_render_grid (ht, NULL, 400, 400, &style, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (graft_heatmap_frame_get_width (fs), ==, graft_heatmap_frame_get_width (ft));
  g_assert_cmpuint (graft_heatmap_frame_get_height (fs), ==, graft_heatmap_frame_get_height (ft));
  g_assert_cmpint (graft_heatmap_frame_get_layout (fs), ==, GRAFT_HEATMAP_GRID);
  g_assert_cmpmem (graft_heatmap_frame_get_rgba (fs),
                   4 * graft_heatmap_frame_get_width (fs) * graft_heatmap_frame_get_height (fs),
                   graft_heatmap_frame_get_rgba (ft),
                   4 * graft_heatmap_frame_get_width (ft) * graft_heatmap_frame_get_height (ft));
  graft_heatmap_frame_free (fs);
  graft_heatmap_frame_free (ft);
  graft_heatmap_free (hs);
  graft_heatmap_free (ht);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  graft_init ();
  g_test_add_func ("/torch-transfer/corpus", test_torch_transfer);
  g_test_add_func ("/torch-transfer/filter-grid", test_torch_filter_grid);
  return g_test_run ();
}
