/* graft-archive.c: zip archives, read and written (the only user of libzip)
 *
 * Reading checks an archive before trusting it: its central directory is
 * consistent, no two members share a name (which one would Keras read?),
 * the member count is bounded, and a member is inflated only when its
 * declared size fits the memory limit and its expansion ratio is not that
 * of a zip bomb; a member that holds more or fewer bytes than it declares
 * is refused.
 *
 * Writing builds the archive in a temporary file beside the target and
 * replaces the target only once the archive is complete and flushed
 * (graft-atomic.c). libzip itself writes the archive into a temporary file
 * of its own and renames it over the path it was given, so the flush
 * reopens that path before the final rename.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-archive"

#include "config.h"

#include "graft-archive.h"

#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zip.h>

#include "graft-atomic.h"
#include "graft-damage.h"
#include "graft-error.h"
#include "graft-fault.h"
#include "graft-limits.h"
#include "graft-progress.h"

struct GraftArchive
{
  char  *path;
  zip_t *zip;
};

struct GraftArchiveWriter
{
  GraftAtomicFile *out;
  zip_t           *zip;
  char            *target;
};

/* "path: what: reason", with the hint for a full disk that every writer
 * gives (graft_error_set_errno()). */
static void
graft_archive_set_error (GError      **error,
                         zip_error_t  *zerr,
                         const char   *path,
                         const char   *what)
{
  int sys = zip_error_code_system (zerr);

  if (zip_error_system_type (zerr) == ZIP_ET_SYS && sys != 0)
    {
      g_autofree char *full = g_strdup_printf ("%s (%s)", what, zip_error_strerror (zerr));

      graft_error_set_errno (error, sys, path, full);
      return;
    }
  g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_IO, "%s: %s: %s", path, what,
               zip_error_strerror (zerr));
}

/**
 * graft_archive_open:
 *
 * Opens a zip archive for reading and checks its directory.
 *
 * Returns: (transfer full): the archive, or %NULL with
 *   %GRAFT_ERROR_NOT_A_MODEL (not a zip archive), %GRAFT_ERROR_UNSAFE (two
 *   members of one name), %GRAFT_ERROR_LIMIT (too many members) or
 *   %GRAFT_ERROR_CORRUPT (an inconsistent or truncated archive)
 */
GraftArchive *
graft_archive_open (const char  *path,
                    GError     **error)
{
  g_autoptr(GraftArchive) self = g_new0 (GraftArchive, 1);
  g_autoptr(GHashTable) names = NULL;
  zip_int64_t n;
  int zerr = 0;

  self->path = g_strdup (path);
  self->zip = zip_open (path, ZIP_RDONLY | ZIP_CHECKCONS, &zerr);
  if (self->zip == NULL)
    {
      zip_error_t ze;

      if (zerr == ZIP_ER_EXISTS)
        {
          g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSAFE,
                       "%s: archive has two members with the same name; refusing an ambiguous "
                       "archive", path);
          return NULL;
        }
      g_autofree char *damage = graft_damage_describe (path);

      zip_error_init_with_code (&ze, zerr);
      if (damage != NULL)
        g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT, "%s: %s (libzip: %s)", path, damage,
                     zip_error_strerror (&ze));
      else
        g_set_error (error, GRAFT_ERROR,
                     zerr == ZIP_ER_NOZIP ? GRAFT_ERROR_NOT_A_MODEL : GRAFT_ERROR_CORRUPT,
                     "%s: not a readable zip archive (%s)", path, zip_error_strerror (&ze));
      zip_error_fini (&ze);
      return NULL;
    }

  n = zip_get_num_entries (self->zip, 0);
  if (n < 0 || n > GRAFT_MAX_ZIP_MEMBERS)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_LIMIT, "%s: archive has too many members", path);
      return NULL;
    }
  names = g_hash_table_new (g_str_hash, g_str_equal);
  for (zip_int64_t i = 0; i < n; i++)
    {
      const char *name = zip_get_name (self->zip, i, ZIP_FL_ENC_GUESS);

      if (name != NULL && !g_hash_table_add (names, (gpointer) name))
        {
          g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSAFE,
                       "%s: archive has two members named '%s'; refusing an ambiguous archive",
                       path, name);
          return NULL;
        }
    }
  return g_steal_pointer (&self);
}

void
graft_archive_free (GraftArchive *self)
{
  if (self == NULL)
    return;
  if (self->zip != NULL)
    zip_discard (self->zip);
  g_free (self->path);
  g_free (self);
}

const char *
graft_archive_get_path (const GraftArchive *self)
{
  return self->path;
}

