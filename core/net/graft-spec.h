/* graft-spec.h: model specs, the user-written architecture of a model
 *
 * A spec is a Keras model config ({"class_name": "Functional", "config":
 * {…}}) in a JSON file. A layer entry may add "weights": {"kernel":
 * ["encoder/dense_proj/vars/0", "encoder/autoencoder/encoder/dense/kernel"]}
 * to say where each weight is in a checkpoint (paths or HDF5 locations,
 * tried in order), for subclassed models whose layer names do not match.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "graft-net.h"

G_BEGIN_DECLS

GraftNet  *graft_spec_load (const char  *path,
                            GError     **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
