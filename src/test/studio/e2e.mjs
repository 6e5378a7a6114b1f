// End-to-end test of Easel Studio in a real headless Chromium, against a running `easel serve`
// with tiny models and one API key. StudioE2EIT starts the server and runs this script:
//
//   EASEL_URL=http://127.0.0.1:PORT EASEL_KEY=KEY CHROMIUM=/usr/bin/chromium \
//   SCREENSHOTS=target/studio-screenshots node e2e.mjs
//
// The server's first model is the one used (a tiny random model is enough).
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const url = process.env.EASEL_URL;
const key = process.env.EASEL_KEY;
const shots = process.env.SCREENSHOTS || "studio-screenshots";
assert.ok(url && key, "EASEL_URL and EASEL_KEY must be set");
mkdirSync(shots, { recursive: true });

// a fresh profile for every run; Playwright adds --headless itself
const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), "easel-chromium-")), {
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
  viewport: { width: 1280, height: 960 },
  acceptDownloads: true,
});
const page = await context.newPage();
page.setDefaultTimeout(60_000);

const problems = [];
page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
page.on("console", (m) => {
  // failed requests the test provokes on purpose (401, 400) are logged by Chromium; scripts must not fail
  if (m.type() === "error" && !/Failed to load resource/.test(m.text())) problems.push(`console: ${m.text()}`);
});
page.on("request", (r) => {
  const u = r.url();
  if (!u.startsWith(url) && !u.startsWith("data:") && !u.startsWith("blob:")) problems.push(`off-site request: ${u}`);
});

process.on("uncaughtException", async (e) => {
  console.error(`[e2e] FAILED: ${e.stack || e}`);
  try {
    const alertBox = page.locator("#error:not([hidden])");
    if (await alertBox.count()) console.error(`[e2e] the page shows: ${await alertBox.textContent()}`);
    await page.screenshot({ path: join(shots, "failure.png"), fullPage: true });
  } catch {
    // the page may be gone
  }
  process.exit(1);
});

let step = 0;
async function shot(name) {
  step++;
  await page.screenshot({ path: join(shots, `${String(step).padStart(2, "0")}-${name}.png`), fullPage: true });
}

function log(message) {
  console.log(`[e2e] ${message}`);
}

const tiles = (batchLabel) => page.locator(".batch", { has: page.locator("h3", { hasText: batchLabel }) }).first().locator(".tile");

/** Watches the job box during a run: whether the live preview and progress were ever shown. */
async function watchProgress() {
  await page.evaluate(() => {
    window.__progress = { preview: false, job: false, maxValue: 0 };
    const check = () => {
      const p = window.__progress;
      if (!document.getElementById("job").hidden) p.job = true;
      if (!document.getElementById("job-preview").hidden) p.preview = true;
      p.maxValue = Math.max(p.maxValue, document.getElementById("job-progress").value || 0);
    };
    new MutationObserver(check).observe(document.body, { subtree: true, attributes: true, childList: true });
  });
}

async function naturalWidth(locator) {
  return locator.evaluate((img) => img.decode().then(() => img.naturalWidth));
}

// ---- 1. the page loads offline-clean; without a key the 401 is shown, then fixed ----
log("open the page without a key");
await page.goto(url + "/");
await page.getByRole("heading", { name: "Easel Studio" }).waitFor();
const alert = page.getByRole("alert");
await alert.waitFor();
assert.match(await alert.textContent(), /API key/);
await shot("missing-key-error");

log("enter the key");
assert.equal(await page.locator("#key-panel").getAttribute("open"), "", "the 401 opens the key settings");
await page.getByLabel("API key (kept in this browser)").fill(key);
await page.getByRole("button", { name: "Save key" }).click();
await page.waitForFunction(() => document.getElementById("model").options.length > 1);
assert.equal(await alert.isHidden(), true, "the error is dismissed once the key works");
const modelIds = await page.locator("#model option").evaluateAll((o) => o.map((x) => x.value));
log(`models: ${modelIds.join(", ")}`);
const [plainModel] = modelIds;
assert.ok(modelIds.includes("dall-e-2"), "aliases are offered too");

// ---- 2. every form control has a label ----
const unlabelled = await page.evaluate(() =>
  [...document.querySelectorAll("input, select, textarea")]
    .filter((el) => el.type !== "hidden" && el.labels.length === 0 && !el.getAttribute("aria-label"))
    .map((el) => el.id || el.name));
assert.deepEqual(unlabelled, [], "controls without a label");

