/* graft-h5-dataset.c: HDF5 datasets: their metadata, blocks of values, and lazy tensors over them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-h5-dataset"

#include "config.h"

#include "graft-h5-private.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <hdf5.h>
#include <string.h>

#include "graft-dtype.h"
#include "graft-error.h"
#include "graft-h5-file-private.h"
#include "graft-h5-util-private.h"
#include "graft-limits.h"
#include "graft-progress.h"
#include "graft-tensor.h"

/* The most bytes one H5Dread of a block reads (see graft_h5_read_block()). */
#define GRAFT_H5_READ_SLAB_BYTES (16u << 20)

static char *
graft_h5_read_dtype_attr (hid_t did)
{
  g_auto(GraftH5Id) aid = H5I_INVALID_HID;
  g_auto(GraftH5Id) type = H5I_INVALID_HID;
  g_auto(GraftH5Id) mem = H5I_INVALID_HID;

  if (H5Aexists (did, "dtype") <= 0)
    return NULL;
  aid = H5Aopen (did, "dtype", H5P_DEFAULT);
  type = H5Aget_type (aid);
  if (H5Tget_class (type) != H5T_STRING)
    return NULL;
  mem = H5Tcopy (H5T_C_S1);
  /* HDF5 converts no string between ASCII and UTF-8: read it as stored
   * (h5py and Keras write UTF-8). */
  H5Tset_cset (mem, H5Tget_cset (type));
  if (H5Tis_variable_str (type) > 0)
    {
      char *value = NULL;
      char *copy;

      H5Tset_size (mem, H5T_VARIABLE);
      if (H5Aread (aid, mem, &value) < 0)
        return NULL;
      copy = g_strdup (value);
      H5free_memory (value);
      return copy;
    }
  else
    {
      char buf[64] = { 0 };
      size_t size = H5Tget_size (type);

      if (size >= sizeof buf)
        return NULL;
      H5Tset_size (mem, size);
      if (H5Aread (aid, mem, buf) < 0)
        return NULL;
      return g_strndup (buf, size);
    }
}

static gboolean
graft_h5_dtype_from_type (hid_t        type,
                          const char  *dtype_attr,
                          GraftDType  *dtype)
{
  H5T_class_t klass = H5Tget_class (type);
  size_t size = H5Tget_size (type);
  gboolean bf16 = g_strcmp0 (dtype_attr, "bfloat16") == 0;

  if (bf16 && size == 2)
    {
      *dtype = GRAFT_DTYPE_BFLOAT16;
      return TRUE;
    }
  if (klass == H5T_FLOAT)
    {
      switch (size)
        {
        case 2: *dtype = GRAFT_DTYPE_FLOAT16; return TRUE;
        case 4: *dtype = GRAFT_DTYPE_FLOAT32; return TRUE;
        case 8: *dtype = GRAFT_DTYPE_FLOAT64; return TRUE;
        default: return FALSE;
        }
    }
  if (klass == H5T_INTEGER)
    {
      gboolean is_signed = H5Tget_sign (type) == H5T_SGN_2;

      switch (size)
        {
        case 1: *dtype = is_signed ? GRAFT_DTYPE_INT8 : GRAFT_DTYPE_UINT8; return TRUE;
        case 2: *dtype = is_signed ? GRAFT_DTYPE_INT16 : GRAFT_DTYPE_UINT16; return TRUE;
        case 4: *dtype = is_signed ? GRAFT_DTYPE_INT32 : GRAFT_DTYPE_UINT32; return TRUE;
        case 8: *dtype = is_signed ? GRAFT_DTYPE_INT64 : GRAFT_DTYPE_UINT64; return TRUE;
        default: return FALSE;
        }
    }
  /* h5py stores NumPy bools as an 8-bit enum {FALSE = 0, TRUE = 1}. */
  if (klass == H5T_ENUM && size == 1 && H5Tget_nmembers (type) == 2)
    {
      *dtype = GRAFT_DTYPE_BOOL;
      return TRUE;
    }
  return FALSE;
}

static const char *
graft_h5_class_name (H5T_class_t klass)
{
  switch (klass)
    {
    case H5T_INTEGER: return "integer";
    case H5T_FLOAT: return "float";
    case H5T_STRING: return "string";
    case H5T_BITFIELD: return "bitfield";
    case H5T_OPAQUE: return "opaque";
    case H5T_COMPOUND: return "compound";
    case H5T_REFERENCE: return "reference";
    case H5T_ENUM: return "enum";
    case H5T_VLEN: return "variable-length";
    case H5T_ARRAY: return "array";
    case H5T_TIME:
    case H5T_NO_CLASS:
    case H5T_NCLASSES:
    default: return "unknown";
    }
}

