package dev.easel.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.easel.testing.ThreadNiceness;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class ThreadPriorityTest {

  @Test
  void workOnALoweredThreadRunsAtThatNicenessAndTheCallerKeepsItsOwn() throws Exception {
    assumeTrue(ThreadNiceness.available(), "needs Linux's /proc and renice");
    int mine = ThreadNiceness.ofCurrentThread();
    int inside = ThreadPriority.onLoweredThread(5, ThreadNiceness::ofCurrentThread);
    assertThat(inside).isEqualTo(5);
    assertThat(ThreadNiceness.ofCurrentThread()).isEqualTo(mine);
  }

  @Test
  void failuresReachTheCallerAsThrown() {
    assertThatThrownBy(
            () ->
                ThreadPriority.onLoweredThread(
                    3,
                    () -> {
                      throw new IOException("disk gone");
                    }))
        .isInstanceOf(IOException.class)
        .hasMessage("disk gone");
    assertThatThrownBy(
            () ->
                ThreadPriority.onLoweredThread(
                    3,
                    () -> {
                      throw new IllegalArgumentException("bad size");
                    }))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void nicenessZeroRunsOnTheCallingThread() {
    Thread caller = Thread.currentThread();
    assertThat(ThreadPriority.onLoweredThread(0, Thread::currentThread)).isSameAs(caller);
  }
}
