// The hidden-layer map's canvas: 2-D points fitted into a square (one scale for both axes, so
// distances keep their meaning), drawn as dots or as their labels in the page's series colours,
// gliding from their old places to new ones, with a highlighted class, rings on misread points, a
// ring on the chosen point and a cross for the drawing; and the geometry to pick points (nearest to
// the pointer, next in an arrow key's direction).
//
// Does not: know where the points come from, show tooltips or listen to input (www/inspect/hidden-map.js).

import { SERIES_COLOURS, cssVar } from '../charts/line-chart.js';
import { classMark, className } from '../ui/classes.js';

/** How long points take to glide to a new map. */
export const GLIDE_MS = 450;
/** Space (CSS px) between the outermost points and the canvas's edge. */
const MARGIN = 14;

/** The page's colour for class k (a series colour of www/ui/style.css, light or dark). */
export const colourOf = (k) => cssVar(SERIES_COLOURS[classMark(k, SERIES_COLOURS.length).colour]) || '#888';
/** Class k's marker shape (www/ui/classes.js): a dot for the first round of colours, then others. */
export const markerOf = (k) => classMark(k, SERIES_COLOURS.length).marker;
/** Characters of a class name drawn in place of its dot ("Draw classes, not dots"). */
const NAME_CHARS = 3;

/** Outlines of the filled marker shapes: [dx, dy] corners in units of the marker's size. */
const OUTLINES = {
  square: [[-0.85, -0.85], [0.85, -0.85], [0.85, 0.85], [-0.85, 0.85]],
  diamond: [[0, -1.2], [1.2, 0], [0, 1.2], [-1.2, 0]],
  triangle: [[0, -1.2], [1.1, 0.8], [-1.1, 0.8]],
};
/** Strokes of the line markers: [dx0, dy0, dx1, dy1] per line. */
const STROKES = {
  cross: [[-1, -1, 1, 1], [1, -1, -1, 1]],
  plus: [[-1, 0, 1, 0], [0, -1, 0, 1]],
};

/** Traces marker `shape` of radius r at (x, y) and fills or strokes it (ring, cross and plus are lines). */
function paintMarker(ctx, shape, x, y, r) {
  ctx.beginPath();
  const s = r * 1.25;
  if (OUTLINES[shape]) {
    for (const [dx, dy] of OUTLINES[shape]) ctx.lineTo(x + s * dx, y + s * dy);
    ctx.closePath();
    return ctx.fill();
  }
  if (STROKES[shape]) {
    for (const [x0, y0, x1, y1] of STROKES[shape]) {
      ctx.moveTo(x + s * x0, y + s * y0);
      ctx.lineTo(x + s * x1, y + s * y1);
    }
    return ctx.stroke();
  }
  switch (shape) {
    case 'ring':
      ctx.arc(x, y, r, 0, 2 * Math.PI);
      return ctx.stroke();
    default:
      ctx.arc(x, y, r, 0, 2 * Math.PI);
      return ctx.fill();
  }
}

export class Scatter {
  /** @param {HTMLCanvasElement} canvas */
  constructor(canvas) {
    this.canvas = canvas;
    this.coordinates = null;
    this.count = 0;
    /** Map coordinates → CSS px: {scale, cx, cy, size}. */
    this.transform = null;
    /** Where each point is drawn once settled (CSS px from the canvas's corner), x, y per point. */
    this.screen = null;
    this.glide = null;
    this.view = null;
  }

  /** The canvas's side in CSS px. */
  get size() {
    return this.transform?.size ?? 0;
  }

  /** New points (x, y per point); with `glide`, they move there from where the same points were. */
  setPoints(coordinates, count, { glide = false } = {}) {
    const from = glide && this.screen && this.count === count ? this.screen : null;
    this.coordinates = coordinates;
    this.count = count;
    this.layout();
    this.glide = from && !matchMedia('(prefers-reduced-motion: reduce)').matches ? { from, start: performance.now() } : null;
  }

