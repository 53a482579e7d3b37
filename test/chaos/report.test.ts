/** The chaos report counts what a reader of its line expects: loss, duplicates, reorder. */
import { describe, expect, it } from 'vitest';
import { chaosReport, reorderDistance } from './report.ts';

// Only the scenarios print their line.
const quiet = { print: false };
const sent = [
  { sender: 'a', body: 'a1' },
  { sender: 'b', body: 'b1' },
  { sender: 'a', body: 'a2' },
  { sender: 'b', body: 'b2' },
];

describe('chaos report', () => {
  it('a clean run: everything everywhere once, in order', () => {
    const report = chaosReport({
      scenario: 'clean',
      sent,
      stored: ['a1', 'b1', 'a2', 'b2'],
      observers: [
        { name: 't1', kind: 'tab', shown: ['a1', 'b1', 'a2', 'b2'] },
        { name: 'console', kind: 'other', shown: ['a1', 'b1', 'a2', 'b2'] },
      ],
      startedAt: performance.now(),
    }, quiet);
    expect(report).toMatchObject({ lost: {}, duplicates: 0, maxReorder: 0 });
    expect(report.line).toMatch(/^chaos\[clean\] sent=4 stored=4 shown=\[4\] console=4 dup=0 maxReorder=0 in \d+\.\ds$/);
  });

  it('senders may interleave on the server in any way, but each keeps its own order', () => {
    const report = chaosReport({ scenario: 'interleaved', sent, stored: ['b1', 'b2', 'a1', 'a2'], observers: [], startedAt: 0 }, quiet);
    expect(report.maxReorder).toBe(0);
    expect(chaosReport({ scenario: 'swapped', sent, stored: ['a2', 'b1', 'a1', 'b2'], observers: [], startedAt: 0 }, quiet).maxReorder).toBe(1);
  });

  it('names what is missing where, and counts extra copies', () => {
    const report = chaosReport({
      scenario: 'lossy',
      sent,
      stored: ['a1', 'b1', 'a2', 'a2', 'b2'],
      observers: [{ name: 't1', kind: 'tab', shown: ['a1', 'b1', 'b2', 'b2'] }],
      startedAt: 0,
    }, quiet);
    expect(report.lost).toEqual({ t1: ['a2'] });
    expect(report.duplicates).toBe(2);
    expect(report.line).toContain('stored=4 shown=[3] dup=2');
  });

  it('an observer out of the server order is a reorder even when each sender is in order', () => {
    expect(reorderDistance(['a1', 'b1', 'a2', 'b2'], ['b1', 'b2', 'a1', 'a2'])).toBe(2);
    expect(reorderDistance(['x', 'y', 'z'], ['x', 'z'])).toBe(0);
  });
});
