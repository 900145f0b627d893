// IDX files from images in memory: the one format every data set becomes before the engine takes
// it (image folders and drawn classes on the page, checked sets in the engine worker for its
// shard workers). IDX is MNIST's format: a big-endian header (magic 0x00000803 for u8 images of 3
// dimensions, 0x00000801 for u8 labels of 1), each dimension as a u32, then the bytes row-major.
//
// Does not: check labels or class counts (the engine's loaders do, with their messages), gzip, or
// read IDX (src/data/idx.rs does).

const IMAGES_MAGIC = 0x00000803;
const LABELS_MAGIC = 0x00000801;

/**
 * IDX bytes of `count` images of `rows × cols` u8 pixels, given as one Uint8Array of
 * count·rows·cols bytes or as an array of per-image Uint8Arrays.
 */
export function encodeIdxImages(images, rows, cols) {
  const size = rows * cols;
  const list = Array.isArray(images) ? images : null;
  const count = list ? list.length : images.length / size;
  if (!Number.isInteger(count)) throw new Error(`${images.length} bytes are not whole ${rows}×${cols} images`);
  const out = new Uint8Array(16 + count * size);
  const view = new DataView(out.buffer);
  view.setUint32(0, IMAGES_MAGIC);
  view.setUint32(4, count);
  view.setUint32(8, rows);
  view.setUint32(12, cols);
  if (list) {
    list.forEach((image, i) => {
      if (image.length !== size) throw new Error(`image ${i} has ${image.length} pixels, expected ${rows}×${cols}`);
      out.set(image, 16 + i * size);
    });
  } else out.set(images, 16);
  return out;
}

/** IDX bytes of u8 labels (an array or Uint8Array of class indices 0–255). */
export function encodeIdxLabels(labels) {
  const out = new Uint8Array(8 + labels.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, LABELS_MAGIC);
  view.setUint32(4, labels.length);
  out.set(labels, 8);
  return out;
}

/** A names file: one class name per line, UTF-8, in label order. */
export function encodeNames(names) {
  return new TextEncoder().encode(`${names.join('\n')}\n`);
}