void
graft_h5_dataset_info_clear (GraftH5DatasetInfo *info)
{
  g_clear_pointer (&info->filters, g_free);
}

/* Opens the dataset at @path once graft_h5_check_path() has let it through. */
static hid_t
graft_h5_open_dataset (GraftH5File  *self,
                       const char   *path,
                       GError      **error)
{
  hid_t did;

  if (!graft_h5_check_path (self, path, NULL, error))
    return H5I_INVALID_HID;
  did = H5Dopen2 (self->fid, path, H5P_DEFAULT);
  if (did < 0)
    graft_h5_set_error (error, GRAFT_ERROR_CORRUPT, "%s: cannot open dataset '%s'", self->name, path);
  return did;
}

/**
 * graft_h5_dataset_info:
 * @info: (out caller-allocates): filled in; clear it with
 *   graft_h5_dataset_info_clear()
 *
 * Reads a dataset's metadata and checks it against the file: external
 * storage and virtual layouts are refused, and a contiguous dataset must
 * lie inside the file.
 *
 * Returns: %FALSE with @error set, and @info left to clear, when @path
 *   cannot be walked to (as graft_h5_check_path() fails), the dataset is
 *   damaged (%GRAFT_ERROR_CORRUPT), has an element type or dataspace
 *   Graft does not read (%GRAFT_ERROR_UNSUPPORTED), a rank or element
 *   count beyond the limits or data said to lie past the end of the file
 *   (%GRAFT_ERROR_LIMIT), or external or virtual storage
 *   (%GRAFT_ERROR_UNSAFE)
 */
