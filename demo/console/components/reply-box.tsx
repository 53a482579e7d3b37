/**
 * Where the agent answers: a text box (Enter sends, typing frames go out as they type), an
 * attach button (or drop files on the box), and the uploads in flight with progress, cancel
 * and retry.
 */
import { useRef, useState } from 'preact/hooks';
import type { Desk } from '../desk.ts';

export function ReplyBox({ desk, closed }: { desk: Desk; closed: boolean }) {
  const [text, setText] = useState('');
  const [over, setOver] = useState(false);
  const picker = useRef<HTMLInputElement>(null);
  const uploads = desk.uploads.value;

  const send = async () => {
    const body = text.trim();
    if (!body) return;
    if (await desk.reply(body)) setText('');
  };
  const attach = (files: FileList | null | undefined) => {
    for (const file of files ?? []) desk.attach(file);
  };

  return (
    <div class="reply-area">
      {uploads.length > 0 && (
        <ul class="uploads" aria-label="Uploads">
          {uploads.map((u) => (
            <li key={u.key} class={`upload${u.error ? ' failed' : ''}`}>
              <span class="file-name">{u.name}</span>
              {u.error ? (
                <>
                  <span class="problem-text" role="alert">
                    {u.error}
                  </span>
                  {u.retryable && (
                    <button type="button" data-testid="upload-retry" onClick={() => desk.retryUpload(u.key)}>
                      Retry
                    </button>
                  )}
                </>
              ) : (
                <progress max={1} value={u.progress} data-testid="upload-progress" aria-label={`Uploading ${u.name}`} />
              )}
              <button type="button" data-testid="upload-cancel" onClick={() => desk.cancelUpload(u.key)} aria-label={`Cancel ${u.name}`}>
                {u.error ? 'Dismiss' : 'Cancel'}
              </button>
            </li>
          ))}
        </ul>
      )}
      <form
        class={`reply${over ? ' drop' : ''}`}
        onSubmit={(event) => {
          event.preventDefault();
          void send();
        }}
        onDragOver={(event) => {
          if (closed || !event.dataTransfer?.types.includes('Files')) return;
          event.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(event) => {
          if (closed) return;
          event.preventDefault();
          setOver(false);
          attach(event.dataTransfer?.files);
        }}
      >
        <input
          ref={picker}
          type="file"
          multiple
          hidden
          data-testid="attach-input"
          onChange={(event) => {
            attach(event.currentTarget.files);
            event.currentTarget.value = '';
          }}
        />
        <button type="button" disabled={closed} data-testid="attach" onClick={() => picker.current?.click()}>
          Attach…
        </button>
        <textarea
          value={text}
          rows={2}
          disabled={closed}
          placeholder={closed ? 'This conversation is closed.' : 'Reply… (Enter sends, Shift+Enter for a new line)'}
          aria-label="Reply"
          data-testid="reply-input"
          onInput={(event) => {
            setText(event.currentTarget.value);
            if (event.currentTarget.value) desk.typing();
          }}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
              event.preventDefault();
              void send();
            }
          }}
        />
        <button type="submit" disabled={closed || !text.trim()} data-testid="reply-send">
          Send
        </button>
      </form>
    </div>
  );
}
