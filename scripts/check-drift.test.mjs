/**
 * @module The codegen drift check on a temp copy of the repository (a git checkout of its specs, the generator and
 * one package, the SDK, with its `avs-codegen`): it passes on the committed tree and right after regenerating with
 * nothing committed, fails when a spec was edited without regenerating or a generated file is missing or extra,
 * and never writes into the tree.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENV, pnpmCommand } from "./bootstrap.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const HEADING = "Generated code differs from specs/. Run `pnpm generate` and commit the result:";
/** A description in the specs, which the SDK's generated types carry as a comment. */
const DESCRIPTION = "The seed used to generate the media.";
const EDITED = "The seed the media was generated with.";
const GATEWAY = "packages/sdk/src/generated/gateway.ts";

/** Runs a command in `cwd`; its status and output. */
function sh(cwd, cmd, args, env = ENV) {
  const r = spawnSync(cmd, args, { cwd, env, encoding: "utf8" });
  return { status: r.status, out: r.stdout + r.stderr };
}

describe("check-drift", { timeout: 180_000 }, () => {
  let copy;
  const check = () => sh(copy, process.execPath, ["scripts/check-drift.mjs"]);
  const edit = (file, change) => writeFileSync(join(copy, file), change(readFileSync(join(copy, file), "utf8")));

  beforeAll(() => {
    copy = mkdtempSync(join(tmpdir(), "avs-drift-test-"));
    for (const f of ["scripts/check-drift.mjs", "scripts/bootstrap.mjs", "package.json"]) {
      cpSync(join(root, f), join(copy, f));
    }
    writeFileSync(join(copy, "pnpm-workspace.yaml"), "packages:\n  - packages/sdk\n");
    for (const f of ["components.yaml", "gateway.yaml", "runner.yaml", "orchestrator.yaml", "scripts"]) {
      cpSync(join(root, "specs", f), join(copy, "specs", f), { recursive: true });
    }
    symlinkSync(join(root, "specs", "node_modules"), join(copy, "specs", "node_modules"));
    const sdk = join(copy, "packages", "sdk");
    for (const f of ["package.json", "src/generated", "node_modules/.bin/avs-codegen"]) {
      cpSync(join(root, "packages", "sdk", f), join(sdk, f), { recursive: true });
    }
    mkdirSync(join(sdk, "node_modules", "@ai-video-subnet"));
    symlinkSync("../../../../specs", join(sdk, "node_modules", "@ai-video-subnet", "specs"));
    for (const args of [
      ["init", "-q"],
      ["add", "-A"],
      ["commit", "-qm", "copy"],
    ]) {
      expect(sh(copy, "git", ["-c", "user.name=t", "-c", "user.email=t@t", ...args]).status).toBe(0);
    }
    expect(readFileSync(join(copy, GATEWAY), "utf8")).toContain(DESCRIPTION);
  });
  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  it("passes on the committed tree", () => {
    expect(check()).toEqual({ status: 0, out: "generated code matches specs/\n" });
  });

  it("fails when a spec was edited without regenerating, and leaves the tree as it is", () => {
    edit("specs/components.yaml", (t) => t.replace(DESCRIPTION, EDITED));
    const before = readFileSync(join(copy, GATEWAY), "utf8");
    expect(check()).toEqual({ status: 1, out: `${HEADING}\n  ${GATEWAY} differs from what specs/ generate\n` });
    expect(readFileSync(join(copy, GATEWAY), "utf8")).toBe(before);
  });

  it("passes right after regenerating, with nothing committed", () => {
    const [cmd, ...pre] = pnpmCommand();
    expect(sh(copy, cmd, [...pre, "--recursive", "--reporter=silent", "run", "generate"]).status).toBe(0);
    expect(readFileSync(join(copy, GATEWAY), "utf8")).toContain(EDITED);
    expect(sh(copy, "git", ["status", "--porcelain"]).out).toContain(GATEWAY);
    expect(check()).toEqual({ status: 0, out: "generated code matches specs/\n" });
  });

  it("fails on a generated file that is missing, or one in src/generated/ the generator does not write", () => {
    const pipelines = "packages/sdk/src/generated/gateway-pipelines.ts";
    const saved = readFileSync(join(copy, pipelines));
    rmSync(join(copy, pipelines));
    writeFileSync(join(copy, "packages/sdk/src/generated/old.ts"), "export {};\n");
    expect(check()).toEqual({
      status: 1,
      out: [
        HEADING,
        `  ${pipelines} is missing`,
        "  packages/sdk/src/generated/old.ts is not generated from specs/ (delete it)",
        "",
      ].join("\n"),
    });
    writeFileSync(join(copy, pipelines), saved);
  });
});
