/* graft-summary-view.c: a checkpoint's figures, or one layer's config
 *
 * The Info page: for the file, what `graft-cli inspect` prints (format,
 * Keras version, model class, parameters, optimizer state, sizes); for a
 * layer, its class, every setting of its Keras config and its weights. The
 * values are selectable labels, so that they can be copied.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-summary-view"

#include "config.h"

#include "graft-summary-view.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "graft-numbers.h"

/* Settings of a class object shown after its name ("RandomNormal (mean:
 * 0, stddev: 0.05)"); more read as noise. */
#define GRAFT_SUMMARY_VIEW_MAX_INNER 3
/* Values up to this many characters stay on one line. */
#define GRAFT_SUMMARY_VIEW_SHORT 16

struct _GraftSummaryView
{
  GtkWidget   parent_instance;

  /* Owned */
  GtkWidget  *scroller;  /* the only child */
  GraftModel *model;
  char       *file_path;
  GHashTable *values;    /* key → GtkLabel (borrowed from the rows) */

  /* Borrowed */
  GtkWidget  *content;   /* the box of groups, inside the scroller */
  GraftLayer *layer;     /* from the model; NULL: the file's page */
};

G_DEFINE_FINAL_TYPE (GraftSummaryView, graft_summary_view, GTK_TYPE_WIDGET)

/* ---- values ------------------------------------------------------------ */

static char *
graft_summary_view_format_scalar (JsonNode *node)
{
  GType type;

  if (JSON_NODE_HOLDS_NULL (node))
    return g_strdup ("None");
  type = json_node_get_value_type (node);
  if (type == G_TYPE_BOOLEAN)
    return g_strdup (json_node_get_boolean (node) ? _("Yes") : _("No"));
  if (type == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  if (type == G_TYPE_DOUBLE)
    return g_strdup_printf ("%g", json_node_get_double (node));
  if (type == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));
  return NULL;
}

/* "RandomNormal (mean: 0, stddev: 0.05)": a Keras object by its class and
 * its few set scalar settings. */
static char *
graft_summary_view_format_object (JsonObject *object)
{
  JsonNode *class_node = json_object_get_member (object, "class_name");
  JsonNode *config_node = json_object_get_member (object, "config");
  GString *out;
  guint n = 0;

  if (class_node == NULL || !JSON_NODE_HOLDS_VALUE (class_node) ||
      json_node_get_value_type (class_node) != G_TYPE_STRING)
    return NULL;
  /* A dtype policy reads best as the dtype it names: "float32",
   * "mixed_float16". */
  if (g_str_has_suffix (json_node_get_string (class_node), "DTypePolicy") &&
      config_node != NULL && JSON_NODE_HOLDS_OBJECT (config_node) &&
      json_object_has_member (json_node_get_object (config_node), "name"))
    {
      JsonNode *name = json_object_get_member (json_node_get_object (config_node), "name");

      if (JSON_NODE_HOLDS_VALUE (name) && json_node_get_value_type (name) == G_TYPE_STRING)
        return g_strdup (json_node_get_string (name));
    }
  out = g_string_new (json_node_get_string (class_node));
  if (config_node != NULL && JSON_NODE_HOLDS_OBJECT (config_node))
    {
      JsonObject *config = json_node_get_object (config_node);
      g_autoptr(GList) members = json_object_get_members (config);

      for (GList *l = members; l != NULL; l = l->next)
        {
          JsonNode *member = json_object_get_member (config, l->data);
          g_autofree char *value = NULL;

          if (!JSON_NODE_HOLDS_VALUE (member))
            continue;
          value = graft_summary_view_format_scalar (member);
          if (value == NULL)
            continue;
          if (n == GRAFT_SUMMARY_VIEW_MAX_INNER)
            {
              g_string_append (out, ", …");
              break;
            }
          g_string_append_printf (out, "%s%s: %s", n == 0 ? " (" : ", ", (char *) l->data, value);
          n++;
        }
    }
  if (n > 0)
    g_string_append_c (out, ')');
  return g_string_free (out, FALSE);
}

