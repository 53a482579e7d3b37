/**
 * Edit and delete of the visitor's own messages (a lazily loaded chunk): the small menu on the
 * bubble and the inline editor. The menu is keyboard usable: focus goes to its first item,
 * arrows move, Escape closes it and focus goes back to the ⋯ button.
 */
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { RuntimeError } from '../../../src/index.ts';
import type { ChatMessage } from '../../../src/types.ts';
import { useChunkStyles } from '../chunk-styles.ts';
import { useText } from '../i18n/context.ts';
import type { ViewText } from '../i18n/en-views.ts';
import { errorWords } from '../i18n/error-words.ts';
import { useViewText } from '../i18n/view-text.ts';
import type { WidgetModel } from '../model.ts';

const report = (model: WidgetModel, v: ViewText) => (error: unknown) => {
  model.notice.value = errorWords(v, error as RuntimeError | null);
};

export interface MessageMenuProps {
  model: WidgetModel;
  message: ChatMessage;
  onClose(): void;
  /** Absent for messages that cannot be edited (files). */
  onEdit?: () => void;
}

export function MessageMenu({ model, message, onClose, onEdit }: MessageMenuProps) {
  const menu = useRef<HTMLDivElement>(null);
  useChunkStyles(menu, CSS);
  const { s } = useText();
  const { v } = useViewText();
  const items = () => [...(menu.current?.querySelectorAll<HTMLButtonElement>('[role=menuitem]') ?? [])];
  useLayoutEffect(() => items()[0]?.focus(), []);

  const close = (refocus = true) => {
    const trigger = menu.current?.previousElementSibling as HTMLElement | null;
    onClose();
    if (refocus) trigger?.focus();
  };
  const onKeyDown = (event: KeyboardEvent) => {
    const list = items();
    const at = list.indexOf(event.target as HTMLButtonElement);
    if (event.key === 'Escape') {
      event.stopPropagation();
      close();
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      list[(at + (event.key === 'ArrowDown' ? 1 : list.length - 1)) % list.length]?.focus();
    } else if (event.key === 'Tab') close(false);
  };

  return (
    <div
      ref={menu}
      class="menu"
      role="menu"
      aria-label={s.messageOptions}
      onKeyDown={onKeyDown}
      onFocusOut={(event) => {
        if (!menu.current?.contains(event.relatedTarget as Node | null)) onClose();
      }}
    >
      {onEdit && (
        <button
          type="button"
          role="menuitem"
          data-testid="edit"
          onClick={() => {
            close(false);
            onEdit();
          }}
        >
          {v.edit}
        </button>
      )}
      <button
        type="button"
        role="menuitem"
        class="danger"
        data-testid="delete"
        onClick={() => {
          close();
          model.runtime.conversation.remove(message.key).catch(report(model, v));
        }}
      >
        {v.delete}
      </button>
    </div>
  );
}

export function MessageEditor({ model, message, onDone }: { model: WidgetModel; message: ChatMessage; onDone(): void }) {
  const [text, setText] = useState(message.body);
  const input = useRef<HTMLTextAreaElement>(null);
  useChunkStyles(input, CSS);
  const { v } = useViewText();
  useLayoutEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, []);
  const save = () => {
    const body = text.trim();
    if (body && body !== message.body) model.runtime.conversation.edit(message.key, body).catch(report(model, v));
    onDone();
  };
  return (
    <form
      class="editor"
      onSubmit={(event) => {
        event.preventDefault();
        save();
      }}
    >
      <textarea
        ref={input}
        class="input"
        value={text}
        aria-label={v.editMessage}
        data-testid="edit-input"
        onInput={(event) => setText(event.currentTarget.value)}
        onKeyDown={(event) => {
          if (event.key === 'Escape') {
            event.stopPropagation();
            onDone();
          } else if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
            event.preventDefault();
            save();
          }
        }}
      />
      <span class="editor-actions">
        <button type="button" class="link" onClick={onDone}>
          {v.cancel}
        </button>
        <button type="submit" class="link" data-testid="edit-save">
          {v.save}
        </button>
      </span>
    </form>
  );
}

/** This chunk's styles (adopted when it first renders). */
const CSS = `
.menu{position:absolute;inset-inline-start:0;top:28px;z-index:2;min-width:120px;padding:4px;border-radius:10px;background:var(--rn-bg);box-shadow:0 6px 20px rgba(0,0,0,.2);display:flex;flex-direction:column}
.menu button{padding:8px 12px;border:0;border-radius:6px;background:none;text-align:start;cursor:pointer}
.menu button:hover,.menu button:focus{background:var(--rn-soft)}
.danger{color:var(--rn-err)}
.editor{display:flex;flex-direction:column;gap:4px;min-width:220px}
.editor-actions{display:flex;gap:12px;justify-content:flex-end;align-items:center}
`;
