/**
 * Whether a visitor is asking for a person rather than asking a question. Plain patterns over
 * the visitor's words: the text is only matched, never interpreted or executed.
 */

const HUMAN_PATTERNS: readonly RegExp[] = [
  // "talk to a person", "speak with someone", "connect me to an agent", "chat with a real human"
  /\b(talk|speak|chat|connect|transfer|put|get|message|reach)\b[\w\s,'’]{0,24}\b(person|human|agent|someone|somebody|representative|rep|staff|operator|advisor|adviser|team member|people)\b/i,
  /\b(real|live|actual)\s+(person|human|agent|people|support)\b/i,
  /\b(human|person|agent|operator)\s*(please|pls|plz|now)\b/i,
  /^\s*(human|agent|operator|representative|a person|person|someone)\s*[.!?]*\s*$/i,
  /\b(not|no)\s+(a\s+)?(bot|robot|machine|ai)\b/i,
  /\b(customer\s+service|customer\s+support)\s+(agent|person|team)\b/i,
  /\bare you (a )?(bot|robot|human|real)\b/i,
];

/** True when the visitor asks to be put through to a person. */
export function asksForHuman(text: string): boolean {
  return HUMAN_PATTERNS.some((pattern) => pattern.test(text));
}
