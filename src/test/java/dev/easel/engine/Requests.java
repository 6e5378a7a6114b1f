package dev.easel.engine;

import dev.easel.engine.GenerationRequest.Mode;
import dev.easel.image.RgbaImage;
import java.util.List;

/**
 * Builds {@link GenerationRequest}s for tests: 32×32 (half the tiny model's native size, to keep
 * tests fast), one image, 3 steps, seed 1 unless told.
 */
final class Requests {
  private Mode mode = Mode.TEXT_TO_IMAGE;
  private String prompt = "a red fox";
  private String negative;
  private int width = 32;
  private int height = 32;
  private int n = 1;
  private Long seed = 1L;
  private Integer steps = 3;
  private Double guidance;
  private Double strength;
  private String scheduler;
  private List<RgbaImage> images = List.of();
  private RgbaImage mask;
  private int previews;

  static Requests textToImage() {
    return new Requests();
  }

  static Requests of(Mode mode, RgbaImage image) {
    Requests r = new Requests();
    r.mode = mode;
    r.images = List.of(image);
    r.width = image.width();
    r.height = image.height();
    return r;
  }

  Requests mode(Mode m) {
    mode = m;
    return this;
  }

  Requests prompt(String p) {
    prompt = p;
    return this;
  }

  Requests negative(String p) {
    negative = p;
    return this;
  }

  Requests size(int w, int h) {
    width = w;
    height = h;
    return this;
  }

  Requests n(int count) {
    n = count;
    return this;
  }

  Requests seed(Long s) {
    seed = s;
    return this;
  }

  Requests steps(Integer s) {
    steps = s;
    return this;
  }

  Requests guidance(Double g) {
    guidance = g;
    return this;
  }

  Requests strength(Double s) {
    strength = s;
    return this;
  }

  Requests scheduler(String s) {
    scheduler = s;
    return this;
  }

  Requests mask(RgbaImage m) {
    mask = m;
    return this;
  }

  Requests previews(int p) {
    previews = p;
    return this;
  }

  GenerationRequest build() {
    return new GenerationRequest(
        mode, prompt, negative, width, height, n, seed, steps, guidance, strength, scheduler,
        images, mask, previews);
  }
}
