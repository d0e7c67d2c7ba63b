/* graft-journal.c: the steps of an unsaved edit session, kept on disk
 *
 * An application that is killed (the OOM killer, a power cut, a crash in a
 * library) must not take the user's unsaved transfers with it. While a
 * target has unsaved changes, the app keeps this journal beside the user's
 * state: which files the session read (path, size and modification time,
 * to tell whether they changed since), and each transfer step as the
 * layer or weight paths it mapped, with the undo position. It holds no
 * tensor data: replaying the steps on the same files gives the same
 * values, because transfers copy values and never invent them. The file
 * is replaced atomically after each step, so it is always one complete
 * state of the session.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-journal"

#include "config.h"

#include "graft-journal.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "graft-atomic.h"
#include "graft-error.h"
#include "graft-json.h"
#include "graft-transfer.h"

#define GRAFT_JOURNAL_VERSION 1

typedef struct
{
  char    *path;     /* absolute */
  gint64   size;
  gint64   mtime_ns;
} GraftJournalIdentity;

typedef struct
{
  char      *label;
  GPtrArray *pairs;  /* of char *: source path, target path, alternating */
  gboolean   partial;
} GraftJournalStep;

struct GraftJournal
{
  GraftJournalIdentity files[GRAFT_JOURNAL_N_FILES];
  GPtrArray           *steps;     /* of GraftJournalStep */
  guint                position;  /* steps applied; the rest can be redone */
  gint64               pid;       /* of the process that wrote it */
};

static void
graft_journal_step_free (gpointer data)
{
  GraftJournalStep *step = data;

  g_free (step->label);
  g_ptr_array_unref (step->pairs);
  g_free (step);
}

static GraftJournal *
graft_journal_alloc (void)
{
  GraftJournal *self = g_new0 (GraftJournal, 1);

  self->steps = g_ptr_array_new_with_free_func (graft_journal_step_free);
  self->pid = getpid ();
  return self;
}

void
graft_journal_free (GraftJournal *self)
{
  if (self == NULL)
    return;
  for (guint i = 0; i < GRAFT_JOURNAL_N_FILES; i++)
    g_free (self->files[i].path);
  g_ptr_array_unref (self->steps);
  g_free (self);
}

static gboolean
graft_journal_stat (const char *path,
                    gint64     *size,
                    gint64     *mtime_ns)
{
  struct stat st;

  if (path == NULL || stat (path, &st) != 0)
    return FALSE;
  *size = st.st_size;
  *mtime_ns = (gint64) st.st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000) + st.st_mtim.tv_nsec;
  return TRUE;
}

static gboolean
graft_journal_identify (GraftJournalIdentity  *id,
                        const char            *path,
                        GError               **error)
{
  if (path == NULL)
    return TRUE;
  id->path = g_canonicalize_filename (path, NULL);
  if (!graft_journal_stat (id->path, &id->size, &id->mtime_ns))
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_IO, "%s: cannot be found", path);
      return FALSE;
    }
  return TRUE;
}

/**
 * graft_journal_new:
 * @source_path: (nullable): the checkpoint weights are copied from
 * @target_path: the checkpoint being changed
 *
 * Starts an empty journal of a session on these files, as they are now.
 *
 * Returns: (transfer full): the journal, or %NULL with %GRAFT_ERROR_IO when
 *   a file cannot be found
 */
GraftJournal *
graft_journal_new (const char  *source_path,
                   const char  *target_path,
                   GError     **error)
{
  g_autoptr(GraftJournal) self = graft_journal_alloc ();

  g_return_val_if_fail (target_path != NULL, NULL);

  if (!graft_journal_identify (&self->files[GRAFT_JOURNAL_SOURCE], source_path, error) ||
      !graft_journal_identify (&self->files[GRAFT_JOURNAL_TARGET], target_path, error))
    return NULL;
  return g_steal_pointer (&self);
}