gboolean
graft_h5_dataset_info (GraftH5File         *self,
                       const char          *path,
                       GraftH5DatasetInfo  *info,
                       GError             **error)
{
  g_auto(GraftH5Id) did = H5I_INVALID_HID;
  g_auto(GraftH5Id) type = H5I_INVALID_HID;
  g_auto(GraftH5Id) space = H5I_INVALID_HID;
  g_auto(GraftH5Id) dcpl = H5I_INVALID_HID;
  g_autofree char *dtype_attr = NULL;
  hsize_t dims[H5S_MAX_RANK];
  H5D_layout_t layout;
  int rank, n_filters;
  guint64 n_elements = 1;

  graft_progress_tick ();
  graft_h5_quiet ();
  memset (info, 0, sizeof *info);
  info->offset = -1;

  did = graft_h5_open_dataset (self, path, error);
  if (did < 0)
    return FALSE;
  type = H5Dget_type (did);
  space = H5Dget_space (did);
  dcpl = H5Dget_create_plist (did);
  if (type < 0 || space < 0 || dcpl < 0)
    {
      graft_h5_set_error (error, GRAFT_ERROR_CORRUPT, "%s: dataset '%s' is damaged", self->name, path);
      return FALSE;
    }

  dtype_attr = graft_h5_read_dtype_attr (did);
  H5Eclear2 (H5E_DEFAULT);
  if (!graft_h5_dtype_from_type (type, dtype_attr, &info->dtype))
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED,
                   "%s: dataset '%s' has an unsupported element type (%s, %zu bytes)",
                   self->name, path, graft_h5_class_name (H5Tget_class (type)), H5Tget_size (type));
      return FALSE;
    }
  /* An opaque type (h5py's bfloat16) has no order: its bytes are read as
   * they are, so the mapping holds exactly what a read would give. */
  info->little_endian = H5Tget_size (type) == 1 || H5Tget_order (type) == H5T_ORDER_LE ||
                        H5Tget_class (type) == H5T_OPAQUE;
  H5Eclear2 (H5E_DEFAULT);

  if (H5Sget_simple_extent_type (space) == H5S_NULL)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED,
                   "%s: dataset '%s' has a null dataspace", self->name, path);
      return FALSE;
    }
  rank = H5Sget_simple_extent_ndims (space);
  if (rank < 0 || rank > GRAFT_MAX_RANK)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_LIMIT,
                   "%s: dataset '%s' has rank %d; Graft accepts at most %d",
                   self->name, path, rank, GRAFT_MAX_RANK);
      return FALSE;
    }
  H5Sget_simple_extent_dims (space, dims, NULL);
  info->rank = rank;
  for (int i = 0; i < rank; i++)
    {
      info->shape[i] = dims[i];
      if (dims[i] != 0 && n_elements > G_MAXUINT64 / 16 / dims[i])
        {
          g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_LIMIT,
                       "%s: dataset '%s' declares an impossible number of elements",
                       self->name, path);
          return FALSE;
        }
      n_elements *= dims[i];
    }
  info->n_bytes = n_elements * graft_dtype_get_size (info->dtype);

  if (H5Pget_external_count (dcpl) > 0)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSAFE,
                   "%s: dataset '%s' keeps its data in external files; Graft refuses those",
                   self->name, path);
      return FALSE;
    }
  layout = H5Pget_layout (dcpl);
  if (layout == H5D_VIRTUAL)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSAFE,
                   "%s: dataset '%s' is a virtual dataset; Graft refuses those", self->name, path);
      return FALSE;
    }
  info->chunked = layout == H5D_CHUNKED;

  n_filters = H5Pget_nfilters (dcpl);
  info->n_filters = MAX (n_filters, 0);
  if (n_filters > 0)
    {
      GString *names = g_string_new (NULL);

      for (int i = 0; i < n_filters; i++)
        {
          char fname[128] = { 0 };
          unsigned flags = 0, fconfig = 0;
          size_t n_values = 0;
          H5Z_filter_t id = H5Pget_filter2 (dcpl, i, &flags, &n_values, NULL, sizeof fname, fname,
                                            &fconfig);

          if (names->len)
            g_string_append (names, ", ");
          if (id == H5Z_FILTER_DEFLATE)
            g_string_append (names, "deflate");
          else if (id == H5Z_FILTER_SHUFFLE)
            g_string_append (names, "shuffle");
          else if (id == H5Z_FILTER_FLETCHER32)
            g_string_append (names, "fletcher32");
          else if (id == 32000)
            g_string_append (names, "lzf");
          else
            g_string_append_printf (names, "%s", fname[0] ? fname : "filter");
          if (H5Zfilter_avail (id) <= 0)
            g_string_append_printf (names, " (#%d, unavailable)", (int) id);
        }
      info->filters = g_string_free (names, FALSE);
    }
  H5Eclear2 (H5E_DEFAULT);

  if (layout == H5D_CONTIGUOUS && n_filters <= 0)
    {
      haddr_t addr = H5Dget_offset (did);

      H5Eclear2 (H5E_DEFAULT);
      info->contiguous = TRUE;
      if (addr != HADDR_UNDEF)
        {
          info->offset = (goffset) addr;
          if ((guint64) addr > (guint64) self->size ||
              info->n_bytes > (guint64) self->size - (guint64) addr)
            {
              g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_LIMIT,
                           "%s: dataset '%s' declares %" G_GSIZE_FORMAT " bytes at offset %"
                           G_GOFFSET_FORMAT ", beyond the end of the %" G_GOFFSET_FORMAT
                           "-byte file (truncated or corrupt)",
                           self->name, path, info->n_bytes, info->offset, self->size);
              return FALSE;
            }
        }
    }
  return TRUE;
}

static hid_t
graft_h5_mem_type (GraftDType dtype,
                   hid_t      file_type)
{
  switch (dtype)
    {
    case GRAFT_DTYPE_FLOAT32: return H5Tcopy (H5T_NATIVE_FLOAT);
    case GRAFT_DTYPE_FLOAT64: return H5Tcopy (H5T_NATIVE_DOUBLE);
    case GRAFT_DTYPE_INT8: return H5Tcopy (H5T_NATIVE_INT8);
    case GRAFT_DTYPE_INT16: return H5Tcopy (H5T_NATIVE_INT16);
    case GRAFT_DTYPE_INT32: return H5Tcopy (H5T_NATIVE_INT32);
    case GRAFT_DTYPE_INT64: return H5Tcopy (H5T_NATIVE_INT64);
    case GRAFT_DTYPE_UINT8: return H5Tcopy (H5T_NATIVE_UINT8);
    case GRAFT_DTYPE_UINT16: return H5Tcopy (H5T_NATIVE_UINT16);
    case GRAFT_DTYPE_UINT32: return H5Tcopy (H5T_NATIVE_UINT32);
    case GRAFT_DTYPE_UINT64: return H5Tcopy (H5T_NATIVE_UINT64);
    case GRAFT_DTYPE_FLOAT16:
    case GRAFT_DTYPE_BFLOAT16:
    case GRAFT_DTYPE_BOOL:
    case GRAFT_N_DTYPES:
    default:
      {
        /* No native half or bool type in HDF5 1.10: read the file's own
         * type, in little-endian order. */
        hid_t mem = H5Tcopy (file_type);

        if (H5Tget_class (mem) != H5T_ENUM && H5Tget_class (mem) != H5T_OPAQUE)
          H5Tset_order (mem, H5T_ORDER_LE);
        return mem;
      }
    }
}

