package dev.easel.engine;

import dev.easel.model.clip.CLIPTokenizer;
import dev.easel.model.clip.TokenizedPrompt;
import dev.easel.runtime.FloatTensor;
import dev.easel.runtime.OnnxSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One tokenizer + text encoder pair. Long prompts are encoded in 75-token chunks whose embeddings
 * are concatenated along the sequence axis (as A1111 and compel do); the pooled vector comes from
 * the first chunk.
 *
 * @param hiddenOutput the encoder output used as {@code encoder_hidden_states}
 * @param pooledOutput the pooled output, or null when the pipeline does not use one
 */
record PromptEncoder(
    CLIPTokenizer tokenizer, OnnxSession session, String hiddenOutput, String pooledOutput) {

  TokenizedPrompt tokenize(String prompt) {
    return tokenizer.tokenize(prompt == null ? "" : prompt);
  }

  /** Encodes, padding with empty chunks up to {@code chunks}. */
  Conditioning encode(TokenizedPrompt prompt, int chunks) {
    int[][] rows = prompt.chunks();
    List<FloatTensor> hidden = new ArrayList<>();
    FloatTensor pooled = null;
    int[][] empty = tokenizer.tokenize("").chunks();
    for (int c = 0; c < chunks; c++) {
      int[] ids = c < rows.length ? rows[c] : empty[0];
      long[][] input = new long[1][ids.length];
      for (int i = 0; i < ids.length; i++) {
        input[0][i] = ids[i];
      }
      Map<String, FloatTensor> out = session.run(Map.of("input_ids", input));
      hidden.add(out.get(hiddenOutput));
      if (c == 0 && pooledOutput != null) {
        pooled = out.get(pooledOutput);
      }
    }
    return new Conditioning(concatSequence(hidden), pooled, prompt.tokenCount(), prompt.chunked());
  }

  /** Joins [1, 77, d] tensors into [1, 77·k, d]. */
  static FloatTensor concatSequence(List<FloatTensor> parts) {
    if (parts.size() == 1) {
      return parts.get(0);
    }
    long d = parts.get(0).dim(2);
    long seq = 0;
    for (FloatTensor p : parts) {
      seq += p.dim(1);
    }
    float[] out = new float[Math.toIntExact(seq * d)];
    int pos = 0;
    for (FloatTensor p : parts) {
      System.arraycopy(p.data(), 0, out, pos, p.data().length);
      pos += p.data().length;
    }
    return new FloatTensor(new long[] {1, seq, d}, out);
  }
}
