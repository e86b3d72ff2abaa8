/**
 * @module Versions of the stores' tables. Each store's tables are made by an ordered list of migrations; the
 * database records, per store ("jobs", "outputs"), the version its tables are at and the oldest version a
 * broadcaster must know to work on them. A broadcaster brings tables it finds older up to its own version when it
 * starts (under the schema's lock, in the transaction that reads the version, so broadcasters starting together
 * migrate once), works on tables a newer release changed only in ways older code does not notice (an added column
 * with a default, an index), and refuses to start, naming both versions, on tables changed in a way it cannot
 * work with. Tables made before versions were recorded are version 1: migration 1 only creates what is missing.
 */
import type { Logger } from "@ai-video-subnet/server-kit";

/** One step of a store's tables. */
export interface Migration {
  /** The version the tables are at once this has run: 1, 2, … with no gaps. */
  version: number;
  /** What it changes, in a few words (logged when it runs). */
  summary: string;
  /** Its statements, in the store's SQL dialect. */
  sql: string;
  /**
   * True when broadcasters that know only earlier versions cannot work on the tables afterwards (a column they
   * write is dropped or renamed, a value's meaning changes). Adding a column with a default, a table or an index is
   * not: older broadcasters keep working during a rolling upgrade.
   */
  breaksOlder?: boolean;
}

/** Where a store's tables are, as the database records it. */
export interface SchemaState {
  /** The last migration run. */
  version: number;
  /** The oldest version a broadcaster must know to work on the tables. */
  oldestReader: number;
}

/** What to do with a store's tables at start. */
export interface MigrationPlan {
  /** Migrations to run, in order (none when the tables are current or newer). */
  pending: Migration[];
  /** What the migration at start will have found and done once {@link pending} have run: the state to record too. */
  result: MigrationResult;
}

/** The version table's name (one row per store, beside the store's tables). */
export const VERSIONS_TABLE = "schema_versions";

/**
 * Checks that `migrations` are numbered 1, 2, … in order; throws otherwise (a programming error).
 * @example checkMigrations([{ version: 1, summary: "tables", sql: "…" }])
 */
export function checkMigrations(migrations: readonly Migration[]): void {
  if (migrations.length === 0) throw new Error("a store needs at least one migration");
  migrations.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new Error(`migration ${i + 1} is numbered ${m.version}: versions run 1, 2, … in order`);
  });
}

/**
 * What this build does with the tables of store `store` (in `where`, for messages) found at `found` (undefined: no
 * version recorded, i.e. no tables yet or tables made before versions were recorded). Throws when the tables are
 * newer than this build can work on.
 * @example migrationPlan("jobs", 'schema "avs"', undefined, JOB_MIGRATIONS).pending.length // all of them
 */
export function migrationPlan(
  store: string,
  where: string,
  found: SchemaState | undefined,
  migrations: readonly Migration[],
): MigrationPlan {
  checkMigrations(migrations);
  const known = migrations.length;
  const at = found ?? { version: 0, oldestReader: 0 };
  if (at.oldestReader > known) {
    throw new Error(
      `the ${store} tables in ${where} are at version ${at.version}, which needs a broadcaster that knows version ` +
        `${at.oldestReader} or later; this broadcaster knows versions up to ${known}. A newer release changed them: ` +
        "run that release (or a later one) here too",
    );
  }
  const pending = migrations.slice(at.version);
  const oldestReader = pending.reduce((o, m) => (m.breaksOlder ? m.version : o), Math.max(at.oldestReader, 1));
  const version = Math.max(at.version, known);
  return { pending, result: { version, oldestReader, from: at.version, known, ran: pending.map((m) => m.summary) } };
}

/** What a store's migration at start found and did. */
export interface MigrationResult extends SchemaState {
  /** The version found (0: none recorded). */
  from: number;
  /** The version this broadcaster knows. */
  known: number;
  /** The summaries of the migrations that ran, in order. */
  ran: string[];
}

/**
 * Logs what a migration at start did: an `info` line when existing tables were migrated, a `warn` line when they
 * are newer than this broadcaster (it works on them; a newer release added to them). Creating the tables of a new
 * database is not logged.
 * @example logMigration(log, "jobs", await migrateTables(pool, names.s, "jobs", jobMigrations(names)));
 */
export function logMigration(log: Logger | undefined, store: string, r: MigrationResult): void {
  if (r.from > 0 && r.ran.length > 0) {
    log?.info(`${store} tables migrated`, { store, from_version: r.from, to_version: r.version, ran: r.ran });
  } else if (r.version > r.known) {
    log?.warn(`${store} tables are newer than this broadcaster`, {
      store,
      version: r.version,
      known_version: r.known,
      detail: "a newer release added to them in a way this one works with; upgrade it when you can",
    });
  }
}
