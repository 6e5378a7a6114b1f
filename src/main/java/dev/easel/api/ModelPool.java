package dev.easel.api;

import dev.easel.engine.Cancellation;
import dev.easel.engine.GenerationRequest;
import dev.easel.engine.GenerationResult;
import dev.easel.engine.ImageGenerator;
import dev.easel.engine.ModelCapabilities;
import dev.easel.engine.ProgressListener;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Models loaded on first use within a memory budget. Before a model loads, the least recently used
 * models that are not generating are closed until the weights of the loaded models and the new one
 * fit. Requests are checked against a model's capabilities, known from its configuration, without
 * loading it.
 */
public final class ModelPool implements ModelDirectory, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ModelPool.class);

  /**
   * A model the pool can load.
   *
   * @param weightBytes the memory its weights take once loaded, counted against the budget
   */
  public record Candidate(
      String name,
      ModelCapabilities capabilities,
      long weightBytes,
      Supplier<ImageGenerator> loader) {}

  private final long budgetBytes;
  private final Map<String, PooledModel> models = new LinkedHashMap<>();
  private long useCounter;

  /**
   * @throws IllegalArgumentException when two candidates share a name or one alone exceeds the
   *     budget
   */
  public ModelPool(List<Candidate> candidates, long budgetBytes) {
    this.budgetBytes = budgetBytes;
    for (Candidate c : candidates) {
      if (c.weightBytes() > budgetBytes) {
        throw new IllegalArgumentException(
            "model '"
                + c.name()
                + "' needs about "
                + megabytes(c.weightBytes())
                + " MB for its weights, more than the budget of "
                + megabytes(budgetBytes)
                + " MB");
      }
      if (models.putIfAbsent(c.name(), new PooledModel(c)) != null) {
        throw new IllegalArgumentException("two models are named " + c.name());
      }
    }
  }

  @Override
  public List<String> names() {
    return List.copyOf(models.keySet());
  }

  @Override
  public List<String> loaded() {
    return models.values().stream().filter(m -> m.loaded != null).map(PooledModel::name).toList();
  }

  @Override
  public Optional<ImageGenerator> get(String name) {
    return Optional.ofNullable(models.get(name));
  }

  /** Loads a model now rather than on its first request. */
  public void preload(String name) {
    PooledModel model = models.get(name);
    acquire(model);
    release(model);
  }

  @Override
  public synchronized void close() {
    models.values().forEach(PooledModel::unload);
  }

  private synchronized ImageGenerator acquire(PooledModel model) {
    model.users++;
    model.lastUse = ++useCounter;
    boolean acquired = false;
    try {
      if (model.loaded == null) {
        makeRoom(model);
        model.loaded = model.candidate.loader().get();
      }
      acquired = true;
      return model.loaded;
    } catch (RuntimeException e) {
      LOG.error("cannot load model '{}'", model.name(), e);
      throw ApiException.of(
          ApiException.Kind.UNAVAILABLE,
          "The model '" + model.name() + "' could not be loaded: " + e.getMessage(),
          "model",
          "model_load_failed");
    } finally {
      if (!acquired) {
        model.users--;
      }
    }
  }

  private synchronized void release(PooledModel model) {
    model.users--;
  }

  /** Closes idle models, least recently used first, until {@code next} fits the budget. */
  private void makeRoom(PooledModel next) {
    boolean unloaded = false;
    while (loadedBytes() + next.candidate.weightBytes() > budgetBytes) {
      Optional<PooledModel> idle =
          models.values().stream()
              .filter(m -> m.loaded != null && m.users == 0)
              .min(Comparator.comparingLong(m -> m.lastUse));
      if (idle.isEmpty()) {
        LOG.warn(
            "loading '{}' goes over the model memory budget: the other models are generating",
            next.name());
        break;
      }
      LOG.info("unloading '{}' (least recently used) to load '{}'", idle.get().name(), next.name());
      idle.get().unload();
      unloaded = true;
    }
    if (unloaded) {
      // The weights live in direct buffers, released when collected: before the next model's.
      System.gc();
    }
  }

  private long loadedBytes() {
    return models.values().stream()
        .filter(m -> m.loaded != null)
        .mapToLong(m -> m.candidate.weightBytes())
        .sum();
  }

  private static long megabytes(long bytes) {
    return (bytes + (1 << 20) - 1) >> 20;
  }

  /** What the server sees of a pooled model: generating loads it, closing is the pool's. */
  private final class PooledModel implements ImageGenerator {
    final Candidate candidate;
    volatile ImageGenerator loaded;
    int users;
    long lastUse;

    PooledModel(Candidate candidate) {
      this.candidate = candidate;
    }

    @Override
    public String name() {
      return candidate.name();
    }

    @Override
    public ModelCapabilities capabilities() {
      return candidate.capabilities();
    }

    @Override
    public GenerationResult generate(
        GenerationRequest request, ProgressListener progress, Cancellation cancel) {
      ImageGenerator generator = acquire(this);
      try {
        return generator.generate(request, progress, cancel);
      } finally {
        release(this);
      }
    }

    void unload() {
      if (loaded != null) {
        loaded.close();
        loaded = null;
      }
    }

    @Override
    public void close() {
      // the pool closes its models
    }
  }
}
