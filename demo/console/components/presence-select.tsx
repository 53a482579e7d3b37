/** The agent's presence (available / busy / offline); it decides what visitors see as availability. */
import type { PresenceStatus } from '../api.ts';
import type { Desk } from '../desk.ts';

const OPTIONS: [PresenceStatus, string][] = [
  ['available', 'Available'],
  ['busy', 'Busy'],
  ['offline', 'Offline'],
];

export function PresenceSelect({ desk }: { desk: Desk }) {
  const value = desk.presence.value;
  return (
    <label class="presence">
      <span class={`dot dot-${value ?? 'offline'}`} aria-hidden="true" />
      <select
        aria-label="Your presence"
        data-testid="presence"
        value={value ?? ''}
        onChange={(event) => void desk.setPresence(event.currentTarget.value as PresenceStatus)}
      >
        {value === null && <option value="">…</option>}
        {OPTIONS.map(([v, label]) => (
          <option key={v} value={v}>
            {label}
          </option>
        ))}
      </select>
    </label>
  );
}
