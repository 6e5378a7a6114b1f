package dev.easel.runtime;

import dev.easel.config.Config;
import dev.easel.config.Settings;

/**
 * How sessions are created.
 *
 * @param device execution provider
 * @param threads intra-op threads per session; 0 means one per core
 * @param nice Linux niceness (0..19) of the threads that run models; 0 leaves them as they are
 */
public record RuntimeOptions(Device device, int threads, int nice) {
  public static RuntimeOptions from(Config config) {
    return new RuntimeOptions(
        Device.parse(config.get(Settings.RUNTIME_DEVICE)),
        config.getInt(Settings.RUNTIME_THREADS),
        config.getInt(Settings.RUNTIME_NICE));
  }

  public static RuntimeOptions cpu() {
    return new RuntimeOptions(Device.CPU, 0, 0);
  }

  public int effectiveThreads() {
    return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
  }
}