// ---- 3. an invalid size is refused by the server, shown, and fixed without losing the prompt ----
log("invalid custom size");
await page.getByLabel("Model").selectOption(plainModel);
await page.waitForFunction(() => document.getElementById("steps").value !== "");
await page.getByLabel("Size", { exact: true }).selectOption("custom");
await page.getByLabel("Custom size (WIDTHxHEIGHT)").fill("100x100");
await page.getByLabel("Images").fill("2");
const prompt = "a lighthouse on a cliff at dusk";
await page.getByLabel("Prompt", { exact: true }).fill(prompt);
await page.getByRole("button", { name: "Generate" }).click();
await alert.waitFor();
assert.match(await alert.textContent(), /multiples of 8/);
assert.equal(await page.getByLabel("Custom size (WIDTHxHEIGHT)").getAttribute("aria-invalid"), "true");
assert.equal(await page.getByLabel("Prompt", { exact: true }).inputValue(), prompt, "the prompt is kept");
await shot("invalid-size-error");

// ---- 4. generate with live progress ----
log("generate");
await page.getByLabel("Size", { exact: true }).selectOption("64x64");
await page.getByText("Advanced").click();
await page.getByLabel("Steps").fill("30");
await watchProgress();
await page.getByRole("button", { name: "Generate" }).click();
await page.locator("#job-preview:not([hidden])").waitFor();
await shot("generating-with-preview");
await tiles("Generate").nth(1).waitFor();
await page.locator("#job").waitFor({ state: "hidden" });
assert.equal(await alert.isHidden(), true, "the error went away with the successful run");
const progress = await page.evaluate(() => window.__progress);
assert.ok(progress.job && progress.preview, `progress and a partial image were shown: ${JSON.stringify(progress)}`);
assert.ok(progress.maxValue >= 2, "the progress bar advanced");
assert.equal(await tiles("Generate").count(), 2);
assert.equal(await naturalWidth(tiles("Generate").first().locator("img")), 64);
await page.locator(".batch-status", { hasText: "Saved to history" }).first().waitFor();
const seedText = await tiles("Generate").first().locator(".meta").textContent();
assert.match(seedText, /seed \d+/);
await shot("generated");

// ---- 5. cancel a long generation ----
log("cancel");
await page.getByLabel("Steps").fill("150");
await page.getByLabel("Images").fill("4");
await page.getByRole("button", { name: "Generate" }).click();
await page.locator("#job:not([hidden])").waitFor();
await page.getByRole("button", { name: "Cancel" }).first().click();
await page.locator("#server-status", { hasText: "Cancelled." }).waitFor();
assert.equal(await page.getByRole("button", { name: "Generate" }).isEnabled(), true);
await page.getByLabel("Steps").fill("20");
await page.getByLabel("Images").fill("2");

// ---- 6. paint a mask and edit ----
log("edit with a painted mask");
await tiles("Generate").first().getByRole("button", { name: "Edit" }).click();
const canvas = page.locator("#canvas");
await canvas.waitFor();
const box = await canvas.boundingBox();
async function paint(fromX, toX, y) {
  await page.mouse.move(box.x + box.width * fromX, box.y + box.height * y);
  await page.mouse.down();
  for (let i = 1; i <= 8; i++) {
    await page.mouse.move(box.x + box.width * (fromX + ((toX - fromX) * i) / 8), box.y + box.height * y);
  }
  await page.mouse.up();
}
await paint(0.2, 0.8, 0.5);
await page.locator("#canvas-info", { hasText: /[1-9]\d*% masked/ }).waitFor();
await page.getByRole("button", { name: "Undo" }).click();
await page.locator("#canvas-info", { hasText: " 0% masked" }).waitFor();
await page.getByLabel("Brush size").fill("60");
await paint(0.25, 0.75, 0.55);
const masked = await page.locator("#canvas-info").textContent();
log(`mask: ${masked}`);
await page.getByLabel("Describe the new content").fill("a red sailing boat");
await shot("mask-painted");
await page.getByRole("button", { name: "Apply edit" }).click();
await tiles("Edit").nth(1).waitFor();
await page.locator("#job").waitFor({ state: "hidden" });
assert.equal(await naturalWidth(tiles("Edit").first().locator("img")), 64);
await shot("edited");

// ---- 7. outpaint: extend the canvas to the right ----
log("outpaint");
await tiles("Edit").first().getByRole("button", { name: "Edit" }).click();
await page.getByRole("button", { name: "Right →" }).click();
await page.locator("#canvas-info", { hasText: "96×64 px" }).waitFor();
await page.getByLabel("Describe the new content").fill("more sea and sky");
await shot("outpaint-canvas");
await page.getByRole("button", { name: "Apply edit" }).click();
await page.locator(".batch h3", { hasText: "96x64" }).waitFor();
await tiles("96x64").nth(1).waitFor();
await page.locator("#job").waitFor({ state: "hidden" });
assert.equal(await naturalWidth(tiles("96x64").first().locator("img")), 96);
await shot("outpainted");