/**
 * graft_journal_add_step:
 * @pairs: (element-type utf8): source and target paths, alternating
 *
 * Records one more applied step. Steps that were undone before it can no
 * longer be redone, as in the edit session, so they are dropped.
 */
void
graft_journal_add_step (GraftJournal *self,
                        const char   *label,
                        GPtrArray    *pairs,
                        gboolean      partial)
{
  GraftJournalStep *step = g_new0 (GraftJournalStep, 1);

  g_return_if_fail (pairs != NULL && pairs->len % 2 == 0);

  g_ptr_array_set_size (self->steps, self->position);
  step->label = g_strdup (label ? label : "");
  step->pairs = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < pairs->len; i++)
    g_ptr_array_add (step->pairs, g_strdup (g_ptr_array_index (pairs, i)));
  step->partial = partial;
  g_ptr_array_add (self->steps, step);
  self->position = self->steps->len;
}

/**
 * graft_journal_set_position:
 * @position: how many steps are applied; the others were undone
 */
void
graft_journal_set_position (GraftJournal *self,
                            guint         position)
{
  self->position = MIN (position, self->steps->len);
}

static void
graft_journal_build_file (JsonBuilder                *b,
                          const char                 *key,
                          const GraftJournalIdentity *id)
{
  json_builder_set_member_name (b, key);
  if (id->path == NULL)
    {
      json_builder_add_null_value (b);
      return;
    }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "path");
  json_builder_add_string_value (b, id->path);
  json_builder_set_member_name (b, "size");
  json_builder_add_int_value (b, id->size);
  json_builder_set_member_name (b, "mtime_ns");
  json_builder_add_int_value (b, id->mtime_ns);
  json_builder_end_object (b);
}

/**
 * graft_journal_save:
 *
 * Replaces @path with the journal, atomically, creating its folder.
 *
 * Returns: %FALSE with %GRAFT_ERROR_IO when the folder or the file cannot
 *   be written
 */
gboolean
graft_journal_save (GraftJournal  *self,
                    const char    *path,
                    GError       **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *text = NULL;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      graft_error_set_errno (error, errno, dir, "cannot create the folder");
      return FALSE;
    }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, GRAFT_JOURNAL_VERSION);
  json_builder_set_member_name (b, "pid");
  json_builder_add_int_value (b, self->pid);
  graft_journal_build_file (b, "source", &self->files[GRAFT_JOURNAL_SOURCE]);
  graft_journal_build_file (b, "target", &self->files[GRAFT_JOURNAL_TARGET]);
  json_builder_set_member_name (b, "position");
  json_builder_add_int_value (b, self->position);
  json_builder_set_member_name (b, "steps");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->steps->len; i++)
    {
      GraftJournalStep *step = g_ptr_array_index (self->steps, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "label");
      json_builder_add_string_value (b, step->label);
      json_builder_set_member_name (b, "partial");
      json_builder_add_boolean_value (b, step->partial);
      json_builder_set_member_name (b, "pairs");
      json_builder_begin_array (b);
      for (guint k = 0; k < step->pairs->len; k += 2)
        {
          json_builder_begin_array (b);
          json_builder_add_string_value (b, g_ptr_array_index (step->pairs, k));
          json_builder_add_string_value (b, g_ptr_array_index (step->pairs, k + 1));
          json_builder_end_array (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  text = json_generator_to_data (gen, NULL);
  return graft_atomic_write_bytes (path, text, strlen (text), error);
}

static gboolean
graft_journal_read_file (JsonObject            *root,
                         const char            *key,
                         GraftJournalIdentity  *id,
                         gboolean               required)
{
  JsonNode *node = json_object_get_member (root, key);
  JsonObject *obj;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return !required;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return FALSE;
  obj = json_node_get_object (node);
  if (json_object_get_string_member_with_default (obj, "path", NULL) == NULL)
    return FALSE;
  id->path = g_strdup (json_object_get_string_member (obj, "path"));
  id->size = json_object_get_int_member_with_default (obj, "size", -1);
  id->mtime_ns = json_object_get_int_member_with_default (obj, "mtime_ns", -1);
  return TRUE;
}

static gboolean
graft_journal_read_step (GraftJournal *self,
                         JsonNode     *node)
{
  g_autoptr(GPtrArray) pairs = g_ptr_array_new_with_free_func (g_free);
  JsonObject *obj;
  JsonArray *list;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return FALSE;
  obj = json_node_get_object (node);
  if (!json_object_has_member (obj, "pairs") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (obj, "pairs")))
    return FALSE;
  list = json_object_get_array_member (obj, "pairs");
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonNode *pair = json_array_get_element (list, i);
      JsonArray *two;

      if (!JSON_NODE_HOLDS_ARRAY (pair) || json_array_get_length (json_node_get_array (pair)) != 2)
        return FALSE;
      two = json_node_get_array (pair);
      for (guint k = 0; k < 2; k++)
        {
          JsonNode *s = json_array_get_element (two, k);

          if (!JSON_NODE_HOLDS_VALUE (s) || json_node_get_value_type (s) != G_TYPE_STRING)
            return FALSE;
          g_ptr_array_add (pairs, g_strdup (json_node_get_string (s)));
        }
    }
  if (pairs->len == 0)
    return FALSE;
  graft_journal_add_step (self, json_object_get_string_member_with_default (obj, "label", ""),
                          pairs, json_object_get_boolean_member_with_default (obj, "partial",
                                                                              FALSE));
  return TRUE;
}

