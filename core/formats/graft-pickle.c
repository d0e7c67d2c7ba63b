/* graft-pickle.c: a restricted pickle reader that builds values and runs nothing
 *
 * PyTorch checkpoints are pickles, and a pickle is a program: Python's own
 * unpickler imports whatever module a GLOBAL names and calls whatever a
 * REDUCE applies, which is how a crafted .pt file runs os.system. This
 * reader interprets the opcodes a state_dict uses and builds plain values
 * (numbers, strings, tuples, lists, dictionaries). It knows a handful of
 * globals by name — OrderedDict, torch's tensor rebuilders and storage
 * classes, dtypes — and "calls" them by building the value they would
 * build; any other global is refused, naming it, before anything else is
 * read. Storages come as persistent ids and stay references: the caller
 * maps their bytes from the archive.
 *
 * Every size is checked against the data; the stack, the memo and the
 * number of values are bounded, so a hostile pickle cannot make it loop
 * or allocate without limit.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-pickle"

#include "config.h"

#include "graft-pickle-private.h"

#include <string.h>

#include "graft-error.h"
#include "graft-progress.h"

/* Bounds no state_dict comes near (millions of values would be a model of
 * millions of layers). */
#define GRAFT_PICKLE_MAX_VALUES   (1u << 22)
#define GRAFT_PICKLE_MAX_STACK    (1u << 20)
#define GRAFT_PICKLE_MAX_MEMO     (1u << 24)
#define GRAFT_PICKLE_MAX_STRING   (64u << 20)

GraftPickleValue *
graft_pickle_value_new (GraftPickleReader *r,
                        GraftPickleKind    kind)
{
  GraftPickleValue *v;

  if (++r->n_values > GRAFT_PICKLE_MAX_VALUES)
    return NULL;
  v = g_new0 (GraftPickleValue, 1);
  v->kind = kind;
  if (kind == GRAFT_PICKLE_TUPLE || kind == GRAFT_PICKLE_LIST || kind == GRAFT_PICKLE_DICT)
    v->u.items = g_ptr_array_new ();
  g_ptr_array_add (r->arena, v);
  return v;
}

gboolean
graft_pickle_fail (GraftPickleReader *r,
                   GraftError         code,
                   const char        *format,
                   ...) G_GNUC_PRINTF (3, 4);

gboolean
graft_pickle_fail (GraftPickleReader *r,
                   GraftError         code,
                   const char        *format,
                   ...)
{
  g_autofree char *msg = NULL;
  va_list args;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);
  if (r->error != NULL && *r->error == NULL)
    g_set_error (r->error, GRAFT_ERROR, code, "%s: %s (pickle offset %" G_GSIZE_FORMAT ")",
                 r->what, msg, r->pos);
  return FALSE;
}

static gboolean
graft_pickle_need (GraftPickleReader *r,
                   gsize              n)
{
  if (n > r->len - r->pos)
    return graft_pickle_fail (r, GRAFT_ERROR_CORRUPT, "the pickle ends in the middle of a value");
  return TRUE;
}

static guint64
graft_pickle_uint_le (const guint8 *p,
                      guint         n)
{
  guint64 v = 0;

  for (guint i = n; i > 0; i--)
    v = (v << 8) | p[i - 1];
  return v;
}

gboolean
graft_pickle_push (GraftPickleReader *r,
                   GraftPickleValue  *value)
{
  if (value == NULL)
    return graft_pickle_fail (r, GRAFT_ERROR_LIMIT, "more than %u values", GRAFT_PICKLE_MAX_VALUES);
  if (r->stack->len >= GRAFT_PICKLE_MAX_STACK)
    return graft_pickle_fail (r, GRAFT_ERROR_LIMIT, "the pickle's stack grows too deep");
  g_ptr_array_add (r->stack, value);
  return TRUE;
}

/* Pops the top value (the caller owns it), or fails on an empty stack or
 * a MARK. */
GraftPickleValue *
graft_pickle_pop (GraftPickleReader *r)
{
  guint floor = r->marks->len ? g_array_index (r->marks, guint, r->marks->len - 1) : 0;

  if (r->stack->len <= floor)
    {
      graft_pickle_fail (r, GRAFT_ERROR_CORRUPT, "a value is taken from an empty stack");
      return NULL;
    }
  return g_ptr_array_steal_index (r->stack, r->stack->len - 1);
}

