package dev.easel.model.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.stream.IntStream;

/**
 * Winograd's minimal filtering F(m×m, 3×3) (Lavin and Gray, 2015): an n×n input tile d (n = m + 2)
 * and a 3×3 filter g give an m×m output tile Y = Aᵀ[(G·g·Gᵀ) ⊙ (Bᵀ·d·B)]A, n² multiplications per
 * channel pair instead of 9·m². F(2×2) needs 2.25 times fewer, F(4×4) 4 times fewer, at n²/9 the
 * filter memory (16/9 and 4).
 *
 * @param m output tile size
 * @param bt input transform Bᵀ, n×n
 * @param g filter transform G, n×3
 * @param at output transform Aᵀ, m×n
 */
public record Winograd(int m, double[][] bt, double[][] g, double[][] at) {

  /** F(2×2, 3×3), interpolation points 0, ±1. */
  public static final Winograd F2 =
      new Winograd(
          2,
          new double[][] {{1, 0, -1, 0}, {0, 1, 1, 0}, {0, -1, 1, 0}, {0, 1, 0, -1}},
          new double[][] {{1, 0, 0}, {.5, .5, .5}, {.5, -.5, .5}, {0, 0, 1}},
          new double[][] {{1, 1, 1, 0}, {0, 1, -1, -1}});

  /** F(4×4, 3×3), interpolation points 0, ±1, ±2. */
  public static final Winograd F4 =
      new Winograd(
          4,
          new double[][] {
            {4, 0, -5, 0, 1, 0},
            {0, -4, -4, 1, 1, 0},
            {0, 4, -4, -1, 1, 0},
            {0, -2, -1, 2, 1, 0},
            {0, 2, -1, -2, 1, 0},
            {0, 4, 0, -5, 0, 1}
          },
          new double[][] {
            {1 / 4.0, 0, 0},
            {-1 / 6.0, -1 / 6.0, -1 / 6.0},
            {-1 / 6.0, 1 / 6.0, -1 / 6.0},
            {1 / 24.0, 1 / 12.0, 1 / 6.0},
            {1 / 24.0, -1 / 12.0, 1 / 6.0},
            {0, 0, 1}
          },
          new double[][] {
            {1, 1, 1, 1, 1, 0}, {0, 1, -1, 2, -2, 0}, {0, 1, 1, 4, 4, 0}, {0, 1, -1, 8, -8, 1}
          });

  /** The tile size F(m×m, 3×3) uses; 2 or 4. */
  public static Winograd ofTile(int m) {
    return switch (m) {
      case 2 -> F2;
      case 4 -> F4;
      default -> throw new IllegalArgumentException("Winograd tiles are 2 or 4, not " + m);
    };
  }

  /** Input tile size n = m + 2. */
  public int n() {
    return m + 2;
  }

  /** The n² kernels of n×n computing Bᵀ·d·B from one channel, laid out [n², 1, n, n]. */
  public float[] inputKernels() {
    int n = n();
    float[] kernels = new float[n * n * n * n];
    for (int k = 0; k < n * n; k++) {
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          kernels[(k * n + i) * n + j] = (float) (bt[k / n][i] * bt[k % n][j]);
        }
      }
    }
    return kernels;
  }

  /** Aᵀ·M·A as one [m², n²] matrix acting on the n² transformed positions. */
  public float[] outputTransform() {
    int n = n();
    float[] t = new float[m * m * n * n];
    for (int p = 0; p < m * m; p++) {
      for (int k = 0; k < n * n; k++) {
        t[p * n * n + k] = (float) (at[p / m][k / n] * at[p % m][k % n]);
      }
    }
    return t;
  }

  /** {@link #outputTransform} as n² kernels of m×m, laid out [n², 1, m, m]. */
  public float[] outputKernels() {
    int positions = m * m;
    int k2 = n() * n();
    float[] t = outputTransform();
    float[] kernels = new float[t.length];
    for (int k = 0; k < k2; k++) {
      for (int p = 0; p < positions; p++) {
        kernels[k * positions + p] = t[p * k2 + k];
      }
    }
    return kernels;
  }

  /** [out, in, 3, 3] float32 filters → [n², out, in]: U = G·g·Gᵀ for every channel pair. */
  public ByteBuffer filters(ByteBuffer weight, long in, long out) {
    FloatBuffer src = weight.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    int pairs = Math.toIntExact(in * out);
    int n = n();
    ByteBuffer dst =
        ByteBuffer.allocateDirect(Math.multiplyExact(pairs, n * n * 4))
            .order(ByteOrder.LITTLE_ENDIAN);
    FloatBuffer u = dst.asFloatBuffer();
    IntStream.range(0, pairs)
        .parallel()
        .forEach(
            pair -> {
              double[][] gg = new double[n][3];
              for (int r = 0; r < n; r++) {
                for (int col = 0; col < 3; col++) {
                  for (int k = 0; k < 3; k++) {
                    gg[r][col] += g[r][k] * src.get(pair * 9 + k * 3 + col);
                  }
                }
              }
              for (int r = 0; r < n; r++) {
                for (int c = 0; c < n; c++) {
                  double v = 0;
                  for (int k = 0; k < 3; k++) {
                    v += gg[r][k] * g[c][k];
                  }
                  u.put((r * n + c) * pairs + pair, (float) v);
                }
              }
            });
    return dst;
  }
}
