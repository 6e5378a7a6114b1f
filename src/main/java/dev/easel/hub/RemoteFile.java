package dev.easel.hub;

/**
 * One file of a Hub repository at a commit, as the API lists it.
 *
 * @param sha256 the LFS object id (large files), null for files kept in git itself
 * @param blobId the git blob id (sha1)
 */
public record RemoteFile(String path, long size, String sha256, String blobId) {
  /** The name huggingface_hub gives the file's blob in the cache. */
  public String etag() {
    return sha256 != null ? sha256 : blobId;
  }
}