/**
 * graft_summary_view_format_config_value:
 * @node: a member of a layer's Keras config
 *
 * Returns: (transfer full) (nullable): the value as the Info page shows it:
 *   scalars as they are ("relu", "Yes", "None"), a list of scalars as a
 *   tuple ("(3, 3)"), a Keras object by its class; %NULL for anything
 *   else, which the page leaves out
 */
char *
graft_summary_view_format_config_value (JsonNode *node)
{
  g_return_val_if_fail (node != NULL, NULL);

  if (JSON_NODE_HOLDS_VALUE (node) || JSON_NODE_HOLDS_NULL (node))
    return graft_summary_view_format_scalar (node);
  if (JSON_NODE_HOLDS_OBJECT (node))
    return graft_summary_view_format_object (json_node_get_object (node));
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      GString *out = g_string_new ("(");

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          g_autofree char *value = NULL;

          if (!JSON_NODE_HOLDS_VALUE (element) && !JSON_NODE_HOLDS_NULL (element))
            {
              g_string_free (out, TRUE);
              return NULL;
            }
          value = graft_summary_view_format_scalar (element);
          g_string_append_printf (out, "%s%s", i > 0 ? ", " : "", value ? value : "?");
        }
      g_string_append (out, json_array_get_length (array) == 1 ? ",)" : ")");
      return g_string_free (out, FALSE);
    }
  return NULL;
}

/* "kernel_size" → "Kernel size" */
static char *
graft_summary_view_format_key (const char *key)
{
  char *title = g_strdup (key);

  g_strdelimit (title, "_", ' ');
  if (g_ascii_islower (title[0]))
    title[0] = g_ascii_toupper (title[0]);
  return title;
}

/* ---- rows -------------------------------------------------------------- */

static GtkWidget *
graft_summary_view_add_group (GraftSummaryView *self,
                              const char       *title)
{
  GtkWidget *group = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  gtk_box_append (GTK_BOX (self->content), group);
  return group;
}

/* One row: @title, @value on the right, copyable; @key finds it again. */
static GtkWidget *
graft_summary_view_add_row (GraftSummaryView *self,
                            GtkWidget        *group,
                            const char       *key,
                            const char       *title,
                            const char       *subtitle,
                            const char       *value)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *label = gtk_label_new (value ? value : "—");

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_RIGHT);
  /* Short values on one line; long ones (folders, initializers) wrap, but
   * not to a column of single letters. */
  if (value != NULL && g_utf8_strlen (value, -1) > GRAFT_SUMMARY_VIEW_SHORT)
    {
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
      gtk_label_set_width_chars (GTK_LABEL (label), GRAFT_SUMMARY_VIEW_SHORT);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 2 * GRAFT_SUMMARY_VIEW_SHORT);
    }
  gtk_widget_add_css_class (label, "numeric");
  gtk_widget_add_css_class (label, "graft-summary-value");
  /* A selectable label would take the focus before the row's neighbours. */
  gtk_widget_set_can_focus (label, FALSE);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  if (key != NULL)
    g_hash_table_replace (self->values, g_strdup (key), label);
  return row;
}

static void
graft_summary_view_add_count (GraftSummaryView *self,
                              GtkWidget        *group,
                              const char       *key,
                              const char       *title,
                              guint64           n)
{
  g_autofree char *text = graft_numbers_count (n);

  graft_summary_view_add_row (self, group, key, title, NULL, text);
}

/* ---- the file ---------------------------------------------------------- */

static guint
graft_summary_view_count_layers (GraftLayer *layer)
{
  guint n = 0;

  for (guint i = 0; i < graft_layer_get_n_children (layer); i++)
    n += 1 + graft_summary_view_count_layers (graft_layer_get_child (layer, i));
  return n;
}

