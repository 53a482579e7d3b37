/**
 * The one shape every bench reports in: a figure is a named number with a unit. A bench prints
 * each figure as a line `@@bench {json}` on stdout (so it can also print anything else for a
 * person reading along); the runner (`run.ts`) collects those lines, looks up the budgets and
 * prints the single table.
 */

/** What a figure counts; decides how the table prints it. */
export type Unit = 'ms' | 'bytes' | 'count' | 'ratio' | 'percent';

export interface Figure {
  /** Stable id, the key into {@link import('./budgets.ts').BUDGETS}, e.g. `host.launcher-delta`. */
  id: string;
  /** What a reader sees in the table. */
  label: string;
  value: number;
  unit: Unit;
  /** How it was taken (runs, percentile), when the label does not say it. */
  note?: string;
}

const MARKER = '@@bench ';

/** Prints figures for the runner to collect (and a person to read, if they run the bench alone). */
export function report(...figures: Figure[]): void {
  for (const f of figures) console.log(MARKER + JSON.stringify(f));
}

/** The figures in a bench's stdout, and the rest of its output to pass through. */
export function collect(stdout: string): { figures: Figure[]; rest: string[] } {
  const figures: Figure[] = [];
  const rest: string[] = [];
  for (const line of stdout.split('\n')) {
    if (line.startsWith(MARKER)) figures.push(JSON.parse(line.slice(MARKER.length)) as Figure);
    else rest.push(line);
  }
  return { figures, rest };
}

/** A value as the table prints it. */
export function formatValue(value: number, unit: Unit): string {
  if (!Number.isFinite(value)) return 'n/a';
  switch (unit) {
    case 'ms':
      return `${value.toFixed(value < 10 ? 2 : 1)} ms`;
    case 'bytes':
      return value >= 1024 * 1024 ? `${(value / 1024 / 1024).toFixed(2)} MB` : value >= 1024 ? `${(value / 1024).toFixed(2)} KB` : `${Math.round(value)} B`;
    case 'count':
      return String(Math.round(value));
    case 'ratio':
      return value.toFixed(4);
    case 'percent':
      return `${value.toFixed(1)}%`;
  }
}
