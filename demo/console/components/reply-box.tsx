/**
 * Where the agent answers: a text box (Enter sends, typing frames go out as they type), an
 * attach button (or drop files on the box), and the uploads in flight with progress, cancel
 * and retry. Text inserted from outside (a suggested reply) lands in the box to be edited.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Desk } from '../desk.ts';

/** Text to put into the box; a new `n` inserts again (the same suggestion twice is two inserts). */
export interface Insertion {
  text: string;
  n: number;
}

export function ReplyBox({ desk, closed, insertion }: { desk: Desk; closed: boolean; insertion?: Insertion | null }) {
  const [text, setText] = useState('');
  const [over, setOver] = useState(false);
  const picker = useRef<HTMLInputElement>(null);
  const input = useRef<HTMLTextAreaElement>(null);
  const uploads = desk.uploads.value;

  useEffect(() => {
    if (!insertion || closed) return;
    // Into an empty box it is the reply; after what the agent already wrote it is a new paragraph.
    setText((current) => (current.trim() ? `${current.trimEnd()}\n\n${insertion.text}` : insertion.text));
    const el = input.current;
    if (el) {
      el.focus();
      // The caret at the end, ready for the agent's edits.
      requestAnimationFrame(() => el.setSelectionRange(el.value.length, el.value.length));
    }
  }, [insertion?.n]);

  const send = async () => {
    const body = text.trim();
    if (!body) return;
    // Emptied at once: what the agent goes on typing while the reply travels is theirs, not
    // wiped when it lands. A failed reply comes back, ahead of what was typed since (alone in
    // the box, the same words keep their id, so a retry is stored once).
    setText('');
    if (!(await desk.reply(body))) setText((now) => (now.trim() ? `${body}\n\n${now.trimStart()}` : body));
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
          ref={input}
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
