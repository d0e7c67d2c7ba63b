/* graft-numbers.c: numbers as the user interface shows them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-numbers"

#include "config.h"

#include "graft-numbers.h"

#include <math.h>
#include <string.h>

/**
 * graft_numbers_count:
 *
 * Returns: (transfer full): @n with thin spaces between groups of three
 *   digits, "54 410", which reads the same in every locale
 */
char *
graft_numbers_count (guint64 n)
{
  g_autofree char *digits = g_strdup_printf ("%" G_GUINT64_FORMAT, n);
  GString *out = g_string_new (NULL);
  gsize len = strlen (digits);

  for (gsize i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append (out, "\u2009");
      g_string_append_c (out, digits[i]);
    }
  return g_string_free (out, FALSE);
}

/**
 * graft_numbers_value:
 *
 * Returns: (transfer full): @value with enough digits to tell a float32
 *   apart from its neighbours, NaN and infinities spelled out
 */
char *
graft_numbers_value (double value)
{
  if (isnan (value))
    return g_strdup ("NaN");
  if (isinf (value))
    return g_strdup (value > 0 ? "+Inf" : "\u2212Inf");
  if (value < 0)
    return g_strdup_printf ("\u2212%.7g", -value);
  return g_strdup_printf ("%.7g", value);
}

/**
 * graft_numbers_index:
 *
 * Returns: (transfer full): "[1, 2, 0]"
 */
char *
graft_numbers_index (guint        rank,
                    const gsize *index)
{
  GString *out = g_string_new ("[");

  for (guint i = 0; i < rank; i++)
    g_string_append_printf (out, "%s%" G_GSIZE_FORMAT, i > 0 ? ", " : "", index[i]);
  g_string_append_c (out, ']');
  return g_string_free (out, FALSE);
}
