/* graft-npy.c: NumPy's .npy format, versions 1.0 to 3.0
 *
 * Only plain numeric dtypes are read: object arrays would need unpickling,
 * which Graft never does.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-npy"

#include "config.h"

#include "graft-npy.h"

#include <string.h>

#include "graft-atomic.h"
#include "graft-dtype.h"
#include "graft-error.h"
#include "graft-limits.h"
#include "graft-tensor.h"

static const guint8 graft_npy_magic[6] = { 0x93, 'N', 'U', 'M', 'P', 'Y' };

/**
 * graft_npy_save:
 *
 * Writes @tensor as a version 1.0 .npy file in its own dtype, atomically.
 *
 * Returns: %FALSE with @error set when the dtype has no NumPy equivalent
 *   (bfloat16: %GRAFT_ERROR_UNSUPPORTED), the values cannot be read, or
 *   writing fails (%GRAFT_ERROR_IO); @path is then as it was
 */
gboolean
graft_npy_save (GraftTensor  *tensor,
                const char   *path,
                GError      **error)
{
  g_autoptr(GString) header = g_string_new (NULL);
  g_autoptr(GraftAtomicFile) file = NULL;
  const gsize *shape = graft_tensor_get_shape (tensor);
  guint rank = graft_tensor_get_rank (tensor);
  const void *data;
  guint8 preamble[10];
  gsize total;

  data = graft_tensor_get_data (tensor, error);
  if (data == NULL)
    return FALSE;

  g_string_append_printf (header, "{'descr': '%s', 'fortran_order': False, 'shape': (",
                          graft_dtype_get_npy_descr (graft_tensor_get_dtype (tensor)));
  for (guint i = 0; i < rank; i++)
    g_string_append_printf (header, "%" G_GSIZE_FORMAT "%s", shape[i],
                            rank == 1 ? "," : (i + 1 < rank ? ", " : ""));
  g_string_append (header, "), }");
  /* Pad with spaces so the data starts on a 64-byte boundary. */
  total = sizeof preamble + header->len + 1;
  while (total % 64 != 0)
    {
      g_string_append_c (header, ' ');
      total++;
    }
  g_string_append_c (header, '\n');

  memcpy (preamble, graft_npy_magic, 6);
  preamble[6] = 1;
  preamble[7] = 0;
  preamble[8] = header->len & 0xff;
  preamble[9] = (header->len >> 8) & 0xff;

  file = graft_atomic_file_new (path, error);
  return file != NULL &&
         graft_atomic_file_write (file, preamble, sizeof preamble, error) &&
         graft_atomic_file_write (file, header->str, header->len, error) &&
         graft_atomic_file_write (file, data, graft_tensor_get_n_bytes (tensor), error) &&
         graft_atomic_file_commit (file, error);
}

static const char *
graft_npy_find_value (const char *header,
                      const char *key)
{
  const char *p = strstr (header, key);

  if (p == NULL)
    return NULL;
  p += strlen (key);
  while (*p == ' ' || *p == '\'' || *p == '"')
    p++;
  if (*p != ':')
    return NULL;
  p++;
  while (*p == ' ')
    p++;
  return p;
}

/**
 * graft_npy_load:
 *
 * Reads a whole .npy file into memory.
 *
 * Returns: (transfer full): the tensor, or %NULL with @error set
 */
