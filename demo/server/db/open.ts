/**
 * Opens the configured database and brings its schema up to date.
 * In-memory PGlite (tests) starts from a migrated template dump cached in the OS temp folder,
 * because initdb alone takes seconds and every test file boots its own server.
 */
import { mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sha256 } from '../ids.ts';
import type { Database } from './database.ts';
import { migrate } from './migrate.ts';
import { openPglite } from './pglite.ts';
import { openPostgres } from './postgres.ts';

export interface OpenDatabaseOptions {
  databaseUrl?: string;
  /** Data folder (`<dataDir>/pglite` is used) or `memory://`. */
  dataDir: string;
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  if (options.databaseUrl) {
    const db = await openPostgres(options.databaseUrl);
    await migrate(db);
    return db;
  }
  if (options.dataDir.startsWith('memory://')) return openMemory();
  const db = await openPglite(path.join(options.dataDir, 'pglite'));
  await migrate(db);
  return db;
}

async function openMemory(): Promise<Database> {
  const templatePath = path.join(os.tmpdir(), `ringnity-pglite-template-${migrationsHash()}.tar`);
  if (existsSync(templatePath)) {
    try {
      const db = await openPglite('memory://', new Blob([readFileSync(templatePath)]));
      await migrate(db);
      return db;
    } catch {
      // A broken or partial template: fall through and rebuild it.
    }
  }
  const db = await openPglite('memory://');
  await migrate(db);
  const dump = await db.dump();
  mkdirSync(path.dirname(templatePath), { recursive: true });
  // Write then rename, so a parallel test worker never reads half a file.
  const tmp = `${templatePath}.${process.pid}.${Date.now()}`;
  writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()));
  renameSync(tmp, templatePath);
  return db;
}

/** Changes whenever a migration file is added or edited, so a stale template is never used. */
function migrationsHash(): string {
  const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
  const text = readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((f) => `${f}\n${readFileSync(path.join(dir, f), 'utf8')}`)
    .join('\n');
  return sha256(text).slice(0, 16);
}
