/**
 * @module The published types (dist/index.d.ts) compiled in a consumer's project with `tsc`, without `skipLibCheck`:
 * a Node project without the DOM lib (`lib: ["ES2022"]`, `types: ["node"]`, `strict`) must find every name the
 * types use — `HeadersInit` is the DOM's, not Node's (TS2304, or `any` under `skipLibCheck`) — and the README's
 * video upscale quick start must compile as written, with the DOM lib and without.
 */
import { execFile } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const TSC = require.resolve("typescript/bin/tsc");
const work = mkdtempSync(join(tmpdir(), "sdk-consumer-types-"));

/** The consumer's project: the SDK as installed (its package.json exports), Node's types, nothing of the DOM. */
beforeAll(async () => {
  if (!existsSync(join(ROOT, "dist/index.d.ts"))) await run("pnpm", ["run", "build"], { cwd: ROOT });
  const modules = join(work, "node_modules");
  mkdirSync(join(modules, "@ai-video-subnet"), { recursive: true });
  mkdirSync(join(modules, "@types"));
  symlinkSync(ROOT, join(modules, "@ai-video-subnet/sdk"));
  symlinkSync(realpathSync(join(ROOT, "node_modules/@types/node")), join(modules, "@types/node"));
  symlinkSync(realpathSync(join(ROOT, "node_modules/openapi-fetch")), join(modules, "openapi-fetch"));
  writeFileSync(join(work, "package.json"), JSON.stringify({ type: "module" }));
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const quickStart = /### Video upscale\n\n```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(quickStart).toContain("Readable.fromWeb(");
  writeFileSync(join(work, "readme-video-upscale.ts"), quickStart!);
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs `tsc` on the project with `lib`; resolves with what it printed (nothing when it compiled). */
async function compile(lib: string[]): Promise<string> {
  const compilerOptions = {
    strict: true,
    module: "NodeNext",
    moduleResolution: "NodeNext",
    target: "ES2022",
    lib,
    types: ["node"],
    noEmit: true,
    skipLibCheck: false,
  };
  writeFileSync(join(work, "tsconfig.json"), JSON.stringify({ compilerOptions, include: ["*.ts"] }));
  return run(process.execPath, [TSC, "-p", work]).then(
    ({ stdout }) => stdout,
    (err: { stdout: string }) => err.stdout,
  );
}

describe("the published types in a consumer's project", () => {
  it("compile without the DOM lib, headers typed (not any) for the client and per call", async () => {
    writeFileSync(
      join(work, "consumer.ts"),
      `import { createClient, type HeadersLike } from "@ai-video-subnet/sdk";
const headers: HeadersLike[] = [{ "x-team": "a" }, [["x-team", "a"]], new Headers({ "x-team": "a" })];
const client = createClient({ baseUrl: "http://127.0.0.1:8937", headers: headers[0] });
await client.textToImage({ prompt: "p" }, { headers: [["x-request-note", "n"]] });
// @ts-expect-error: a number is no headers (typed any before, as the DOM's HeadersInit did not resolve)
createClient({ baseUrl: "http://127.0.0.1:8937", headers: 42 });
`,
    );
    expect(await compile(["ES2022"])).toBe("");
  }, 60_000);

  it("compile the README's video upscale quick start as written, with the DOM lib and without", async () => {
    expect(await compile(["ES2022", "DOM"])).toBe("");
    expect(await compile(["ES2022"])).toBe("");
  }, 60_000);
});
