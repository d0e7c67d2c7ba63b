/* floor-frame-locate.c: where floor-frame's dataset lies in the file, by
 * the HDF5 C API: offset, shape and element kind (float32 or bfloat16)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hdf5.h>

#include "floor-frame-private.h"

/* The `dtype` attribute Keras 3 writes beside opaque bfloat16 data, or NULL. */
static char *
floor_dtype_attr (hid_t dset)
{
  hid_t attr, type, mem;
  char *value = NULL;

  if (H5Aexists (dset, "dtype") <= 0)
    return NULL;
  attr = H5Aopen (dset, "dtype", H5P_DEFAULT);
  if (attr < 0)
    return NULL;
  type = H5Aget_type (attr);
  if (type >= 0 && H5Tget_class (type) == H5T_STRING)
    {
      /* Read in the attribute's own character set: HDF5 converts none. */
      mem = H5Tcopy (H5T_C_S1);
      if (H5Tis_variable_str (type) > 0)
        {
          char *s = NULL;

          H5Tset_size (mem, H5T_VARIABLE);
          H5Tset_cset (mem, H5Tget_cset (type));
          if (H5Aread (attr, mem, &s) >= 0 && s != NULL)
            {
              value = strdup (s);
              H5free_memory (s);
            }
        }
      else
        {
          size_t n = H5Tget_size (type);

          value = calloc (n + 1, 1);
          H5Tset_size (mem, n);
          H5Tset_cset (mem, H5Tget_cset (type));
          if (value != NULL && H5Aread (attr, mem, value) < 0)
            {
              free (value);
              value = NULL;
            }
        }
      H5Tclose (mem);
    }
  if (type >= 0)
    H5Tclose (type);
  H5Aclose (attr);
  return value;
}

/* Finds the dataset's bytes in the file: offset, shape and element kind. */
int
floor_locate (const char *path,
              const char *name,
              haddr_t    *offset,
              size_t     *rows,
              size_t     *cols,
              int        *bf16)
{
  hid_t file, dset, space, type, dcpl;
  hsize_t dims[H5S_MAX_RANK];
  int rank, ok = 0;
  char *dtype = NULL;

  file = H5Fopen (path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0)
    {
      fprintf (stderr, "floor-frame: %s: cannot open\n", path);
      return 0;
    }
  dset = H5Dopen2 (file, name, H5P_DEFAULT);
  if (dset < 0)
    {
      fprintf (stderr, "floor-frame: %s: no dataset %s\n", path, name);
      H5Fclose (file);
      return 0;
    }
  space = H5Dget_space (dset);
  type = H5Dget_type (dset);
  dcpl = H5Dget_create_plist (dset);
  rank = H5Sget_simple_extent_dims (space, dims, NULL);

  if (rank < 1)
    fprintf (stderr, "floor-frame: %s: not an array\n", name);
  else if (H5Pget_layout (dcpl) != H5D_CONTIGUOUS || H5Pget_nfilters (dcpl) != 0 ||
           (*offset = H5Dget_offset (dset)) == HADDR_UNDEF)
    fprintf (stderr, "floor-frame: %s: not contiguous and unfiltered\n", name);
  else if (H5Tget_class (type) == H5T_FLOAT && H5Tget_size (type) == 4 &&
           H5Tget_order (type) == H5T_ORDER_LE)
    {
      *bf16 = 0;
      ok = 1;
    }
  else if (H5Tget_size (type) == 2 && H5Tget_class (type) != H5T_FLOAT &&
           H5Tget_class (type) != H5T_INTEGER &&
           ((dtype = floor_dtype_attr (dset)) == NULL || strcmp (dtype, "bfloat16") == 0))
    {
      /* Keras 3 stores bfloat16 as 2-byte opaque data with dtype=bfloat16. */
      *bf16 = 1;
      ok = 1;
    }
  else
    fprintf (stderr, "floor-frame: %s: neither float32 nor bfloat16%s%s\n", name,
             dtype != NULL ? " but " : "", dtype != NULL ? dtype : "");

  if (ok)
    {
      *cols = dims[rank - 1];
      *rows = 1;
      for (int i = 0; i < rank - 1; i++)
        *rows *= dims[i];
      ok = *rows > 0 && *cols > 0;
    }
  free (dtype);
  H5Pclose (dcpl);
  H5Tclose (type);
  H5Sclose (space);
  H5Dclose (dset);
  H5Fclose (file);
  return ok;
}