// ---- 8. variations in one click ----
log("variations");
await tiles("Generate").first().getByRole("button", { name: "Variations" }).click();
await tiles("Variations").nth(1).waitFor();
await page.locator("#job").waitFor({ state: "hidden" });
assert.equal(await naturalWidth(tiles("Variations").first().locator("img")), 64, "local models keep the size");
await page.locator(".batch-status", { hasText: "Saved to history" }).first().waitFor();
await shot("variations");

// ---- 9. reload: the key is remembered and the history is on the server ----
log("reload and history");
await page.reload();
await page.waitForFunction(() => document.getElementById("model").options.length > 1);
await page.getByRole("tab", { name: "History" }).click();
const historyTiles = page.locator("#history-list .tile");
await historyTiles.first().waitFor();
const total = await historyTiles.count();
assert.ok(total >= 8, `2 generated + 2 edited + 2 outpainted + 2 variations, got ${total}`);
await shot("history");

await page.getByLabel("Search prompts").fill("lighthouse");
await page.getByRole("button", { name: "Search" }).click();
await page.locator("#history-status", { hasText: "matching" }).waitFor();
assert.equal(await historyTiles.count(), 2, "only the two lighthouse images match");
const firstMeta = await historyTiles.first().locator(".meta").textContent();
const seed = firstMeta.match(/seed (\d+)/)[1];

log("download");
const [download] = await Promise.all([
  page.waitForEvent("download"),
  historyTiles.first().getByRole("button", { name: "Download" }).click(),
]);
const file = join(mkdtempSync(join(tmpdir(), "easel-dl-")), download.suggestedFilename());
await download.saveAs(file);
const png = readFileSync(file);
assert.equal(png.subarray(1, 4).toString("latin1"), "PNG");
const text = png.toString("latin1");
assert.ok(text.includes("parameters") && text.includes(prompt) && text.includes(`Seed: ${seed}`),
  "the PNG carries its parameters");

log("reuse settings");
await historyTiles.first().getByRole("button", { name: "Reuse settings" }).click();
await page.getByRole("tab", { name: "Generate", selected: true }).waitFor();
assert.equal(await page.getByLabel("Prompt", { exact: true }).inputValue(), prompt);
assert.equal(await page.getByLabel("Seed").inputValue(), seed);
assert.equal(await page.getByLabel("Model").inputValue(), plainModel);

log("delete");
await page.getByRole("tab", { name: "History" }).click();
await historyTiles.first().waitFor();
await page.waitForLoadState("networkidle"); // the list re-renders when its refresh lands
const deleted = await historyTiles.first().getAttribute("data-history-id");
const tile = page.locator(`#history-list .tile[data-history-id="${deleted}"]`);
for (let attempt = 1; ; attempt++) {
  await tile.getByRole("button", { name: "Delete" }).click();
  try {
    await tile.getByRole("button", { name: /Confirm delet/ }).click({ timeout: 5000 });
    break;
  } catch (e) {
    if (attempt >= 3) throw e; // a re-render between the two clicks resets the confirmation
  }
}
await page.locator("#history-status", { hasText: `Deleted ${deleted}` }).waitFor();
assert.equal(await historyTiles.count(), 1);
const status = await page.evaluate(async ([id, k]) =>
  (await fetch(`/studio/api/history/${id}`, { headers: { Authorization: `Bearer ${k}` } })).status, [deleted, key]);
assert.equal(status, 404, "the deleted entry is gone on the server");

// ---- 10. keyboard: tabs move with the arrow keys ----
await page.getByRole("tab", { name: "History" }).focus();
await page.keyboard.press("ArrowLeft");
assert.equal(await page.getByRole("tab", { name: "Edit" }).getAttribute("aria-selected"), "true");
await page.keyboard.press("ArrowLeft");
assert.equal(await page.getByRole("tab", { name: "Generate" }).getAttribute("aria-selected"), "true");

// ---- 11. a narrow screen: everything fits the width ----
log("narrow screen");
await page.getByLabel("Search prompts").evaluate(() => {}).catch(() => {});
await page.setViewportSize({ width: 390, height: 844 });
const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
assert.ok(overflow <= 0, `no horizontal scrolling on a phone (overflow ${overflow}px)`);
await shot("narrow");

await page.setViewportSize({ width: 1280, height: 960 });
await page.getByRole("tab", { name: "Generate" }).click();
await shot("final");

assert.deepEqual(problems, [], "no script errors and no requests off the server");
await context.close();
log("all checks passed");
