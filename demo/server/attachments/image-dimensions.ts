/**
 * An image's size in pixels, read from its header by `image-size`, never by decoding it: a
 * 60 KB PNG can declare 50 000 × 50 000 pixels and take gigabytes to decode in every browser
 * that shows it (a decompression bomb). Uploads over {@link MAX_IMAGE_PIXELS} are refused.
 */
import { imageSize } from 'image-size';
import { gifCanvas } from './gif-canvas.ts';

/** The most pixels an uploaded image may have (40 megapixels: a large phone photo is 12–50). */
export const MAX_IMAGE_PIXELS = 40_000_000;

export interface Dimensions {
  width: number;
  height: number;
}

/**
 * Width and height from the header (for an animated or multi-image file, the largest frame), or
 * undefined when the header holds none: a browser could not show such a file either. A GIF's
 * frames may reach past its logical screen, and browsers grow the canvas to fit them
 * (`gif-canvas.ts`); an animated WebP's or APNG's frames may not (both formats require every
 * frame inside the canvas, and their decoders refuse one outside it), so their header's canvas holds.
 */
export function imageDimensions(bytes: Uint8Array): Dimensions | undefined {
  try {
    const found = imageSize(bytes);
    const frames = [found, ...(found.images ?? [])];
    let best: Dimensions | undefined;
    for (const frame of frames) {
      if (!frame.width || !frame.height) continue;
      if (!best || frame.width * frame.height > best.width * best.height) best = { width: frame.width, height: frame.height };
    }
    const gif = gifCanvas(bytes);
    if (best && gif && gif.width * gif.height > best.width * best.height) return gif;
    return best;
  } catch {
    return undefined;
  }
}
