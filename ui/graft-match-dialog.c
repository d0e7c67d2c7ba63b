/* graft-match-dialog.c: a whole transfer plan, checked pair by pair
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-match-dialog"

#include "config.h"

#include "graft-match-dialog.h"

#include <glib/gi18n.h>

/* ---- GraftMatchPair: one row of the plan --------------------------------- */

#define GRAFT_TYPE_MATCH_PAIR (graft_match_pair_get_type ())

G_DECLARE_FINAL_TYPE (GraftMatchPair, graft_match_pair, GRAFT, MATCH_PAIR, GObject)

struct _GraftMatchPair
{
  GObject  parent_instance;

  char    *source;
  char    *target;
  char    *source_shape;
  char    *target_shape;
  char    *status;
  char    *reason;
  char   **status_classes;
  gboolean checked;
  gboolean can_copy;
};

G_DEFINE_FINAL_TYPE (GraftMatchPair, graft_match_pair, G_TYPE_OBJECT)

enum {
  PAIR_PROP_0,
  PAIR_PROP_SOURCE,
  PAIR_PROP_TARGET,
  PAIR_PROP_SOURCE_SHAPE,
  PAIR_PROP_TARGET_SHAPE,
  PAIR_PROP_STATUS,
  PAIR_PROP_REASON,
  PAIR_PROP_STATUS_CLASSES,
  PAIR_PROP_CHECKED,
  PAIR_PROP_CAN_COPY,
  PAIR_N_PROPS
};

static GParamSpec *pair_properties[PAIR_N_PROPS];

static void
graft_match_pair_finalize (GObject *object)
{
  GraftMatchPair *self = (GraftMatchPair *) object;

  g_free (self->source);
  g_free (self->target);
  g_free (self->source_shape);
  g_free (self->target_shape);
  g_free (self->status);
  g_free (self->reason);
  g_strfreev (self->status_classes);

  G_OBJECT_CLASS (graft_match_pair_parent_class)->finalize (object);
}

