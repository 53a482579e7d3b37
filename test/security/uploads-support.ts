/**
 * Files for the upload attacks: image headers that declare any size in a few dozen bytes (what a
 * decompression bomb looks like to a server that never decodes), and a raw multipart body, so a
 * file name reaches the server byte for byte (FormData would percent-encode CR, LF and quotes).
 */

const u8 = (...parts: Array<string | number[] | Uint8Array>) =>
  new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...Buffer.from(p, 'binary')] : [...p])));
const be32 = (n: number) => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
const be16 = (n: number) => [(n >>> 8) & 0xff, n & 0xff];
const le16 = (n: number) => [n & 0xff, (n >>> 8) & 0xff];
const le24 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff];

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = (CRC_TABLE[(c ^ b) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function pngChunk(type: string, data: number[]): Uint8Array {
  const body = u8(type, data);
  return u8(be32(data.length), body, be32(crc32(body)));
}

/** A PNG header (signature, IHDR, IEND) declaring `width` × `height`, with valid CRCs and no pixels. */
export function pngOf(width: number, height: number): Uint8Array {
  return u8([0x89], 'PNG\r\n\x1a\n', pngChunk('IHDR', [...be32(width), ...be32(height), 8, 2, 0, 0, 0]), pngChunk('IEND', []));
}

/** A GIF89a header declaring a `width` × `height` logical screen. */
export function gifOf(width: number, height: number): Uint8Array {
  return u8('GIF89a', le16(width), le16(height), [0, 0, 0], ';');
}

/**
 * The review's 29-byte GIF bomb: a `screenWidth` × `screenHeight` logical screen (all that
 * `image-size` reads) and one `frameWidth` × `frameHeight` frame, to which browsers grow the canvas.
 */
export function gifFrameBomb(screenWidth: number, screenHeight: number, frameWidth: number, frameHeight: number): Uint8Array {
  return u8('GIF89a', le16(screenWidth), le16(screenHeight), [0, 0, 0], [0x2c, ...le16(0), ...le16(0), ...le16(frameWidth), ...le16(frameHeight), 0], [2, 2, 0x4c, 0x01, 0], ';');
}

/** A baseline JPEG header (APP0, SOF0) declaring `width` × `height`. */
export function jpegOf(width: number, height: number): Uint8Array {
  return u8([0xff, 0xd8, 0xff, 0xe0], '\0\x10JFIF\0\x01\x01\0\0\x01\0\x01\0\0', [0xff, 0xc0, 0x00, 0x0b, 0x08, ...be16(height), ...be16(width), 0x01, 0x01, 0x11, 0x00], [0xff, 0xd9]);
}

/** An extended WebP (VP8X) declaring a `width` × `height` canvas. */
export function webpOf(width: number, height: number): Uint8Array {
  const vp8x = u8('VP8X', [10, 0, 0, 0], [0, 0, 0, 0], le24(width - 1), le24(height - 1));
  return u8('RIFF', [...le16(4 + vp8x.length), 0, 0], 'WEBP', vp8x);
}

/**
 * POSTs a multipart body whose `file` part carries `filename` exactly as given (UTF-8, no
 * escaping), the way a hand-made request can. Answers status and parsed JSON.
 */
export async function rawUpload(url: string, token: string, filename: string, type: string, bytes: Uint8Array) {
  const boundary = `----ringnity${Math.random().toString(16).slice(2)}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`, 'utf8');
  const body = Buffer.concat([head, Buffer.from(bytes), Buffer.from(`\r\n--${boundary}--\r\n`)]);
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'X-Ringnity-SDK-Session': token, 'content-type': `multipart/form-data; boundary=${boundary}` },
    body,
  });
  const text = await response.text();
  let json: { success?: boolean; code?: string; message?: string; data?: { attachment?: { attachmentId: string; name: string; url: string; contentType: string } } } = {};
  try {
    json = JSON.parse(text) as typeof json;
  } catch {
    json = {};
  }
  return { status: response.status, body: json, text };
}

/** Every header line of a response as `name: value`, for checks that nothing was injected. */
export function headerLines(response: Response): string[] {
  return [...response.headers.entries()].map(([name, value]) => `${name}: ${value}`);
}
