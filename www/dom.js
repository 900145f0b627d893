// Small DOM helpers shared by the page's modules.

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
