package dev.easel.api;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Images per minute for each caller, as a token bucket that holds a minute's worth of images and
 * refills continuously. A limit of 0 turns limiting off.
 */
final class RateLimiter {
  /**
   * What a caller has left after a request; {@code resetMillis} is until the bucket is full; a
   * positive {@code retryAfterSeconds} means the request was refused.
   */
  record Quota(int limit, int remaining, long resetMillis, long retryAfterSeconds) {}

  private final int imagesPerMinute;
  private final Clock clock;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

  RateLimiter(int imagesPerMinute, Clock clock) {
    this.imagesPerMinute = imagesPerMinute;
    this.clock = clock;
  }

  boolean enabled() {
    return imagesPerMinute > 0;
  }

  /**
   * Takes {@code images} from the caller's bucket (at most a full bucket, so a large {@code n} is
   * not refused for ever), or refuses when it holds too few.
   */
  Quota acquire(String caller, int images) {
    Bucket bucket = buckets.computeIfAbsent(caller, c -> new Bucket(imagesPerMinute, now()));
    double cost = Math.min(images, imagesPerMinute);
    synchronized (bucket) {
      bucket.refill(now(), imagesPerMinute);
      if (bucket.tokens < cost) {
        double perSecond = imagesPerMinute / 60.0;
        return quota(bucket, Math.max(1, (long) Math.ceil((cost - bucket.tokens) / perSecond)));
      }
      bucket.tokens -= cost;
      return quota(bucket, 0);
    }
  }

  private Quota quota(Bucket bucket, long retryAfter) {
    double missing = imagesPerMinute - bucket.tokens;
    long reset = (long) Math.ceil(missing * 60_000.0 / imagesPerMinute);
    return new Quota(imagesPerMinute, (int) Math.floor(bucket.tokens), reset, retryAfter);
  }

  private double now() {
    return clock.millis() / 1000.0;
  }

  private static final class Bucket {
    double tokens;
    double updated;

    Bucket(double tokens, double now) {
      this.tokens = tokens;
      this.updated = now;
    }

    void refill(double now, int perMinute) {
      tokens = Math.min(perMinute, tokens + (now - updated) * perMinute / 60.0);
      updated = now;
    }
  }
}