guint
graft_archive_get_n_members (const GraftArchive *self)
{
  return (guint) zip_get_num_entries (self->zip, 0);
}

/**
 * graft_archive_get_member:
 * @member: (out caller-allocates): what the directory says of the member
 *
 * Returns: %FALSE with %GRAFT_ERROR_CORRUPT when the directory entry is
 *   unreadable or lacks the sizes
 */
gboolean
graft_archive_get_member (GraftArchive        *self,
                          guint                index,
                          GraftArchiveMember  *member,
                          GError             **error)
{
  zip_stat_t st;

  zip_stat_init (&st);
  if (zip_stat_index (self->zip, index, ZIP_FL_ENC_GUESS, &st) != 0 ||
      !(st.valid & ZIP_STAT_SIZE) || !(st.valid & ZIP_STAT_COMP_SIZE) ||
      !(st.valid & ZIP_STAT_NAME))
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT, "%s: member %u is unreadable: %s",
                   self->path, index, zip_strerror (self->zip));
      return FALSE;
    }
  member->name = st.name;
  member->size = st.size;
  member->comp_size = st.comp_size;
  member->stored = (st.valid & ZIP_STAT_COMP_METHOD) && st.comp_method == ZIP_CM_STORE;
  member->mtime = (st.valid & ZIP_STAT_MTIME) ? (gint64) st.mtime : 0;
  return TRUE;
}

/**
 * graft_archive_find:
 *
 * Returns: the index of the member called @name, or -1
 */
gint
graft_archive_find (const GraftArchive *self,
                    const char         *name)
{
  zip_int64_t index = zip_name_locate (self->zip, name, ZIP_FL_ENC_GUESS);

  return index < 0 || index > G_MAXINT ? -1 : (gint) index;
}

/**
 * graft_archive_read:
 *
 * Inflates one member into memory, after checking its declared size
 * against the memory limit and its expansion ratio against a zip bomb's.
 *
 * Returns: (transfer full): the member's bytes, or %NULL with
 *   %GRAFT_ERROR_UNSAFE (a likely zip bomb), %GRAFT_ERROR_LIMIT or
 *   %GRAFT_ERROR_CORRUPT (more or fewer bytes than declared)
 */
GBytes *
graft_archive_read (GraftArchive  *self,
                    guint          index,
                    GError       **error)
{
  GraftArchiveMember m;
  zip_file_t *zf;
  guint8 *buf;
  guint64 done = 0;

  if (!graft_archive_get_member (self, index, &m, error))
    return NULL;
  if (m.size > (m.comp_size + 1) * GRAFT_MAX_ZIP_RATIO)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSAFE,
                   "%s: member '%s' would expand from %" G_GUINT64_FORMAT " to %" G_GUINT64_FORMAT
                   " bytes, more than %d-fold: refused as a likely zip bomb",
                   self->path, m.name, m.comp_size, m.size, GRAFT_MAX_ZIP_RATIO);
      return NULL;
    }
  if (!graft_limits_check_alloc (m.size, error))
    {
      g_prefix_error (error, "%s: member '%s': ", self->path, m.name);
      return NULL;
    }

  zf = zip_fopen_index (self->zip, index, 0);
  if (zf == NULL)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED, "%s: cannot read member '%s': %s",
                   self->path, m.name, zip_strerror (self->zip));
      return NULL;
    }
  buf = g_try_malloc (MAX (m.size, 1));
  if (buf == NULL)
    {
      zip_fclose (zf);
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_LIMIT, "%s: not enough memory for member '%s'",
                   self->path, m.name);
      return NULL;
    }
  while (done < m.size)
    {
      zip_int64_t n = zip_fread (zf, buf + done, MIN (m.size - done, (guint64) 1 << 24));

      if (n <= 0)
        break;
      done += n;
      graft_progress_tick ();
    }
  /* Read one byte more: a member must not hold more than it declares. */
  if (done == m.size)
    {
      guint8 extra;

      if (zip_fread (zf, &extra, 1) > 0)
        done++;
    }
  if (done != m.size)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT,
                   "%s: member '%s' holds %s than the %" G_GUINT64_FORMAT " bytes it declares (%s)",
                   self->path, m.name, done < m.size ? "fewer bytes" : "more bytes", m.size,
                   zip_file_strerror (zf));
      zip_fclose (zf);
      g_free (buf);
      return NULL;
    }
  zip_fclose (zf);
  return g_bytes_new_take (buf, m.size);
}

/**
 * graft_archive_extract:
 * @fd: an open file to write the member into
 * @target: the file being written, for messages
 *
 * Inflates one member into @fd, a megabyte at a time.
 *
 * Returns: %FALSE with @error set when reading or writing fails
 */
