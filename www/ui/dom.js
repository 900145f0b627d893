// The page's small DOM helpers: el() (the one element builder), byId(), makeButton(), goTo() (scroll
// to and focus a panel) and download() (save bytes as a file).
//
// Non-goals: finding elements (each module gets its elements passed in), any page logic.

/** The element with this id; throws when the page lacks it (a broken page, not a user's error). */
export function byId(id) {
  const element = document.getElementById(id);
  if (!element) throw new Error(`page is missing #${id}`);
  return element;
}

/**
 * A new `<tag>` with `props` and `children` (nodes, strings, or arrays of them). Props: `class`,
 * `text` (textContent), `testid` (the testers' hook, data-testid), `dataset` (an object), `data-*`,
 * `aria-*`, `role` and `for` as attributes (true: present), anything else as a property
 * (`type`, `hidden`, `title`, `width` …); null and undefined are skipped.
 */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k === 'testid') node.dataset.testid = v;
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else if (k.startsWith('data-') || k.startsWith('aria-') || k === 'for' || k === 'role') node.setAttribute(k, v === true ? '' : v);
    else node[k] = v;
  }
  node.append(...children.flat());
  return node;
}

/**
 * Scrolls `element` into view (smoothly unless the user prefers reduced motion) and moves the
 * keyboard focus there, so a button that "goes to" a panel takes screen-reader users along too.
 */
export function goTo(element) {
  if (!element) return;
  const smooth = !matchMedia('(prefers-reduced-motion: reduce)').matches;
  if (!element.matches('button, input, select, textarea, a[href]')) element.tabIndex = -1;
  element.scrollIntoView({ behavior: smooth ? 'smooth' : 'auto', block: 'start' });
  element.focus({ preventScroll: true });
  // Content above may grow during a smooth scroll (a test-set view filling in), which then ends
  // short: when it has ended, put the element at the top, unless the user took over meanwhile.
  if (!smooth || typeof window.onscrollend === 'undefined') return;
  const controller = new AbortController();
  const stop = () => controller.abort();
  const settle = () => {
    stop();
    const top = element.getBoundingClientRect().top;
    if (top < -2 || top > 60) element.scrollIntoView({ block: 'start' });
  };
  window.addEventListener('scrollend', settle, { signal: controller.signal });
  for (const type of ['wheel', 'touchstart', 'keydown', 'pointerdown']) window.addEventListener(type, stop, { signal: controller.signal });
  setTimeout(stop, 5000); // no scroll happened (already there): forget it
}

/**
 * A `<button type="button">` with its text, test id, optional tooltip and screen-reader label,
 * calling `onClick` when pressed.
 */
export function makeButton({ text, testid, onClick, title, ariaLabel }) {
  const b = el('button', { type: 'button', text, testid, title: title || null, 'aria-label': ariaLabel || null });
  b.addEventListener('click', onClick);
  return b;
}

/** Saves `data` as a file named `name` (a download; nothing leaves the machine). */
export function download(data, name, type) {
  const blob = data instanceof Blob ? data : new Blob([data], { type });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
