/**
 * Cuts an answer into the pieces a stream sends: a few words each, whitespace kept, so the
 * pieces joined are exactly the answer.
 */

/** Pieces of `text` of about `wordsPerPiece` words; `pieces.join('') === text`. */
export function textPieces(text: string, wordsPerPiece = 3): string[] {
  const tokens = text.match(/\s*\S+/g) ?? [];
  const pieces: string[] = [];
  for (let i = 0; i < tokens.length; i += wordsPerPiece) pieces.push(tokens.slice(i, i + wordsPerPiece).join(''));
  const joined = pieces.join('');
  // Trailing whitespace (never produced by the composer, but keep the promise) goes on the last piece.
  if (joined.length < text.length) pieces.push(text.slice(joined.length));
  return pieces;
}