gboolean
graft_archive_extract (GraftArchive  *self,
                       guint          index,
                       int            fd,
                       const char    *target,
                       GError       **error)
{
  g_autofree guint8 *buf = g_malloc (1 << 20);
  zip_file_t *zf = zip_fopen_index (self->zip, index, 0);
  zip_int64_t n;

  if (zf == NULL)
    {
      graft_archive_set_error (error, zip_get_error (self->zip), self->path,
                               "cannot read a member");
      return FALSE;
    }
  while ((n = zip_fread (zf, buf, 1 << 20)) > 0)
    {
      zip_int64_t w = 0;

      graft_progress_tick ();
      while (w < n)
        {
          ssize_t k = write (fd, buf + w, n - w);

          if (k < 0 && errno == EINTR)
            continue;
          if (k <= 0)
            {
              graft_error_set_errno (error, k < 0 ? errno : ENOSPC, target, "cannot write");
              zip_fclose (zf);
              return FALSE;
            }
          w += k;
        }
    }
  if (n < 0)
    {
      graft_archive_set_error (error, zip_file_get_error (zf), self->path,
                               "cannot read a member");
      zip_fclose (zf);
      return FALSE;
    }
  zip_fclose (zf);
  return TRUE;
}

/**
 * graft_archive_writer_new:
 * @target: the archive to create or replace
 * @flags: %GRAFT_SAVE_NO_SYNC to skip the flushes
 *
 * Starts a new archive in a temporary file beside @target.
 *
 * Returns: (transfer full): the writer, or %NULL with @error set when the
 *   folder refuses a new file
 */
GraftArchiveWriter *
graft_archive_writer_new (const char      *target,
                          GraftSaveFlags   flags,
                          GError         **error)
{
  g_autoptr(GraftArchiveWriter) self = g_new0 (GraftArchiveWriter, 1);
  int zerr = 0;

  self->target = g_strdup (target);
  self->out = graft_atomic_file_new (target, error);
  if (self->out == NULL)
    return NULL;
  graft_atomic_file_set_sync (self->out, !(flags & GRAFT_SAVE_NO_SYNC));
  self->zip = zip_open (graft_atomic_file_get_path (self->out), ZIP_CREATE | ZIP_TRUNCATE, &zerr);
  if (self->zip == NULL)
    {
      zip_error_t ze;

      zip_error_init_with_code (&ze, zerr);
      graft_archive_set_error (error, &ze, target, "cannot create the archive");
      zip_error_fini (&ze);
      return NULL;
    }
  return g_steal_pointer (&self);
}

static gboolean
graft_archive_writer_add (GraftArchiveWriter  *self,
                          const char          *name,
                          zip_source_t        *source,
                          zip_int64_t         *index,
                          GError             **error)
{
  if (source == NULL)
    {
      graft_archive_set_error (error, zip_get_error (self->zip), self->target,
                               "cannot add a member");
      return FALSE;
    }
  *index = zip_file_add (self->zip, name, source, ZIP_FL_ENC_UTF_8);
  if (*index < 0)
    {
      zip_source_free (source);
      graft_archive_set_error (error, zip_get_error (self->zip), self->target,
                               "cannot add a member");
      return FALSE;
    }
  return graft_fault_step (self->target, name, error);
}

/* 1980-01-01 00:00 local time: what Python's zipfile (and so Keras) gives a
 * member written from memory. */
static time_t
graft_archive_dos_epoch (void)
{
  struct tm tm = { 0 };

  tm.tm_year = 80;
  tm.tm_mday = 1;
  tm.tm_isdst = -1;
  return mktime (&tm);
}

/**
 * graft_archive_writer_add_text:
 *
 * Adds a member with @text, stored uncompressed and dated 1980-01-01, as
 * Keras writes its JSON members.
 *
 * Returns: %FALSE with @error set on failure
 */
gboolean
graft_archive_writer_add_text (GraftArchiveWriter  *self,
                               const char          *name,
                               const char          *text,
                               GError             **error)
{
  gsize len = strlen (text);
  zip_source_t *source = zip_source_buffer (self->zip, g_memdup2 (text, MAX (len, 1)), len, 1);
  zip_int64_t index;

  if (!graft_archive_writer_add (self, name, source, &index, error))
    return FALSE;
  zip_set_file_compression (self->zip, index, ZIP_CM_STORE, 0);
  zip_file_set_mtime (self->zip, index, graft_archive_dos_epoch (), 0);
  return TRUE;
}

