/**
 * The tiny database interface the server codes against. Two adapters implement it: PGlite
 * (embedded, the default) and PostgreSQL through `pg` (when `DATABASE_URL` is set). Both speak
 * the same SQL, so there is one set of migrations.
 */

/** One result row: column name → value as the driver decoded it. */
export type Row = Record<string, unknown>;

/** Something SQL can be sent to: the database itself or an open transaction. */
export interface Queryable {
  /** Runs one parameterised statement (`$1`, `$2`, …) and returns its rows. */
  query<T extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

/**
 * A driver's connection (or transaction) as a {@link Queryable}: `run` sends one parameterised
 * statement and answers the driver's result, whose `rows` are returned; `exec` runs a script.
 * Both adapters wrap theirs with it.
 */
export function queryableOf(run: (sql: string, params: unknown[]) => Promise<{ rows: unknown[] }>, exec: (sql: string) => Promise<unknown>): Queryable {
  return {
    async query<T extends Row = Row>(sql: string, params: readonly unknown[] = []) {
      // The driver decoded the rows; their shape is the caller's statement's, as with the drivers' own generics.
      return (await run(sql, params as unknown[])).rows as T[];
    },
    async exec(sql: string) {
      await exec(sql);
    },
  };
}

export interface Database extends Queryable {
  /** Runs `fn` in a transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /**
   * True when no other process can open this database (PGlite: one process holds its folder), so
   * there is never a second instance: the cluster then delivers in-process and keeps presence in
   * memory, with no `NOTIFY`, stored frames or socket rows (statements the bottleneck pays for).
   */
  readonly oneProcess?: boolean;
  /**
   * `LISTEN channel`: `onPayload` gets every `NOTIFY` payload on it, in commit order (also this
   * connection's own). `onGap` is told when notifications may have been missed (the listening
   * connection dropped and was opened again). Resolves once listening; the result stops it.
   * Both adapters have it; a test double may leave it out (the server then delivers in-process).
   */
  listen?(channel: string, onPayload: (payload: string) => void, onGap?: () => void): Promise<Listening>;
}

/** A running `LISTEN`: calling it stops listening. */
export type Listening = (() => Promise<void>) & {
  /**
   * Ends the listening connection as if it had dropped (it is then opened again and `onGap`
   * told): for a connection that looks open but hears nothing (half-open TCP, a pooler in
   * transaction mode). Absent when the connection cannot drop (PGlite).
   */
  reopen?(): void;
};
