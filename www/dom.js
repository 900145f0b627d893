// Small DOM helpers shared by the page's modules.

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
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = text;
  b.dataset.testid = testid;
  if (title) b.title = title;
  if (ariaLabel) b.setAttribute('aria-label', ariaLabel);
  b.addEventListener('click', onClick);
  return b;
}