GraftPickleValue *
graft_pickle_top (GraftPickleReader *r)
{
  guint floor = r->marks->len ? g_array_index (r->marks, guint, r->marks->len - 1) : 0;

  if (r->stack->len <= floor)
    {
      graft_pickle_fail (r, GRAFT_ERROR_CORRUPT, "a value is taken from an empty stack");
      return NULL;
    }
  return g_ptr_array_index (r->stack, r->stack->len - 1);
}

/* The values since the last MARK, which is removed; the caller owns the
 * array. */
static GPtrArray *
graft_pickle_pop_mark (GraftPickleReader *r)
{
  GPtrArray *items;
  guint mark;

  if (r->marks->len == 0)
    {
      graft_pickle_fail (r, GRAFT_ERROR_CORRUPT, "a MARK is missing");
      return NULL;
    }
  mark = g_array_index (r->marks, guint, r->marks->len - 1);
  g_array_set_size (r->marks, r->marks->len - 1);
  items = g_ptr_array_new ();
  for (guint i = mark; i < r->stack->len; i++)
    g_ptr_array_add (items, g_ptr_array_index (r->stack, i));
  g_ptr_array_set_size (r->stack, mark);
  return items;
}

static gboolean
graft_pickle_memo_put (GraftPickleReader *r,
                       guint64            index)
{
  GraftPickleValue *top = graft_pickle_top (r);

  if (top == NULL)
    return FALSE;
  if (index >= GRAFT_PICKLE_MAX_MEMO)
    return graft_pickle_fail (r, GRAFT_ERROR_LIMIT, "memo index %" G_GUINT64_FORMAT " is too large",
                              index);
  if (index >= r->memo->len)
    g_ptr_array_set_size (r->memo, index + 1);
  g_ptr_array_index (r->memo, index) = top;
  return TRUE;
}

static gboolean
graft_pickle_memo_get (GraftPickleReader *r,
                       guint64            index)
{
  if (index >= r->memo->len || g_ptr_array_index (r->memo, index) == NULL)
    return graft_pickle_fail (r, GRAFT_ERROR_CORRUPT, "memo entry %" G_GUINT64_FORMAT " is not set",
                              index);
  return graft_pickle_push (r, g_ptr_array_index (r->memo, index));
}

static gboolean
graft_pickle_string (GraftPickleReader *r,
                     gsize              n,
                     GraftPickleKind    kind)
{
  GraftPickleValue *v;

  if (n > GRAFT_PICKLE_MAX_STRING)
    return graft_pickle_fail (r, GRAFT_ERROR_LIMIT, "a string of %" G_GSIZE_FORMAT " bytes", n);
  if (!graft_pickle_need (r, n))
    return FALSE;
  if (kind == GRAFT_PICKLE_STRING && !g_utf8_validate ((const char *) r->data + r->pos, n, NULL))
    return graft_pickle_fail (r, GRAFT_ERROR_CORRUPT, "a string is not valid UTF-8");
  v = graft_pickle_value_new (r, kind);
  if (v != NULL)
    {
      v->u.s = g_strndup ((const char *) r->data + r->pos, n);
      v->len = n;
    }
  r->pos += n;
  return graft_pickle_push (r, v);
}

static gboolean
graft_pickle_read_line (GraftPickleReader *r,
                        char             **out)
{
  const guint8 *start = r->data + r->pos;
  const guint8 *nl = memchr (start, '\n', MIN (r->len - r->pos, 1024));

  if (nl == NULL)
    return graft_pickle_fail (r, GRAFT_ERROR_CORRUPT, "a GLOBAL name has no end");
  *out = g_strndup ((const char *) start, nl - start);
  r->pos += (nl - start) + 1;
  if (!g_utf8_validate (*out, -1, NULL))
    return graft_pickle_fail (r, GRAFT_ERROR_CORRUPT, "a GLOBAL name is not text");
  return TRUE;
}

static gboolean
graft_pickle_setitems (GraftPickleReader *r,
                       GPtrArray         *pairs)
{
  GraftPickleValue *dict = graft_pickle_top (r);

  if (dict == NULL)
    return FALSE;
  if (dict->kind != GRAFT_PICKLE_DICT || pairs->len % 2 != 0)
    return graft_pickle_fail (r, GRAFT_ERROR_CORRUPT, "SETITEMS on something not a dictionary");
  for (guint i = 0; i < pairs->len; i++)
    g_ptr_array_add (dict->u.items, g_ptr_array_index (pairs, i));
  return TRUE;
}

