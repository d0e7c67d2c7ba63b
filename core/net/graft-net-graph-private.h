/* graft-net-graph-private.h: the fields of GraftNet, for graft-net*.c only
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "graft-net-private.h"

G_BEGIN_DECLS

/* An argument that is a constant rather than an output of a call. */
#define GRAFT_NET_CONSTANT G_MAXUINT

typedef struct
{
  guint  call;    /* the producing call, or GRAFT_NET_CONSTANT */
  guint  index;   /* which of its outputs */
  float  value;   /* the constant */
} GraftNetArg;

typedef struct
{
  GraftNode  *node;    /* borrowed from GraftNet.nodes */
  GArray     *args;    /* of GraftNetArg */
  guint       n_out;
  guint      *n_uses;  /* [GRAFT_NODE_MAX_OUTPUTS]: readers of each output, set by finish */
} GraftNetCall;

struct GraftNet
{
  gatomicrefcount  ref_count;
  char            *name;
  GPtrArray       *nodes;         /* of GraftNode, owned, in model.layers order */
  GArray          *calls;         /* of GraftNetCall, in topological order after finish */
  GArray          *inputs;        /* of guint: the InputLayer calls, in input order */
  GArray          *input_shapes;  /* of GraftShape, batch axis first */
  GArray          *outputs;       /* of GraftNetArg */
  gboolean         finished;
  gboolean         built;
  gboolean         sequential;    /* model.layers leaves out the InputLayer */
  JsonNode        *config;        /* owned or NULL: {"class_name", "config"} it came from */
};

guint       graft_net_append_call  (GraftNet         *self,
                                    GraftNode        *node);
void        graft_net_append_input (GraftNet         *self,
                                    guint             call,
                                    const GraftShape *shape);
GraftNode  *graft_net_find_node    (GraftNet         *self,
                                    const char       *name);
gboolean    graft_net_finish       (GraftNet         *self,
                                    GError          **error);

G_END_DECLS