static void
graft_summary_view_show_file (GraftSummaryView *self)
{
  GraftModel *model = self->model;
  GraftFormat format = graft_model_get_format (model);
  const char *path = self->file_path ? self->file_path : graft_model_get_filename (model);
  const char *model_class = graft_layer_get_class_name (graft_model_get_root (model));
  guint64 trainable = 0, frozen = 0, total = graft_model_get_n_params (model);
  guint64 extra_values = 0, extra_bytes = 0;
  GtkWidget *group;
  GStatBuf st;

  group = graft_summary_view_add_group (self, _("File"));
  if (path != NULL)
    {
      g_autofree char *full = g_canonicalize_filename (path, NULL);
      g_autofree char *base = g_path_get_basename (full);
      g_autofree char *dir = g_path_get_dirname (full);

      graft_summary_view_add_row (self, group, "file", _("Name"), NULL, base);
      graft_summary_view_add_row (self, group, "folder", _("Folder"), NULL, dir);
    }
  graft_summary_view_add_row (self, group, "format", _("Format"), NULL,
                              graft_format_get_label (format));
  if (graft_format_get_framework (format) == GRAFT_FRAMEWORK_KERAS)
    {
      graft_summary_view_add_row (self, group, "keras-version", _("Keras version"), NULL,
                                  graft_model_get_keras_version (model));
      graft_summary_view_add_row (self, group, "backend", _("Backend"), NULL,
                                  graft_model_get_backend (model));
    }
  if (model_class != NULL)
    graft_summary_view_add_row (self, group, "model-class", _("Model class"), NULL, model_class);
  for (guint i = 0; i < graft_model_get_n_metadata (model); i++)
    {
      const char *value;
      const char *key = graft_model_get_metadata (model, i, &value);
      g_autofree char *id = g_strconcat ("metadata:", key, NULL);

      graft_summary_view_add_row (self, group, id, key, NULL, value);
    }
  if (path != NULL && g_stat (path, &st) == 0)
    {
      g_autofree char *size = g_format_size_full (st.st_size, G_FORMAT_SIZE_LONG_FORMAT);

      graft_summary_view_add_row (self, group, "file-size", _("File size"), NULL, size);
    }

  /* Trainable or not as the file says; a tied weight is counted once, under
   * the weight it is tied to. */
  for (guint i = 0; i < graft_model_get_n_weights (model); i++)
    {
      GraftWeight *w = graft_model_get_weight (model, i);
      guint64 n = graft_tensor_get_n_elements (graft_weight_get_tensor (w));

      if (graft_weight_get_tied_to (w) != NULL)
        continue;
      if (graft_weight_get_trainable (w) == GRAFT_TRAINABLE_YES)
        trainable += n;
      else if (graft_weight_get_trainable (w) == GRAFT_TRAINABLE_NO)
        frozen += n;
    }
  group = graft_summary_view_add_group (self, _("Parameters"));
  graft_summary_view_add_count (self, group, "total-params", _("Total"), total);
  if (trainable + frozen == total)
    {
      graft_summary_view_add_count (self, group, "trainable-params", _("Trainable"), trainable);
      graft_summary_view_add_count (self, group, "non-trainable-params", _("Non-trainable"),
                                    frozen);
    }
  else
    {
      /* Weights-only files do not say which weights train. */
      graft_summary_view_add_row (self, group, "trainable-params", _("Trainable"),
                                  _("Not recorded in this file"), NULL);
      graft_summary_view_add_row (self, group, "non-trainable-params", _("Non-trainable"),
                                  _("Not recorded in this file"), NULL);
    }
  graft_summary_view_add_count (self, group, "weights", _("Weight tensors"),
                                graft_model_get_n_weights (model));
  graft_summary_view_add_count (self, group, "layers", _("Layers"),
                                graft_summary_view_count_layers (graft_model_get_root (model)));

  for (guint i = 0; i < graft_model_get_n_extra_weights (model); i++)
    {
      GraftTensor *t = graft_weight_get_tensor (graft_model_get_extra_weight (model, i));

      extra_values += graft_tensor_get_n_elements (t);
      extra_bytes += graft_tensor_get_n_bytes (t);
    }
  group = graft_summary_view_add_group (self, _("Optimizer state"));
  if (graft_model_get_n_extra_weights (model) > 0)
    {
      g_autofree char *values = graft_numbers_count (extra_values);
      g_autofree char *bytes = g_format_size (extra_bytes);
      g_autofree char *text = g_strdup_printf (_("%s values, %s"), values, bytes);
      guint n = graft_model_get_n_extra_weights (model);
      g_autofree char *tensors = g_strdup_printf (g_dngettext (NULL, "%u tensor", "%u tensors", n),
                                                  n);

      graft_summary_view_add_row (self, group, "optimizer-state", _("Size"), tensors, text);
    }
  else
    graft_summary_view_add_row (self, group, "optimizer-state", _("Size"),
                                _("Saved without optimizer state"), _("None"));
}