static void
graft_match_pair_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  GraftMatchPair *self = GRAFT_MATCH_PAIR (object);

  switch (prop_id)
    {
    case PAIR_PROP_SOURCE:
      g_value_set_string (value, self->source);
      break;
    case PAIR_PROP_TARGET:
      g_value_set_string (value, self->target);
      break;
    case PAIR_PROP_SOURCE_SHAPE:
      g_value_set_string (value, self->source_shape);
      break;
    case PAIR_PROP_TARGET_SHAPE:
      g_value_set_string (value, self->target_shape);
      break;
    case PAIR_PROP_STATUS:
      g_value_set_string (value, self->status);
      break;
    case PAIR_PROP_REASON:
      g_value_set_string (value, self->reason);
      break;
    case PAIR_PROP_STATUS_CLASSES:
      g_value_set_boxed (value, self->status_classes);
      break;
    case PAIR_PROP_CHECKED:
      g_value_set_boolean (value, self->checked);
      break;
    case PAIR_PROP_CAN_COPY:
      g_value_set_boolean (value, self->can_copy);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
graft_match_pair_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  GraftMatchPair *self = GRAFT_MATCH_PAIR (object);

  switch (prop_id)
    {
    case PAIR_PROP_CHECKED:
      if (self->checked != g_value_get_boolean (value))
        {
          self->checked = g_value_get_boolean (value) && self->can_copy;
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
graft_match_pair_class_init (GraftMatchPairClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = graft_match_pair_finalize;
  object_class->get_property = graft_match_pair_get_property;
  object_class->set_property = graft_match_pair_set_property;

  pair_properties[PAIR_PROP_SOURCE] = g_param_spec_string ("source", NULL, NULL, NULL, ro);
  pair_properties[PAIR_PROP_TARGET] = g_param_spec_string ("target", NULL, NULL, NULL, ro);
  pair_properties[PAIR_PROP_SOURCE_SHAPE] =
    g_param_spec_string ("source-shape", NULL, NULL, NULL, ro);
  pair_properties[PAIR_PROP_TARGET_SHAPE] =
    g_param_spec_string ("target-shape", NULL, NULL, NULL, ro);
  pair_properties[PAIR_PROP_STATUS] = g_param_spec_string ("status", NULL, NULL, NULL, ro);
  pair_properties[PAIR_PROP_REASON] = g_param_spec_string ("reason", NULL, NULL, NULL, ro);
  pair_properties[PAIR_PROP_STATUS_CLASSES] =
    g_param_spec_boxed ("status-classes", NULL, NULL, G_TYPE_STRV, ro);
  pair_properties[PAIR_PROP_CHECKED] =
    g_param_spec_boolean ("checked", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  pair_properties[PAIR_PROP_CAN_COPY] =
    g_param_spec_boolean ("can-copy", NULL, NULL, FALSE, ro);
  g_object_class_install_properties (object_class, PAIR_N_PROPS, pair_properties);
}

static void
graft_match_pair_init (GraftMatchPair *self)
{
}

static char *
graft_match_pair_shape (GraftWeight *weight)
{
  return weight ? graft_tensor_format_shape (graft_weight_get_tensor (weight)) : g_strdup ("");
}

static GraftMatchPair *
graft_match_pair_new (GraftTransferPlan *plan,
                      guint              i)
{
  GraftMatchPair *self = g_object_new (GRAFT_TYPE_MATCH_PAIR, NULL);
  GraftWeight *s = graft_transfer_plan_get_source (plan, i);
  GraftWeight *t = graft_transfer_plan_get_target (plan, i);
  GraftTransferStatus status = graft_transfer_plan_get_status (plan, i);
  gboolean partial = graft_transfer_plan_get_partial (plan, i);
  const char *reason = graft_transfer_plan_get_reason (plan, i);
  const char *css;

  self->source = g_strdup (s ? graft_weight_get_path (s) : "—");
  self->target = g_strdup (t ? graft_weight_get_path (t) : "—");
  self->source_shape = graft_match_pair_shape (s);
  self->target_shape = graft_match_pair_shape (t);
  self->can_copy = s != NULL && t != NULL &&
                   (status == GRAFT_TRANSFER_OK || status == GRAFT_TRANSFER_CONVERTED ||
                    (status == GRAFT_TRANSFER_SHAPE_MISMATCH && partial));
  self->checked = self->can_copy;
  self->reason = g_strdup (reason);
  g_autofree char *how = graft_transfer_plan_describe_conversion (plan, i);

  if (status == GRAFT_TRANSFER_SHAPE_MISMATCH && partial)
    self->status = g_strdup (_("partial copy of the overlapping block"));
  else if (how != NULL && (status == GRAFT_TRANSFER_OK || status == GRAFT_TRANSFER_CONVERTED))
    /* Between frameworks: name the layout conversion the copy goes through. */
    self->status = g_strdup_printf ("%s: %s", graft_transfer_status_get_name (status), how);
  else if (reason != NULL && reason[0] != '\0' && status != GRAFT_TRANSFER_OK)
    self->status = g_strdup_printf ("%s: %s", graft_transfer_status_get_name (status), reason);
  else
    self->status = g_strdup (graft_transfer_status_get_name (status));
  css = self->can_copy ? "graft-status-ok"
        : status == GRAFT_TRANSFER_SHAPE_MISMATCH ? "graft-status-error" : "dim-label";
  self->status_classes = g_new0 (char *, 2);
  self->status_classes[0] = g_strdup (css);
  return self;
}

/* ---- the dialog ---------------------------------------------------------- */

struct _GraftMatchDialog
{
  GtkWindow            parent_instance;

  /* Template widgets */
  GtkDropDown         *strategy_dropdown;
  GtkEntry            *rules_entry;
  GtkCheckButton      *partial_check;
  GtkColumnView       *column_view;
  GtkColumnViewColumn *check_column;
  GtkLabel            *summary_label;

  /* Owned */
  GraftModel          *source;
  GraftModel          *target;
  GListStore          *pairs;
};

G_DEFINE_FINAL_TYPE (GraftMatchDialog, graft_match_dialog, GTK_TYPE_WINDOW)

static void
graft_match_dialog_update_summary (GraftMatchDialog *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->pairs));
  guint checked = graft_match_dialog_count_checked (self);
  g_autofree char *text = g_strdup_printf (_("%u of %u pairs checked. Only checked pairs are "
                                             "copied, as one step that Undo reverts."),
                                           checked, n);

  gtk_label_set_text (self->summary_label, text);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "match.apply", checked > 0);
}

static void
graft_match_dialog_replan_cb (GraftMatchDialog *self)
{
  g_autoptr(GraftTransferPlan) plan = graft_transfer_plan_new (self->source, self->target);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) rules = NULL;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->rules_entry));

  g_list_store_remove_all (self->pairs);
  graft_transfer_plan_set_partial (plan, gtk_check_button_get_active (self->partial_check));

  rules = g_strsplit_set (text, " ,;", -1);
  for (guint i = 0; rules[i] != NULL; i++)
    if (rules[i][0] != '\0' && !graft_transfer_plan_add_rule (plan, rules[i], &error))
      break;
  if (error == NULL)
    graft_transfer_plan_match (plan, gtk_drop_down_get_selected (self->strategy_dropdown),
                               &error);
  if (error != NULL)
    {
      gtk_label_set_text (self->summary_label, error->message);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "match.apply", FALSE);
      return;
    }
  graft_transfer_plan_finish (plan);

  for (guint i = 0; i < graft_transfer_plan_get_n_pairs (plan); i++)
    {
      g_autoptr(GraftMatchPair) pair = graft_match_pair_new (plan, i);

      g_signal_connect_object (pair, "notify::checked",
                               G_CALLBACK (graft_match_dialog_update_summary), self,
                               G_CONNECT_SWAPPED);
      g_list_store_append (self->pairs, pair);
    }
  graft_match_dialog_update_summary (self);
}

