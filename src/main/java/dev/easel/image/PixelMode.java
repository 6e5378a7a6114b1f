package dev.easel.image;

/**
 * How the source file stored its pixels, named as Pillow names image modes (OpenAI's DALL·E 2 edit
 * endpoint accepts only {@code RGBA}, {@code LA} and {@code L} sources).
 */
public enum PixelMode {
  /** Grey. */
  L,
  /** Grey with alpha. */
  LA,
  RGB,
  RGBA,
  /** Palette (indexed colour), with or without transparent entries. */
  P
}
