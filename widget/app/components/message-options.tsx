/**
 * The ⋯ button beside the visitor's own message that opens the edit/delete menu (a lazily
 * loaded chunk with its styles: it shows only once a message of theirs is confirmed).
 */
import { useRef, useState } from 'preact/hooks';
import type { ChatMessage } from '../../../src/types.ts';
import { useChunkStyles } from '../chunk-styles.ts';
import { useText } from '../i18n/context.ts';
import type { WidgetModel } from '../model.ts';
import { MessageMenu } from './message-actions.tsx';

export interface MessageOptionsProps {
  model: WidgetModel;
  message: ChatMessage;
  /** Absent for messages that cannot be edited (files). */
  onEdit?: () => void;
}

export function MessageOptions({ model, message, onEdit }: MessageOptionsProps) {
  const [menu, setMenu] = useState(false);
  const anchor = useRef<HTMLSpanElement>(null);
  useChunkStyles(anchor, CSS);
  const { s } = useText();
  return (
    <span ref={anchor} class="menu-anchor">
      <button
        type="button"
        class="more"
        aria-label={s.messageOptions}
        aria-haspopup="menu"
        aria-expanded={menu}
        data-testid="message-menu"
        onClick={() => setMenu(!menu)}
      >
        <svg viewBox="0 0 24 24" aria-hidden="true">
          <path d="M6 10a2 2 0 1 0 0 4 2 2 0 0 0 0-4zm6 0a2 2 0 1 0 0 4 2 2 0 0 0 0-4zm6 0a2 2 0 1 0 0 4 2 2 0 0 0 0-4z" />
        </svg>
      </button>
      {menu && <MessageMenu model={model} message={message} onClose={() => setMenu(false)} onEdit={onEdit} />}
    </span>
  );
}

const CSS = `
.menu-anchor{position:relative;align-self:center}
.more{display:grid;place-items:center;width:26px;height:26px;padding:0;border:0;border-radius:50%;background:none;color:var(--rn-muted);cursor:pointer;opacity:.5}
.more svg{width:18px;height:18px}
.msg:hover .more,.more:focus-visible,.more[aria-expanded=true]{opacity:1}
`;
