// The files of a folder the learner gives the page, as [{path, file}] with '/'-separated paths:
// from a folder picker (`<input type=file webkitdirectory>`: webkitRelativePath) or from a drop
// (DataTransferItem.webkitGetAsEntry, walked recursively). Also says whether the paths start with
// the folder's own name (to strip: folder.js relativeEntries) and what to call the data set.
//
// Does not: decide what the files mean (folder.js, data-files.js).

/** Files of a folder picker's FileList: {entries, stripRoot, name}. */
export function entriesFromPicker(fileList) {
  const entries = [...fileList].map((file) => ({ path: file.webkitRelativePath || file.name, file }));
  const name = entries[0]?.path.split('/')[0] ?? '';
  return { entries, stripRoot: true, name };
}

/**
 * What was dropped: {entries, stripRoot, name, folders} (folders: how many folders were dropped;
 * 0: only files). Must be called in the drop event itself: the items are gone after it returns,
 * so they are taken before the first await.
 */
export async function entriesFromDrop(dataTransfer) {
  const roots = [...(dataTransfer.items ?? [])]
    .filter((item) => item.kind === 'file')
    .map((item) => item.webkitGetAsEntry?.() ?? null);
  if (roots.length === 0 || roots.some((r) => r === null)) {
    // No entry API (or nothing usable): the plain files.
    const entries = [...dataTransfer.files].map((file) => ({ path: file.name, file }));
    return { entries, stripRoot: false, name: '', folders: 0 };
  }
  const entries = [];
  for (const root of roots) await walk(root, '', entries);
  const folders = roots.filter((r) => r.isDirectory);
  const single = folders.length === 1 && roots.length === 1;
  return { entries, stripRoot: single, name: single ? folders[0].name : '', folders: folders.length };
}

async function walk(entry, prefix, out) {
  const path = prefix ? `${prefix}/${entry.name}` : entry.name;
  if (entry.isFile) {
    const file = await new Promise((resolve, reject) => entry.file(resolve, reject));
    out.push({ path, file });
    return;
  }
  if (!entry.isDirectory) return;
  const reader = entry.createReader();
  // readEntries gives the children in batches (about 100 in Chromium) until an empty one.
  for (;;) {
    const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) break;
    for (const child of batch) await walk(child, path, out);
  }
}