static void
graft_match_dialog_apply_action (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *parameter)
{
  GraftMatchDialog *self = GRAFT_MATCH_DIALOG (widget);
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(ss)"));
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->pairs)); i++)
    {
      g_autoptr(GraftMatchPair) pair = g_list_model_get_item (G_LIST_MODEL (self->pairs), i);

      if (pair->checked && pair->can_copy)
        g_variant_builder_add (&builder, "(ss)", pair->source, pair->target);
    }
  if (parent != NULL)
    gtk_widget_activate_action (GTK_WIDGET (parent), "win.transfer-pairs", "(@a(ss)b)",
                                g_variant_builder_end (&builder),
                                gtk_check_button_get_active (self->partial_check));
  else
    g_variant_builder_clear (&builder);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
graft_match_dialog_check_setup_cb (GtkSignalListItemFactory *factory,
                                   GtkListItem              *list_item)
{
  GtkWidget *check = gtk_check_button_new ();

  gtk_widget_set_halign (check, GTK_ALIGN_CENTER);
  gtk_list_item_set_child (list_item, check);
}

static void
graft_match_dialog_check_bind_cb (GtkSignalListItemFactory *factory,
                                  GtkListItem              *list_item)
{
  GraftMatchPair *pair = gtk_list_item_get_item (list_item);
  GtkWidget *check = gtk_list_item_get_child (list_item);
  GBinding *binding;

  gtk_widget_set_sensitive (check, pair->can_copy);
  binding = g_object_bind_property (pair, "checked", check, "active",
                                    G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_object_set_data (G_OBJECT (list_item), "graft-binding", binding);
}

static void
graft_match_dialog_check_unbind_cb (GtkSignalListItemFactory *factory,
                                    GtkListItem              *list_item)
{
  GBinding *binding = g_object_get_data (G_OBJECT (list_item), "graft-binding");

  if (binding != NULL)
    g_binding_unbind (binding);
  g_object_set_data (G_OBJECT (list_item), "graft-binding", NULL);
}

static void
graft_match_dialog_dispose (GObject *object)
{
  GraftMatchDialog *self = (GraftMatchDialog *) object;

  gtk_widget_dispose_template (GTK_WIDGET (self), GRAFT_TYPE_MATCH_DIALOG);
  g_clear_object (&self->pairs);
  g_clear_pointer (&self->source, graft_model_unref);
  g_clear_pointer (&self->target, graft_model_unref);

  G_OBJECT_CLASS (graft_match_dialog_parent_class)->dispose (object);
}

static void
graft_match_dialog_class_init (GraftMatchDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = graft_match_dialog_dispose;

  g_type_ensure (GRAFT_TYPE_MATCH_PAIR);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/gnome/Graft/ui/graft-match-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, GraftMatchDialog, strategy_dropdown);
  gtk_widget_class_bind_template_child (widget_class, GraftMatchDialog, rules_entry);
  gtk_widget_class_bind_template_child (widget_class, GraftMatchDialog, partial_check);
  gtk_widget_class_bind_template_child (widget_class, GraftMatchDialog, column_view);
  gtk_widget_class_bind_template_child (widget_class, GraftMatchDialog, check_column);
  gtk_widget_class_bind_template_child (widget_class, GraftMatchDialog, summary_label);
  gtk_widget_class_bind_template_callback (widget_class, graft_match_dialog_replan_cb);

  gtk_widget_class_install_action (widget_class, "match.apply", NULL,
                                   graft_match_dialog_apply_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
graft_match_dialog_init (GraftMatchDialog *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkNoSelection) selection = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  /* One entry per matching strategy of the core's table, in its order. */
  {
    g_autoptr(GtkStringList) strategies = gtk_string_list_new (NULL);

    for (guint i = 0; i < GRAFT_N_TRANSFER_STRATEGIES; i++)
      gtk_string_list_append (strategies, graft_transfer_strategy_get_label (i));
    g_signal_handlers_block_by_func (self->strategy_dropdown, graft_match_dialog_replan_cb, self);
    gtk_drop_down_set_model (self->strategy_dropdown, G_LIST_MODEL (strategies));
    g_signal_handlers_unblock_by_func (self->strategy_dropdown, graft_match_dialog_replan_cb, self);
  }

  /* The check box writes back into its row, which a builder factory's
   * one-way bindings cannot do. */
  g_signal_connect (factory, "setup", G_CALLBACK (graft_match_dialog_check_setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (graft_match_dialog_check_bind_cb), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (graft_match_dialog_check_unbind_cb), NULL);
  gtk_column_view_column_set_factory (self->check_column, factory);

  self->pairs = g_list_store_new (GRAFT_TYPE_MATCH_PAIR);
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->pairs)));
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (selection));
}

