/**
 * What a file message shows in the console: an image thumbnail (opens the file in a new tab),
 * an audio or video player, or a card with the file's name and size. Only the API's own signed
 * file links are used as `src`/`href` (`attachmentUrl`, shared with the widget): a visitor's
 * message metadata may claim any URL. A removed file shows as "File removed".
 */
import type { AttachmentInfo } from '../../../src/contract/extensions.ts';
import { attachmentUrl } from '../../../widget/format.ts';
import { defaultApiBase } from '../api.ts';

/** `1.2 MB`, `340 KB`, `12 B`. */
export function fileSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} B`;
}

/** `PDF`, `DOCX`… from the name, for the file card. */
const extension = (name: string) => (/\.([a-z0-9]{1,5})$/i.exec(name)?.[1] ?? 'file').toUpperCase();

/** The attachment a message carries, if it is a well-formed one. */
export function attachmentOf(metadata: unknown): (AttachmentInfo & { removed?: boolean }) | null {
  const a = (metadata as { attachment?: Partial<AttachmentInfo> & { removed?: boolean } } | undefined)?.attachment;
  return a && typeof a.name === 'string' && typeof a.kind === 'string' ? (a as AttachmentInfo & { removed?: boolean }) : null;
}

/** A card without a link, saying why there is none. */
const Missing = ({ name, why }: { name: string; why: string }) => (
  <span class="file removed" data-testid="file-missing">
    <span class="file-name">{name}</span>
    <span class="muted">{why}</span>
  </span>
);

export function Attachment({ file, apiBase = defaultApiBase() }: { file: AttachmentInfo & { removed?: boolean }; apiBase?: string }) {
  if (file.removed) return <Missing name={file.name} why="File removed" />;
  const url = attachmentUrl(file.url, apiBase);
  if (!url) return <Missing name={file.name} why="File unavailable" />;
  switch (file.kind) {
    case 'image':
      return (
        <a href={url} target="_blank" rel="noopener noreferrer" class="thumb-link" aria-label={`Open image ${file.name}`}>
          <img class="thumb" src={url} alt={file.name} loading="lazy" data-testid="thumbnail" />
        </a>
      );
    case 'audio':
      return <audio class="player" controls preload="metadata" src={url} aria-label={file.name} />;
    case 'video':
      return <video class="player video" controls preload="metadata" src={url} aria-label={file.name} />;
    default:
      return (
        <a class="file" href={url} target="_blank" rel="noopener noreferrer" download={file.name} data-testid="file-card">
          <span class="file-name">{file.name}</span>
          <span class="muted">
            {extension(file.name)} · {fileSize(file.size)}
          </span>
        </a>
      );
  }
}