static gboolean
graft_pickle_appends (GraftPickleReader *r,
                      GPtrArray         *items)
{
  GraftPickleValue *list = graft_pickle_top (r);

  if (list == NULL)
    return FALSE;
  if (list->kind != GRAFT_PICKLE_LIST)
    return graft_pickle_fail (r, GRAFT_ERROR_CORRUPT, "APPENDS on something not a list");
  for (guint i = 0; i < items->len; i++)
    g_ptr_array_add (list->u.items, g_ptr_array_index (items, i));
  return TRUE;
}

static gboolean
graft_pickle_tuple (GraftPickleReader *r,
                    GPtrArray         *items)
{
  GraftPickleValue *v = graft_pickle_value_new (r, GRAFT_PICKLE_TUPLE);

  if (v != NULL)
    for (guint i = 0; i < items->len; i++)
      g_ptr_array_add (v->u.items, g_ptr_array_index (items, i));
  return graft_pickle_push (r, v);
}

/* One opcode. Returns FALSE on error; sets *stop at STOP. */
static gboolean
graft_pickle_step (GraftPickleReader *r,
                   gboolean          *stop)
{
  guint8 op;

  if (!graft_pickle_need (r, 1))
    return FALSE;
  op = r->data[r->pos++];
  switch (op)
    {
    case 0x80: /* PROTO */
      if (!graft_pickle_need (r, 1))
        return FALSE;
      if (r->data[r->pos] > 5)
        return graft_pickle_fail (r, GRAFT_ERROR_UNSUPPORTED, "pickle protocol %u",
                                  r->data[r->pos]);
      r->pos++;
      return TRUE;
    case 0x95: /* FRAME */
      if (!graft_pickle_need (r, 8))
        return FALSE;
      r->pos += 8;
      return TRUE;
    case '.': /* STOP */
      *stop = TRUE;
      return TRUE;
    case '(': /* MARK */
      if (r->marks->len >= GRAFT_PICKLE_MAX_STACK)
        return graft_pickle_fail (r, GRAFT_ERROR_LIMIT, "too many MARKs");
      g_array_append_val (r->marks, r->stack->len);
      return TRUE;
    case 'N':
      return graft_pickle_push (r, graft_pickle_value_new (r, GRAFT_PICKLE_NONE));
    case 0x88: /* NEWTRUE */
    case 0x89: /* NEWFALSE */
      {
        GraftPickleValue *v = graft_pickle_value_new (r, GRAFT_PICKLE_BOOL);

        if (v != NULL)
          v->u.i = op == 0x88;
        return graft_pickle_push (r, v);
      }
    case 'K': /* BININT1 */
    case 'M': /* BININT2 */
    case 'J': /* BININT */
      {
        guint n = op == 'K' ? 1 : op == 'M' ? 2 : 4;
        GraftPickleValue *v;

        if (!graft_pickle_need (r, n))
          return FALSE;
        v = graft_pickle_value_new (r, GRAFT_PICKLE_INT);
        if (v != NULL)
          v->u.i = op == 'J' ? (gint64) (gint32) graft_pickle_uint_le (r->data + r->pos, 4)
                             : (gint64) graft_pickle_uint_le (r->data + r->pos, n);
        r->pos += n;
        return graft_pickle_push (r, v);
      }
    case 0x8a: /* LONG1 */
      {
        guint n;
        GraftPickleValue *v;
        guint64 u;

        if (!graft_pickle_need (r, 1))
          return FALSE;
        n = r->data[r->pos++];
        if (!graft_pickle_need (r, n))
          return FALSE;
        /* Larger longs are only torch's legacy magic number: keep its low
         * 8 bytes, which is what a comparison needs. */
        u = graft_pickle_uint_le (r->data + r->pos, MIN (n, 8));
        if (n > 0 && n < 8 && (r->data[r->pos + n - 1] & 0x80))
          u |= ~G_GUINT64_CONSTANT (0) << (8 * n);
        v = graft_pickle_value_new (r, GRAFT_PICKLE_INT);
        if (v != NULL)
          v->u.i = (gint64) u;
        r->pos += n;
        return graft_pickle_push (r, v);
      }
    case 'G': /* BINFLOAT, big-endian */
      {
        GraftPickleValue *v;
        guint64 bits = 0;

        if (!graft_pickle_need (r, 8))
          return FALSE;
        for (guint i = 0; i < 8; i++)
          bits = (bits << 8) | r->data[r->pos + i];
        r->pos += 8;
        v = graft_pickle_value_new (r, GRAFT_PICKLE_FLOAT);
        if (v != NULL)
          memcpy (&v->u.f, &bits, sizeof bits);
        return graft_pickle_push (r, v);
      }
    case 'X': /* BINUNICODE */
    case 'B': /* BINBYTES */
    case 'T': /* BINSTRING */
      if (!graft_pickle_need (r, 4))
        return FALSE;
      r->pos += 4;
      return graft_pickle_string (r, graft_pickle_uint_le (r->data + r->pos - 4, 4),
                                  op == 'B' ? GRAFT_PICKLE_BYTES : GRAFT_PICKLE_STRING);
    case 0x8c: /* SHORT_BINUNICODE */
    case 'C':  /* SHORT_BINBYTES */
    case 'U':  /* SHORT_BINSTRING */
      if (!graft_pickle_need (r, 1))
        return FALSE;
      r->pos += 1;
      return graft_pickle_string (r, r->data[r->pos - 1],
                                  op == 'C' ? GRAFT_PICKLE_BYTES : GRAFT_PICKLE_STRING);
    case 0x8d: /* BINUNICODE8 */
      if (!graft_pickle_need (r, 8))
        return FALSE;
      r->pos += 8;
      {
        guint64 n = graft_pickle_uint_le (r->data + r->pos - 8, 8);

        if (n > GRAFT_PICKLE_MAX_STRING)
          return graft_pickle_fail (r, GRAFT_ERROR_LIMIT, "a string of %" G_GUINT64_FORMAT " bytes",
                                    n);
        return graft_pickle_string (r, n, GRAFT_PICKLE_STRING);
      }
    case ')': /* EMPTY_TUPLE */
      return graft_pickle_push (r, graft_pickle_value_new (r, GRAFT_PICKLE_TUPLE));
    case ']': /* EMPTY_LIST */
      return graft_pickle_push (r, graft_pickle_value_new (r, GRAFT_PICKLE_LIST));
    case '}': /* EMPTY_DICT */
      return graft_pickle_push (r, graft_pickle_value_new (r, GRAFT_PICKLE_DICT));
    case 't': /* TUPLE */
    case 'l': /* LIST */
    case 'd': /* DICT */
    case 'u': /* SETITEMS */
    case 'e': /* APPENDS */
      {
        g_autoptr(GPtrArray) items = graft_pickle_pop_mark (r);

        if (items == NULL)
          return FALSE;
        if (op == 't')
          return graft_pickle_tuple (r, items);
        if (op == 'u')
          return graft_pickle_setitems (r, items);
        if (op == 'e')
          return graft_pickle_appends (r, items);
        {
          GraftPickleValue *v = graft_pickle_value_new (r, op == 'l' ? GRAFT_PICKLE_LIST
                                                                     : GRAFT_PICKLE_DICT);

          if (v != NULL && op == 'd' && items->len % 2 != 0)
            return graft_pickle_fail (r, GRAFT_ERROR_CORRUPT, "a DICT of an odd length");
          for (guint i = 0; v != NULL && i < items->len; i++)
            g_ptr_array_add (v->u.items, g_ptr_array_index (items, i));
          return graft_pickle_push (r, v);
        }
      }
    case 0x85: /* TUPLE1 */
    case 0x86: /* TUPLE2 */
    case 0x87: /* TUPLE3 */
      {
        guint n = op - 0x84;
        g_autoptr(GPtrArray) items = g_ptr_array_new ();

        for (guint i = 0; i < n; i++)
          {
            GraftPickleValue *v = graft_pickle_pop (r);

            if (v == NULL)
              return FALSE;
            g_ptr_array_insert (items, 0, v);
          }
        return graft_pickle_tuple (r, items);
      }
    case 's': /* SETITEM */
    case 'a': /* APPEND */
      {
        g_autoptr(GPtrArray) items = g_ptr_array_new ();
        guint n = op == 's' ? 2 : 1;

        for (guint i = 0; i < n; i++)
          {
            GraftPickleValue *v = graft_pickle_pop (r);

            if (v == NULL)
              return FALSE;
            g_ptr_array_insert (items, 0, v);
          }
        return op == 's' ? graft_pickle_setitems (r, items) : graft_pickle_appends (r, items);
      }
    case 'q': /* BINPUT */
    case 'r': /* LONG_BINPUT */
    case 'h': /* BINGET */
    case 'j': /* LONG_BINGET */
      {
        guint n = op == 'q' || op == 'h' ? 1 : 4;
        guint64 index;

        if (!graft_pickle_need (r, n))
          return FALSE;
        index = graft_pickle_uint_le (r->data + r->pos, n);
        r->pos += n;
        return op == 'q' || op == 'r' ? graft_pickle_memo_put (r, index)
                                      : graft_pickle_memo_get (r, index);
      }
    case 0x94: /* MEMOIZE */
      return graft_pickle_memo_put (r, r->memo->len);
    case 'c': /* GLOBAL */
      {
        g_autofree char *module = NULL;
        g_autofree char *name = NULL;

        if (!graft_pickle_read_line (r, &module) || !graft_pickle_read_line (r, &name))
          return FALSE;
        return graft_pickle_global (r, module, name);
      }
    case 0x93: /* STACK_GLOBAL */
      {
        GraftPickleValue *name = graft_pickle_pop (r);
        GraftPickleValue *module = name ? graft_pickle_pop (r) : NULL;

        if (module == NULL)
          return FALSE;
        if (module->kind != GRAFT_PICKLE_STRING || name->kind != GRAFT_PICKLE_STRING)
          return graft_pickle_fail (r, GRAFT_ERROR_CORRUPT, "STACK_GLOBAL without two names");
        return graft_pickle_global (r, module->u.s, name->u.s);
      }
    case 'R': /* REDUCE */
      return graft_pickle_reduce (r);
    case 'Q': /* BINPERSID */
      return graft_pickle_persid (r);
    case 'b': /* BUILD */
      {
        GraftPickleValue *state = graft_pickle_pop (r);
        GraftPickleValue *target = state ? graft_pickle_top (r) : NULL;

        if (target == NULL)
          return FALSE;
        /* A state_dict's _metadata, set on the OrderedDict; nothing else
         * gets attributes. */
        if (target->kind != GRAFT_PICKLE_DICT || state->kind != GRAFT_PICKLE_DICT)
          return graft_pickle_fail (r, GRAFT_ERROR_UNSAFE, "BUILD of an object that is not a "
                                    "dictionary");
        return TRUE;
      }
    default:
      return graft_pickle_fail (r, GRAFT_ERROR_UNSAFE, "pickle opcode 0x%02x is not one a "
                                "state_dict uses", op);
    }
}

