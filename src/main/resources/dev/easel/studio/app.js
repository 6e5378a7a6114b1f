// Easel Studio: wires the page to the OpenAI Images API and the studio's history API.
import { ApiError, apiKey, setApiKey, listModels, modelInfo, images, history } from "./api.js";
import { MaskEditor } from "./editor.js";
import { HistoryView } from "./history.js";

const $ = (id) => document.getElementById(id);
const VARIATION_SIZES = [256, 512, 1024];
const PARTIAL_IMAGES = 3;

let info = null; // ModelInfo of the selected model
let running = null; // AbortController of the job in progress
let editorSource = null; // history id of the picture in the editor, when it came from one

// ---------- errors ----------

const FIELDS = {
  prompt: "prompt", size: "custom-size", n: "n", steps: "steps", guidance_scale: "guidance",
  seed: "seed", negative_prompt: "negative", scheduler: "scheduler", model: "model",
};

function errorTitle(e) {
  if (e.status === 0) return "Server unreachable";
  if (e.status === 401) return apiKey() ? "The API key was refused" : "An API key is needed";
  if (e.status === 429) return "Rate limit reached";
  if (e.code === "no_model_loaded" || e.code === "model_not_loaded") return "No model loaded";
  if (e.status === 400) return "The server refused the request";
  if (e.status >= 500) return "The server failed";
  return `Error ${e.status}`;
}

function showError(e) {
  const box = $("error");
  if (e instanceof ApiError) {
    $("error-title").textContent = errorTitle(e);
    let text = e.message;
    if (e.status === 401) text += " Enter your key under “API key” in the settings.";
    if (e.retryAfter) text += ` You can try again in ${e.retryAfter} s.`;
    $("error-message").textContent = text;
    const field = e.param && FIELDS[e.param];
    if (field) {
      const input = e.param === "size" && $("custom-size-field").hidden ? $("size") : $(field);
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-errormessage", "error-message");
    }
    if (e.status === 401) $("key-panel").open = true;
  } else {
    $("error-title").textContent = "Something went wrong";
    $("error-message").textContent = String(e.message || e);
  }
  box.hidden = false;
}

function clearError() {
  $("error").hidden = true;
  document.querySelectorAll("[aria-invalid]").forEach((el) => {
    el.removeAttribute("aria-invalid");
    el.removeAttribute("aria-errormessage");
  });
}

$("error-close").addEventListener("click", clearError);
document.addEventListener("input", (e) => {
  if (e.target.hasAttribute && e.target.hasAttribute("aria-invalid")) {
    e.target.removeAttribute("aria-invalid");
  }
});

// ---------- tabs ----------

const tabs = [...document.querySelectorAll('[role="tab"]')];

function selectTab(tab, focus = true) {
  for (const t of tabs) {
    const selected = t === tab;
    t.setAttribute("aria-selected", String(selected));
    t.tabIndex = selected ? 0 : -1;
    $(t.getAttribute("aria-controls")).hidden = !selected;
  }
  $("results-section").hidden = tab.id === "tab-history";
  if (focus) tab.focus();
  if (tab.id === "tab-history") historyView.refresh();
}

tabs.forEach((tab, i) => {
  tab.addEventListener("click", () => selectTab(tab));
  tab.addEventListener("keydown", (e) => {
    const move = { ArrowRight: 1, ArrowLeft: -1, Home: -i, End: tabs.length - 1 - i }[e.key];
    if (move !== undefined) {
      e.preventDefault();
      selectTab(tabs[(i + move + tabs.length) % tabs.length]);
    }
  });
});

// ---------- models and settings ----------

async function loadModels() {
  const select = $("model");
  const previous = select.value || localStorage.getItem("easel.model");
  try {
    const ids = await listModels();
    select.replaceChildren(...ids.map((id) => new Option(id, id)));
    if (ids.length === 0) {
      select.append(new Option("No model loaded", ""));
      $("server-status").textContent = "Connected · no model loaded (start easel serve --model DIR)";
      info = null;
      return;
    }
    if (ids.includes(previous)) select.value = previous;
    $("server-status").textContent = `Connected · ${ids.length} model names`;
    await onModelChange();
    return true;
  } catch (e) {
    select.replaceChildren(new Option("Unavailable", ""));
    $("server-status").textContent = "Not connected";
    showError(e);
    return false;
  }
}

