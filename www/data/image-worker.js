// The picture decoder of image folders: a module worker, so hundreds of pictures decode without
// stalling the page. Each picture is decoded with createImageBitmap, drawn at most MAX_SIDE px on
// its longer side, and turned into the network's side × side grey image (www/data/preprocess.js).
// It stops at the first picture it cannot use (all or nothing: the page loads nothing then).
//
// Messages: ToPictures / FromPictures in www/protocol.js. The page ends the worker to cancel.
//
// Does not: know classes or folders (folder.js), or talk to the engine.

import { FromPictures, ToPictures } from '../protocol.js';
import { toNetworkImage } from './preprocess.js';

/** Pictures are drawn at most this large before preprocessing (the ink's box becomes 20 px). */
const MAX_SIDE = 512;
/** A progress message at most this often. */
const PROGRESS_MS = 100;

async function decode(file) {
  let bitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch (err) {
    throw new Error(`the browser cannot read it as a picture (${err?.message || err}) — is it a complete PNG or JPEG? Open it in an image viewer, save it again, or remove it`);
  }
  try {
    const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
    const width = Math.max(1, Math.round(bitmap.width * scale));
    const height = Math.max(1, Math.round(bitmap.height * scale));
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(bitmap, 0, 0, width, height);
    return { rgba: ctx.getImageData(0, 0, width, height).data, width, height };
  } finally {
    bitmap.close();
  }
}

self.onmessage = async ({ data }) => {
  if (data?.type !== ToPictures.PICTURES) return;
  const { files, mode, side } = data;
  const images = new Uint8Array(files.length * side * side);
  let inverted = 0;
  let last = 0;
  for (let i = 0; i < files.length; i++) {
    let result;
    try {
      const { rgba, width, height } = await decode(files[i]);
      result = toNetworkImage(rgba, width, height, mode, side);
    } catch (err) {
      self.postMessage({ type: FromPictures.FAILED, index: i, message: err.message });
      return;
    }
    if (result.problem) {
      self.postMessage({ type: FromPictures.FAILED, index: i, message: `${result.problem} — remove it, or crop it to the object` });
      return;
    }
    images.set(result.image, i * side * side);
    if (result.inverted) inverted += 1;
    const now = performance.now();
    if (now - last >= PROGRESS_MS || i === files.length - 1) {
      last = now;
      self.postMessage({ type: FromPictures.PROGRESS, done: i + 1, total: files.length });
    }
  }
  self.postMessage({ type: FromPictures.DONE, images, inverted }, [images.buffer]);
};