GraftTensor *
graft_npy_load (const char  *path,
                GError     **error)
{
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *header = NULL;
  const guint8 *bytes;
  gsize len, header_len, data_off, n_elements = 1, elem;
  gsize shape[GRAFT_MAX_RANK];
  guint rank = 0;
  const char *descr, *shape_str, *fortran;
  char descr_buf[16] = { 0 };
  GraftDType dtype;
  gboolean swap = FALSE;
  gpointer data;

  mapped = g_mapped_file_new (path, FALSE, &local_error);
  if (mapped == NULL)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_IO, "%s", local_error->message);
      return NULL;
    }
  bytes = (const guint8 *) g_mapped_file_get_contents (mapped);
  len = g_mapped_file_get_length (mapped);

  if (len < 10 || memcmp (bytes, graft_npy_magic, 6) != 0)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT, "%s: not a NumPy .npy file", path);
      return NULL;
    }
  if (bytes[6] == 1)
    {
      header_len = bytes[8] | (bytes[9] << 8);
      data_off = 10;
    }
  else if ((bytes[6] == 2 || bytes[6] == 3) && len >= 12)
    {
      header_len = (gsize) bytes[8] | ((gsize) bytes[9] << 8) | ((gsize) bytes[10] << 16) |
                   ((gsize) bytes[11] << 24);
      data_off = 12;
    }
  else
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED,
                   "%s: .npy version %u.%u is not supported", path, bytes[6], bytes[7]);
      return NULL;
    }
  if (header_len > len - data_off || header_len > 1 << 20)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT, "%s: truncated .npy header", path);
      return NULL;
    }
  header = g_strndup ((const char *) bytes + data_off, header_len);
  data_off += header_len;

  descr = graft_npy_find_value (header, "descr");
  fortran = graft_npy_find_value (header, "fortran_order");
  shape_str = graft_npy_find_value (header, "shape");
  if (descr == NULL || fortran == NULL || shape_str == NULL || *shape_str != '(')
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT, "%s: malformed .npy header", path);
      return NULL;
    }
  if (g_str_has_prefix (fortran, "True"))
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED,
                   "%s: Fortran-ordered arrays are not supported; save with np.ascontiguousarray",
                   path);
      return NULL;
    }
  if (*descr != '\'' && *descr != '"')
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT, "%s: malformed .npy header", path);
      return NULL;
    }
  descr++; /* skip the quote */
  for (guint i = 0; i < sizeof descr_buf - 1 && descr[i] != '\'' && descr[i] != '"' && descr[i]; i++)
    descr_buf[i] = descr[i];

  if (descr_buf[0] == '>')
    {
      swap = G_BYTE_ORDER == G_LITTLE_ENDIAN;
      descr_buf[0] = '<';
    }
  else if (descr_buf[0] == '=')
    descr_buf[0] = '<';
  {
    gboolean found = FALSE;

    for (guint i = 0; i < GRAFT_N_DTYPES && !found; i++)
      {
        const char *d = graft_dtype_get_npy_descr (i);

        if (d != NULL && (g_strcmp0 (d, descr_buf) == 0 ||
                          (d[0] == '|' && g_strcmp0 (d + 1, descr_buf + 1) == 0)))
          {
            dtype = i;
            found = TRUE;
          }
      }
    if (!found || g_strcmp0 (descr_buf, "<V2") == 0)
      {
        g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED,
                     "%s: dtype '%s' is not supported (only numeric arrays; pickled objects are "
                     "never loaded)", path, descr_buf);
        return NULL;
      }
  }

  shape_str++;
  while (*shape_str != ')' && *shape_str != '\0')
    {
      char *end;
      guint64 v;

      while (*shape_str == ' ' || *shape_str == ',')
        shape_str++;
      if (*shape_str == ')')
        break;
      v = g_ascii_strtoull (shape_str, &end, 10);
      if (end == shape_str || rank >= GRAFT_MAX_RANK)
        {
          g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT, "%s: malformed shape in .npy header",
                       path);
          return NULL;
        }
      shape[rank++] = v;
      if (v != 0 && n_elements > G_MAXSIZE / 16 / v)
        {
          g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_LIMIT, "%s: absurd .npy shape", path);
          return NULL;
        }
      n_elements *= v;
      shape_str = end;
    }

  elem = graft_dtype_get_size (dtype);
  if (n_elements * elem > len - data_off)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT,
                   "%s: holds %" G_GSIZE_FORMAT " data bytes, the header promises %" G_GSIZE_FORMAT,
                   path, len - data_off, n_elements * elem);
      return NULL;
    }
  if (!graft_limits_check_alloc (n_elements * elem, error))
    return NULL;

  data = g_malloc (MAX (n_elements * elem, 1));
  memcpy (data, bytes + data_off, n_elements * elem);
  if (swap && elem > 1)
    {
      guint8 *p = data;

      for (gsize i = 0; i < n_elements; i++, p += elem)
        for (gsize a = 0, b = elem - 1; a < b; a++, b--)
          {
            guint8 t = p[a];
            p[a] = p[b];
            p[b] = t;
          }
    }
  return graft_tensor_new_take (dtype, rank, shape, data);
}