/**
 * graft_match_dialog_new:
 *
 * A dialog that plans a transfer from @source to @target and, on Copy,
 * activates win.transfer-pairs on @parent with the checked pairs.
 *
 * Returns: (transfer none): the dialog, owned by GTK's window list
 */
GtkWindow *
graft_match_dialog_new (GtkWindow  *parent,
                        GraftModel *source,
                        GraftModel *target)
{
  GraftMatchDialog *self = g_object_new (GRAFT_TYPE_MATCH_DIALOG, "transient-for", parent, NULL);

  self->source = graft_model_ref (source);
  self->target = graft_model_ref (target);
  /* Between PyTorch and Keras, by structure; by name otherwise. */
  g_signal_handlers_block_by_func (self->strategy_dropdown, graft_match_dialog_replan_cb, self);
  gtk_drop_down_set_selected (self->strategy_dropdown, graft_transfer_strategy_default (source, target));
  g_signal_handlers_unblock_by_func (self->strategy_dropdown, graft_match_dialog_replan_cb, self);
  graft_match_dialog_replan_cb (self);
  return GTK_WINDOW (self);
}

/**
 * graft_match_dialog_get_pairs:
 *
 * Returns: (transfer none): the rows, GraftMatchPair objects
 */
GListModel *
graft_match_dialog_get_pairs (GraftMatchDialog *self)
{
  g_return_val_if_fail (GRAFT_IS_MATCH_DIALOG (self), NULL);

  return G_LIST_MODEL (self->pairs);
}

void
graft_match_dialog_set_strategy (GraftMatchDialog      *self,
                                 GraftTransferStrategy  strategy)
{
  g_return_if_fail (GRAFT_IS_MATCH_DIALOG (self));

  gtk_drop_down_set_selected (self->strategy_dropdown, strategy);
}

guint
graft_match_dialog_count_checked (GraftMatchDialog *self)
{
  guint n = 0;

  g_return_val_if_fail (GRAFT_IS_MATCH_DIALOG (self), 0);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->pairs)); i++)
    {
      g_autoptr(GraftMatchPair) pair = g_list_model_get_item (G_LIST_MODEL (self->pairs), i);

      n += pair->checked;
    }
  return n;
}
