/**
 * What a file message shows in the console: an image thumbnail (opens the file in a new tab),
 * an audio or video player, or a card with the file's name and size. The URL is the server's
 * signed link; SVG and HTML never arrive as images (the server refuses them).
 */
import type { AttachmentInfo } from '../../../src/contract/extensions.ts';

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

export function Attachment({ file }: { file: AttachmentInfo & { removed?: boolean } }) {
  if (file.removed || !file.url) return <span class="file removed">{file.name} (removed)</span>;
  switch (file.kind) {
    case 'image':
      return (
        <a href={file.url} target="_blank" rel="noopener noreferrer" class="thumb-link" aria-label={`Open image ${file.name}`}>
          <img class="thumb" src={file.url} alt={file.name} loading="lazy" data-testid="thumbnail" />
        </a>
      );
    case 'audio':
      return <audio class="player" controls preload="metadata" src={file.url} aria-label={file.name} />;
    case 'video':
      return <video class="player video" controls preload="metadata" src={file.url} aria-label={file.name} />;
    default:
      return (
        <a class="file" href={file.url} target="_blank" rel="noopener noreferrer" download={file.name} data-testid="file-card">
          <span class="file-name">{file.name}</span>
          <span class="muted">
            {extension(file.name)} · {fileSize(file.size)}
          </span>
        </a>
      );
  }
}