  /** Fits the points to the canvas's current size; false when the size had not changed. */
  layout() {
    const size = this.canvas.clientWidth || 300;
    const dpr = window.devicePixelRatio || 1;
    if (this.canvas.width !== Math.round(size * dpr)) this.canvas.width = this.canvas.height = Math.round(size * dpr);
    if (!this.coordinates) return false;
    const unchanged = this.transform && Math.abs(size - this.transform.size) < 0.5 && this.screen?.length === 2 * this.count;
    const c = this.coordinates;
    let [minX, maxX, minY, maxY] = [Infinity, -Infinity, Infinity, -Infinity];
    for (let i = 0; i < this.count; i++) {
      minX = Math.min(minX, c[2 * i]);
      maxX = Math.max(maxX, c[2 * i]);
      minY = Math.min(minY, c[2 * i + 1]);
      maxY = Math.max(maxY, c[2 * i + 1]);
    }
    const span = Math.max(maxX - minX, maxY - minY, 1e-6);
    this.transform = { scale: (size - 2 * MARGIN) / span, cx: (minX + maxX) / 2, cy: (minY + maxY) / 2, size };
    this.screen = new Float32Array(2 * this.count);
    for (let i = 0; i < this.count; i++) [this.screen[2 * i], this.screen[2 * i + 1]] = this.toScreen(c[2 * i], c[2 * i + 1]);
    return !unchanged;
  }

  /** Map coordinates → CSS px (y up on the map, down on the screen). */
  toScreen(x, y) {
    const { size, cx, cy, scale } = this.transform;
    return [size / 2 + (x - cx) * scale, size / 2 - (y - cy) * scale];
  }

  /** Point i's settled place in CSS px. */
  point(i) {
    return [this.screen[2 * i], this.screen[2 * i + 1]];
  }

  /** Where point i is drawn at glide time t (0 … 1). */
  position(i, t) {
    if (!this.glide || t >= 1) return this.point(i);
    const e = t * t * (3 - 2 * t);
    const f = this.glide.from;
    const s = this.screen;
    return [f[2 * i] + (s[2 * i] - f[2 * i]) * e, f[2 * i + 1] + (s[2 * i + 1] - f[2 * i + 1]) * e];
  }

  /**
   * Draws the points (gliding, if they are), keeping `view` for the glide's frames:
   * {labels, predictions, classes, names (the class names, label order), highlight (a class or null), asDigits, ringMistakes, selected
   * (a point or −1), marker ([x, y] in map coordinates, or null)}.
   */
  draw(view = this.view) {
    this.view = view;
    if (!this.glide) return this.#paint(1);
    if (this.frameRequested) return;
    const frame = (now) => {
      this.frameRequested = false;
      if (!this.glide) return this.#paint(1);
      const t = Math.min(1, (now - this.glide.start) / GLIDE_MS);
      this.#paint(t);
      if (t >= 1) this.glide = null;
      else {
        this.frameRequested = true;
        requestAnimationFrame(frame);
      }
    };
    this.frameRequested = true;
    requestAnimationFrame(frame);
  }