/**
 * graft_h5_read_block:
 * @dest: (out caller-allocates): room for the product of @count elements
 *
 * Reads a hyperslab of a dataset, converted to @dtype in native order,
 * in slabs of whole rows so that the progress counter keeps moving.
 *
 * Returns: %FALSE with @error set when @path cannot be walked to (as
 *   graft_h5_check_path() fails) or opened (%GRAFT_ERROR_CORRUPT), needs a
 *   filter this libhdf5 lacks (%GRAFT_ERROR_UNSUPPORTED), the block is
 *   outside the dataset (%GRAFT_ERROR_INVALID) or reading fails
 *   (%GRAFT_ERROR_CORRUPT); @dest may then be partly written
 */
gboolean
graft_h5_read_block (GraftH5File  *self,
                     const char   *path,
                     GraftDType    dtype,
                     guint         rank,
                     const gsize  *start,
                     const gsize  *count,
                     void         *dest,
                     GError      **error)
{
  g_auto(GraftH5Id) did = H5I_INVALID_HID;
  g_auto(GraftH5Id) ftype = H5I_INVALID_HID;
  g_auto(GraftH5Id) fspace = H5I_INVALID_HID;
  g_auto(GraftH5Id) mspace = H5I_INVALID_HID;
  g_auto(GraftH5Id) mtype = H5I_INVALID_HID;
  g_auto(GraftH5Id) dcpl = H5I_INVALID_HID;
  hsize_t hstart[H5S_MAX_RANK], hcount[H5S_MAX_RANK];
  int n_filters;

  graft_h5_quiet ();

  did = graft_h5_open_dataset (self, path, error);
  if (did < 0)
    return FALSE;

  dcpl = H5Dget_create_plist (did);
  n_filters = H5Pget_nfilters (dcpl);
  for (int i = 0; i < n_filters; i++)
    {
      char fname[128] = { 0 };
      unsigned flags = 0, fconfig = 0;
      size_t n_values = 0;
      H5Z_filter_t id = H5Pget_filter2 (dcpl, i, &flags, &n_values, NULL, sizeof fname, fname, &fconfig);

      if (H5Zfilter_avail (id) <= 0)
        {
          H5Eclear2 (H5E_DEFAULT);
          g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED,
                       "%s: dataset '%s' is compressed with the %s filter (#%d), which is not "
                       "available in this HDF5 library",
                       self->name, path, id == 32000 ? "LZF" : (fname[0] ? fname : "unknown"),
                       (int) id);
          return FALSE;
        }
    }

  ftype = H5Dget_type (did);
  fspace = H5Dget_space (did);
  mtype = graft_h5_mem_type (dtype, ftype);
  if (rank == 0)
    {
      mspace = H5Screate (H5S_SCALAR);
      if (H5Dread (did, mtype, mspace, fspace, H5P_DEFAULT, dest) < 0)
        {
          graft_h5_set_error (error, GRAFT_ERROR_CORRUPT, "%s: cannot read dataset '%s'",
                              self->name, path);
          return FALSE;
        }
      graft_progress_tick ();
      return TRUE;
    }

  /* Slabs of whole rows, so that no single read (which may inflate
   * compressed chunks) runs long without the progress counter moving. */
  {
    gsize row_bytes = graft_dtype_get_size (dtype);
    gsize rows_per_slab;

    for (guint i = 1; i < rank; i++)
      row_bytes *= count[i];
    rows_per_slab = MAX (1, GRAFT_H5_READ_SLAB_BYTES / MAX (row_bytes, 1));
    for (guint i = 0; i < rank; i++)
      {
        hstart[i] = start[i];
        hcount[i] = count[i];
      }
    for (gsize row = 0; row < count[0]; row += rows_per_slab)
      {
        g_auto(GraftH5Id) slab_space = H5I_INVALID_HID;

        hstart[0] = start[0] + row;
        hcount[0] = MIN (rows_per_slab, count[0] - row);
        if (H5Sselect_hyperslab (fspace, H5S_SELECT_SET, hstart, NULL, hcount, NULL) < 0)
          {
            graft_h5_set_error (error, GRAFT_ERROR_INVALID, "%s: bad block of dataset '%s'",
                                self->name, path);
            return FALSE;
          }
        slab_space = H5Screate_simple (rank, hcount, NULL);
        if (H5Dread (did, mtype, slab_space, fspace, H5P_DEFAULT,
                     (guint8 *) dest + row * row_bytes) < 0)
          {
            graft_h5_set_error (error, GRAFT_ERROR_CORRUPT, "%s: cannot read dataset '%s'",
                                self->name, path);
            return FALSE;
          }
        graft_progress_tick ();
      }
  }
  return TRUE;
}

