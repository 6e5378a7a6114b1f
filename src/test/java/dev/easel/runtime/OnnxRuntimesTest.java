package dev.easel.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.easel.model.onnx.GraphBuilder;
import dev.easel.model.onnx.OnnxGraph;
import dev.easel.model.weights.RandomWeights;
import dev.easel.testing.ThreadNiceness;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class OnnxRuntimesTest {
  private final OnnxRuntimes runtimes = new OnnxRuntimes(RuntimeOptions.cpu());

  private static OnnxGraph scale() {
    GraphBuilder g = new GraphBuilder("scale", new RandomWeights(1));
    String x = g.input("x", 1L, 4L);
    g.output("y", g.mul(x, g.weight("w", 4)));
    return g.build();
  }

  @Test
  void weightsAreFedFromEaselsBuffersWithoutACopy() {
    OnnxGraph graph = scale();
    FloatBuffer w =
        graph.initializers().get("w").duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    Map<String, FloatTensor> input =
        Map.of("x", new FloatTensor(new long[] {1, 4}, new float[] {1, 1, 1, 1}));
    try (OnnxSession s = runtimes.open(graph)) {
      assertThat(s.inputNames()).containsExactly("x");
      float[] before = s.runSingle(input).data();
      assertThat(before).containsExactly(w.get(0), w.get(1), w.get(2), w.get(3));

      w.put(2, 42f);
      assertThat(s.runSingle(input).data()).containsExactly(before[0], before[1], 42f, before[3]);
    }
  }

  @Test
  void sessionsStartTheirIntraOpThreadsAtTheConfiguredNiceness() {
    assumeTrue(ThreadNiceness.available(), "needs Linux's /proc and renice");
    int mine = ThreadNiceness.ofCurrentThread();
    Set<Long> before = ThreadNiceness.all().keySet();
    OnnxRuntimes lowered = new OnnxRuntimes(new RuntimeOptions(Device.CPU, 2, 7));
    try (OnnxSession s = lowered.open(scale())) {
      s.runSingle(Map.of("x", new FloatTensor(new long[] {1, 4}, new float[4])));
      Map<Long, Integer> started = new TreeMap<>(ThreadNiceness.all());
      started.keySet().removeAll(before);
      assertThat(started).isNotEmpty().allSatisfy((tid, nice) -> assertThat(nice).isEqualTo(7));
    }
    assertThat(ThreadNiceness.ofCurrentThread())
        .as("the caller keeps its priority")
        .isEqualTo(mine);
  }

  @Test
  void weightsBecomeGraphInputsOnlyInTheFedVariant() {
    OnnxGraph graph = scale();
    assertThat(graph.model().getGraph().getInitializerList())
        .anyMatch(t -> t.getName().equals("w"));
    var fed = graph.withWeightsAsInputs().getGraph();
    assertThat(fed.getInitializerList()).noneMatch(t -> t.getName().equals("w"));
    assertThat(fed.getInputList())
        .anySatisfy(
            i -> {
              assertThat(i.getName()).isEqualTo("w");
              assertThat(i.getType().getTensorType().getShape().getDim(0).getDimValue())
                  .isEqualTo(4);
            });
  }
}