/* ---- a layer ----------------------------------------------------------- */

static void
graft_summary_view_show_layer (GraftSummaryView *self)
{
  GraftLayer *layer = self->layer;
  JsonObject *config = graft_layer_get_config (layer);
  GtkWidget *group;

  group = graft_summary_view_add_group (self, graft_layer_get_name (layer));
  graft_summary_view_add_row (self, group, "path", _("Path"), NULL, graft_layer_get_path (layer));
  graft_summary_view_add_row (self, group, "class", _("Class"), NULL,
                              graft_layer_get_class_name (layer));
  graft_summary_view_add_count (self, group, "params", _("Parameters"),
                                graft_layer_count_params (layer));

  if (config != NULL)
    {
      g_autoptr(GList) members = json_object_get_members (config);
      guint n = 0;

      group = graft_summary_view_add_group (self, _("Configuration"));
      for (GList *l = members; l != NULL; l = l->next)
        {
          const char *key = l->data;
          g_autofree char *value = NULL;
          g_autofree char *title = NULL;
          g_autofree char *id = NULL;

          /* The name heads the page already. */
          if (g_str_equal (key, "name"))
            continue;
          value = graft_summary_view_format_config_value (json_object_get_member (config, key));
          if (value == NULL)
            continue;
          title = graft_summary_view_format_key (key);
          id = g_strconcat ("config:", key, NULL);
          gtk_widget_set_tooltip_text (graft_summary_view_add_row (self, group, id, title, NULL,
                                                                   value),
                                       key);
          n++;
        }
      if (n == 0)
        gtk_widget_set_visible (group, FALSE);
    }

  if (graft_layer_get_n_weights (layer) > 0)
    {
      group = graft_summary_view_add_group (self, _("Weights"));
      for (guint i = 0; i < graft_layer_get_n_weights (layer); i++)
        {
          GraftWeight *w = graft_layer_get_weight (layer, i);
          GraftTensor *t = graft_weight_get_tensor (w);
          g_autofree char *shape = graft_tensor_format_shape (t);
          g_autofree char *count = graft_numbers_count (graft_tensor_get_n_elements (t));
          g_autofree char *value = g_strdup_printf ("%s · %s", shape, count);
          g_autofree char *id = g_strconcat ("weight:", graft_weight_get_name (w), NULL);
          g_autofree char *subtitle =
            g_strdup_printf ("%s%s", graft_dtype_get_name (graft_tensor_get_dtype (t)),
                             graft_weight_get_trainable (w) == GRAFT_TRAINABLE_NO
                             ? _(", not trainable") : "");

          graft_summary_view_add_row (self, group, id, graft_weight_get_name (w), subtitle,
                                      value);
        }
    }
}

static void
graft_summary_view_rebuild (GraftSummaryView *self)
{
  GtkWidget *child;

  g_hash_table_remove_all (self->values);
  while ((child = gtk_widget_get_first_child (self->content)) != NULL)
    gtk_box_remove (GTK_BOX (self->content), child);
  if (self->model == NULL)
    return;
  if (self->layer != NULL)
    graft_summary_view_show_layer (self);
  else
    graft_summary_view_show_file (self);
}

