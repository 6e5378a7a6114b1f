package dev.easel.image;

/**
 * A decoded picture, always converted to 8-bit RGBA.
 *
 * @param image the pixels (opaque alpha 255 where the source had no transparency)
 * @param format the format the bytes were in
 * @param sourceMode how the source stored its pixels (grey, palette, RGB, with or without alpha)
 * @param hasAlpha whether the source carried transparency: an alpha channel (LA, RGBA, WebP with
 *     alpha) or a PNG {@code tRNS} chunk
 */
public record DecodedImage(
    RgbaImage image, ImageFormat format, PixelMode sourceMode, boolean hasAlpha) {}
