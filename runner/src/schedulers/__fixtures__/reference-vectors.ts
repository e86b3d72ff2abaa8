/**
 * @module The reference vectors of this folder for the scheduler tests, the closeness rule they are compared with, and
 * the check that no vector goes untested. Vitest runs each test file in its own module graph, so one file cannot see
 * what another read: every vector is given to exactly one test file ({@link OWNERS}), and each file checks that its
 * tests read all of its own. A vector that no test reads thus fails the check of the file it belongs to.
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";

/** The JSON files of reference vectors beside this module. */
export type Fixture = "scheduler-vectors.json" | "dpm-solver-vectors.json";

/** Which test file checks which vectors of each fixture: every vector belongs to exactly one. */
const OWNERS: Record<Fixture, Record<string, (key: string) => boolean>> = {
  "scheduler-vectors.json": {
    "svd-schedulers.test.ts": (key) => key.startsWith("svd "),
    "schedulers.test.ts": (key) => !key.startsWith("svd "),
  },
  "dpm-solver-vectors.json": { "dpm-solver.test.ts": () => true },
};

/** Stable Diffusion's training noise schedule, the one the reference vectors were computed with. */
export const SD = { beta_schedule: "scaled_linear", beta_start: 0.00085, beta_end: 0.012, num_train_timesteps: 1000 };

/** The vectors of one fixture as one test file sees them. */
export interface ReferenceVectors {
  /** The vector named `key` (throws if the fixture has none); counts as read. */
  // biome-ignore lint/suspicious/noExplicitAny: reference data of several shapes
  ref<T = any>(key: string): T;
  /** The names of all vectors of the fixture. */
  keys(): string[];
  /** The vectors of this test file's share that no test has read yet: empty once its tests have run. */
  unread(): string[];
}

/**
 * Opens `fixture` for the test file at `testFileUrl` (its `import.meta.url`), after checking that every vector of
 * the fixture belongs to exactly one test file.
 *
 * @example
 * const { ref, unread } = referenceVectors("scheduler-vectors.json", import.meta.url);
 * it("reads every reference vector it owns", () => expect(unread()).toEqual([]));
 */
export function referenceVectors(fixture: Fixture, testFileUrl: string): ReferenceVectors {
  const vectors = JSON.parse(readFileSync(new URL(`./${fixture}`, import.meta.url), "utf8")) as Record<string, unknown>;
  const owners = OWNERS[fixture];
  const testFile = basename(fileURLToPath(testFileUrl));
  const mine = owners[testFile];
  if (!mine) throw new Error(`${testFile} owns no vectors of ${fixture} (owners: ${Object.keys(owners).join(", ")})`);
  for (const key of Object.keys(vectors)) {
    const of = Object.keys(owners).filter((file) => owners[file]?.(key));
    if (of.length !== 1) {
      throw new Error(
        `vector "${key}" of ${fixture} must belong to one test file, belongs to: ${of.join(", ") || "none"}`,
      );
    }
  }
  const read = new Set<string>();
  return {
    ref(key) {
      if (!(key in vectors)) throw new Error(`no vector ${key} in ${fixture}`);
      read.add(key);
      return vectors[key] as never;
    },
    keys: () => Object.keys(vectors),
    unread: () => Object.keys(vectors).filter((key) => mine(key) && !read.has(key)),
  };
}

/**
 * Asserts `actual` equals `expected` to 1e-5 relative, but never tighter than half a unit of the last digit the
 * reference was printed with (e.g. 0.041314 is only known to ±5e-7, which is 1.2e-5 relative). Integers (timesteps)
 * must match to 1e-5 relative, zero exactly.
 *
 * @example
 * close(plan.sigmas, ref("svd euler karras n=4").sigmas, "sigmas");
 */
export function close(actual: readonly number[] | number, expected: readonly number[] | number, what: string): void {
  const a = typeof actual === "number" ? [actual] : [...actual];
  const e = typeof expected === "number" ? [expected] : [...expected];
  expect(a.length, `${what}: length`).toBe(e.length);
  e.forEach((x, i) => {
    let tol = 1e-5 * Math.abs(x);
    if (!Number.isInteger(x)) {
      const [mantissa = "", exp = "0"] = String(x).split("e");
      const decimals = mantissa.split(".")[1]?.length ?? 0;
      tol = Math.max(tol, 0.5 * 10 ** (Number(exp) - decimals) * 1.001);
    }
    const got = a[i] as number;
    expect(Math.abs(got - x) <= tol, `${what}[${i}]: got ${got}, expected ${x} ± ${tol}`).toBe(true);
  });
}
