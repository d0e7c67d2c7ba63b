/* graft.h: the umbrella header of libgraft-core, for ui/, app/ and tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "graft-types.h"
#include "graft-atomic.h"
#include "graft-dtype.h"
#include "graft-error.h"
#include "graft-format.h"
#include "graft-init.h"
#include "graft-json.h"
#include "graft-initializer.h"
#include "graft-keras.h"
#include "graft-keras-save.h"
#include "graft-edit.h"
#include "graft-journal.h"
#include "graft-convert.h"
#include "graft-diff.h"
#include "graft-transfer.h"
#include "graft-limits.h"
#include "graft-model.h"
#include "graft-net.h"
#include "graft-npy.h"
#include "graft-progress.h"
#include "graft-spec.h"
#include "graft-stats.h"
#include "graft-colormap.h"
#include "graft-heatmap.h"
#include "graft-nonfinite.h"
#include "graft-viewport.h"
#include "graft-tensor.h"
#include "graft-tensor-convert.h"
