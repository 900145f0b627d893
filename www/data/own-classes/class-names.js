// The rules a class name of "Your own classes" must follow, checked as the learner types so a bad
// name is refused at once, in words, before the engine sees it: not empty, at most
// limits.max_class_name_chars characters, no control characters (a name is one line of the names
// file the engine reads), and no two classes alike. The engine applies the same rules when the data
// set is loaded (src/data/classes.rs check_names); the numbers come from its `ready` limits.
//
// Does not: store names (own-store.js), count classes against min/max (own-training.js,
// own-file.js say what to do about too few or too many).

/** Characters of `name` as the engine counts them (Unicode code points). */
export const nameLength = (name) => [...name].length;

/** `name` as the page keeps it: surrounding spaces dropped (they would only confuse two classes). */
export const tidyName = (name) => String(name ?? '').trim();

/**
 * Why `name` (already tidied) cannot name a class, or '' when it can. `others` are the names of
 * the other classes (a rename leaves its own old name out); `limits` the engine's.
 */
export function nameProblem(name, others, limits) {
  if (name === '') return 'a class needs a name (a letter, a word or a symbol such as ✓)';
  const length = nameLength(name);
  const max = limits.max_class_name_chars;
  if (length > max) return `“${[...name].slice(0, 12).join('')}…” is ${length} characters long; a class name has at most ${max}`;
  // Control characters (line breaks, tabs): \p{Cc} is what Rust's char::is_control refuses.
  if (/\p{Cc}/u.test(name)) return 'a class name is one line of plain text (no line breaks or tabs)';
  if (others.includes(name)) return `there is a class “${name}” already; every class needs its own name`;
  return '';
}

/** A name for a new class that no class has yet: "A", "B", … "Z", then "class 27", … */
export function freshName(existing) {
  for (let k = 0; ; k++) {
    const name = k < 26 ? String.fromCharCode(65 + k) : `class ${k + 1}`;
    if (!existing.includes(name)) return name;
  }
}
