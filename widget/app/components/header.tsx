/** The top bar of the panel: the tenant's name and a close button. */
import { CloseIcon } from './icons.tsx';

export function Header({ title, onClose }: { title: string; onClose(): void }) {
  return (
    <div class="header">
      <h2 class="title" id="rn-title">
        {title}
      </h2>
      <button type="button" class="icon-button" aria-label="Close chat" data-testid="close" onClick={onClose}>
        <CloseIcon />
      </button>
    </div>
  );
}
