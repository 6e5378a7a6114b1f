// The HTTP calls the studio makes: the OpenAI Images API (as any client) and the studio's own
// history API. Errors become ApiError with the server's message, status and code.

const KEY_STORAGE = "easel.apiKey";

export function apiKey() {
  return localStorage.getItem(KEY_STORAGE) || "";
}

export function setApiKey(key) {
  if (key) localStorage.setItem(KEY_STORAGE, key);
  else localStorage.removeItem(KEY_STORAGE);
}

export class ApiError extends Error {
  constructor(status, message, code, param, retryAfter) {
    super(message);
    this.status = status;
    this.code = code;
    this.param = param;
    this.retryAfter = retryAfter;
  }
}

function headers(extra = {}) {
  const h = { ...extra };
  const key = apiKey();
  if (key) h.Authorization = `Bearer ${key}`;
  return h;
}

async function failure(response) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    // not JSON: fall through to the status text
  }
  const e = body && body.error ? body.error : {};
  return new ApiError(
    response.status,
    e.message || `The server answered ${response.status} ${response.statusText}.`,
    e.code || null,
    e.param || null,
    Number(response.headers.get("Retry-After")) || null);
}

async function call(path, { method = "GET", json, signal } = {}) {
  const init = { method, signal, headers: headers(json ? { "Content-Type": "application/json" } : {}) };
  if (json) init.body = JSON.stringify(json);
  let response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    if (e.name === "AbortError") throw e;
    throw new ApiError(0, "The server cannot be reached. Is `easel serve` running?", "network_error");
  }
  if (!response.ok) throw await failure(response);
  return response;
}

export async function listModels() {
  const body = await (await call("/v1/models")).json();
  return body.data.map((m) => m.id);
}

export async function modelInfo(id) {
  return (await call(`/studio/api/models/${encodeURIComponent(id)}`)).json();
}

/**
 * Runs one image request. With `stream`, reads the server-sent events, calling onPartial(b64) for
 * each partial image and onImage({b64, seed}) for each completed one; without, reads the JSON
 * response. Resolves to the list of {b64, seed}. Aborting `signal` cancels it on the server too.
 */
export async function images(path, body, { stream, signal, onPartial, onImage }) {
  const isForm = body instanceof FormData;
  let response;
  try {
    response = await fetch(path, {
      method: "POST",
      signal,
      headers: headers(isForm ? {} : { "Content-Type": "application/json" }),
      body: isForm ? body : JSON.stringify(body),
    });
  } catch (e) {
    if (e.name === "AbortError") throw e;
    throw new ApiError(0, "The server cannot be reached. Is `easel serve` running?", "network_error");
  }
  if (!response.ok) throw await failure(response);
  if (!stream) {
    const json = await response.json();
    const results = json.data.map((d) => ({ b64: d.b64_json, seed: d.seed }));
    results.forEach((r) => onImage && onImage(r));
    return results;
  }
  const results = [];
  for await (const event of serverSentEvents(response.body)) {
    if (event.data === "[DONE]") break;
    const data = JSON.parse(event.data);
    if (event.event === "error" || data.error) {
      const e = data.error || data;
      throw new ApiError(500, e.message || "The generation failed.", e.code || null, e.param || null);
    }
    if (data.type.endsWith(".partial_image")) {
      onPartial && onPartial(data.b64_json, data.partial_image_index);
    } else if (data.type.endsWith(".completed")) {
      const r = { b64: data.b64_json, seed: data.seed };
      results.push(r);
      onImage && onImage(r);
    }
  }
  return results;
}

async function* serverSentEvents(stream) {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  while (true) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = { event: "message", data: "" };
      const data = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) event.event = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
      }
      event.data = data.join("\n");
      if (data.length) yield event;
    }
  }
}

export const history = {
  async list(q, offset, limit) {
    const params = new URLSearchParams({ offset, limit });
    if (q) params.set("q", q);
    return (await call(`/studio/api/history?${params}`)).json();
  },
  async add(entry) {
    return (await call("/studio/api/history", { method: "POST", json: entry })).json();
  },
  async remove(id) {
    await call(`/studio/api/history/${encodeURIComponent(id)}`, { method: "DELETE" });
  },
  /** The entry's PNG as a Blob (fetched with the key, so it works when keys are required). */
  async image(id) {
    return (await call(`/studio/api/history/${encodeURIComponent(id)}/image`)).blob();
  },
};