async function onModelChange() {
  const id = $("model").value;
  if (!id) return;
  localStorage.setItem("easel.model", id);
  info = await modelInfo(id);
  const size = $("size");
  const previous = size.value;
  size.replaceChildren(...info.sizes.map((s) => new Option(s === "auto" ? `auto (${info.native_size}px)` : s, s)));
  if (info.free_sizes) size.append(new Option("Custom…", "custom"));
  if ([...size.options].some((o) => o.value === previous)) size.value = previous;
  $("custom-size-hint").textContent = `Both sides multiples of ${info.size_multiple}, at least 64.`;
  onSizeChange();
  $("n").max = info.max_n;
  if (Number($("n").value) > info.max_n) $("n").value = info.max_n;
  const scheduler = $("scheduler");
  const chosen = scheduler.value;
  scheduler.replaceChildren(new Option("Model default", ""), ...info.schedulers.map((s) => new Option(s, s)));
  scheduler.value = info.schedulers.includes(chosen) ? chosen : "";
  resetDefaults();
  const notes = [`${info.local_model} (${info.architecture}, ${info.native_size}px)`];
  if (!info.edits) notes.push("no edits");
  if (!info.variations) notes.push("no variations");
  $("model-note").textContent = notes.join(" · ");
}

function resetDefaults() {
  if (!info) return;
  $("steps").value = info.default_steps;
  $("guidance").value = info.default_guidance;
}

function onSizeChange() {
  $("custom-size-field").hidden = $("size").value !== "custom";
}

$("model").addEventListener("change", () => onModelChange().catch(showError));
$("size").addEventListener("change", onSizeChange);
$("reset-defaults").addEventListener("click", resetDefaults);

$("api-key").value = apiKey();
$("save-key").addEventListener("click", () => {
  setApiKey($("api-key").value.trim());
  clearError();
  $("server-status").textContent = "Connecting…";
  loadModels().then((ok) => {
    if (ok) $("key-panel").open = false;
  });
  historyView.stale = true;
});
$("settings").addEventListener("submit", (e) => e.preventDefault());

function number(id) {
  const v = $(id).value.trim();
  return v === "" ? null : Number(v);
}

/** The settings every request shares, as API fields (nulls left out later). */
function settings() {
  const size = $("size").value === "custom" ? $("custom-size").value.trim() : $("size").value;
  return {
    model: $("model").value,
    size,
    n: number("n") || 1,
    negative_prompt: $("negative").value.trim() || null,
    steps: number("steps"),
    guidance_scale: number("guidance"),
    seed: number("seed"),
    scheduler: $("scheduler").value || null,
  };
}

function requireModel() {
  if (!info) throw new Error("No model is available: start the server with --model, then reload.");
}

// ---------- jobs ----------

function setRunning(controller) {
  running = controller;
  const busy = controller !== null;
  $("generate").disabled = busy;
  $("apply-edit").disabled = busy;
  $("edit-vary").disabled = busy;
  $("cancel").disabled = !busy;
  $("edit-cancel").disabled = !busy;
  document.querySelectorAll("[data-needs-idle]").forEach((b) => (b.disabled = busy));
}

function cancel() {
  if (running) running.abort();
}

$("cancel").addEventListener("click", cancel);
$("edit-cancel").addEventListener("click", cancel);

/**
 * Runs one request with progress, shows its results and records them in the history.
 * `request(signal, onPartial, onImage)` resolves to [{b64, seed}].
 */
