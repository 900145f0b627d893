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
