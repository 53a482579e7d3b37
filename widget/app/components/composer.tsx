/** Where the visitor writes: Enter sends, Shift+Enter starts a new line, empty cannot be sent. */
import type { Ref } from 'preact';
import { useState } from 'preact/hooks';
import type { WidgetModel } from '../model.ts';
import { SendIcon } from './icons.tsx';

export interface ComposerProps {
  model: WidgetModel;
  inputRef: Ref<HTMLTextAreaElement>;
}

export function Composer({ model, inputRef }: ComposerProps) {
  const [text, setText] = useState('');
  const { runtime } = model;
  const max = runtime.bootstrap.value?.sdk?.maxMessageLength;
  const body = text.trim();

  const send = () => {
    if (!body) return;
    setText('');
    // The outbox shows it as `sending` at once, keeps it across reloads and delivers it when it
    // can (also before start-up finished). Failures show on the message (state `failed`).
    runtime.conversation.send(body).catch(() => undefined);
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      send();
    }
  };

  return (
    <form
      class="composer"
      onSubmit={(event) => {
        event.preventDefault();
        send();
      }}
    >
      <textarea
        ref={inputRef}
        class="input"
        rows={1}
        value={text}
        maxLength={max}
        placeholder="Write a message…"
        aria-label="Message"
        data-testid="composer-input"
        onInput={(event) => setText(event.currentTarget.value)}
        onKeyDown={onKeyDown}
      />
      <button type="submit" class="send" aria-label="Send" data-testid="send" disabled={!body}>
        <SendIcon />
      </button>
    </form>
  );
}
