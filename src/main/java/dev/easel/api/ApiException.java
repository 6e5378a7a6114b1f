package dev.easel.api;

/**
 * Every failure a client can see, carrying what OpenAI's error envelope needs. {@link Kind} fixes
 * the HTTP status and the envelope's {@code type}; {@link ErrorResponses} is the one place that
 * turns it into a response.
 */
public final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The classes of failure, each with its HTTP status and OpenAI error type. */
  public enum Kind {
    INVALID_REQUEST(400, "invalid_request_error"),
    IMAGE_USER_ERROR(400, "image_generation_user_error"),
    UNAUTHORIZED(401, "invalid_request_error"),
    NOT_FOUND(404, "invalid_request_error"),
    GONE(410, "invalid_request_error"),
    TOO_LARGE(413, "invalid_request_error"),
    RATE_LIMITED(429, "requests"),
    OVERLOADED(429, "server_busy"),
    INTERNAL(500, "server_error"),
    UNAVAILABLE(503, "server_error");

    private final int status;
    private final String type;

    Kind(int status, String type) {
      this.status = status;
      this.type = type;
    }

    public int status() {
      return status;
    }

    public String type() {
      return type;
    }
  }

  private final Kind kind;
  private final String param;
  private final String code;
  private final long retryAfterSeconds;

  private ApiException(Kind kind, String message, String param, String code, long retryAfter) {
    super(message);
    this.kind = kind;
    this.param = param;
    this.code = code;
    this.retryAfterSeconds = retryAfter;
  }

  public static ApiException of(Kind kind, String message, String param, String code) {
    return new ApiException(kind, message, param, code, 0);
  }

  /** The 503 every request gets while the server stops. */
  public static ApiException shuttingDown() {
    return of(Kind.UNAVAILABLE, "The server is shutting down.", null, "shutting_down");
  }

  /** A 400 {@code invalid_request_error}. */
  public static ApiException invalid(String message, String param, String code) {
    return of(Kind.INVALID_REQUEST, message, param, code);
  }

  /** {@code Invalid value: 'x'. Supported values are: 'a', 'b' and 'c'.} */
  public static ApiException invalidValue(String param, String value, Iterable<String> supported) {
    return invalid(
        "Invalid value: '" + value + "'. Supported values are: " + quotedList(supported) + ".",
        param,
        "invalid_value");
  }

  public static ApiException unknownParameter(String param) {
    return invalid("Unknown parameter: '" + param + "'.", param, "unknown_parameter");
  }

  /** A string over its maximum length, in OpenAI's words. */
  public static ApiException tooLong(String param, long max, long length) {
    return invalid(
        "Invalid '"
            + param
            + "': string too long. Expected a string with maximum length "
            + max
            + ", but got a string with length "
            + length
            + " instead.",
        param,
        "string_above_max_length");
  }

  public static ApiException missing(String param) {
    return invalid("'" + param + "' is a required property", param, "missing_required_parameter");
  }

  /** A 429 with a Retry-After. */
  public static ApiException throttled(Kind kind, String message, String code, long retryAfter) {
    return new ApiException(kind, message, null, code, Math.max(1, retryAfter));
  }

  static String quotedList(Iterable<String> values) {
    StringBuilder out = new StringBuilder();
    java.util.List<String> list = new java.util.ArrayList<>();
    values.forEach(list::add);
    for (int i = 0; i < list.size(); i++) {
      if (i > 0) {
        out.append(i == list.size() - 1 ? " and " : ", ");
      }
      out.append('\'').append(list.get(i)).append('\'');
    }
    return out.toString();
  }

  public Kind kind() {
    return kind;
  }

  public int status() {
    return kind.status();
  }

  public String type() {
    return kind.type();
  }

  public String param() {
    return param;
  }

  public String code() {
    return code;
  }

  /** Seconds a client should wait before retrying; 0 when not throttled. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
