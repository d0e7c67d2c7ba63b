/* graft-damage.c: saying in a person's words what is wrong with a checkpoint that will not open
 *
 * libhdf5 and libzip explain a cut-off file in their own terms ("eof =
 * 1546416, sblock->base_addr = 0, stored_eof = 3092832", "Not a zip
 * archive"). Both formats record enough to tell a truncated file from a
 * corrupt one: an HDF5 superblock stores the address of the end of the
 * file, and a zip archive ends with its directory. This file reads those
 * few bytes itself, without either library.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-damage"

#include "config.h"

#include "graft-damage.h"

#include <glib/gstdio.h>
#include <string.h>

/* Where libhdf5 looks for a superblock: 0, then 512, 1024, 2048, … */
#define GRAFT_DAMAGE_H5_MAX_OFFSET (1u << 20)
/* A zip directory's end record is within 22 + 65535 bytes of the end. */
#define GRAFT_DAMAGE_ZIP_TAIL (22 + 65535)

static const guint8 graft_damage_h5_magic[8] = { 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n' };

static gboolean
graft_damage_read_at (FILE   *file,
                      guint64 offset,
                      guint8 *buf,
                      gsize   len)
{
  return fseeko (file, (off_t) offset, SEEK_SET) == 0 && fread (buf, 1, len, file) == len;
}

static guint64
graft_damage_le (const guint8 *p,
                 guint         size)
{
  guint64 v = 0;

  for (guint i = size; i > 0; i--)
    v = (v << 8) | p[i - 1];
  return v;
}

/* The end-of-file address an HDF5 superblock at @at records, absolute;
 * 0 when the superblock cannot be read. */
static guint64
graft_damage_h5_stored_eof (FILE    *file,
                            guint64  at)
{
  guint8 sb[96];
  guint version, size_of_offsets, eof_at, base_at;
  guint64 base, eof;

  if (!graft_damage_read_at (file, at, sb, 24))
    return 0;
  version = sb[8];
  if (version <= 1)
    {
      size_of_offsets = sb[13];
      base_at = 24 + (version == 1 ? 4 : 0);
      eof_at = base_at + 2 * size_of_offsets;
    }
  else if (version <= 3)
    {
      size_of_offsets = sb[9];
      base_at = 12;
      eof_at = base_at + 2 * size_of_offsets;
    }
  else
    return 0;
  if (size_of_offsets != 2 && size_of_offsets != 4 && size_of_offsets != 8)
    return 0;
  if (!graft_damage_read_at (file, at, sb, eof_at + size_of_offsets))
    return 0;
  base = graft_damage_le (sb + base_at, size_of_offsets);
  eof = graft_damage_le (sb + eof_at, size_of_offsets);
  if (eof == G_MAXUINT64 || base > G_MAXUINT64 - eof)
    return 0;
  return base + eof;
}

static char *
graft_damage_truncated (guint64 have,
                        guint64 want)
{
  g_autofree char *have_text = g_format_size (have);
  g_autofree char *want_text = g_format_size (want);

  return g_strdup_printf ("truncated: %s of %s — an incomplete download?", have_text, want_text);
}

static char *
graft_damage_h5 (FILE    *file,
                 guint64  size)
{
  for (guint64 at = 0; at + 8 <= size && at <= GRAFT_DAMAGE_H5_MAX_OFFSET; at = at ? at * 2 : 512)
    {
      guint8 magic[8];
      guint64 eof;

      if (!graft_damage_read_at (file, at, magic, 8))
        return NULL;
      if (memcmp (magic, graft_damage_h5_magic, 8) != 0)
        continue;
      eof = graft_damage_h5_stored_eof (file, at);
      if (eof == 0)
        return g_strdup ("its HDF5 header is cut short or damaged");
      if (eof > size)
        return graft_damage_truncated (size, eof);
      return NULL;
    }
  return NULL;
}

/* A zip archive that begins like one but has no directory at its end. */
static char *
graft_damage_zip (FILE    *file,
                  guint64  size)
{
  guint8 head[4];
  gsize tail_len = (gsize) MIN (size, GRAFT_DAMAGE_ZIP_TAIL);
  g_autofree guint8 *tail = NULL;

  if (!graft_damage_read_at (file, 0, head, 4) || memcmp (head, "PK\003\004", 4) != 0)
    return NULL;
  tail = g_malloc (tail_len);
  if (!graft_damage_read_at (file, size - tail_len, tail, tail_len))
    return NULL;
  for (gsize i = tail_len >= 22 ? tail_len - 22 + 1 : 0; i-- > 0;)
    if (memcmp (tail + i, "PK\005\006", 4) == 0)
      return NULL;
  {
    g_autofree char *have = g_format_size (size);

    return g_strdup_printf ("truncated: the zip archive stops after %s, before the table of "
                            "contents kept at its end — an incomplete download?", have);
  }
}

/**
 * graft_damage_describe:
 * @path: a checkpoint that failed to open
 *
 * Looks for the damage a person can act on: a file cut short (an
 * interrupted download or copy) or an empty one.
 *
 * Returns: (transfer full) (nullable): what is wrong, in a person's words,
 *   without the file's name ("truncated: 1.5 MB of 3.1 MB — an incomplete
 *   download?"), or %NULL when no such damage is found
 */
char *
graft_damage_describe (const char *path)
{
  GStatBuf st;
  FILE *file;
  char *found;

  g_return_val_if_fail (path != NULL, NULL);

  if (g_stat (path, &st) != 0 || !S_ISREG (st.st_mode))
    return NULL;
  if (st.st_size == 0)
    return g_strdup ("the file is empty (0 bytes) — an interrupted download or copy?");
  file = g_fopen (path, "rb");
  if (file == NULL)
    return NULL;
  found = graft_damage_h5 (file, (guint64) st.st_size);
  if (found == NULL)
    found = graft_damage_zip (file, (guint64) st.st_size);
  fclose (file);
  return found;
}
