package dev.easel.engine;

import dev.easel.image.RgbaImage;

/** One output image and the seed that made it. */
public record GeneratedImage(RgbaImage image, long seed) {}