async function runJob({ label, mode, params, source, expected, request }) {
  clearError();
  const controller = new AbortController();
  setRunning(controller);
  const started = performance.now();
  const progress = $("job-progress");
  let events = 0;
  $("job").hidden = false;
  $("job-label").textContent = label;
  $("job-preview").hidden = true;
  if (expected) {
    progress.max = expected;
    progress.value = 0;
  } else {
    progress.removeAttribute("value");
  }
  const timer = setInterval(() => {
    $("job-time").textContent = `${((performance.now() - started) / 1000).toFixed(1)} s`;
  }, 100);
  const batch = newBatch(label);
  const step = () => {
    events++;
    if (expected) progress.value = Math.min(events, expected);
  };
  try {
    const results = await request(
      controller.signal,
      (b64) => {
        step();
        $("job-preview-img").src = `data:image/png;base64,${b64}`;
        $("job-preview").hidden = false;
      },
      (result) => {
        step();
        addTile(batch, result, params);
      });
    $("server-status").textContent = `Done: ${results.length} image${results.length === 1 ? "" : "s"} in ${((performance.now() - started) / 1000).toFixed(1)} s`;
    await record(batch, results, mode, params, source);
  } catch (e) {
    if (e.name === "AbortError") {
      $("server-status").textContent = "Cancelled.";
      batch.querySelector(".batch-status").textContent = "Cancelled";
    } else {
      batch.querySelector(".batch-status").textContent = "Failed";
      showError(e);
    }
    if (!batch.querySelector(".tile")) batch.remove();
  } finally {
    clearInterval(timer);
    $("job").hidden = true;
    setRunning(null);
    $("results-empty").hidden = $("results").childElementCount > 0;
  }
}

async function record(batch, results, mode, params, source) {
  const tiles = batch.querySelectorAll(".tile");
  for (let i = 0; i < results.length; i++) {
    const entry = await history.add({
      image_b64: results[i].b64,
      mode,
      model: params.model,
      prompt: params.prompt || "",
      negative_prompt: params.negative_prompt,
      seed: results[i].seed,
      steps: params.steps,
      guidance_scale: params.guidance_scale,
      scheduler: params.scheduler,
      source,
    });
    tiles[i].dataset.historyId = entry.id;
  }
  batch.querySelector(".batch-status").textContent = "Saved to history";
  historyView.stale = true;
}

function newBatch(label) {
  const section = document.createElement("section");
  section.className = "batch";
  const head = document.createElement("h3");
  head.textContent = label;
  const status = document.createElement("span");
  status.className = "batch-status muted";
  head.append(" ", status);
  const list = document.createElement("ul");
  list.className = "grid";
  section.append(head, list);
  $("results").prepend(section);
  $("results-empty").hidden = true;
  return section;
}

function addTile(batch, result, params) {
  const list = batch.querySelector("ul");
  const index = list.childElementCount + 1;
  const li = document.createElement("li");
  li.className = "tile";
  const img = document.createElement("img");
  img.src = `data:image/png;base64,${result.b64}`;
  img.alt = `Result ${index}${params.prompt ? `: ${params.prompt}` : ""} (seed ${result.seed})`;
  const meta = document.createElement("p");
  meta.className = "meta";
  meta.textContent = `seed ${result.seed}`;
  li.append(img, meta, tileActions({
    edit: () => openInEditor(img, li.dataset.historyId || null),
    vary: () => vary(base64Blob(result.b64), li.dataset.historyId || null),
    download: () => download(li.dataset.historyId, result.b64, result.seed),
  }));
  list.append(li);
}

function tileActions({ edit, vary: varyAction, download: downloadAction, extra = [] }) {
  const div = document.createElement("div");
  div.className = "tile-actions";
  const button = (text, action, needsIdle) => {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = text;
    if (needsIdle) {
      b.dataset.needsIdle = "";
      b.disabled = running !== null;
    }
    b.addEventListener("click", action);
    return b;
  };
  div.append(button("Edit", edit), button("Variations", varyAction, true), button("Download", downloadAction));
  extra.forEach(([text, action]) => div.append(button(text, action)));
  return div;
}

function base64Blob(b64) {
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  return new Blob([bytes], { type: "image/png" });
}

async function download(historyId, b64, seed) {
  try {
    const blob = historyId ? await history.image(historyId) : base64Blob(b64);
    const url = URL.createObjectURL(blob);
    const a = document.createElement("a");
    a.href = url;
    a.download = `easel-${seed}.png`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  } catch (e) {
    showError(e);
  }
}

function clean(fields) {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== null && v !== ""));
}

function streamingFields() {
  if (info.streaming) return { stream: true, partial_images: PARTIAL_IMAGES };
  return info.response_format ? { response_format: "b64_json" } : {};
}

function formData(fields, files) {
  const form = new FormData();
  for (const [name, blob] of files) form.append(name, blob, `${name}.png`);
  for (const [k, v] of Object.entries(clean(fields))) form.append(k, String(v));
  return form;
}

// ---------- generate ----------