/**
 * graft_h5_file_map:
 *
 * Returns: (transfer none) (nullable): @n_bytes of the file at @offset,
 *   mapped read-only (or in the in-memory image), valid while @self lives
 */
const void *
graft_h5_file_map (GraftH5File *self,
                   goffset      offset,
                   gsize        n_bytes)
{
  g_autoptr(GMutexLocker) locker = NULL;
  const guint8 *base;
  gsize size;

  if (offset < 0 || (guint64) offset > (guint64) self->size ||
      n_bytes > (guint64) self->size - (guint64) offset)
    return NULL;

  if (self->image != NULL)
    return (const guint8 *) g_bytes_get_data (self->image, NULL) + offset;

  locker = g_mutex_locker_new (&self->map_lock);
  if (self->mapped == NULL && !self->map_failed)
    {
      self->mapped = g_mapped_file_new (self->name, FALSE, NULL);
      self->map_failed = self->mapped == NULL;
    }
  if (self->mapped == NULL)
    return NULL;
  base = (const guint8 *) g_mapped_file_get_contents (self->mapped);
  size = g_mapped_file_get_length (self->mapped);
  /* The file may have shrunk since it was opened. */
  if ((guint64) offset + n_bytes > size)
    return NULL;
  return base + offset;
}

/* Lazy tensors backed by a dataset. */

typedef struct
{
  GraftH5File *file;
  char        *path;
  GraftDType   dtype;
  guint        rank;
  gboolean     mappable;
  goffset      offset;
  gsize        n_bytes;
} GraftH5Source;

static gboolean
graft_h5_source_read (gpointer      data,
                      const gsize  *start,
                      const gsize  *count,
                      void         *dest,
                      GError      **error)
{
  GraftH5Source *src = data;

  return graft_h5_read_block (src->file, src->path, src->dtype, src->rank, start, count, dest, error);
}

static const void *
graft_h5_source_map (gpointer data)
{
  GraftH5Source *src = data;

  if (!src->mappable)
    return NULL;
  return graft_h5_file_map (src->file, src->offset, src->n_bytes);
}

static void
graft_h5_source_free (gpointer data)
{
  GraftH5Source *src = data;

  graft_h5_file_unref (src->file);
  g_free (src->path);
  g_free (src);
}

static const GraftTensorSourceFuncs graft_h5_source_funcs = {
  graft_h5_source_read,
  graft_h5_source_map,
  graft_h5_source_free,
};

/**
 * graft_h5_tensor_new:
 *
 * Returns: (transfer full): a lazy tensor reading the dataset at @path
 */
GraftTensor *
graft_h5_tensor_new (GraftH5File              *file,
                     const char               *path,
                     const GraftH5DatasetInfo *info)
{
  GraftH5Source *src = g_new0 (GraftH5Source, 1);

  src->file = graft_h5_file_ref (file);
  src->path = g_strdup (path);
  src->dtype = info->dtype;
  src->rank = info->rank;
  src->offset = info->offset;
  src->n_bytes = info->n_bytes;
  /* In place only when the bytes on disk are exactly the bytes in memory. */
  src->mappable = info->contiguous && info->offset >= 0 && info->little_endian &&
                  G_BYTE_ORDER == G_LITTLE_ENDIAN;
  return graft_tensor_new_lazy (info->dtype, info->rank, info->shape, &graft_h5_source_funcs, src);
}