/**
 * graft_pickle_load:
 * @data: the pickle's bytes; more may follow it
 * @what: how messages name it ("model.pt: data.pkl")
 * @consumed: (out) (optional): bytes up to and including its STOP
 *
 * Reads one pickle without running anything (see the file's comment).
 *
 * Returns: (transfer full): the values it builds, or %NULL with
 *   %GRAFT_ERROR_UNSAFE (a global, opcode or call a state_dict has no use
 *   for, named), %GRAFT_ERROR_CORRUPT (malformed or truncated) or
 *   %GRAFT_ERROR_LIMIT (too many values, too deep)
 */
GraftPickle *
graft_pickle_load (const guint8  *data,
                   gsize          len,
                   const char    *what,
                   gsize         *consumed,
                   GError       **error)
{
  GraftPickleReader r = { data, len, 0, what, NULL, NULL, NULL, NULL, 0, error };
  g_autoptr(GraftPickle) pickle = g_new0 (GraftPickle, 1);
  gboolean stop = FALSE;

  /* Values may refer to each other in cycles (through the memo) and nest
   * without limit: they live in one arena, freed in one pass, never
   * recursively. */
  pickle->arena = g_ptr_array_new_with_free_func ((GDestroyNotify) graft_pickle_value_free);
  r.arena = pickle->arena;
  r.stack = g_ptr_array_new ();
  r.marks = g_array_new (FALSE, FALSE, sizeof (guint));
  r.memo = g_ptr_array_new ();

  while (!stop)
    {
      if ((r.pos & 0xffff) == 0)
        graft_progress_tick ();
      if (!graft_pickle_step (&r, &stop))
        break;
    }
  if (stop && (r.stack->len != 1 || r.marks->len != 0))
    {
      graft_pickle_fail (&r, GRAFT_ERROR_CORRUPT, "the pickle ends with %u values on its stack",
                         r.stack->len);
      stop = FALSE;
    }
  if (stop)
    {
      pickle->root = g_ptr_array_index (r.stack, 0);
      if (consumed != NULL)
        *consumed = r.pos;
    }
  g_ptr_array_unref (r.stack);
  g_array_unref (r.marks);
  g_ptr_array_unref (r.memo);
  return stop ? g_steal_pointer (&pickle) : NULL;
}
