/** The token secret: from config, else generated once and kept in the database (tokens survive restarts). */
import type { Database } from '../db/database.ts';
import { newSecret } from '../ids.ts';
import { checkTokenSecret } from '../config.ts';

export async function loadTokenSecret(db: Database, configured: string | undefined): Promise<string> {
  // Checked here too: `createServer` options bypass the environment reader.
  if (configured) return checkTokenSecret(configured);
  await db.query("INSERT INTO settings (key, value) VALUES ('token_secret', $1) ON CONFLICT (key) DO NOTHING", [newSecret(32)]);
  const [row] = await db.query<{ value: string }>("SELECT value FROM settings WHERE key = 'token_secret'");
  if (!row) throw new Error('token secret missing after insert');
  return row.value;
}
