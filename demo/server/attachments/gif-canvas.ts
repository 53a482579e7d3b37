/**
 * The canvas a browser really allocates for a GIF. `image-size` reads only the logical screen
 * (bytes 6–9), but Blink and Gecko grow the canvas to fit every frame: a 29-byte GIF with a 1 × 1
 * screen and one 16383 × 16383 frame decodes to 268 megapixels (about 1 GB of RGBA) in every
 * widget and console that shows it. So every image descriptor is read here, without decoding.
 */
const le16 = (bytes: Uint8Array, at: number) => (bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8);

/**
 * The logical screen grown by every frame (`max(left + width)` × `max(top + height)`), or
 * undefined when `bytes` is not a GIF. A truncated or malformed file answers what was read up
 * to the break: the frames before it are the ones a browser would show too.
 */
export function gifCanvas(bytes: Uint8Array): { width: number; height: number } | undefined {
  const head = String.fromCharCode(...bytes.subarray(0, 6));
  if (head !== 'GIF87a' && head !== 'GIF89a') return undefined;
  let width = le16(bytes, 6);
  let height = le16(bytes, 8);
  let at = 13 + colorTableBytes(bytes[10] ?? 0);
  while (at < bytes.length) {
    const block = bytes[at];
    if (block === 0x2c) {
      // Image descriptor: left, top, width, height (little-endian 16-bit), packed flags.
      width = Math.max(width, le16(bytes, at + 1) + le16(bytes, at + 5));
      height = Math.max(height, le16(bytes, at + 3) + le16(bytes, at + 7));
      at += 10 + colorTableBytes(bytes[at + 9] ?? 0) + 1; // + the LZW minimum code size
      at = skipSubBlocks(bytes, at);
    } else if (block === 0x21) {
      at = skipSubBlocks(bytes, at + 2); // introducer, label, then data sub-blocks
    } else {
      break; // 0x3b (the trailer) or garbage: browsers stop here as well
    }
  }
  return { width, height };
}

/** Bytes of the colour table announced by a packed flags byte (none when its top bit is clear). */
function colorTableBytes(packed: number): number {
  return packed & 0x80 ? 3 * 2 ** ((packed & 0x07) + 1) : 0;
}

/** The offset after a chain of sub-blocks (each a length byte and that many bytes, ended by 0). */
function skipSubBlocks(bytes: Uint8Array, at: number): number {
  let i = at;
  while (i < bytes.length) {
    const size = bytes[i] ?? 0;
    i += 1 + size;
    if (size === 0) break;
  }
  return i;
}