async function generate() {
  requireModel();
  const prompt = $("prompt").value.trim();
  if (!prompt) {
    $("prompt").setAttribute("aria-invalid", "true");
    $("prompt").focus();
    throw new Error("Write a prompt first.");
  }
  const params = { ...settings(), prompt };
  const body = clean({ ...params, ...streamingFields() });
  await runJob({
    label: `Generate · ${params.model} · ${params.size} · “${prompt}”`,
    mode: "generate",
    params,
    source: null,
    expected: info.streaming ? params.n * (PARTIAL_IMAGES + 1) : null,
    request: (signal, onPartial, onImage) =>
      images("/v1/images/generations", body, { stream: info.streaming, signal, onPartial, onImage }),
  });
}

$("generate-form").addEventListener("submit", (e) => {
  e.preventDefault();
  generate().catch(showError);
});

for (const [area, form] of [["prompt", "generate-form"], ["edit-prompt", "edit-form"]]) {
  $(area).addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      $(form).requestSubmit();
    }
  });
}

// ---------- variations ----------

async function vary(blob, source) {
  requireModel();
  if (!info.variations) {
    throw new ApiError(400, `The model '${info.id}' does not make variations; choose a local model or dall-e-2.`, null, "model");
  }
  const s = settings();
  const size = variationSize(await createImageBitmap(blob));
  // variations run without guidance (empty prompt), as the engine does when none is given
  const params = { model: s.model, prompt: "", n: s.n, steps: s.steps, guidance_scale: 1, seed: s.seed, scheduler: s.scheduler };
  const fields = { ...params, size, response_format: "b64_json" };
  delete fields.prompt;
  await runJob({
    label: `Variations · ${s.model} · ${size}`,
    mode: "variation",
    params,
    source,
    expected: null,
    request: (signal, onPartial, onImage) =>
      images("/v1/images/variations", formData(fields, [["image", blob]]), { stream: false, signal, onImage }),
  });
}

/** Local models keep the picture's size; OpenAI's rules allow 256, 512 or 1024 px squares. */
function variationSize({ width, height }) {
  const m = info.size_multiple;
  if (info.free_sizes && width % m === 0 && height % m === 0 && Math.min(width, height) >= 64) {
    return `${width}x${height}`;
  }
  const side = Math.max(width, height);
  const best = VARIATION_SIZES.reduce((a, b) => (Math.abs(b - side) < Math.abs(a - side) ? b : a));
  return `${best}x${best}`;
}

function varyAndShow(blob, source) {
  if (tabs.find((t) => t.getAttribute("aria-selected") === "true").id === "tab-history") {
    selectTab($("tab-generate"), false);
  }
  vary(blob, source).catch(showError);
}

// ---------- edit ----------

const editor = new MaskEditor($("canvas"), () => {
  if (!editor.loaded) return;
  const masked = Math.round(editor.maskedFraction() * 100);
  $("canvas-info").textContent = `${editor.width}×${editor.height} px · ${masked}% masked`;
});

async function openInEditor(picture, source) {
  const img = picture instanceof Blob ? await createImageBitmap(picture) : picture;
  if (img.decode) await img.decode();
  editor.load(img);
  editorSource = source;
  $("editor").hidden = false;
  $("editor-empty").hidden = true;
  selectTab($("tab-edit"), false);
  $("canvas").focus();
}

$("upload").addEventListener("change", async (e) => {
  const file = e.target.files[0];
  if (!file) return;
  try {
    await openInEditor(await createImageBitmap(file), null);
  } catch {
    showError(new Error(`“${file.name}” could not be opened as an image.`));
  }
  e.target.value = "";
});

document.querySelectorAll('input[name="tool"]').forEach((r) =>
  r.addEventListener("change", () => (editor.tool = r.value)));
$("brush-size").addEventListener("input", (e) => {
  editor.size = Number(e.target.value);
  $("brush-size-value").textContent = e.target.value;
});
$("undo").addEventListener("click", () => editor.undo());
$("mask-all").addEventListener("click", () => editor.maskAll());
$("clear-mask").addEventListener("click", () => editor.clearMask());
document.querySelectorAll("[data-extend]").forEach((b) =>
  b.addEventListener("click", () => editor.extend(b.dataset.extend, Number($("extend-by").value))));

