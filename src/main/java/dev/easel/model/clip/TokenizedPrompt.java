package dev.easel.model.clip;

import java.util.List;

/**
 * A prompt as CLIP token ids, never truncated.
 *
 * @param ids the prompt's token ids, without start and end
 * @param pieces one readable piece per id (the BPE token with its bytes decoded, {@code </w>} kept
 *     to mark the end of a word)
 * @param chunks rows of the tokenizer's context length (77): start, up to 75 ids, end, padding. A
 *     prompt that fits gives one row; longer prompts are split every 75 ids (as A1111 and compel
 *     do), an empty prompt gives {@code [start, end, pad, ...]}.
 */
public record TokenizedPrompt(int[] ids, List<String> pieces, int[][] chunks) {
  public TokenizedPrompt {
    pieces = List.copyOf(pieces);
  }

  public int tokenCount() {
    return ids.length;
  }

  /** Whether the prompt needed more than one row. */
  public boolean chunked() {
    return chunks.length > 1;
  }
}
