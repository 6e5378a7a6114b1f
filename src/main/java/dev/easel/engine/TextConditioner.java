package dev.easel.engine;

import dev.easel.model.clip.TokenizedPrompt;
import dev.easel.runtime.FloatTensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the prompt and negative prompt into UNet conditioning with one text encoder (SD 1.x/2.x) or
 * two whose hidden states are concatenated feature-wise (SDXL, pooled vector from the second).
 *
 * @param zeroEmptyNegative SDXL's {@code force_zeros_for_empty_prompt}: an empty negative prompt is
 *     all zeros rather than the encoding of ""
 */
record TextConditioner(List<PromptEncoder> encoders, boolean zeroEmptyNegative) {

  /** The prompt's and the negative prompt's conditioning, padded to the same number of chunks. */
  Conditioning[] encode(String prompt, String negative) {
    return encode(prompt, negative, true);
  }

  /**
   * Same; without {@code guided} the negative prompt is not encoded (guidance ≤ 1 never uses it)
   * and the second element is null.
   */
  Conditioning[] encode(String prompt, String negative, boolean guided) {
    List<TokenizedPrompt> positive = new ArrayList<>();
    List<TokenizedPrompt> neg = new ArrayList<>();
    int chunks = 1;
    for (PromptEncoder e : encoders) {
      TokenizedPrompt p = e.tokenize(prompt);
      TokenizedPrompt n = e.tokenize(negative);
      positive.add(p);
      neg.add(n);
      chunks = Math.max(chunks, p.chunks().length);
      if (guided) {
        chunks = Math.max(chunks, n.chunks().length);
      }
    }
    Conditioning cond = join(positive, chunks);
    if (!guided) {
      return new Conditioning[] {cond, null};
    }
    Conditioning uncond =
        zeroEmptyNegative && (negative == null || negative.isBlank())
            ? zerosLike(cond)
            : join(neg, chunks);
    return new Conditioning[] {cond, uncond};
  }

  private Conditioning join(List<TokenizedPrompt> prompts, int chunks) {
    List<FloatTensor> hidden = new ArrayList<>();
    FloatTensor pooled = null;
    for (int i = 0; i < encoders.size(); i++) {
      Conditioning c = encoders.get(i).encode(prompts.get(i), chunks);
      hidden.add(c.hidden());
      if (c.pooled() != null) {
        pooled = c.pooled();
      }
    }
    TokenizedPrompt first = prompts.get(0);
    return new Conditioning(concatFeatures(hidden), pooled, first.tokenCount(), first.chunked());
  }

  private static Conditioning zerosLike(Conditioning c) {
    return new Conditioning(
        FloatTensor.zeros(c.hidden().shape()),
        c.pooled() == null ? null : FloatTensor.zeros(c.pooled().shape()),
        0,
        false);
  }

  /** Joins [1, s, d1] and [1, s, d2] into [1, s, d1 + d2]. */
  static FloatTensor concatFeatures(List<FloatTensor> parts) {
    if (parts.size() == 1) {
      return parts.get(0);
    }
    long seq = parts.get(0).dim(1);
    long total = 0;
    for (FloatTensor p : parts) {
      total += p.dim(2);
    }
    float[] out = new float[Math.toIntExact(seq * total)];
    for (int s = 0; s < seq; s++) {
      int pos = (int) (s * total);
      for (FloatTensor p : parts) {
        int d = (int) p.dim(2);
        System.arraycopy(p.data(), s * d, out, pos, d);
        pos += d;
      }
    }
    return new FloatTensor(new long[] {1, seq, total}, out);
  }
}
