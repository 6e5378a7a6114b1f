package dev.easel.hub;

import java.util.regex.Pattern;

/** A Hub model repository and a revision: {@code org/name} or {@code org/name@revision}. */
public record RepoRef(String repo, String revision) {
  public static final String DEFAULT_REVISION = "main";
  private static final Pattern REPO = Pattern.compile("[A-Za-z0-9][\\w.-]*/[\\w.-]+");
  private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");

  public RepoRef {
    if (!REPO.matcher(repo).matches() || repo.contains("..") || repo.endsWith(".")) {
      throw new IllegalArgumentException(
          "'"
              + repo
              + "' is not a Hub repository id (expected ORG/NAME, e.g. stabilityai/sd-turbo)");
    }
    if (revision.isEmpty() || revision.contains("..") || revision.startsWith("/")) {
      throw new IllegalArgumentException("invalid revision '" + revision + "'");
    }
  }

  /** Parses {@code org/name[@revision]}. */
  public static RepoRef parse(String s) {
    int at = s.indexOf('@');
    return at < 0
        ? new RepoRef(s, DEFAULT_REVISION)
        : new RepoRef(s.substring(0, at), s.substring(at + 1));
  }

  /** Whether the text looks like a repository id rather than a path or a plain name. */
  public static boolean looksLikeRepo(String s) {
    int at = s.indexOf('@');
    return REPO.matcher(at < 0 ? s : s.substring(0, at)).matches();
  }

  public static boolean isCommit(String revision) {
    return COMMIT.matcher(revision).matches();
  }

  @Override
  public String toString() {
    return DEFAULT_REVISION.equals(revision) ? repo : repo + "@" + revision;
  }
}
