// paintGrey(): draws a side × side grey image (0 black … 255 white, the network's view of a digit)
// into a canvas of that size, for CSS to scale up (pixelated).
//
// Non-goals: colour maps (www/ui/diverging.js), ink on the page's background (playground/insight.js).

/** Paints `image` (Uint8Array of side × side grey values) into `canvas`, resizing it to side × side. */
export function paintGrey(canvas, image) {
  const side = Math.round(Math.sqrt(image.length));
  if (canvas.width !== side || canvas.height !== side) {
    canvas.width = side;
    canvas.height = side;
  }
  const ctx = canvas.getContext('2d');
  const data = ctx.createImageData(side, side);
  const pixels = new Uint32Array(data.data.buffer);
  for (let i = 0; i < image.length; i++) pixels[i] = (0xff000000 | (image[i] * 0x010101)) >>> 0; // little-endian RGBA
  ctx.putImageData(data, 0, 0);
}