/**
 * graft_archive_writer_add_file:
 * @path: a file that must stay in place until the commit
 *
 * Adds a member with the contents of @path, stored uncompressed (so that
 * readers can map it in place) and dated now, as Keras writes its weights.
 *
 * Returns: %FALSE with @error set on failure
 */
gboolean
graft_archive_writer_add_file (GraftArchiveWriter  *self,
                               const char          *name,
                               const char          *path,
                               GError             **error)
{
  zip_int64_t index;

  if (!graft_archive_writer_add (self, name, zip_source_file (self->zip, path, 0, -1), &index,
                                 error))
    return FALSE;
  zip_set_file_compression (self->zip, index, ZIP_CM_STORE, 0);
  return TRUE;
}

/* Gives member @index the method, time and attributes of @like's @like_index. */
static void
graft_archive_writer_copy_meta (GraftArchiveWriter *self,
                                zip_int64_t         index,
                                GraftArchive       *like,
                                guint               like_index)
{
  zip_stat_t st;
  zip_uint8_t opsys;
  zip_uint32_t attributes;

  zip_stat_init (&st);
  if (zip_stat_index (like->zip, like_index, 0, &st) == 0)
    {
      /* A raw copy keeps its method, so libzip passes its bytes through. */
      if (!(st.valid & ZIP_STAT_COMP_METHOD) ||
          zip_set_file_compression (self->zip, index, st.comp_method, 0) != 0)
        zip_set_file_compression (self->zip, index, ZIP_CM_DEFLATE, 0);
      if (st.valid & ZIP_STAT_MTIME)
        zip_file_set_mtime (self->zip, index, st.mtime, 0);
    }
  if (zip_file_get_external_attributes (like->zip, like_index, 0, &opsys, &attributes) == 0)
    zip_file_set_external_attributes (self->zip, index, 0, opsys, attributes);
}

/**
 * graft_archive_writer_add_file_like:
 * @path: a file that must stay in place until the commit
 * @like: the archive whose member @path replaces
 * @index: that member
 *
 * Adds the contents of @path under the name, compression method, time
 * and attributes of member @index of @like.
 *
 * Returns: %FALSE with @error set on failure
 */
gboolean
graft_archive_writer_add_file_like (GraftArchiveWriter  *self,
                                    const char          *path,
                                    GraftArchive        *like,
                                    guint                index,
                                    GError             **error)
{
  GraftArchiveMember m;
  zip_int64_t added;

  if (!graft_archive_get_member (like, index, &m, error) ||
      !graft_archive_writer_add (self, m.name, zip_source_file (self->zip, path, 0, -1), &added,
                                 error))
    return FALSE;
  graft_archive_writer_copy_meta (self, added, like, index);
  return TRUE;
}

/**
 * graft_archive_writer_add_raw:
 *
 * Copies member @index of @source as it is stored: still compressed, with
 * its name, method, time and attributes.
 *
 * Returns: %FALSE with @error set on failure
 */
gboolean
graft_archive_writer_add_raw (GraftArchiveWriter  *self,
                              GraftArchive        *source,
                              guint                index,
                              GError             **error)
{
  GraftArchiveMember m;
  zip_int64_t added;

  if (!graft_archive_get_member (source, index, &m, error) ||
      !graft_archive_writer_add (self, m.name,
                                 zip_source_zip (self->zip, source->zip, index, ZIP_FL_COMPRESSED,
                                                 0, -1),
                                 &added, error))
    return FALSE;
  graft_archive_writer_copy_meta (self, added, source, index);
  return TRUE;
}

/**
 * graft_archive_writer_commit:
 *
 * Writes the archive, flushes it and renames it over the target.
 *
 * Returns: %FALSE with @error set (a full disk named as such) when the
 *   archive cannot be written; the target is then untouched
 */
gboolean
graft_archive_writer_commit (GraftArchiveWriter  *self,
                             GError             **error)
{
  if (!graft_fault_step (self->target, "write the archive", error))
    return FALSE;
  if (zip_close (self->zip) != 0)
    {
      graft_archive_set_error (error, zip_get_error (self->zip), self->target,
                               "cannot write the archive");
      return FALSE;
    }
  self->zip = NULL;
  return graft_atomic_file_reopen (self->out, error) &&
         graft_atomic_file_commit (self->out, error);
}

/* Frees the writer; an archive not committed is removed. */
void
graft_archive_writer_free (GraftArchiveWriter *self)
{
  if (self == NULL)
    return;
  if (self->zip != NULL)
    zip_discard (self->zip);
  g_clear_pointer (&self->out, graft_atomic_file_free);
  g_free (self->target);
  g_free (self);
}
