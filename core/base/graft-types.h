/* graft-types.h: forward declarations shared by the core headers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Largest tensor rank Graft accepts from a file (Keras never needs more). */
#define GRAFT_MAX_RANK 8

typedef struct GraftTensor GraftTensor;
typedef struct GraftModel  GraftModel;
typedef struct GraftLayer  GraftLayer;
typedef struct GraftWeight GraftWeight;

typedef enum
{
  GRAFT_DTYPE_FLOAT32,
  GRAFT_DTYPE_FLOAT64,
  GRAFT_DTYPE_FLOAT16,
  GRAFT_DTYPE_BFLOAT16,
  GRAFT_DTYPE_INT8,
  GRAFT_DTYPE_INT16,
  GRAFT_DTYPE_INT32,
  GRAFT_DTYPE_INT64,
  GRAFT_DTYPE_UINT8,
  GRAFT_DTYPE_UINT16,
  GRAFT_DTYPE_UINT32,
  GRAFT_DTYPE_UINT64,
  GRAFT_DTYPE_BOOL,
  GRAFT_DTYPE_FLOAT8_E4M3,   /* OCP E4M3 "fn": no infinities, one NaN */
  GRAFT_DTYPE_FLOAT8_E5M2,
  GRAFT_N_DTYPES
} GraftDType;

typedef enum
{
  GRAFT_FORMAT_UNKNOWN,
  GRAFT_FORMAT_LEGACY_H5,         /* model_config + model_weights */
  GRAFT_FORMAT_LEGACY_WEIGHTS_H5, /* layer_names at the root */
  GRAFT_FORMAT_WEIGHTS_H5,        /* Keras 3 layers/…/vars/N */
  GRAFT_FORMAT_KERAS,             /* Keras 3 zip archive */
  GRAFT_FORMAT_SHARDED,           /* *.weights.json index + shards */
  GRAFT_FORMAT_SAFETENSORS,       /* *.safetensors */
  GRAFT_FORMAT_SAFETENSORS_SHARDED, /* *.safetensors.index.json + shards */
  GRAFT_FORMAT_TORCH,             /* torch.save zip archive (since PyTorch 1.6) */
  GRAFT_FORMAT_TORCH_LEGACY,      /* torch.save before 1.6: pickles and raw storages */
  GRAFT_N_FORMATS
} GraftFormat;

typedef enum
{
  GRAFT_TRAINABLE_UNKNOWN = -1,
  GRAFT_TRAINABLE_NO = 0,
  GRAFT_TRAINABLE_YES = 1,
} GraftTrainable;

/**
 * GraftSaveFlags:
 * @GRAFT_SAVE_NONE: keep everything
 * @GRAFT_SAVE_DROP_OPTIMIZER: leave out optimizer and training state
 * @GRAFT_SAVE_NO_SYNC: do not fsync(): still atomic, not durable across a
 *   power loss (for scripts that sync themselves, and for benchmarks)
 */
typedef enum
{
  GRAFT_SAVE_NONE           = 0,
  GRAFT_SAVE_DROP_OPTIMIZER = 1 << 0,
  GRAFT_SAVE_NO_SYNC        = 1 << 1,
} GraftSaveFlags;

G_END_DECLS
