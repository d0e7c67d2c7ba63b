/* graft-cli-private.h: the subcommands of graft-cli
 *
 * Each subcommand lives in its own file and has the signature of main():
 * it parses its own options and returns the exit status. Errors go to
 * stderr as one line naming the file and the problem.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdio.h>

#include "graft.h"

G_BEGIN_DECLS

typedef int (*GraftCliCommandFunc) (int    argc,
                                    char **argv);

typedef struct
{
  const char          *name;
  const char          *synopsis;
  GraftCliCommandFunc  func;
} GraftCliCommand;

void          graft_cli_crash_guard_install (int     argc,
                                            char  **argv);
/* How long the progress counter may stand still while a command reads a
 * file before the watchdog stops it, in milliseconds (graft-cli-crash.c). */
#define GRAFT_CLI_STALL_MS 1000

void          graft_cli_watch_begin    (const char  *path);
void          graft_cli_watch_end      (void);

GraftModel   *graft_cli_load           (const char  *path,
                                        GError     **error);
int           graft_cli_fail           (GError      *error);
int           graft_cli_usage_error    (const char  *command,
                                        const char  *format,
                                        ...) G_GNUC_PRINTF (2, 3);
gboolean      graft_cli_parse          (GOptionContext *context,
                                        int         *argc,
                                        char      ***argv,
                                        const char  *command);
GraftWeight  *graft_cli_find_weight    (GraftModel  *model,
                                        const char  *name,
                                        GError     **error);
GraftModel   *graft_cli_load_weight    (const char   *file,
                                        const char   *name,
                                        GraftWeight **weight,
                                        GError      **error) G_GNUC_WARN_UNUSED_RESULT;
void          graft_cli_json_print_node (JsonNode   *root);
void          graft_cli_json_print     (JsonBuilder *builder);
void          graft_cli_json_add_double (JsonBuilder *builder,
                                        double       value);
void          graft_cli_json_set_string (JsonBuilder *builder,
                                        const char  *name,
                                        const char  *value);
void          graft_cli_json_set_int   (JsonBuilder *builder,
                                        const char  *name,
                                        gint64       value);
void          graft_cli_json_set_double (JsonBuilder *builder,
                                        const char  *name,
                                        double       value);

int graft_cli_inspect (int argc, char **argv);
int graft_cli_stats   (int argc, char **argv);
int graft_cli_render  (int argc, char **argv);

/* Writes a frame and its colour bar as a PNG (graft-cli-render only). */
typedef gboolean (*GraftCliColorbarPng) (const GraftHeatmapFrame  *frame,
                                         const GraftHeatmapStyle  *style,
                                         const char               *path,
                                         GError                  **error);
int      graft_cli_render_run          (int                        argc,
                                        char                     **argv,
                                        GraftCliColorbarPng        colorbar_png);
gboolean graft_cli_render_colorbar_png (const GraftHeatmapFrame  *frame,
                                        const GraftHeatmapStyle  *style,
                                        const char               *path,
                                        GError                  **error);
int graft_cli_export  (int argc, char **argv);
int graft_cli_transfer (int argc, char **argv);
int graft_cli_diff     (int argc, char **argv);
int graft_cli_convert  (int argc, char **argv);
int graft_cli_predict  (int argc, char **argv);
int graft_cli_build    (int argc, char **argv);
int graft_cli_spectrum (int argc, char **argv);
int graft_cli_series   (int argc, char **argv);

/* graft-cli-compare.c */
double   graft_cli_max_abs_diff   (GraftTensor  *a,
                                   GraftTensor  *b,
                                   double       *scale);
gboolean graft_cli_check_expected (GraftTensor  *got,
                                   GraftTensor  *expected,
                                   const char   *what,
                                   FILE         *report,
                                   GError      **error);

G_END_DECLS
