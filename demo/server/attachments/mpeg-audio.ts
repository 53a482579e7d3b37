/**
 * A stricter second look at what `file-type` calls MP3. Its check is a frame sync (11 set bits)
 * in the first bytes, so `FF FB 90 00<html>…` passes as audio/mpeg; we want a whole valid frame
 * followed by another (two random headers in a row are rare) before calling bytes audio.
 */

/** Bitrates (kbit/s) by MPEG version/layer and index 1..14; 0 and 15 are invalid. */
const BITRATES: Record<string, number[]> = {
  '1-1': [32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
  '1-2': [32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
  '1-3': [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  '2-1': [32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
  '2-2': [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  '2-3': [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};
const SAMPLE_RATES: Record<number, number[]> = { 3: [44100, 48000, 32000], 2: [22050, 24000, 16000], 0: [11025, 12000, 8000] };

/** The length in bytes of the MPEG audio frame whose header starts at `at`, or undefined if there is none. */
function mpegFrameLength(bytes: Uint8Array, at: number): number | undefined {
  if (at + 4 > bytes.length) return undefined;
  const [h0, h1, h2] = [bytes[at] ?? 0, bytes[at + 1] ?? 0, bytes[at + 2] ?? 0];
  if (h0 !== 0xff || (h1 & 0xe0) !== 0xe0) return undefined;
  const version = (h1 >> 3) & 3; // 3 = MPEG-1, 2 = MPEG-2, 0 = MPEG-2.5, 1 reserved
  const layer = 4 - ((h1 >> 1) & 3); // 1..3; 4 is reserved
  const bitrateIndex = h2 >> 4;
  const rateIndex = (h2 >> 2) & 3;
  const padding = (h2 >> 1) & 1;
  if (version === 1 || layer === 4 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) return undefined;
  const kbps = BITRATES[`${version === 3 ? 1 : 2}-${layer}`]?.[bitrateIndex - 1];
  const rate = SAMPLE_RATES[version]?.[rateIndex];
  if (!kbps || !rate) return undefined;
  if (layer === 1) return (Math.floor((12 * kbps * 1000) / rate) + padding) * 4;
  const perFrame = layer === 3 && version !== 3 ? 72 : 144;
  return Math.floor((perFrame * kbps * 1000) / rate) + padding;
}

/**
 * MP3: an ID3 tag, or a valid frame header and a second one right after the first frame when
 * the file is long enough to hold it.
 */
export function isMpegAudio(bytes: Uint8Array): boolean {
  if (bytes[0] === 0x49 && bytes[1] === 0x44 && bytes[2] === 0x33) return true; // "ID3"
  const length = mpegFrameLength(bytes, 0);
  if (length === undefined) return false;
  if (bytes.length < length) return false; // not even one whole frame: not audio
  if (bytes.length < length + 4) return true; // exactly one frame
  return mpegFrameLength(bytes, length) !== undefined;
}
