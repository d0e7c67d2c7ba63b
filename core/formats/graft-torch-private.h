/* graft-torch-private.h: PyTorch state_dicts and safetensors, for the readers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "graft-archive.h"
#include "graft-model-private.h"
#include "graft-pickle.h"

G_BEGIN_DECLS

/* graft-torch-tree.c: dotted state_dict names as a module tree */
GraftWeight *graft_torch_tree_add       (GraftModel   *model,
                                         const char   *key,
                                         GraftTensor  *tensor,
                                         GError      **error);

/* graft-safetensors.c */
GraftModel  *graft_safetensors_load     (const char   *path,
                                         GError      **error);
GraftModel  *graft_safetensors_load_sharded (const char *index_path,
                                         GError      **error);
gboolean     graft_safetensors_sniff    (const guint8 *head,
                                         gsize         len);
gboolean     graft_safetensors_is_index (JsonNode     *root);
const char  *graft_safetensors_dtype_name (GraftDType dtype);

/* graft-torch.c */
GraftModel  *graft_torch_load_zip       (const char   *path,
                                         GError      **error);
GraftModel  *graft_torch_load_legacy    (const char   *path,
                                         GError      **error);
gboolean     graft_torch_is_archive     (const char   *path);
gboolean     graft_torch_archive_has_pickle (GraftArchive *zip);
gboolean     graft_torch_sniff_legacy   (const guint8 *head,
                                         gsize         len);

G_END_DECLS
