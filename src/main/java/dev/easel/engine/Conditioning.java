package dev.easel.engine;

import dev.easel.runtime.FloatTensor;

/**
 * A prompt encoded for the UNet.
 *
 * @param hidden token embeddings [1, 77·chunks, dim] ({@code encoder_hidden_states})
 * @param pooled the pooled text embedding [1, dim] (SDXL's {@code text_embeds}), or null
 * @param tokens prompt tokens, start and end excluded
 * @param chunked whether the prompt was longer than one 75-token window
 */
record Conditioning(FloatTensor hidden, FloatTensor pooled, int tokens, boolean chunked) {}
