// The edit canvas: an image plus a mask the user paints (brush, eraser, undo), and canvas
// extension for outpainting. Exports the image and an OpenAI-style mask, whose fully transparent
// pixels (alpha 0) mark what to regenerate.

const MULTIPLE = 8; // local models take sizes in multiples of 8
const MAX_SIDE = 1024;
const UNDO_LIMIT = 30;
const DISPLAY_SIDE = 512; // the longer side on screen, in CSS pixels

function canvas(w, h) {
  const c = document.createElement("canvas");
  c.width = w;
  c.height = h;
  return c;
}

function roundTo(v, min) {
  return Math.max(min, Math.round(v / MULTIPLE) * MULTIPLE);
}

export class MaskEditor {
  constructor(view, onChange) {
    this.view = view;
    this.onChange = onChange;
    this.tool = "brush";
    this.size = 16;
    this.undoStack = [];
    this.image = null; // canvas holding the picture (transparent where extended)
    this.mask = null; // canvas: opaque where the user painted
    this.drawing = false;
    view.addEventListener("pointerdown", (e) => this.down(e));
    view.addEventListener("pointermove", (e) => this.move(e));
    view.addEventListener("pointerup", () => this.up());
    view.addEventListener("pointercancel", () => this.up());
    view.addEventListener("pointerleave", () => this.up());
  }

  get loaded() {
    return this.image !== null;
  }

  get width() {
    return this.image.width;
  }

  get height() {
    return this.image.height;
  }

  /** Loads a picture (an ImageBitmap or HTMLImageElement), scaled to multiples of 8 px. */
  load(picture) {
    let w = picture.naturalWidth || picture.width;
    let h = picture.naturalHeight || picture.height;
    const scale = Math.min(1, MAX_SIDE / Math.max(w, h));
    w = roundTo(w * scale, 64);
    h = roundTo(h * scale, 64);
    this.image = canvas(w, h);
    this.image.getContext("2d").drawImage(picture, 0, 0, w, h);
    this.mask = canvas(w, h);
    this.undoStack = [];
    this.render();
  }

  snapshot() {
    const copy = (c) => {
      const d = canvas(c.width, c.height);
      d.getContext("2d").drawImage(c, 0, 0);
      return d;
    };
    this.undoStack.push({ image: copy(this.image), mask: copy(this.mask) });
    if (this.undoStack.length > UNDO_LIMIT) this.undoStack.shift();
  }

  undo() {
    const last = this.undoStack.pop();
    if (!last) return false;
    this.image = last.image;
    this.mask = last.mask;
    this.render();
    return true;
  }

  clearMask() {
    this.snapshot();
    this.mask.getContext("2d").clearRect(0, 0, this.mask.width, this.mask.height);
    this.render();
  }

  maskAll() {
    this.snapshot();
    const g = this.mask.getContext("2d");
    g.fillStyle = "#fff";
    g.fillRect(0, 0, this.mask.width, this.mask.height);
    this.render();
  }

  /** Adds `fraction` of the current size (rounded to 8 px) on one side; the new area is masked. */
  extend(side, fraction) {
    this.snapshot();
    const horizontal = side === "left" || side === "right";
    const add = roundTo((horizontal ? this.width : this.height) * fraction, MULTIPLE);
    const w = this.width + (horizontal ? add : 0);
    const h = this.height + (horizontal ? 0 : add);
    const dx = side === "left" ? add : 0;
    const dy = side === "top" ? add : 0;
    const image = canvas(w, h);
    image.getContext("2d").drawImage(this.image, dx, dy);
    const mask = canvas(w, h);
    const g = mask.getContext("2d");
    g.fillStyle = "#fff";
    g.fillRect(0, 0, w, h);
    g.clearRect(dx, dy, this.width, this.height);
    g.drawImage(this.mask, dx, dy);
    this.image = image;
    this.mask = mask;
    this.render();
  }

  /** Share of the picture that is masked, 0 to 1. */
  maskedFraction() {
    const data = this.mask.getContext("2d").getImageData(0, 0, this.mask.width, this.mask.height).data;
    let painted = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
    return painted / (data.length / 4);
  }

  point(e) {
    const r = this.view.getBoundingClientRect();
    return {
      x: ((e.clientX - r.left) / r.width) * this.width,
      y: ((e.clientY - r.top) / r.height) * this.height,
    };
  }

  /** Brush size in image pixels: the slider is in screen pixels of the displayed canvas. */
  brushRadius() {
    const r = this.view.getBoundingClientRect();
    return (this.size / 2) * (this.width / Math.max(1, r.width));
  }

  down(e) {
    if (!this.loaded || e.button !== 0) return;
    this.view.setPointerCapture(e.pointerId);
    this.snapshot();
    this.drawing = true;
    this.last = this.point(e);
    this.stroke(this.last, this.last);
  }

  move(e) {
    if (!this.drawing) return;
    const p = this.point(e);
    this.stroke(this.last, p);
    this.last = p;
  }

  up() {
    if (!this.drawing) return;
    this.drawing = false;
    this.onChange && this.onChange();
  }

  stroke(from, to) {
    const g = this.mask.getContext("2d");
    g.save();
    g.globalCompositeOperation = this.tool === "eraser" ? "destination-out" : "source-over";
    g.strokeStyle = "#fff";
    g.lineCap = "round";
    g.lineJoin = "round";
    g.lineWidth = this.brushRadius() * 2;
    g.beginPath();
    g.moveTo(from.x, from.y);
    g.lineTo(to.x + 0.01, to.y);
    g.stroke();
    g.restore();
    this.render();
  }

  render() {
    const v = this.view;
    v.width = this.width;
    v.height = this.height;
    v.style.width = `${(this.width * DISPLAY_SIDE) / Math.max(this.width, this.height)}px`;
    const g = v.getContext("2d");
    g.clearRect(0, 0, v.width, v.height);
    g.drawImage(this.image, 0, 0);
    // the mask as a white veil
    const overlay = canvas(this.width, this.height);
    const o = overlay.getContext("2d");
    o.drawImage(this.mask, 0, 0);
    o.globalCompositeOperation = "source-in";
    o.fillStyle = "rgba(255, 255, 255, 0.72)";
    o.fillRect(0, 0, this.width, this.height);
    g.drawImage(overlay, 0, 0);
    this.onChange && this.onChange();
  }

  /** The picture as PNG (extended areas transparent). */
  imageBlob() {
    return new Promise((resolve) => this.image.toBlob(resolve, "image/png"));
  }

  /** OpenAI's mask: alpha 0 where painted, opaque black elsewhere. */
  maskBlob() {
    const out = canvas(this.width, this.height);
    const g = out.getContext("2d");
    g.fillStyle = "#000";
    g.fillRect(0, 0, out.width, out.height);
    g.globalCompositeOperation = "destination-out";
    g.drawImage(this.mask, 0, 0);
    // make the cut binary: any painted pixel is fully transparent
    const data = g.getImageData(0, 0, out.width, out.height);
    for (let i = 3; i < data.data.length; i += 4) data.data[i] = data.data[i] < 255 ? 0 : 255;
    g.putImageData(data, 0, 0);
    return new Promise((resolve) => out.toBlob(resolve, "image/png"));
  }
}
