/* graft-initializer.c: Keras weight initialisers on a seeded generator
 *
 * Follows the definitions of keras.initializers: fans as in
 * compute_fans(), truncated normals cut at two standard deviations and
 * rescaled by 0.87962566103423978 in VarianceScaling.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-initializer"

#include "config.h"

#include "graft-initializer.h"

#include <math.h>
#include <string.h>

#include "graft-error.h"
#include "graft-tensor.h"

/* The standard deviation of a unit normal truncated to [-2, 2]. */
#define GRAFT_TRUNCATED_STDDEV 0.87962566103423978

typedef enum
{
  GRAFT_DIST_UNIFORM,
  GRAFT_DIST_NORMAL,
  GRAFT_DIST_TRUNCATED,
} GraftDistribution;

void
graft_initializer_fans (guint        rank,
                        const gsize *shape,
                        double      *fan_in,
                        double      *fan_out)
{
  double receptive = 1.0;

  if (rank == 0)
    {
      *fan_in = *fan_out = 1.0;
      return;
    }
  if (rank == 1)
    {
      *fan_in = *fan_out = (double) shape[0];
      return;
    }
  for (guint i = 0; i + 2 < rank; i++)
    receptive *= (double) shape[i];
  *fan_in = (double) shape[rank - 2] * receptive;
  *fan_out = (double) shape[rank - 1] * receptive;
}

static double
graft_initializer_normal (GRand *rng)
{
  /* Box–Muller; 1 - u keeps the logarithm finite. */
  double u = 1.0 - g_rand_double (rng);
  double v = g_rand_double (rng);

  return sqrt (-2.0 * log (u)) * cos (2.0 * G_PI * v);
}

static void
graft_initializer_sample (GraftDistribution  dist,
                          double             mean,
                          double             scale,
                          GRand             *rng,
                          float             *out,  /* [n] */
                          gsize              n)
{
  for (gsize i = 0; i < n; i++)
    {
      double x;

      switch (dist)
        {
        case GRAFT_DIST_UNIFORM:
          x = (2.0 * g_rand_double (rng) - 1.0) * scale;
          break;
        case GRAFT_DIST_NORMAL:
          x = graft_initializer_normal (rng) * scale;
          break;
        case GRAFT_DIST_TRUNCATED:
        default:
          do
            x = graft_initializer_normal (rng);
          while (fabs (x) > 2.0);
          x *= scale;
          break;
        }
      out[i] = (float) (mean + x);
    }
}

/* Modified Gram–Schmidt on the columns of a [rows, cols] normal matrix
 * with rows >= cols gives the Q of a QR decomposition with a positive
 * diagonal of R, which is what Keras's sign correction produces. */
static void
graft_initializer_orthogonal (double  gain,
                              GRand  *rng,
                              guint   rank,
                              const gsize *shape,
                              float  *out)
{
  gsize cols = rank > 0 ? shape[rank - 1] : 1;
  gsize rows = 1;
  gsize big, small;
  g_autofree double *a = NULL;   /* [big, small] */

  for (guint i = 0; i + 1 < rank; i++)
    rows *= shape[i];
  big = MAX (rows, cols);
  small = MIN (rows, cols);
  a = g_new (double, big * small);
  for (gsize i = 0; i < big * small; i++)
    a[i] = graft_initializer_normal (rng);

  for (gsize j = 0; j < small; j++)
    {
      double norm = 0.0;

      for (gsize k = 0; k < j; k++)
        {
          double dot = 0.0;

          for (gsize i = 0; i < big; i++)
            dot += a[i * small + j] * a[i * small + k];
          for (gsize i = 0; i < big; i++)
            a[i * small + j] -= dot * a[i * small + k];
        }
      for (gsize i = 0; i < big; i++)
        norm += a[i * small + j] * a[i * small + j];
      norm = sqrt (norm);
      for (gsize i = 0; i < big; i++)
        a[i * small + j] /= norm > 0.0 ? norm : 1.0;
    }

  /* q is [big, small]; the result is q, or its transpose when rows < cols. */
  for (gsize r = 0; r < rows; r++)
    for (gsize c = 0; c < cols; c++)
      out[r * cols + c] = (float) (gain * (rows >= cols ? a[r * small + c] : a[c * small + r]));
}

