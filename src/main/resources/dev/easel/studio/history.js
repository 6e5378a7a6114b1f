// The History tab: entries from /studio/api/history, newest first, searchable by prompt.
import { history } from "./api.js";

const PAGE = 24;

export class HistoryView {
  constructor({ list, status, more, onError, actions }) {
    this.list = list;
    this.status = status;
    this.more = more;
    this.onError = onError;
    this.actions = actions;
    this.query = "";
    this.offset = 0;
    this.urls = [];
    this.stale = true;
    more.addEventListener("click", () => this.load(false));
  }

  refresh() {
    if (this.stale) this.load(true);
  }

  search(query) {
    this.query = query;
    this.load(true);
  }

  async load(reset) {
    if (reset) {
      this.offset = 0;
      this.urls.forEach((u) => URL.revokeObjectURL(u));
      this.urls = [];
    }
    this.status.textContent = "Loading…";
    try {
      const page = await history.list(this.query, this.offset, PAGE);
      const items = [];
      for (const entry of page.data) items.push(await this.item(entry));
      if (reset) this.list.replaceChildren(...items);
      else this.list.append(...items);
      this.offset += page.data.length;
      this.more.hidden = !page.has_more;
      const shown = this.list.childElementCount;
      this.status.textContent = shown === 0
        ? (this.query ? `No image matches “${this.query}”.` : "No images yet: generate some.")
        : `${shown}${page.has_more ? "+" : ""} image${shown === 1 ? "" : "s"}${this.query ? ` matching “${this.query}”` : ""}.`;
      this.stale = false;
    } catch (e) {
      this.status.textContent = "The history could not be loaded.";
      this.onError(e);
    }
  }

  async item(entry) {
    const p = entry.parameters;
    const blob = await history.image(entry.id);
    const url = URL.createObjectURL(blob);
    this.urls.push(url);
    const li = document.createElement("li");
    li.className = "tile";
    li.dataset.historyId = entry.id;
    const img = document.createElement("img");
    img.src = url;
    img.alt = p.prompt ? `${p.mode}: ${p.prompt}` : `${p.mode} of an image`;
    const text = document.createElement("p");
    text.className = "prompt-text";
    text.textContent = p.prompt || (p.mode === "variation" ? "(variation)" : "");
    const meta = document.createElement("p");
    meta.className = "meta";
    const when = new Date(entry.created * 1000).toLocaleString();
    meta.textContent = [
      p.mode, p.model, `${entry.width}×${entry.height}`, `seed ${p.seed}`,
      p.steps != null ? `${p.steps} steps` : null,
      p.guidance_scale != null ? `guidance ${p.guidance_scale}` : null,
      p.scheduler, when,
    ].filter(Boolean).join(" · ");
    const actions = this.actions(entry, blob);
    actions.append(this.deleteButton(entry, li));
    li.append(img, text, meta, actions);
    return li;
  }

  /** Delete asks once more on the same button, so nothing is lost to a stray click. */
  deleteButton(entry, li) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "danger";
    b.textContent = "Delete";
    let armed = false;
    b.addEventListener("click", async () => {
      if (!armed) {
        armed = true;
        b.textContent = "Confirm delete";
        b.setAttribute("aria-label", `Confirm deleting ${entry.id}`);
        setTimeout(() => {
          armed = false;
          b.textContent = "Delete";
          b.removeAttribute("aria-label");
        }, 4000);
        return;
      }
      try {
        await history.remove(entry.id);
        const next = li.nextElementSibling || li.previousElementSibling;
        li.remove();
        this.offset = Math.max(0, this.offset - 1);
        this.status.textContent = `Deleted ${entry.id}.`;
        const focus = next && next.querySelector("button");
        if (focus) focus.focus();
      } catch (e) {
        this.onError(e);
      }
    });
    return b;
  }
}