/**
 * graft_journal_load:
 *
 * Returns: (transfer full): the journal written at @path, or %NULL with
 *   %GRAFT_ERROR_IO (unreadable) or %GRAFT_ERROR_CORRUPT (not a journal of
 *   this version, say a half-written one from another program)
 */
GraftJournal *
graft_journal_load (const char  *path,
                    GError     **error)
{
  g_autoptr(GraftJournal) self = graft_journal_alloc ();
  g_autoptr(GError) local = NULL;
  g_autoptr(JsonNode) doc = NULL;
  g_autofree char *text = NULL;
  JsonObject *root;
  JsonNode *steps;
  gsize len;
  gint64 position;

  if (!g_file_get_contents (path, &text, &len, &local))
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_IO, "%s", local->message);
      return NULL;
    }
  doc = graft_json_parse (text, len, path, error);
  if (doc == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (doc) ||
      json_object_get_int_member_with_default (json_node_get_object (doc), "version", 0) !=
      GRAFT_JOURNAL_VERSION)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT, "%s: not a Graft session journal",
                   path);
      return NULL;
    }
  root = json_node_get_object (doc);
  steps = json_object_get_member (root, "steps");
  if (!graft_journal_read_file (root, "source", &self->files[GRAFT_JOURNAL_SOURCE], FALSE) ||
      !graft_journal_read_file (root, "target", &self->files[GRAFT_JOURNAL_TARGET], TRUE) ||
      steps == NULL || !JSON_NODE_HOLDS_ARRAY (steps))
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT, "%s: a session journal without its "
                   "files or steps", path);
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (json_node_get_array (steps)); i++)
    if (!graft_journal_read_step (self, json_array_get_element (json_node_get_array (steps), i)))
      {
        g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT, "%s: step %u is not a transfer",
                     path, i + 1);
        return NULL;
      }
  position = json_object_get_int_member_with_default (root, "position", self->steps->len);
  self->position = (guint) CLAMP (position, 0, (gint64) self->steps->len);
  self->pid = json_object_get_int_member_with_default (root, "pid", 0);
  return g_steal_pointer (&self);
}

/**
 * graft_journal_get_path:
 *
 * Returns: (nullable): the file's absolute path; %NULL for a session
 *   without a source
 */
const char *
graft_journal_get_path (const GraftJournal *self,
                        GraftJournalFile    file)
{
  g_return_val_if_fail (file < GRAFT_JOURNAL_N_FILES, NULL);
  return self->files[file].path;
}

