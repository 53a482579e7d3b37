/**
 * Opens the configured database and brings its schema up to date.
 * In-memory PGlite (tests) starts from a migrated template dump cached in the OS temp folder,
 * because initdb alone takes seconds and every test file boots its own server; a new PGlite
 * folder starts from the same dump when there is one.
 */
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync, existsSync } from 'node:fs';
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
  const dir = path.join(options.dataDir, 'pglite');
  if (!existsSync(dir)) await seedFromTemplate(dir);
  const db = await openPglite(dir);
  await migrate(db);
  return db;
}

/**
 * A new data folder starts as a copy of the migrated template (when this machine has one for
 * these migrations) instead of running initdb and every migration, which take seconds. It is
 * unpacked next to `dir` and renamed into place only once complete, so a crash midway leaves no
 * half database behind; anything wrong and the normal path (initdb) runs.
 */
async function seedFromTemplate(dir: string): Promise<void> {
  const template = templatePath();
  if (!existsSync(template)) return;
  const tmp = `${dir}.${process.pid}.${Date.now()}`;
  try {
    const db = await openPglite(tmp, new Blob([readFileSync(template)]));
    await db.close();
    renameSync(tmp, dir);
  } catch {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** The migrated template dump cached in the OS temp folder, named by the migrations it holds. */
const templatePath = () => path.join(os.tmpdir(), `ringnity-pglite-template-${migrationsHash()}.tar`);

async function openMemory(): Promise<Database> {
  const file = templatePath();
  if (existsSync(file)) {
    try {
      const db = await openPglite('memory://', new Blob([readFileSync(file)]));
      await migrate(db);
      return db;
    } catch {
      // A broken or partial template: fall through and rebuild it.
    }
  }
  const db = await openPglite('memory://');
  await migrate(db);
  const dump = await db.dump();
  mkdirSync(path.dirname(file), { recursive: true });
  // Write then rename, so a parallel test worker never reads half a file.
  const tmp = `${file}.${process.pid}.${Date.now()}`;
  writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()));
  renameSync(tmp, file);
  return db;
}

/** Changes whenever a migration file is added or edited, so a stale template is never used. */
export function migrationsHash(): string {
  const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
  const text = readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((f) => `${f}\n${readFileSync(path.join(dir, f), 'utf8')}`)
    .join('\n');
  return sha256(text).slice(0, 16);
}
