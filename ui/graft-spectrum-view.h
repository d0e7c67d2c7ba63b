/* graft-spectrum-view.h: the Spectrum tab: one weight's ESD and the model's α per layer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "graft.h"

G_BEGIN_DECLS

#define GRAFT_TYPE_SPECTRUM_VIEW (graft_spectrum_view_get_type ())

G_DECLARE_FINAL_TYPE (GraftSpectrumView, graft_spectrum_view, GRAFT, SPECTRUM_VIEW, GtkWidget)

GtkWidget   *graft_spectrum_view_new          (void);
void         graft_spectrum_view_set_weight   (GraftSpectrumView *self,
                                               GraftModel        *model,
                                               GraftWeight       *weight);
gboolean     graft_spectrum_view_is_busy      (GraftSpectrumView *self);
const GraftSpectrum *graft_spectrum_view_get_spectrum (GraftSpectrumView *self);
guint        graft_spectrum_view_get_n_bars   (GraftSpectrumView *self);
const char  *graft_spectrum_view_get_bar      (GraftSpectrumView *self,
                                               guint              i,
                                               double            *alpha,
                                               double            *sigma_max);
gboolean     graft_spectrum_view_bar_at       (GraftSpectrumView *self,
                                               double             y,
                                               guint             *i);
double       graft_spectrum_view_bar_y        (GraftSpectrumView *self,
                                               guint              i);
void         graft_spectrum_view_activate_bar (GraftSpectrumView *self,
                                               guint              i);

G_END_DECLS