/**
 * graft_journal_file_changed:
 *
 * Returns: %TRUE when @file is gone, or its size or modification time is
 *   not what it was when the journal was started
 */
gboolean
graft_journal_file_changed (const GraftJournal *self,
                            GraftJournalFile    file)
{
  const GraftJournalIdentity *id;
  gint64 size, mtime_ns;

  g_return_val_if_fail (file < GRAFT_JOURNAL_N_FILES, TRUE);
  id = &self->files[file];
  if (id->path == NULL)
    return FALSE;
  if (!graft_journal_stat (id->path, &size, &mtime_ns))
    return TRUE;
  return size != id->size || mtime_ns != id->mtime_ns;
}

gint64
graft_journal_get_pid (const GraftJournal *self)
{
  return self->pid;
}

guint
graft_journal_get_n_steps (const GraftJournal *self)
{
  return self->steps->len;
}

guint
graft_journal_get_position (const GraftJournal *self)
{
  return self->position;
}

static const GraftJournalStep *
graft_journal_get_step (const GraftJournal *self,
                        guint               step)
{
  g_return_val_if_fail (step < self->steps->len, NULL);
  return g_ptr_array_index (self->steps, step);
}

const char *
graft_journal_get_label (const GraftJournal *self,
                         guint               step)
{
  const GraftJournalStep *s = graft_journal_get_step (self, step);

  return s ? s->label : NULL;
}

/**
 * graft_journal_get_pairs:
 *
 * Returns: (transfer none) (element-type utf8): the step's source and
 *   target paths, alternating
 */
GPtrArray *
graft_journal_get_pairs (const GraftJournal *self,
                         guint               step)
{
  const GraftJournalStep *s = graft_journal_get_step (self, step);

  return s ? s->pairs : NULL;
}

gboolean
graft_journal_get_partial (const GraftJournal *self,
                           guint               step)
{
  const GraftJournalStep *s = graft_journal_get_step (self, step);

  return s ? s->partial : FALSE;
}

/**
 * graft_journal_step_applies:
 * @why: (out) (optional) (transfer full): when it does not, why not
 *
 * Plans @step on the files as they are now: it applies when every path it
 * names exists and the plan copies something without a refused shape
 * mismatch (files change between sessions).
 *
 * Returns: %TRUE when replaying the step would change @target
 */
gboolean
graft_journal_step_applies (const GraftJournal  *self,
                            guint                step,
                            GraftModel          *source,
                            GraftModel          *target,
                            char               **why)
{
  const GraftJournalStep *s = graft_journal_get_step (self, step);
  g_autoptr(GraftTransferPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  guint refused;

  if (s == NULL || source == NULL || target == NULL)
    return FALSE;
  plan = graft_transfer_plan_new (source, target);
  graft_transfer_plan_set_partial (plan, s->partial);
  for (guint i = 0; i < s->pairs->len; i += 2)
    if (!graft_transfer_plan_add_layer (plan, g_ptr_array_index (s->pairs, i),
                                        g_ptr_array_index (s->pairs, i + 1), &error))
      {
        if (why != NULL)
          *why = g_strdup (error->message);
        return FALSE;
      }
  graft_transfer_plan_finish (plan);
  refused = 0;
  for (guint i = 0; i < graft_transfer_plan_get_n_pairs (plan); i++)
    if (graft_transfer_plan_get_status (plan, i) == GRAFT_TRANSFER_SHAPE_MISMATCH &&
        !graft_transfer_plan_get_partial (plan, i))
      refused++;
  if (refused > 0 || graft_transfer_plan_get_n_copies (plan) == 0)
    {
      if (why != NULL)
        *why = refused > 0 ? g_strdup_printf ("%u weights no longer have the same shapes",
                                              refused)
                           : g_strdup ("no weight it copied is there any more");
      return FALSE;
    }
  return TRUE;
}
