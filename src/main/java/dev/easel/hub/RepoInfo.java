package dev.easel.hub;

import java.util.List;

/** A repository at one commit: the commit a revision resolved to and its files. */
public record RepoInfo(String repo, String commit, List<RemoteFile> files) {
  public RepoInfo {
    files = List.copyOf(files);
  }
}