  #paint(t) {
    const ctx = this.canvas.getContext('2d');
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    const v = this.view;
    if (!v || !this.screen) return;
    const dpr = this.canvas.width / this.transform.size;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const colours = Array.from({ length: v.classes }, (_, k) => colourOf(k));
    const markers = Array.from({ length: v.classes }, (_, k) => markerOf(k));
    const texts = Array.from({ length: v.classes }, (_, k) => Array.from(className(v.names, k)).slice(0, NAME_CHARS).join(''));
    const small = this.transform.size < 400;
    const radius = small ? 1.7 : 2.3;
    const font = cssVar('--font') || 'sans-serif';
    ctx.font = `${small ? 9 : 11}px ${font}`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    const shown = (i) => v.highlight === null || v.labels[i] === v.highlight;
    // Dimmed classes first, then the highlighted one on top.
    for (const lit of v.highlight === null ? [true] : [false, true]) {
      ctx.globalAlpha = lit ? 0.85 : 0.1;
      for (let i = 0; i < this.count; i++) {
        if (shown(i) !== lit) continue;
        ctx.fillStyle = ctx.strokeStyle = colours[v.labels[i]];
        ctx.lineWidth = 1;
        const [x, y] = this.position(i, t);
        if (v.asDigits) ctx.fillText(texts[v.labels[i]], x, y);
        else paintMarker(ctx, markers[v.labels[i]], x, y, radius);
      }
    }
    ctx.globalAlpha = 1;
    const ink = cssVar('--text') || '#000';
    const paper = cssVar('--surface') || '#fff';
    if (v.ringMistakes) {
      ctx.strokeStyle = ink;
      ctx.lineWidth = 1.2;
      for (let i = 0; i < this.count; i++) {
        if (v.labels[i] === v.predictions[i] || !shown(i)) continue;
        const [x, y] = this.position(i, t);
        ctx.beginPath();
        ctx.arc(x, y, radius + 3, 0, 2 * Math.PI);
        ctx.stroke();
      }
    }
    if (v.selected >= 0) ring(ctx, ...this.position(v.selected, t), 7, ink, paper);
    if (v.marker) this.#cross(ctx, v.marker, ink, paper, font);
  }

  /** The drawing's mark: a ring with a cross and "your drawing", kept inside the canvas. */
  #cross(ctx, [mx, my], ink, paper, font) {
    const size = this.transform.size;
    const [x, y] = this.toScreen(mx, my);
    const cx = Math.max(10, Math.min(size - 10, x));
    const cy = Math.max(10, Math.min(size - 10, y));
    ring(ctx, cx, cy, 10, ink, paper);
    ctx.beginPath();
    ctx.moveTo(cx - 15, cy);
    ctx.lineTo(cx + 15, cy);
    ctx.moveTo(cx, cy - 15);
    ctx.lineTo(cx, cy + 15);
    ctx.strokeStyle = ink;
    ctx.lineWidth = 1.5;
    ctx.stroke();
    ctx.font = `600 12px ${font}`;
    const left = cx > size - 110;
    ctx.textAlign = left ? 'right' : 'left';
    const tx = left ? cx - 16 : cx + 16;
    ctx.lineWidth = 3;
    ctx.strokeStyle = paper;
    ctx.strokeText('your drawing', tx, cy - 12);
    ctx.fillStyle = ink;
    ctx.fillText('your drawing', tx, cy - 12);
  }

  /** The point nearest (x, y) in CSS px within `radius` among those `include(i)` accepts, or −1. */
  nearest(x, y, radius, include = () => true) {
    if (!this.screen) return -1;
    let best = -1;
    let bestD = radius * radius;
    for (let i = 0; i < this.count; i++) {
      if (!include(i)) continue;
      const d = (this.screen[2 * i] - x) ** 2 + (this.screen[2 * i + 1] - y) ** 2;
      if (d < bestD) {
        bestD = d;
        best = i;
      }
    }
    return best;
  }

  /** From point `from`, the nearest accepted point within 60° of direction (dx, dy) (screen), or `from`. */
  step(from, dx, dy, include = () => true) {
    let best = from;
    let bestScore = Infinity;
    const [fx, fy] = this.point(from);
    for (let i = 0; i < this.count; i++) {
      if (i === from || !include(i)) continue;
      const vx = this.screen[2 * i] - fx;
      const vy = this.screen[2 * i + 1] - fy;
      const along = vx * dx + vy * dy;
      const d = Math.hypot(vx, vy);
      if (along <= 0 || along < d * 0.5) continue;
      const score = d * (2 - along / d);
      if (score < bestScore) {
        bestScore = score;
        best = i;
      }
    }
    return best;
  }
}

/** A ring of radius r in `ink` with a `paper` halo, readable over any dots. */
function ring(ctx, x, y, r, ink, paper) {
  ctx.beginPath();
  ctx.arc(x, y, r, 0, 2 * Math.PI);
  ctx.lineWidth = 4;
  ctx.strokeStyle = paper;
  ctx.stroke();
  ctx.lineWidth = 2;
  ctx.strokeStyle = ink;
  ctx.stroke();
}