/* ---- the widget -------------------------------------------------------- */

static void
graft_summary_view_dispose (GObject *object)
{
  GraftSummaryView *self = (GraftSummaryView *) object;

  g_clear_pointer (&self->scroller, gtk_widget_unparent);
  self->content = NULL;
  self->layer = NULL;
  g_clear_pointer (&self->model, graft_model_unref);
  g_clear_pointer (&self->file_path, g_free);
  g_clear_pointer (&self->values, g_hash_table_unref);

  G_OBJECT_CLASS (graft_summary_view_parent_class)->dispose (object);
}

static void
graft_summary_view_class_init (GraftSummaryViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = graft_summary_view_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "graftsummary");
}

static void
graft_summary_view_init (GraftSummaryView *self)
{
  self->values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->scroller), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_widget_set_vexpand (self->scroller, TRUE);
  self->content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
  gtk_widget_add_css_class (self->content, "graft-summary");
  gtk_widget_set_margin_start (self->content, 12);
  gtk_widget_set_margin_end (self->content, 12);
  gtk_widget_set_margin_top (self->content, 12);
  gtk_widget_set_margin_bottom (self->content, 12);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scroller), self->content);
  gtk_widget_set_parent (self->scroller, GTK_WIDGET (self));
}

GtkWidget *
graft_summary_view_new (void)
{
  return g_object_new (GRAFT_TYPE_SUMMARY_VIEW, NULL);
}

/**
 * graft_summary_view_set_model:
 * @model: (nullable): the checkpoint to describe
 * @file_path: (nullable): its file, for the size; the model's own
 *   filename when %NULL
 *
 * Shows the summary of the file.
 */
void
graft_summary_view_set_model (GraftSummaryView *self,
                              GraftModel       *model,
                              const char       *file_path)
{
  g_return_if_fail (GRAFT_IS_SUMMARY_VIEW (self));

  if (model != NULL)
    graft_model_ref (model);
  g_clear_pointer (&self->model, graft_model_unref);
  self->model = model;
  g_free (self->file_path);
  self->file_path = g_strdup (file_path);
  self->layer = NULL;
  graft_summary_view_rebuild (self);
}

/**
 * graft_summary_view_set_layer:
 * @layer: (nullable): a layer of the model, or %NULL for the file summary
 *
 * Shows the layer's class, config and weights.
 */
void
graft_summary_view_set_layer (GraftSummaryView *self,
                              GraftLayer       *layer)
{
  g_return_if_fail (GRAFT_IS_SUMMARY_VIEW (self));

  /* The root layer is the model: its page is the file's. */
  if (layer != NULL && graft_layer_get_parent (layer) == NULL)
    layer = NULL;
  if (layer == self->layer && gtk_widget_get_first_child (self->content) != NULL)
    return;
  self->layer = layer;
  graft_summary_view_rebuild (self);
}

/**
 * graft_summary_view_get_layer:
 *
 * Returns: (nullable) (transfer none): the layer shown, %NULL for the file
 */
GraftLayer *
graft_summary_view_get_layer (GraftSummaryView *self)
{
  g_return_val_if_fail (GRAFT_IS_SUMMARY_VIEW (self), NULL);

  return self->layer;
}

/**
 * graft_summary_view_get_value:
 * @key: "format", "total-params", "config:strides", "weight:kernel", …
 *
 * Returns: (nullable): the text of a row's value, %NULL when no row has
 *   that key
 */
const char *
graft_summary_view_get_value (GraftSummaryView *self,
                              const char       *key)
{
  GtkLabel *label;

  g_return_val_if_fail (GRAFT_IS_SUMMARY_VIEW (self), NULL);

  label = g_hash_table_lookup (self->values, key);
  return label ? gtk_label_get_text (label) : NULL;
}
