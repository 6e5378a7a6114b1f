package dev.easel.runtime;

import dev.easel.config.Config;
import dev.easel.config.Settings;

/**
 * How sessions are created.
 *
 * @param device execution provider
 * @param threads intra-op threads per session; 0 means one per core
 */
public record RuntimeOptions(Device device, int threads) {
  public static RuntimeOptions from(Config config) {
    return new RuntimeOptions(
        Device.parse(config.get(Settings.RUNTIME_DEVICE)), config.getInt(Settings.RUNTIME_THREADS));
  }

  public static RuntimeOptions cpu() {
    return new RuntimeOptions(Device.CPU, 0);
  }

  public int effectiveThreads() {
    return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
  }
}