function setTool(tool) {
  editor.tool = tool;
  document.querySelector(`input[name="tool"][value="${tool}"]`).checked = true;
}

document.addEventListener("keydown", (e) => {
  if ($("panel-edit").hidden || !editor.loaded) return;
  const typing = ["INPUT", "TEXTAREA", "SELECT"].includes(e.target.tagName) && e.target.type !== "radio" && e.target.type !== "range";
  if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "z" && !typing) {
    e.preventDefault();
    editor.undo();
  } else if (!typing && !e.ctrlKey && !e.metaKey && !e.altKey) {
    const slider = $("brush-size");
    if (e.key === "b") setTool("brush");
    else if (e.key === "e") setTool("eraser");
    else if (e.key === "[" || e.key === "]") {
      slider.value = Number(slider.value) + (e.key === "]" ? 4 : -4);
      slider.dispatchEvent(new Event("input"));
    }
  }
});

function editSize() {
  if (info.free_sizes) return `${editor.width}x${editor.height}`;
  return info.sizes.includes("auto") ? "auto" : info.sizes[0];
}

async function applyEdit() {
  requireModel();
  if (!info.edits) {
    throw new ApiError(400, `The model '${info.id}' does not edit images; choose another model.`, null, "model");
  }
  const prompt = $("edit-prompt").value.trim();
  if (!prompt) {
    $("edit-prompt").setAttribute("aria-invalid", "true");
    $("edit-prompt").focus();
    throw new Error("Describe the new content first.");
  }
  if (editor.maskedFraction() === 0) {
    $("canvas").focus();
    throw new Error("Paint the area to change (or extend the canvas) first.");
  }
  const params = { ...settings(), prompt, size: editSize() };
  const files = [["image", await editor.imageBlob()], ["mask", await editor.maskBlob()]];
  const fields = { ...params, ...streamingFields() };
  await runJob({
    label: `Edit · ${params.model} · ${params.size} · “${prompt}”`,
    mode: "edit",
    params,
    source: editorSource,
    expected: info.streaming ? params.n * (PARTIAL_IMAGES + 1) : null,
    request: (signal, onPartial, onImage) =>
      images("/v1/images/edits", formData(fields, files), { stream: info.streaming, signal, onPartial, onImage }),
  });
}

$("edit-form").addEventListener("submit", (e) => {
  e.preventDefault();
  applyEdit().catch(showError);
});
$("edit-vary").addEventListener("click", async () => {
  if (editor.loaded) varyAndShow(await editor.imageBlob(), editorSource);
});

// ---------- history ----------

function reuse(entry) {
  const p = entry.parameters;
  const apply = () => {
    const size = `${entry.width}x${entry.height}`;
    if ([...$("size").options].some((o) => o.value === size)) {
      $("size").value = size;
    } else if (info && info.free_sizes) {
      $("size").value = "custom";
      $("custom-size").value = size;
    }
    onSizeChange();
    $("prompt").value = p.prompt;
    $("negative").value = p.negative_prompt || "";
    if (p.steps != null) $("steps").value = p.steps;
    if (p.guidance_scale != null) $("guidance").value = p.guidance_scale;
    $("seed").value = p.seed;
    $("scheduler").value = p.scheduler || "";
    $("advanced").open = true;
    selectTab($("tab-generate"), false);
    $("prompt").focus();
    $("server-status").textContent = `Settings of ${entry.id} loaded (seed ${p.seed}).`;
  };
  if ([...$("model").options].some((o) => o.value === p.model) && $("model").value !== p.model) {
    $("model").value = p.model;
    onModelChange().then(apply, showError);
  } else {
    apply();
  }
}

const historyView = new HistoryView({
  list: $("history-list"),
  status: $("history-status"),
  more: $("history-more"),
  onError: showError,
  actions: (entry, blob) => tileActions({
    edit: () => openInEditor(blob, entry.id),
    vary: () => varyAndShow(blob, entry.id),
    download: () => download(entry.id, null, entry.parameters.seed),
    extra: [["Reuse settings", () => reuse(entry)]],
  }),
});

$("history-search").addEventListener("submit", (e) => {
  e.preventDefault();
  historyView.search($("history-q").value.trim());
});
let searchTimer = null;
$("history-q").addEventListener("input", () => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(() => historyView.search($("history-q").value.trim()), 300);
});

loadModels();
