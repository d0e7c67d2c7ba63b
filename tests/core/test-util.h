/* test-util.h: corpus helpers shared by the core tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "graft.h"

G_BEGIN_DECLS

char       *test_util_keras_dir    (void);
char       *test_util_real_dir     (void);
char       *test_util_corpus_file (const char *name);
GraftModel *test_util_load_path   (const char *path);
GraftModel *test_util_load        (const char *name);

int         test_util_run_cli     (const char * const *env,
                                   const char * const *args,
                                   char              **out,
                                   char              **err);
char       *test_util_fixture     (const char *name);
void        test_util_assert_predicts (GraftModel *model,
                                       const char *x_path,
                                       const char *y_path,
                                       double      tolerance);

GraftTensor *test_util_run_layer  (const char          *class_name,
                                   const char          *config,
                                   guint                rank,
                                   const gssize        *shape,
                                   const float         *x,
                                   const char * const  *names,
                                   GraftTensor * const *weights);

G_END_DECLS
