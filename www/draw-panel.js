// Placeholder for the drawing panel (issue 5), which replaces this file.
//
// mountDrawPanel(section, api) fills `section` (the page's <section id="draw-panel">) and uses
// `api` from www/main.js:
//   api.predict(rgba: Uint8ClampedArray, width, height) → Promise<prediction | null>
//     prediction = {image: Uint8Array(784), probabilities: number[10], digit, model, hidden: number[][]}
//     (null for an empty canvas, when no model can answer yet, or when the engine restarted)
//   api.onModelChange(callback(model: string))  — "default", "trained", a loaded model's name or ""

/** @param {HTMLElement} _section @param {object} _api */
export function mountDrawPanel(_section, _api) {}
