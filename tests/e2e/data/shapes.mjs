// Generated drawings of three shapes — a circle, a triangle and a cross (✗) — as pointer strokes, for
// the page tests of "Your own classes" and the drawn-classes accuracy check
// (scripts/checks/own-classes-accuracy.mjs). Every drawing is different: its size, position,
// tilt, proportions, where the pen starts, and a wobble along the stroke are drawn from a seeded
// generator (www/ui/random.js mulberry32), so a seed gives the same drawings on every machine.
//
// Strokes are lists of [x, y] points in fractions of the canvas side (x right, y down), as the
// drawing helpers of tests/e2e/draw/draw-helpers.mjs take them.
//
// Does not: draw anything on a page (own-helpers.mjs does), assert anything.

import { mulberry32 } from '../../../www/ui/random.js';

export const SHAPES = Object.freeze(['circle', 'triangle', 'cross']);
/** Every shape the generator draws: the three, and two look-alikes of them (a square, a plus). */
export const ALL_SHAPES = Object.freeze([...SHAPES, 'square', 'plus']);

const TAU = 2 * Math.PI;

/** Points from `a` to `b` (n + 1 of them), each moved a little off the line (wobble). */
function segment([ax, ay], [bx, by], n, wobble, random) {
  const phase = random() * TAU;
  const points = [];
  for (let i = 0; i <= n; i++) {
    const t = i / n;
    // A slow sideways drift (a hand is not a ruler) plus a little noise.
    const off = wobble * (Math.sin(phase + t * Math.PI) * 0.7 + (random() - 0.5) * 0.6);
    const [dx, dy] = [bx - ax, by - ay];
    const len = Math.hypot(dx, dy) || 1;
    points.push([ax + t * dx - (dy / len) * off, ay + t * dy + (dx / len) * off]);
  }
  return points;
}

/** One drawing of `shape` in a unit box centred on 0 (before size, tilt and position). */
function unitStrokes(shape, random) {
  const wobble = 0.04;
  if (shape === 'circle') {
    const start = random() * TAU;
    // From a small gap to a little overlap, either way round.
    const turn = (0.92 + 0.22 * random()) * TAU * (random() < 0.5 ? 1 : -1);
    const [rx, ry] = [0.5 * (0.75 + 0.25 * random()), 0.5 * (0.75 + 0.25 * random())];
    const phase = random() * TAU;
    const n = 40;
    const points = [];
    for (let i = 0; i <= n; i++) {
      const a = start + (turn * i) / n;
      const r = 1 + wobble * Math.sin(phase + 3 * a) + (random() - 0.5) * 0.02;
      points.push([rx * r * Math.cos(a), ry * r * Math.sin(a)]);
    }
    return [points];
  }
  if (shape === 'triangle') {
    // Pointing up; each corner moved by up to ±12° and ±15% of its distance from the centre.
    const corners = [-90, 30, 150].map((deg) => {
      const a = ((deg + (random() - 0.5) * 24) * Math.PI) / 180;
      const r = 0.55 * (0.85 + 0.3 * random());
      return [r * Math.cos(a), r * Math.sin(a) + 0.08];
    });
    const first = Math.floor(random() * 3);
    const order = [0, 1, 2, 0].map((k) => corners[(first + k) % 3]);
    const sides = [0, 1, 2].map((k) => segment(order[k], order[k + 1], 12, wobble, random));
    // One stroke round the corners, or (a third of the time) each side a stroke of its own.
    if (random() < 1 / 3) return sides;
    return [sides.flatMap((side, k) => side.slice(k ? 1 : 0))];
  }
  if (shape === 'cross') {
    const j = () => (random() - 0.5) * 0.16;
    const h = 0.45;
    const a = segment([-h + j(), -h + j()], [h + j(), h + j()], 14, wobble, random);
    const b = segment([h + j(), -h + j()], [-h + j(), h + j()], 14, wobble, random);
    return random() < 0.5 ? [a, b] : [b, a];
  }
  if (shape === 'square') {
    // Corners moved by up to ±0.06; one stroke round, or (a third of the time) two strokes of two sides.
    const j = () => (random() - 0.5) * 0.12;
    const h = 0.42;
    const corners = [[-h + j(), -h + j()], [h + j(), -h + j()], [h + j(), h + j()], [-h + j(), h + j()]];
    const first = Math.floor(random() * 4);
    const order = [0, 1, 2, 3, 4].map((k) => corners[(first + k) % 4]);
    const sides = [0, 1, 2, 3].map((k) => segment(order[k], order[k + 1], 10, wobble, random));
    if (random() < 1 / 3) return [[...sides[0], ...sides[1].slice(1)], [...sides[2], ...sides[3].slice(1)]];
    return [sides.flatMap((side, k) => side.slice(k ? 1 : 0))];
  }
  if (shape === 'plus') {
    const j = () => (random() - 0.5) * 0.16;
    const h = 0.47;
    const a = segment([j(), -h + j()], [j(), h + j()], 14, wobble, random);
    const b = segment([-h + j(), j()], [h + j(), j()], 14, wobble, random);
    return random() < 0.5 ? [a, b] : [b, a];
  }
  throw new Error(`no such shape: ${shape}`);
}

/**
 * One drawing of `shape`: the unit drawing scaled to 45–75% of the canvas, tilted by up to ±15°,
 * centred within ±10% of the middle. `random` is a generator of [0, 1).
 */
export function drawShape(shape, random) {
  const unit = unitStrokes(shape, random);
  const size = 0.45 + 0.3 * random();
  const tilt = ((random() - 0.5) * 30 * Math.PI) / 180;
  const [cx, cy] = [0.5 + (random() - 0.5) * 0.2, 0.5 + (random() - 0.5) * 0.2];
  const [c, s] = [Math.cos(tilt), Math.sin(tilt)];
  const clamp = (v) => Math.min(0.98, Math.max(0.02, v));
  return unit.map((stroke) => stroke.map(([x, y]) => [clamp(cx + size * (c * x - s * y)), clamp(cy + size * (s * x + c * y))]));
}

/**
 * `perShape` drawings of each of `shapes`, seeded, in turns (circle, triangle, cross, circle, …):
 * [{shape, label (index in `shapes`), strokes}].
 */
export function shapeSet(seed, perShape, shapes = SHAPES) {
  const random = mulberry32(seed);
  const out = [];
  for (let i = 0; i < perShape; i++) shapes.forEach((shape, label) => out.push({ shape, label, strokes: drawShape(shape, random) }));
  return out;
}
