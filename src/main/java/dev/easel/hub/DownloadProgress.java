package dev.easel.hub;

/** Hears about a pull's downloads; called from several download threads at once. */
public interface DownloadProgress {
  /** A pull begins: how many bytes it needs in all, and how many are already on disk. */
  void begin(String what, long totalBytes, long presentBytes);

  /** A file starts downloading (from {@code offset} when resuming). */
  void fileStarted(RemoteFile file, long offset);

  /** More bytes of a file arrived. */
  void bytes(long count);

  /** A file is complete and verified. */
  void fileDone(RemoteFile file, long downloadedBytes, long nanos);

  /** The pull ended (successfully or not). */
  void end();

  DownloadProgress NONE =
      new DownloadProgress() {
        @Override
        public void begin(String what, long totalBytes, long presentBytes) {}

        @Override
        public void fileStarted(RemoteFile file, long offset) {}

        @Override
        public void bytes(long count) {}

        @Override
        public void fileDone(RemoteFile file, long downloadedBytes, long nanos) {}

        @Override
        public void end() {}
      };
}
