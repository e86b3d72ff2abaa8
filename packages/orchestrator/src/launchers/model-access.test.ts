/** @module The docker launcher's check of model folders against the runner image's user, on real files and owners. */
import { chmodSync, chownSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "@ai-video-subnet/test-kit";
import { afterAll, describe, expect, it } from "vitest";
import { imageUser, unreadableModelPath } from "./model-access.js";

const root = tempDir("model-access");
afterAll(() => root.cleanup());
const asRoot = process.getuid?.() === 0;

/** `<models>/org/name/model.onnx`, owned by `uid:gid`, modes as given. */
function folder(tag: string, modes: { org?: number; name?: number; file?: number }, uid = 0, gid = 0) {
  const models = join(root.dir, tag);
  const name = join(models, "org", "name");
  mkdirSync(name, { recursive: true });
  writeFileSync(join(name, "model.onnx"), "x");
  for (const p of [join(models, "org"), name, join(name, "model.onnx")]) chownSync(p, uid, gid);
  chmodSync(join(models, "org"), modes.org ?? 0o755);
  chmodSync(name, modes.name ?? 0o755);
  chmodSync(join(name, "model.onnx"), modes.file ?? 0o644);
  return { models, name };
}

describe("imageUser", () => {
  it("reads numbers and root, and leaves names to the image", () => {
    expect(imageUser("")).toEqual({ uid: 0, gid: 0 });
    expect(imageUser(undefined)).toEqual({ uid: 0, gid: 0 });
    expect(imageUser("root")).toEqual({ uid: 0, gid: 0 });
    expect(imageUser("1000")).toEqual({ uid: 1000, gid: undefined });
    expect(imageUser("1000:2000")).toEqual({ uid: 1000, gid: 2000 });
    expect(imageUser("1000:staff")).toEqual({ uid: 1000, gid: undefined });
    expect(imageUser("runner")).toEqual({ unresolved: "runner" });
  });
});

describe.skipIf(!asRoot)("unreadableModelPath (needs root to give files other owners)", () => {
  it("names the first path the user certainly cannot reach, with its owner and mode", () => {
    const open = folder("open", {});
    expect(unreadableModelPath(open.models, open.name, { uid: 1000, gid: 1000 })).toBeUndefined();
    const shut = folder("shut", { org: 0o700 });
    expect(unreadableModelPath(shut.models, shut.name, { uid: 1000, gid: 1000 })).toEqual({
      path: join(shut.models, "org"),
      owner: "0:0",
      mode: "0700",
      need: "enter",
    });
    const file = folder("file", { file: 0o600 });
    expect(unreadableModelPath(file.models, file.name, { uid: 1000, gid: undefined })).toMatchObject({
      path: join(file.name, "model.onnx"),
      need: "read",
    });
    // The owner's bits decide for the owner, even root's (runner containers have no capability to bypass them).
    const owned = folder("owned", { name: 0o077 }, 1000, 1000);
    expect(unreadableModelPath(owned.models, owned.name, { uid: 1000, gid: 1000 })?.need).toBe("list and enter");
    expect(unreadableModelPath(owned.models, owned.name, { uid: 0, gid: 0 })).toBeUndefined();
  });

  it("gives the benefit of the doubt when a group the user may have decides", () => {
    const group = folder("group", { name: 0o750 }, 0, 1234);
    // uid alone: its group comes from the image's /etc/passwd, maybe 1234.
    expect(unreadableModelPath(group.models, group.name, { uid: 1000, gid: undefined })).toBeUndefined();
    // A known primary group that is another: a supplementary one may still be 1234.
    expect(unreadableModelPath(group.models, group.name, { uid: 1000, gid: 1000 })).toBeUndefined();
    // Neither the group nor others may: certain.
    const none = folder("none", { name: 0o700 }, 0, 1234);
    expect(unreadableModelPath(none.models, none.name, { uid: 1000, gid: undefined })?.mode).toBe("0700");
  });
});
