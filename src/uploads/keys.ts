/**
 * Where pending files are kept (uploads/kept.ts). Apart, so the always-loaded facade can read the
 * index without loading the code that writes it.
 */

/** The storage key listing the kept files. */
export const KEPT_INDEX = 'uploads';
/** The prefix of the storage key holding a kept file's Blob (`upload:<key>`). */
export const KEPT_FILE = 'upload:';
/**
 * The outbox's storage key: a kept file whose message is listed there is up already (its
 * message goes from the outbox), so it is never uploaded again.
 */
export { OUTBOX_KEY as OUTBOX_LIST } from '../outbox.ts';
