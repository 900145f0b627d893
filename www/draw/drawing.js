// Drawing surface: a square canvas people draw digits on with a mouse, a finger or a pen.
//
// - Pointer events for every kind of pointer, with pointer capture (a stroke that leaves the canvas
//   keeps drawing until the button or finger is lifted) and `touch-action: none` (set in draw.css:
//   the page does not scroll or zoom under a finger that draws).
// - Internally white ink on black on a fixed SIZE × SIZE backing store, whatever size the canvas is
//   shown at and whatever the page's theme shows (draw.css may invert it for display). The pixels
//   are what the engine preprocesses, so they must not depend on the screen.
// - Strokes are kept as point lists in backing-store coordinates; the image is re-rendered from
//   them, which is what makes Undo exact. Rendering is smooth: quadratic curves through the
//   midpoints of successive points, round caps and joins, BRUSH px wide on screen.
// - What the network reads (`pixels()`) is the same strokes rendered again with a brush in
//   proportion to the digit: BRUSH for a digit FULL_BRUSH_EXTENT px tall or wide (26 px on 200 is
//   about 2.6 px once preprocessing scales it into MNIST's 20 px box), thinner for a smaller one.
//   With the screen's brush a small digit turned into a blob when scaled up (a "4" drawn 80 px
//   tall was read as an 8): its strokes would be 6 px wide in the 20 px box.
// - A picture (`setPicture`: a side × side image such as a test digit) can lie under the strokes,
//   scaled up to SIZE with smoothing; the learner draws over it, Undo takes it away after the last
//   stroke, Clear removes it.
//
// Non-goals: pressure-sensitive width, colours, erasing part of a stroke, multi-touch drawing (a
// second finger is ignored while one draws).

/** Side of the square backing store, in pixels. */
export const SIZE = 280;
/** Stroke width on the backing store, in pixels. */
export const BRUSH = 26;
/** A digit whose longer side (of the stroke centre lines) is this long is read with BRUSH. */
export const FULL_BRUSH_EXTENT = 200;
/** The thinnest brush the network's image is drawn with (a digit drawn tiny). */
export const MIN_BRUSH = 3;

/** Whether `[x, y]` is a point on the plane (not NaN or ±∞: a canvas laid out 0 px wide gives those). */
export const isPoint = ([x, y]) => Number.isFinite(x) && Number.isFinite(y);

/**
 * The brush for the network's image of `strokes` ([[x, y], …] lists): BRUSH scaled by the digit's
 * extent over FULL_BRUSH_EXTENT, between MIN_BRUSH and BRUSH. Points that are not finite are left
 * out of the extent.
 */
export function inputBrush(strokes) {
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const stroke of strokes) {
    for (const point of stroke) {
      if (!isPoint(point)) continue;
      const [x, y] = point;
      minX = Math.min(minX, x);
      maxX = Math.max(maxX, x);
      minY = Math.min(minY, y);
      maxY = Math.max(maxY, y);
    }
  }
  const extent = Math.max(0, maxX - minX, maxY - minY);
  return Math.max(MIN_BRUSH, Math.min(BRUSH, (BRUSH * extent) / FULL_BRUSH_EXTENT));
}

/**
 * Turns `canvas` into a drawing surface.
 *
 * @param {HTMLCanvasElement} canvas
 * @param {object} handlers
 * @param {() => void} [handlers.onStrokeEnd] a stroke was finished (pointer lifted or cancelled)
 * @param {() => void} [handlers.onDraw] ink was added to the stroke in progress
 * @returns the drawing's controls: `clear()`, `undo()`, `setPicture(pixels)`, `hasPicture()`,
 *   `strokeCount()`, `isDrawing()`, `isEmpty()`, `pixels()` (RGBA `Uint8ClampedArray` of SIZE ×
 *   SIZE, rendered up to date) and `strokes()`.
 */
