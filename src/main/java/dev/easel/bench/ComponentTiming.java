package dev.easel.bench;

/**
 * How fast one component ran.
 *
 * @param name component
 * @param seconds best forward time
 * @param teraflops known cost of one forward pass, or 0 when unknown
 * @param peakGflops the machine's measured peak, for the fraction
 * @param weightBytes float32 weights the built graph holds
 * @param peakResidentBytes the process's peak resident memory while the component was built and run
 *     (0 where the OS does not tell)
 */
public record ComponentTiming(
    String name,
    double seconds,
    double teraflops,
    double peakGflops,
    long weightBytes,
    long peakResidentBytes) {
  public double gflops() {
    return teraflops * 1000 / seconds;
  }

  public double fractionOfPeak() {
    return gflops() / peakGflops;
  }
}
