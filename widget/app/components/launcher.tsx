/** The round button bottom-right that opens and closes the chat, with the unread count. */
import type { Ref } from 'preact';
import { useText } from '../i18n/context.ts';
import type { WidgetModel } from '../model.ts';
import { ChatIcon, ChevronDownIcon } from './icons.tsx';

export interface LauncherProps {
  model: WidgetModel;
  buttonRef: Ref<HTMLButtonElement>;
  onToggle(): void;
}

export function Launcher({ model, buttonRef, onToggle }: LauncherProps) {
  const open = model.open.value;
  const unread = model.runtime.unread.value;
  const { s } = useText();
  const label = open ? s.closeChat : unread > 0 ? s.openChatUnread(unread) : s.openChat;
  return (
    <button
      ref={buttonRef}
      type="button"
      class="launcher"
      data-testid="launcher"
      aria-label={label}
      aria-expanded={open}
      aria-controls="rn-panel"
      onClick={onToggle}
    >
      {open ? <ChevronDownIcon /> : <ChatIcon />}
      {!open && unread > 0 && (
        <span class="badge" data-testid="unread" aria-hidden="true">
          {unread > 99 ? '99+' : unread}
        </span>
      )}
    </button>
  );
}