static const char *
graft_initializer_canonical (const char *name)
{
  static const struct { const char *alias, *name; } names[] = {
    { "GlorotUniform", "glorot_uniform" }, { "GlorotNormal", "glorot_normal" },
    { "HeUniform", "he_uniform" }, { "HeNormal", "he_normal" },
    { "LecunUniform", "lecun_uniform" }, { "LecunNormal", "lecun_normal" },
    { "RandomUniform", "random_uniform" }, { "RandomNormal", "random_normal" },
    { "TruncatedNormal", "truncated_normal" }, { "Zeros", "zeros" }, { "Ones", "ones" },
    { "Constant", "constant" }, { "Orthogonal", "orthogonal" },
    { "VarianceScaling", "variance_scaling" }, { "uniform", "random_uniform" },
    { "normal", "random_normal" }, { "zero", "zeros" }, { "one", "ones" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_str_equal (name, names[i].alias))
      return names[i].name;
  return name;
}

/**
 * graft_initializer_run:
 * @spec: (nullable): a serialized initialiser: "glorot_uniform" or
 *   {"class_name": "GlorotUniform", "config": {…}}
 * @name: (nullable): the initialiser's name when @spec is %NULL
 * @rng: the generator to draw from
 *
 * Returns: (transfer full): a float32 tensor of @shape, or %NULL with
 *   %GRAFT_ERROR_UNSUPPORTED for an unknown initialiser
 */
GraftTensor *
graft_initializer_run (JsonNode     *spec,
                       const char   *name,
                       guint         rank,
                       const gsize  *shape,
                       GRand        *rng,
                       GError      **error)
{
  g_autoptr(GraftTensor) tensor = graft_tensor_new (GRAFT_DTYPE_FLOAT32, rank, shape);
  float *out = graft_tensor_get_data_mutable (tensor);
  gsize n = graft_tensor_get_n_elements (tensor);
  JsonObject *config = NULL;
  double fan_in, fan_out, scale = 1.0, fan;
  const char *mode = "fan_in";
  GraftDistribution dist = GRAFT_DIST_TRUNCATED;

  if (spec != NULL && JSON_NODE_HOLDS_OBJECT (spec))
    {
      JsonObject *object = json_node_get_object (spec);
      JsonNode *inner = json_object_get_member (object, "config");

      name = json_object_get_string_member_with_default (object, "class_name", NULL);
      if (inner != NULL && JSON_NODE_HOLDS_OBJECT (inner))
        config = json_node_get_object (inner);
    }
  else if (spec != NULL && json_node_get_value_type (spec) == G_TYPE_STRING)
    name = json_node_get_string (spec);
  if (name == NULL)
    name = "zeros";
  name = graft_initializer_canonical (name);
  graft_initializer_fans (rank, shape, &fan_in, &fan_out);

#define PARAM(key, fallback) \
  (config != NULL && json_object_has_member (config, key) && \
   JSON_NODE_HOLDS_VALUE (json_object_get_member (config, key)) \
   ? json_object_get_double_member (config, key) : (fallback))

  if (g_str_equal (name, "zeros"))
    return g_steal_pointer (&tensor);
  if (g_str_equal (name, "ones") || g_str_equal (name, "constant"))
    {
      float value = g_str_equal (name, "ones") ? 1.0f : (float) PARAM ("value", 0.0);

      for (gsize i = 0; i < n; i++)
        out[i] = value;
      return g_steal_pointer (&tensor);
    }
  if (g_str_equal (name, "random_uniform"))
    {
      double lo = PARAM ("minval", -0.05), hi = PARAM ("maxval", 0.05);

      graft_initializer_sample (GRAFT_DIST_UNIFORM, (lo + hi) / 2, (hi - lo) / 2, rng, out, n);
      return g_steal_pointer (&tensor);
    }
  if (g_str_equal (name, "random_normal") || g_str_equal (name, "truncated_normal"))
    {
      graft_initializer_sample (g_str_equal (name, "random_normal") ? GRAFT_DIST_NORMAL
                                                                    : GRAFT_DIST_TRUNCATED,
                                PARAM ("mean", 0.0), PARAM ("stddev", 0.05), rng, out, n);
      return g_steal_pointer (&tensor);
    }
  if (g_str_equal (name, "orthogonal"))
    {
      graft_initializer_orthogonal (PARAM ("gain", 1.0), rng, rank, shape, out);
      return g_steal_pointer (&tensor);
    }

  /* Everything else is a VarianceScaling. */
  if (g_str_equal (name, "glorot_uniform") || g_str_equal (name, "glorot_normal"))
    {
      mode = "fan_avg";
      dist = g_str_has_suffix (name, "uniform") ? GRAFT_DIST_UNIFORM : GRAFT_DIST_TRUNCATED;
    }
  else if (g_str_equal (name, "he_uniform") || g_str_equal (name, "he_normal"))
    {
      scale = 2.0;
      dist = g_str_has_suffix (name, "uniform") ? GRAFT_DIST_UNIFORM : GRAFT_DIST_TRUNCATED;
    }
  else if (g_str_equal (name, "lecun_uniform") || g_str_equal (name, "lecun_normal"))
    dist = g_str_has_suffix (name, "uniform") ? GRAFT_DIST_UNIFORM : GRAFT_DIST_TRUNCATED;
  else if (g_str_equal (name, "variance_scaling"))
    {
      const char *d = config ? json_object_get_string_member_with_default (config, "distribution",
                                                                          "truncated_normal")
                             : "truncated_normal";

      scale = PARAM ("scale", 1.0);
      mode = config ? json_object_get_string_member_with_default (config, "mode", "fan_in") : "fan_in";
      dist = g_str_equal (d, "uniform") ? GRAFT_DIST_UNIFORM
             : g_str_equal (d, "untruncated_normal") ? GRAFT_DIST_NORMAL : GRAFT_DIST_TRUNCATED;
    }
  else
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED, "unknown initializer '%s'", name);
      return NULL;
    }
#undef PARAM

  fan = g_str_equal (mode, "fan_out") ? fan_out
        : g_str_equal (mode, "fan_avg") ? (fan_in + fan_out) / 2.0 : fan_in;
  scale /= MAX (1.0, fan);
  if (dist == GRAFT_DIST_UNIFORM)
    graft_initializer_sample (dist, 0.0, sqrt (3.0 * scale), rng, out, n);
  else if (dist == GRAFT_DIST_NORMAL)
    graft_initializer_sample (dist, 0.0, sqrt (scale), rng, out, n);
  else
    graft_initializer_sample (dist, 0.0, sqrt (scale) / GRAFT_TRUNCATED_STDDEV, rng, out, n);
  return g_steal_pointer (&tensor);
}
