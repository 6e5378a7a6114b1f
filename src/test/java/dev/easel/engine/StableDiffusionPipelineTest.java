package dev.easel.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.easel.engine.GenerationRequest.Mode;
import dev.easel.image.RgbaImage;
import dev.easel.model.Architecture;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Text to image on the tiny random model: seeds, batches, schedulers, guidance, progress. */
class StableDiffusionPipelineTest {
  static StableDiffusionPipeline tiny;

  @BeforeAll
  static void load() {
    tiny = TinyModels.load(Architecture.TINY, false);
  }

  @AfterAll
  static void close() {
    tiny.close();
  }

  static GenerationResult generate(Requests r) {
    return generate(r, ProgressListener.NONE);
  }

  static GenerationResult generate(Requests r, ProgressListener progress) {
    return tiny.generate(r.build(), progress, new Cancellation());
  }

  static RgbaImage image(Requests r) {
    return generate(r).images().get(0).image();
  }

  @Test
  void textToImageMakesTheRequestedImagesWithTheirSeeds() {
    GenerationResult r = generate(Requests.textToImage().n(2).seed(42L).size(64, 48));
    assertThat(tiny.capabilities().nativeSize()).isEqualTo(64);
    assertThat(tiny.capabilities().sizeMultiple()).isEqualTo(2);
    assertThat(r.images()).hasSize(2);
    assertThat(r.images().get(0).seed()).isEqualTo(42);
    assertThat(r.images().get(1).seed()).isEqualTo(43);
    for (GeneratedImage g : r.images()) {
      assertThat(g.image().width()).isEqualTo(64);
      assertThat(g.image().height()).isEqualTo(48);
      assertThat(Pictures.spread(g.image())).isGreaterThan(1);
    }
    assertThat(r.images().get(0).image().rgba()).isNotEqualTo(r.images().get(1).image().rgba());
    assertThat(r.promptChunked()).isFalse();
  }

  @Test
  void latentSidesThatDoNotHalveEvenlyWork() {
    // 34 px → 17 latents, which the UNet halves to 9 and brings back to 17 (upsample_size).
    RgbaImage img = image(Requests.textToImage().size(34, 30));
    assertThat(img.width()).isEqualTo(34);
    assertThat(img.height()).isEqualTo(30);
  }

  @Test
  void theSameRequestAndSeedGiveIdenticalBytes() {
    Requests request = Requests.textToImage().seed(7L).guidance(7.5);
    assertThat(image(request).rgba()).isEqualTo(image(request).rgba());
  }

  @Test
  void eachImageOfABatchEqualsTheImageGeneratedAloneWithItsSeed() {
    GenerationResult batch = generate(Requests.textToImage().n(3).seed(10L));
    for (int k = 0; k < 3; k++) {
      RgbaImage alone = image(Requests.textToImage().seed(10L + k));
      assertThat(Pictures.maxDifference(batch.images().get(k).image(), alone))
          .as("image %d", k)
          .isLessThanOrEqualTo(1);
    }
  }

  @Test
  void splittingIntoSmallerBatchesGivesTheSameImages() {
    GenerationResult together = generate(Requests.textToImage().n(3).seed(20L));
    List<int[]> steps = new ArrayList<>();
    GenerationResult split;
    try (StableDiffusionPipeline oneAtATime =
        TinyModels.load(TinyModels.folder(Architecture.TINY, false), 1)) {
      split =
          oneAtATime.generate(
              Requests.textToImage().n(3).seed(20L).build(),
              new ProgressListener() {
                @Override
                public void onStep(int step, int total, long elapsedNanos) {
                  steps.add(new int[] {step, total});
                }
              },
              new Cancellation());
    }
    for (int k = 0; k < 3; k++) {
      assertThat(split.images().get(k).seed()).isEqualTo(20L + k);
      assertThat(
              Pictures.maxDifference(
                  split.images().get(k).image(), together.images().get(k).image()))
          .isLessThanOrEqualTo(1);
    }
    assertThat(steps).hasSize(9);
    for (int i = 0; i < 9; i++) {
      assertThat(steps.get(i)).containsExactly(i + 1, 9);
    }
  }

