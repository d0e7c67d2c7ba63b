/* graft-zip-locate.c: where a stored zip member's bytes lie in the archive
 *
 * libzip reads members through its own buffers; to give HDF5 a member that
 * is stored uncompressed (as Keras stores model.weights.h5) without
 * reading it, Graft maps the archive and points at the member's bytes.
 * That needs the member's data offset, which libzip does not expose, so
 * this file walks the central directory itself (Zip64 included) and
 * checks every offset against the archive's size.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-zip-locate"

#include "config.h"

#include "graft-zip-locate-private.h"

#include <string.h>

static guint16
graft_zip_u16 (const guint8 *p)
{
  return (guint16) (p[0] | (p[1] << 8));
}

static guint32
graft_zip_u32 (const guint8 *p)
{
  return (guint32) p[0] | ((guint32) p[1] << 8) | ((guint32) p[2] << 16) | ((guint32) p[3] << 24);
}

static guint64
graft_zip_u64 (const guint8 *p)
{
  return (guint64) graft_zip_u32 (p) | ((guint64) graft_zip_u32 (p + 4) << 32);
}

/* Finds the central directory: its offset and number of entries. */
static gboolean
graft_zip_find_directory (const guint8 *data,
                          gsize         len,
                          guint64      *cd_offset,
                          guint64      *n_entries)
{
  gsize min_back = 22;
  gsize start;

  if (len < min_back)
    return FALSE;
  /* The end record is at most 64 KiB of comment away from the end. */
  start = len > min_back + 65535 ? len - min_back - 65535 : 0;
  for (gsize pos = len - min_back + 1; pos-- > start;)
    {
      const guint8 *eocd = data + pos;

      if (graft_zip_u32 (eocd) != 0x06054b50)
        continue;
      *n_entries = graft_zip_u16 (eocd + 10);
      *cd_offset = graft_zip_u32 (eocd + 16);
      if (*cd_offset == 0xffffffffu || *n_entries == 0xffff)
        {
          const guint8 *loc;
          guint64 eocd64;

          if (pos < 20)
            return FALSE;
          loc = eocd - 20;
          if (graft_zip_u32 (loc) != 0x07064b50)
            return FALSE;
          eocd64 = graft_zip_u64 (loc + 8);
          if (eocd64 > len - 56 || graft_zip_u32 (data + eocd64) != 0x06064b50)
            return FALSE;
          *n_entries = graft_zip_u64 (data + eocd64 + 32);
          *cd_offset = graft_zip_u64 (data + eocd64 + 48);
        }
      return *cd_offset < len;
    }
  return FALSE;
}

/**
 * graft_zip_locate_stored:
 * @data: the whole archive
 * @name: the member's name
 * @offset: (out): where its bytes start in @data
 * @size: (out): how many bytes it has
 *
 * Returns: %TRUE when @name is a member stored without compression whose
 *   bytes lie entirely inside @data
 */
gboolean
graft_zip_locate_stored (const guint8 *data,
                         gsize         len,
                         const char   *name,
                         guint64      *offset,
                         guint64      *size)
{
  guint64 cd, n_entries, pos;
  gsize name_len = strlen (name);

  if (!graft_zip_find_directory (data, len, &cd, &n_entries))
    return FALSE;

  pos = cd;
  for (guint64 i = 0; i < n_entries; i++)
    {
      const guint8 *e;
      guint16 method, n_len, x_len, c_len;
      guint64 comp, uncomp, local;

      if (pos > len || len - pos < 46)
        return FALSE;
      e = data + pos;
      if (graft_zip_u32 (e) != 0x02014b50)
        return FALSE;
      method = graft_zip_u16 (e + 10);
      comp = graft_zip_u32 (e + 20);
      uncomp = graft_zip_u32 (e + 24);
      n_len = graft_zip_u16 (e + 28);
      x_len = graft_zip_u16 (e + 30);
      c_len = graft_zip_u16 (e + 32);
      local = graft_zip_u32 (e + 42);
      if (len - pos - 46 < (guint64) n_len + x_len + c_len)
        return FALSE;

      if (n_len == name_len && memcmp (e + 46, name, name_len) == 0)
        {
          const guint8 *x = e + 46 + n_len;
          const guint8 *lh;
          guint64 data_start;

          /* Zip64 sizes and offset come, in this order, from the extra field
           * for each value that is saturated in the fixed part. */
          for (guint16 k = 0; k + 4 <= x_len;)
            {
              guint16 id = graft_zip_u16 (x + k), sz = graft_zip_u16 (x + k + 2);
              guint16 q = k + 4;

              if (k + 4 + sz > x_len)
                break;
              if (id == 0x0001)
                {
                  if (uncomp == 0xffffffffu && q + 8 <= k + 4 + sz)
                    uncomp = graft_zip_u64 (x + q), q += 8;
                  if (comp == 0xffffffffu && q + 8 <= k + 4 + sz)
                    comp = graft_zip_u64 (x + q), q += 8;
                  if (local == 0xffffffffu && q + 8 <= k + 4 + sz)
                    local = graft_zip_u64 (x + q);
                }
              k += 4 + sz;
            }

          if (method != 0 || comp != uncomp || (graft_zip_u16 (e + 8) & 1) != 0)
            return FALSE;   /* compressed or encrypted */
          if (local > len || len - local < 30)
            return FALSE;
          lh = data + local;
          if (graft_zip_u32 (lh) != 0x04034b50)
            return FALSE;
          data_start = local + 30 + graft_zip_u16 (lh + 26) + graft_zip_u16 (lh + 28);
          if (data_start > len || len - data_start < comp)
            return FALSE;
          *offset = data_start;
          *size = comp;
          return TRUE;
        }
      pos += 46 + (guint64) n_len + x_len + c_len;
    }
  return FALSE;
}
