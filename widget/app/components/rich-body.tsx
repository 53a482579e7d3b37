/**
 * The body of a message that is more than text (a lazily loaded chunk, with its styles): a
 * file going up (name, size, progress, Cancel), a shared file, a rating, a location, or the
 * placeholder of a deleted message.
 */
import { useRef } from 'preact/hooks';
import type { ChatMessage } from '../../../src/types.ts';
import { formatMessage, safeHref } from '../../format.ts';
import { useChunkStyles } from '../chunk-styles.ts';
import type { WidgetModel } from '../model.ts';
import { Attachment, FileCard } from './attachment.tsx';

// The lightbox opens only from an image here, so it comes in this chunk (which also keeps the
// modules the app shares with it, `format.ts` and `icons.tsx`, in one shared chunk).
export { Lightbox } from './lightbox.tsx';

export function RichBody({ message, model }: { message: ChatMessage; model: WidgetModel }) {
  const bubble = useRef<HTMLDivElement>(null);
  useChunkStyles(bubble, CSS);
  const { metadata: meta, upload, attachment, body } = message;
  if (message.deleted) {
    return (
      <div ref={bubble} class="bubble deleted">
        Message deleted
      </div>
    );
  }
  if (upload) {
    const failed = message.state === 'failed';
    return (
      <div ref={bubble} class="bubble">
        <FileCard name={upload.name} size={upload.file.size} />
        {failed ? (
          <span class="upload-error" role="alert">
            {message.error?.message ?? 'The upload failed.'}
          </span>
        ) : (
          <span class="upload">
            <progress max={1} value={upload.progress} aria-label={`Uploading ${upload.name}`} data-testid="upload-progress" />
            <button type="button" class="link" data-testid="upload-cancel" onClick={() => model.cancelUpload(message.key)}>
              Cancel
            </button>
          </span>
        )}
      </div>
    );
  }
  if (message.messageType === 'rating') {
    const stars = Number(meta?.rating) || 0;
    return (
      <div ref={bubble} class="bubble">
        <span class="stars" aria-label={`Rated ${stars} out of 5`}>
          {'★'.repeat(stars) + '☆'.repeat(5 - stars)}
        </span>
        {body && <div>{body}</div>}
      </div>
    );
  }
  if (message.messageType === 'location') {
    const { latitude: lat, longitude: lon, label } = (meta ?? {}) as { latitude?: number; longitude?: number; label?: string };
    const href = safeHref(`https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=16/${lat}/${lon}`);
    return (
      <div ref={bubble} class="bubble">
        {href && (
          <a href={href} target="_blank" rel="noopener noreferrer">
            {label || 'Open the location on a map'}
          </a>
        )}
        {body && <div>{formatMessage(body)}</div>}
      </div>
    );
  }
  return (
    <div ref={bubble} class="bubble has-file">
      {attachment && <Attachment file={attachment} model={model} />}
      {body && <div class="caption">{formatMessage(body)}</div>}
    </div>
  );
}

const CSS = `
.bubble.has-file{padding:4px}
.caption{padding:4px 8px 2px}
.thumb{display:block;padding:0;border:0;border-radius:12px;overflow:hidden;background:var(--rn-soft);cursor:zoom-in}
.thumb:focus-visible{outline:2px solid var(--rn-accent);outline-offset:1px}
.thumb img{display:block;max-width:220px;max-height:200px;min-width:60px;min-height:40px;object-fit:cover}
.media{display:block;width:240px;max-width:100%;border-radius:10px}
video.media{background:#000}
.file{display:flex;flex-direction:column;gap:2px;min-width:160px;padding:8px 10px;border-radius:10px;background:rgba(0,0,0,.06);color:inherit;text-decoration:none}
.own .file{background:rgba(255,255,255,.18)}
.file-name{font-weight:600;overflow-wrap:anywhere}
.file-size{font-size:12px;opacity:.8}
.upload{display:flex;align-items:center;gap:8px;margin-top:6px}
.upload progress{flex:1;height:6px;accent-color:#fff}
.upload-error{margin:4px 0 0;color:#b3261e;font-size:13px}
.own .upload-error{color:#fff}
.deleted{font-style:italic;opacity:.75}
.own .bubble.deleted{background:var(--rn-soft);color:var(--rn-muted)}
.stars{color:#f2b01e;letter-spacing:2px;font-size:18px}
`;