  @Test
  void aRandomSeedIsChosenAndReportedWhenNoneIsGiven() {
    GenerationResult r = generate(Requests.textToImage().n(2).seed(null));
    long seed = r.images().get(0).seed();
    assertThat(r.images().get(1).seed()).isEqualTo(seed + 1);
    assertThat(image(Requests.textToImage().seed(seed)).rgba())
        .isEqualTo(r.images().get(0).image().rgba());
    assertThat(generate(Requests.textToImage().seed(null)).images().get(0).seed())
        .isNotEqualTo(seed);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "ddim",
        "euler",
        "euler_a",
        "dpmpp_2m",
        "dpmpp_2m_karras",
        "lcm",
        "EulerDiscreteScheduler",
        "DPMSolverMultistepScheduler"
      })
  void everySchedulerRuns(String scheduler) {
    RgbaImage img = image(Requests.textToImage().scheduler(scheduler).steps(2));
    assertThat(img.width()).isEqualTo(32);
    assertThat(Pictures.spread(img)).isGreaterThan(1);
  }

  @Test
  void schedulersGiveDifferentImages() {
    RgbaImage euler = image(Requests.textToImage().scheduler("euler"));
    RgbaImage ddim = image(Requests.textToImage().scheduler("ddim"));
    assertThat(euler.rgba()).isNotEqualTo(ddim.rgba());
  }

  @Test
  void anUnknownSchedulerIsRefusedNamingTheValidOnes() {
    assertThatThrownBy(() -> generate(Requests.textToImage().scheduler("k_lms")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContainingAll(
            "k_lms", "ddim", "euler_a", "dpmpp_2m_karras", "lcm", "EulerDiscreteScheduler");
  }

  @Test
  void requestsTheModelCannotServeAreRefusedWithAReason() {
    RgbaImage source = Pictures.disc(64, 64);
    assertRefused(Requests.textToImage().steps(0), "steps");
    assertRefused(Requests.textToImage().steps(-3), "steps");
    assertRefused(Requests.textToImage().steps(100_000), "steps");
    assertRefused(Requests.of(Mode.IMAGE_TO_IMAGE, source).strength(1.5), "strength");
    assertRefused(Requests.of(Mode.IMAGE_TO_IMAGE, source).strength(-0.1), "strength");
    assertRefused(Requests.of(Mode.IMAGE_TO_IMAGE, source).strength(Double.NaN), "strength");
    assertRefused(Requests.of(Mode.IMAGE_TO_IMAGE, source).strength(0.0), "strength");
    assertRefused(Requests.textToImage().size(63, 64), "multiples of 2");
    assertRefused(Requests.textToImage().size(0, 64), "multiples of 2");
    assertRefused(Requests.textToImage().size(64, 1024), "too large");
    assertRefused(Requests.textToImage().n(0), "n must");
    assertRefused(Requests.textToImage().guidance(-1.0), "guidance");
  }

  private static void assertRefused(Requests r, String reason) {
    assertThatThrownBy(() -> generate(r))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(reason);
  }

  @Test
  void guidanceUpToOneRunsTheConditionalPassOnly() {
    RgbaImage none = image(Requests.textToImage().guidance(0.0));
    RgbaImage one = image(Requests.textToImage().guidance(1.0));
    RgbaImage guided = image(Requests.textToImage().guidance(7.5));
    // With both passes, scale 0 would give the unconditional prediction, far from scale 1's.
    assertThat(none.rgba()).isEqualTo(one.rgba());
    assertThat(Pictures.maxDifference(guided, one)).isGreaterThan(10);
    // Without guidance the unconditional pass, and so the negative prompt, plays no part.
    assertThat(image(Requests.textToImage().guidance(1.0).negative("blurry")).rgba())
        .isEqualTo(one.rgba());
    // Just above 1 both passes run and the result stays next to the conditional one.
    assertThat(Pictures.maxDifference(image(Requests.textToImage().guidance(1.0001)), one))
        .isLessThanOrEqualTo(2);
  }

  @Test
  void aNegativePromptChangesTheGuidedResult() {
    RgbaImage plain = image(Requests.textToImage().guidance(7.5));
    RgbaImage negative = image(Requests.textToImage().guidance(7.5).negative("blurry, dark"));
    assertThat(Pictures.maxDifference(plain, negative)).isGreaterThan(10);
  }

  @Test
  void longPromptsAreEncodedInChunksAndReported() {
    String longPrompt = String.join(" ", java.util.Collections.nCopies(60, "a red fox"));
    GenerationResult r = generate(Requests.textToImage().prompt(longPrompt).guidance(7.5));
    assertThat(r.promptChunked()).isTrue();
    assertThat(r.promptTokens()).isGreaterThan(75);
    GenerationResult shortOne = generate(Requests.textToImage().guidance(7.5));
    assertThat(shortOne.promptChunked()).isFalse();
    assertThat(shortOne.promptTokens()).isBetween(1, 75);
    assertThat(r.images().get(0).image().rgba())
        .isNotEqualTo(shortOne.images().get(0).image().rgba());
  }

  @Test
  void progressIsReportedAfterEveryStep() {
    List<long[]> calls = new ArrayList<>();
    generate(
        Requests.textToImage().steps(4).n(2),
        new ProgressListener() {
          @Override
          public void onStep(int step, int total, long elapsedNanos) {
            calls.add(new long[] {step, total, elapsedNanos});
          }
        });
    assertThat(calls).hasSize(4);
    long previous = 0;
    for (int i = 0; i < 4; i++) {
      assertThat(calls.get(i)[0]).isEqualTo(i + 1);
      assertThat(calls.get(i)[1]).isEqualTo(4);
      assertThat(calls.get(i)[2]).isGreaterThan(previous);
      previous = calls.get(i)[2];
    }
  }

  @Test
  void previewsAreDeliveredForEveryImageWhenAsked() {
    List<int[]> previews = new ArrayList<>();
    generate(
        Requests.textToImage().steps(4).n(2).previews(2),
        new ProgressListener() {
          @Override
          public void onPreview(int index, int previewNumber, RgbaImage preview) {
            assertThat(preview.width()).isEqualTo(32);
            assertThat(preview.height()).isEqualTo(32);
            previews.add(new int[] {index, previewNumber});
          }
        });
    assertThat(previews)
        .containsExactly(new int[] {0, 1}, new int[] {1, 1}, new int[] {0, 2}, new int[] {1, 2});
    List<int[]> none = new ArrayList<>();
    generate(
        Requests.textToImage().steps(4),
        new ProgressListener() {
          @Override
          public void onPreview(int index, int previewNumber, RgbaImage preview) {
            none.add(new int[] {index, previewNumber});
          }
        });
    assertThat(none).isEmpty();
  }

  @Test
  void cancellingFromAnotherThreadStopsWithinOneStep() throws Exception {
    Cancellation cancel = new Cancellation();
    CountDownLatch firstStep = new CountDownLatch(1);
    CountDownLatch cancelled = new CountDownLatch(1);
    Thread canceller =
        new Thread(
            () -> {
              try {
                firstStep.await();
                cancel.cancel();
                cancelled.countDown();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    canceller.start();
    List<Integer> steps = new ArrayList<>();
    assertThatThrownBy(
            () ->
                tiny.generate(
                    Requests.textToImage().steps(6).build(),
                    new ProgressListener() {
                      @Override
                      public void onStep(int step, int total, long elapsedNanos) {
                        steps.add(step);
                        firstStep.countDown();
                        try {
                          assertThat(cancelled.await(10, TimeUnit.SECONDS)).isTrue();
                        } catch (InterruptedException e) {
                          Thread.currentThread().interrupt();
                        }
                      }
                    },
                    cancel))
        .isInstanceOf(Cancellation.CancelledException.class);
    canceller.join();
    assertThat(steps).containsExactly(1);
    RgbaImage after = image(Requests.textToImage().seed(3L));
    assertThat(after.rgba()).isEqualTo(image(Requests.textToImage().seed(3L)).rgba());
  }

  @Test
  void sizesFarAboveNativeGoThroughTwoPasses() {
    List<int[]> steps = new ArrayList<>();
    GenerationResult r =
        generate(
            Requests.textToImage().size(128, 64).steps(3),
            new ProgressListener() {
              @Override
              public void onStep(int step, int total, long elapsedNanos) {
                steps.add(new int[] {step, total});
              }
            });
    RgbaImage img = r.images().get(0).image();
    assertThat(img.width()).isEqualTo(128);
    assertThat(img.height()).isEqualTo(64);
    // Three steps near the native pixel count (92×44), then one refining step (strength 0.35
    // of 3) at 128×64.
    assertThat(steps).hasSize(4);
    assertThat(steps.get(3)).containsExactly(4, 4);
    assertThat(Pictures.spread(img)).isGreaterThan(1);
    List<int[]> direct = new ArrayList<>();
    generate(
        Requests.textToImage().size(96, 64).steps(3),
        new ProgressListener() {
          @Override
          public void onStep(int step, int total, long elapsedNanos) {
            direct.add(new int[] {step, total});
          }
        });
    assertThat(direct).hasSize(3);
  }
}