export function createDrawing(canvas, { onStrokeEnd = () => {}, onDraw = () => {} } = {}) {
  canvas.width = SIZE;
  canvas.height = SIZE;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });

  /** Finished strokes, each a list of [x, y] points in backing-store pixels. */
  const strokes = [];
  /** The stroke being drawn, or null. */
  let current = null;
  /** The pointer drawing `current`. */
  let activePointer = null;
  /** Whether the canvas shows less than `strokes` + `current` (a render is due). */
  let dirty = true;
  let frameRequested = false;

  function toCanvas(event) {
    const rect = canvas.getBoundingClientRect();
    const x = ((event.clientX - rect.left) / rect.width) * SIZE;
    const y = ((event.clientY - rect.top) / rect.height) * SIZE;
    return [x, y];
  }

  /** The network's image, drawn off screen (see `pixels()`). */
  let inputContext = null;
  /** A picture under the strokes (a canvas of its own size), or null. */
  let picture = null;

  function render() {
    paint(ctx, current ? [...strokes, current] : strokes, BRUSH, picture);
    dirty = false;
  }

  function renderSoon() {
    dirty = true;
    if (frameRequested) return;
    frameRequested = true;
    requestAnimationFrame(() => {
      frameRequested = false;
      if (dirty) render();
    });
  }

  function addPoint(point) {
    if (!isPoint(point)) return false;
    const last = current[current.length - 1];
    // Skip points closer than half a pixel: they add nothing but work.
    if (last && Math.hypot(point[0] - last[0], point[1] - last[1]) < 0.5) return false;
    current.push(point);
    return true;
  }

  function finishStroke() {
    if (!current) return;
    strokes.push(current);
    current = null;
    activePointer = null;
    render();
    onStrokeEnd();
  }

  canvas.addEventListener('pointerdown', (event) => {
    if (activePointer !== null) return; // one pointer draws at a time
    if (event.pointerType === 'mouse' && event.button !== 0) return;
    const start = toCanvas(event);
    if (!isPoint(start)) return; // the canvas has no size on screen
    event.preventDefault();
    activePointer = event.pointerId;
    try {
      canvas.setPointerCapture(event.pointerId);
    } catch {
      // A synthetic pointer (scripted events) cannot be captured; drawing works without capture.
    }
    current = [start];
    renderSoon();
    onDraw();
  });

  canvas.addEventListener('pointermove', (event) => {
    if (event.pointerId !== activePointer || !current) return;
    event.preventDefault();
    const events = typeof event.getCoalescedEvents === 'function' ? event.getCoalescedEvents() : [];
    let added = false;
    for (const e of events.length ? events : [event]) added = addPoint(toCanvas(e)) || added;
    if (added) {
      renderSoon();
      onDraw();
    }
  });

  const end = (event) => {
    if (event.pointerId !== activePointer) return;
    if (event.type === 'pointerup') addPoint(toCanvas(event));
    finishStroke();
  };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);
  canvas.addEventListener('lostpointercapture', end);
  // No context menu or text selection from a long press while drawing.
  canvas.addEventListener('contextmenu', (event) => event.preventDefault());

  render();

  return {
    clear() {
      strokes.length = 0;
      current = null;
      activePointer = null;
      picture = null;
      render();
    },
    /** Replaces the drawing by `pixels` (side × side bytes, 0 = background, as MNIST's images). */
    setPicture(pixels) {
      const side = Math.round(Math.sqrt(pixels.length));
      if (side * side !== pixels.length || side === 0) throw new Error(`a picture must be square; got ${pixels.length} pixels`);
      picture = document.createElement('canvas');
      picture.width = picture.height = side;
      const pctx = picture.getContext('2d');
      const image = pctx.createImageData(side, side);
      for (let i = 0; i < pixels.length; i++) image.data.set([pixels[i], pixels[i], pixels[i], 255], 4 * i);
      pctx.putImageData(image, 0, 0);
      strokes.length = 0;
      current = null;
      activePointer = null;
      render();
    },
    hasPicture: () => picture !== null,
    undo() {
      if (current) current = null;
      else if (strokes.length > 0) strokes.pop();
      else picture = null;
      activePointer = null;
      render();
    },
    strokeCount: () => strokes.length,
    isDrawing: () => current !== null,
    isEmpty: () => strokes.length === 0 && current === null && picture === null,
    /**
     * What the network reads: RGBA SIZE × SIZE, white ink on black, the strokes (with the one in
     * progress) drawn with a brush in proportion to the digit (`inputBrush`), not the screen's.
     */
    pixels() {
      const all = current ? [...strokes, current] : strokes;
      // Over a picture the picture sets the digit's size: the screen's brush.
      const brush = picture ? BRUSH : inputBrush(all);
      if (brush === BRUSH) {
        // A digit drawn large (the usual case): the screen's image is the network's.
        if (dirty) render();
        return ctx.getImageData(0, 0, SIZE, SIZE).data;
      }
      if (!inputContext) {
        const canvas = document.createElement('canvas');
        canvas.width = SIZE;
        canvas.height = SIZE;
        inputContext = canvas.getContext('2d', { willReadFrequently: true });
      }
      paint(inputContext, all, brush, picture);
      return inputContext.getImageData(0, 0, SIZE, SIZE).data;
    },
    strokes: () => strokes.map((s) => s.map((p) => [...p])),
  };
}

/**
 * Clears `ctx` to black, lays `picture` (a canvas, or null) over it scaled to SIZE, and draws
 * `strokes` in white, `width` px wide, round caps and joins.
 */
function paint(ctx, strokes, width, picture = null) {
  ctx.globalCompositeOperation = 'source-over';
  ctx.fillStyle = '#000';
  ctx.fillRect(0, 0, SIZE, SIZE);
  if (picture) {
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(picture, 0, 0, SIZE, SIZE);
  }
  ctx.strokeStyle = '#fff';
  ctx.fillStyle = '#fff';
  ctx.lineWidth = width;
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  for (const stroke of strokes) drawStroke(ctx, stroke);
}

/**
 * Draws one stroke: a dot for a single point, else quadratic curves through the midpoints of
 * successive points (the points are the control points), which smooths the corners of a polyline
 * sampled from a moving pointer without moving the stroke away from where it was drawn.
 */
function drawStroke(ctx, points) {
  if (points.length === 1) {
    const [x, y] = points[0];
    ctx.beginPath();
    ctx.arc(x, y, ctx.lineWidth / 2, 0, 2 * Math.PI);
    ctx.fill();
    return;
  }
  ctx.beginPath();
  ctx.moveTo(points[0][0], points[0][1]);
  for (let i = 1; i < points.length - 1; i++) {
    const [x, y] = points[i];
    const [nx, ny] = points[i + 1];
    ctx.quadraticCurveTo(x, y, (x + nx) / 2, (y + ny) / 2);
  }
  const [lx, ly] = points[points.length - 1];
  ctx.lineTo(lx, ly);
  ctx.stroke();
}
