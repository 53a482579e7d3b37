/** The small "from AI" badge on a conversation the AI handed to the team, with the reason as its title. */
import type { HandoffReason } from '../assistant.ts';

/** Why the AI handed over, in the agent's words. */
export const HANDOFF_LABELS: Record<HandoffReason, string> = {
  visitor_asked: 'The AI handed this over: the visitor asked for a person',
  low_confidence: 'The AI handed this over: the help centre had no good answer',
  engine_failed: 'The AI handed this over: the assistant failed',
  agent_joined: 'An agent took this over from the AI',
};

export function HandoffBadge({ reason }: { reason: HandoffReason }) {
  return (
    <span class="tag handoff" title={HANDOFF_LABELS[reason]} data-testid="handoff-badge" data-reason={reason}>
      from AI
    </span>
  );
}
