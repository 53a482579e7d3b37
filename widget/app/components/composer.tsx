/**
 * Where the visitor writes: Enter sends, Shift+Enter starts a new line, empty cannot be sent.
 * Files come from the attach button or a pasted image (drops are taken by the panel); typing
 * is reported to the agent as it happens (the runtime throttles the frames).
 */
import type { Ref } from 'preact';
import { useRef } from 'preact/hooks';
import { useText } from '../i18n/context.ts';
import type { WidgetModel } from '../model.ts';
import { AttachIcon, SendIcon } from './icons.tsx';
import { useTakeFocus } from './take-focus.ts';

export interface ComposerProps {
  model: WidgetModel;
  inputRef: Ref<HTMLTextAreaElement>;
}

export function Composer({ model, inputRef }: ComposerProps) {
  // In the model, not here: the AI composer may take this one's place while the visitor writes.
  const text = model.draft.value;
  const setText = (value: string) => (model.draft.value = value);
  const picker = useRef<HTMLInputElement>(null);
  const form = useRef<HTMLFormElement>(null);
  useTakeFocus(form);
  const { runtime } = model;
  const { conversation } = runtime;
  const sdk = runtime.bootstrap.value?.sdk;
  const body = text.trim();
  const notice = model.notice.value;
  const i18n = useText();
  const { s } = i18n;

  const send = () => {
    if (!body) return;
    setText('');
    model.notice.value = null;
    conversation.setTyping(false);
    // The outbox shows it as `sending` at once, keeps it across reloads and delivers it when it
    // can (also before start-up finished). Failures show on the message (state `failed`).
    conversation.send(body).catch(() => undefined);
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      send();
    }
  };
  const onPaste = (event: ClipboardEvent) => {
    const files = [...(event.clipboardData?.files ?? [])];
    if (files.length === 0) return;
    event.preventDefault();
    model.sendFiles(files, i18n);
  };

  return (
    <>
      {notice && (
        <p class="notice" role="alert" data-testid="notice">
          {notice}
          <button type="button" class="link" aria-label={s.dismiss} onClick={() => (model.notice.value = null)}>
            <span aria-hidden="true">✕</span>
          </button>
        </p>
      )}
      <form
        ref={form}
        class="composer"
        onSubmit={(event) => {
          event.preventDefault();
          send();
        }}
      >
        <input
          ref={picker}
          type="file"
          class="sr-only"
          tabIndex={-1}
          aria-hidden="true"
          multiple
          accept={sdk?.uploadTypes?.join(',')}
          data-testid="attach-input"
          onChange={(event) => {
            model.sendFiles([...(event.currentTarget.files ?? [])], i18n);
            event.currentTarget.value = '';
          }}
        />
        <button type="button" class="attach" aria-label={s.attachFile} data-testid="attach" onClick={() => picker.current?.click()}>
          <AttachIcon />
        </button>
        <textarea
          ref={inputRef}
          class="input"
          rows={1}
          value={text}
          maxLength={sdk?.maxMessageLength}
          placeholder={s.writeMessage}
          aria-label={s.message}
          data-testid="composer-input"
          onInput={(event) => {
            const value = event.currentTarget.value;
            setText(value);
            conversation.setTyping(value.trim() !== '');
          }}
          onKeyDown={onKeyDown}
          onPaste={onPaste}
        />
        <button type="submit" class="send" aria-label={s.send} data-testid="send" disabled={!body}>
          <SendIcon />
        </button>
      </form>
    </>
  );
}
