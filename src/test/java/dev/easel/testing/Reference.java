package dev.easel.testing;

import java.util.SplittableRandom;

/**
 * Straightforward double-precision implementations of the layers graph builders emit, written for
 * clarity rather than speed, to check ONNX graphs against. Tensors are row-major double arrays with
 * explicit dimensions; weights are PyTorch-shaped float arrays.
 */
public final class Reference {
  private Reference() {}

  public static double[] toDouble(float[] a) {
    double[] d = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      d[i] = a[i];
    }
    return d;
  }

  public static float[] randomNormal(long seed, int n, double std) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      double u1 = 1 - r.nextDouble();
      double u2 = r.nextDouble();
      out[i] = (float) (std * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2));
    }
    return out;
  }

  /** Largest |a − b| divided by the largest |b| (a relative error robust to zeros). */
  public static double relativeError(float[] actual, double[] expected) {
    double maxDiff = 0;
    double maxRef = 1e-12;
    for (int i = 0; i < expected.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(actual[i] - expected[i]));
      maxRef = Math.max(maxRef, Math.abs(expected[i]));
    }
    return maxDiff / maxRef;
  }

  /**
   * nn.Conv2d on x [n, cin, h, w]; weight [cout, cin, k, k]; bias may be null. Returns
   * [n,cout,oh,ow].
   */
  public static double[] conv2d(
      double[] x,
      int n,
      int cin,
      int h,
      int w,
      float[] weight,
      float[] bias,
      int cout,
      int k,
      int stride,
      int padTop,
      int padLeft,
      int padBottom,
      int padRight) {
    int oh = (h + padTop + padBottom - k) / stride + 1;
    int ow = (w + padLeft + padRight - k) / stride + 1;
    double[] out = new double[n * cout * oh * ow];
    for (int b = 0; b < n; b++) {
      for (int o = 0; o < cout; o++) {
        for (int y = 0; y < oh; y++) {
          for (int xx = 0; xx < ow; xx++) {
            double s = bias == null ? 0 : bias[o];
            for (int i = 0; i < cin; i++) {
              for (int ky = 0; ky < k; ky++) {
                int iy = y * stride + ky - padTop;
                if (iy < 0 || iy >= h) {
                  continue;
                }
                for (int kx = 0; kx < k; kx++) {
                  int ix = xx * stride + kx - padLeft;
                  if (ix < 0 || ix >= w) {
                    continue;
                  }
                  s +=
                      x[((b * cin + i) * h + iy) * w + ix]
                          * weight[((o * cin + i) * k + ky) * k + kx];
                }
              }
            }
            out[((b * cout + o) * oh + y) * ow + xx] = s;
          }
        }
      }
    }
    return out;
  }

  /** nn.Linear on rows of x [rows, in]: x · Wᵀ + b with W [out, in]; bias may be null. */
  public static double[] linear(
      double[] x, int rows, int in, float[] weight, float[] bias, int out) {
    double[] y = new double[rows * out];
    for (int r = 0; r < rows; r++) {
      for (int o = 0; o < out; o++) {
        double s = bias == null ? 0 : bias[o];
        for (int i = 0; i < in; i++) {
          s += x[r * in + i] * weight[o * in + i];
        }
        y[r * out + o] = s;
      }
    }
    return y;
  }

  /** nn.GroupNorm on x [n, c, spatial]. */
  public static double[] groupNorm(
      double[] x, int n, int c, int spatial, int groups, float[] gamma, float[] beta, double eps) {
    double[] y = new double[x.length];
    int per = c / groups;
    for (int b = 0; b < n; b++) {
      for (int g = 0; g < groups; g++) {
        double mean = 0;
        double sq = 0;
        int count = per * spatial;
        for (int ch = g * per; ch < (g + 1) * per; ch++) {
          for (int s = 0; s < spatial; s++) {
            mean += x[(b * c + ch) * spatial + s];
          }
        }
        mean /= count;
        for (int ch = g * per; ch < (g + 1) * per; ch++) {
          for (int s = 0; s < spatial; s++) {
            double d = x[(b * c + ch) * spatial + s] - mean;
            sq += d * d;
          }
        }
        double inv = 1 / Math.sqrt(sq / count + eps);
        for (int ch = g * per; ch < (g + 1) * per; ch++) {
          for (int s = 0; s < spatial; s++) {
            int i = (b * c + ch) * spatial + s;
            y[i] = (x[i] - mean) * inv * gamma[ch] + beta[ch];
          }
        }
      }
    }
    return y;
  }

  /** nn.LayerNorm over the last axis of x [rows, dim]. */
  public static double[] layerNorm(
      double[] x, int rows, int dim, float[] gamma, float[] beta, double eps) {
    double[] y = new double[x.length];
    for (int r = 0; r < rows; r++) {
      double mean = 0;
      for (int i = 0; i < dim; i++) {
        mean += x[r * dim + i];
      }
      mean /= dim;
      double var = 0;
      for (int i = 0; i < dim; i++) {
        double d = x[r * dim + i] - mean;
        var += d * d;
      }
      double inv = 1 / Math.sqrt(var / dim + eps);
      for (int i = 0; i < dim; i++) {
        y[r * dim + i] = (x[r * dim + i] - mean) * inv * gamma[i] + beta[i];
      }
    }
    return y;
  }

  /**
   * Scaled dot-product attention for one batch item: q [heads, lq, d], k and v [heads, lk, d];
   * {@code causal} masks keys after the query position. Returns [heads, lq, d].
   */
  public static double[] attention(
      double[] q, double[] k, double[] v, int heads, int lq, int lk, int d, boolean causal) {
    double[] out = new double[heads * lq * d];
    double scale = 1 / Math.sqrt(d);
    double[] scores = new double[lk];
    for (int h = 0; h < heads; h++) {
      for (int i = 0; i < lq; i++) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < lk; j++) {
          if (causal && j > i) {
            scores[j] = Double.NEGATIVE_INFINITY;
            continue;
          }
          double s = 0;
          for (int e = 0; e < d; e++) {
            s += q[(h * lq + i) * d + e] * k[(h * lk + j) * d + e];
          }
          scores[j] = s * scale;
          max = Math.max(max, scores[j]);
        }
        double sum = 0;
        for (int j = 0; j < lk; j++) {
          scores[j] = Math.exp(scores[j] - max);
          sum += scores[j];
        }
        for (int j = 0; j < lk; j++) {
          double p = scores[j] / sum;
          for (int e = 0; e < d; e++) {
            out[(h * lq + i) * d + e] += p * v[(h * lk + j) * d + e];
          }
        }
      }
    }
    return out;
  }

  public static double silu(double x) {
    return x / (1 + Math.exp(-x));
  }

  public static double gelu(double x) {
    return 0.5 * x * (1 + erf(x / Math.sqrt(2)));
  }

  public static double quickGelu(double x) {
    return x / (1 + Math.exp(-1.702 * x));
  }

  /** erf with absolute error below 1e-12 (Taylor series near 0, continued fraction beyond). */
  public static double erf(double x) {
    double ax = Math.abs(x);
    double r;
    if (ax < 2.5) {
      double term = ax;
      double sum = ax;
      for (int n = 1; n < 200; n++) {
        term *= -ax * ax / n;
        double add = term / (2 * n + 1);
        sum += add;
        if (Math.abs(add) < 1e-17) {
          break;
        }
      }
      r = 2 / Math.sqrt(Math.PI) * sum;
    } else {
      double f = 0;
      for (int n = 60; n >= 1; n--) {
        f = n / 2.0 / (ax + f);
      }
      r = 1 - Math.exp(-ax * ax) / Math.sqrt(Math.PI) / (ax + f);
    }
    return x < 0 ? -r : r;
  }

  /** Nearest-neighbour ×factor upsampling of x [n, c, h, w]. */
  public static double[] upsampleNearest(double[] x, int n, int c, int h, int w, int factor) {
    int oh = h * factor;
    int ow = w * factor;
    double[] y = new double[n * c * oh * ow];
    for (int p = 0; p < n * c; p++) {
      for (int yy = 0; yy < oh; yy++) {
        for (int xx = 0; xx < ow; xx++) {
          y[(p * oh + yy) * ow + xx] = x[(p * h + yy / factor) * w + xx / factor];
        }
      }
    }
    return y;
  }
}
