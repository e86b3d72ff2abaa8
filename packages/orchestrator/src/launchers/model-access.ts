/**
 * @module Whether the user a runner image runs as can read the model folders the docker launcher mounts: a folder it
 * cannot read fails the runner while it loads the model, at every start. Read from the numeric owner and mode bits of
 * each path as the container sees them (the bind mount keeps them); no capability bypasses them, as runner containers
 * drop all (`RUNNER_HOST_CONFIG`), root's included. Only a certain refusal counts: a group the user may belong to
 * (its image's `/etc/group`, not read here) that would grant access gives the benefit of the doubt.
 */
import { readdirSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { ConfigError, entryName } from "../config/ai-models.js";
import type { LauncherContext } from "./launcher.js";

/**
 * Checks the model folders of the entries the docker launcher runs against the user of `image` (`configUser`, its
 * `Config.User`): a warm entry's folder that user cannot read is a ConfigError naming the folder and the user (the
 * runner would fail at every start), a cold one's a warning. Skipped, with a log line, for a user given by name (only
 * the image's `/etc/passwd` resolves it) and when dockerd maps container users to other host users (`mapping`, its
 * `userns` or `rootless` security option), where the host's owners say nothing of the container's.
 * @example checkModelFolders(context, "ai-video-subnet/runner:latest", "1000", undefined)
 */
export function checkModelFolders(
  context: LauncherContext,
  image: string,
  configUser: string | undefined,
  mapping: string | undefined,
): void {
  const user = imageUser(configUser);
  const shown = configUser || "root";
  const skipped =
    "unresolved" in user
      ? "a user name, not a number: only the image's /etc/passwd resolves it"
      : mapping && `dockerd maps container users to other host users (${mapping})`;
  if (skipped || "unresolved" in user) {
    context.log.info("model folders not checked against the runner image's user", {
      image,
      user: shown,
      reason: skipped,
    });
    return;
  }
  for (const e of context.entries) {
    if (e.url !== undefined) continue;
    const folder = join(context.modelsDir, e.modelId);
    const found = unreadableModelPath(context.modelsDir, folder, user);
    if (!found) continue;
    const what =
      `${entryName(context.source ?? "aiModels.json", e)}: the runner image ${image} runs as user ${shown} ` +
      `(its Config.User), which cannot ${found.need} ${found.path} (owner ${found.owner}, mode ${found.mode}), ` +
      "so its runner cannot load the model";
    const fix =
      `make it readable to that user (chmod -R a+rX ${folder}, and a+x on the directories above it up to ` +
      `${context.modelsDir}), or give --runner-image an image whose user can read it`;
    if (e.warm) throw new ConfigError(`${what} and would fail at every start; ${fix}`);
    context.log.warn(`${what}: its jobs get 503 until it is fixed; ${fix}`);
  }
}

/** A numeric user (and group, when the image's `Config.User` says it). */
export interface NumericUser {
  uid: number;
  /** Undefined when only the uid is given: the image's `/etc/passwd` then gives the group, or 0. */
  gid: number | undefined;
}

/**
 * The user of an image's `Config.User`, or the name that cannot be resolved without the image's own files.
 * @example imageUser("") // { uid: 0, gid: 0 }; imageUser("1000:1000") // { uid: 1000, gid: 1000 }
 * @example imageUser("runner") // { unresolved: "runner" }
 */
export function imageUser(user: string | undefined): NumericUser | { unresolved: string } {
  const [u = "", g] = (user ?? "").split(":");
  const id = (text: string) => (text === "" || text === "root" ? 0 : /^\d+$/.test(text) ? Number(text) : undefined);
  const uid = id(u);
  if (uid === undefined) return { unresolved: u };
  if (g === undefined) return { uid, gid: u === "" || u === "root" ? 0 : undefined };
  const gid = id(g);
  return gid === undefined ? { uid, gid: undefined } : { uid, gid };
}

const READ = 4;
const ENTER = 1;

/**
 * The first path `user` certainly cannot reach for loading the model in `folder` (under `modelsDir`): a directory
 * on the way it cannot enter, the folder or a directory in it it cannot list and enter, a file it cannot read.
 * Undefined when every one may be read (or the folder is not there: another check reports that). At most `limit`
 * entries are looked at.
 * @example unreadableModelPath("/models", "/models/a/b", { uid: 1000, gid: 1000 })
 * // { path: "/models/a/b", owner: "0:0", mode: "0700", need: "list and enter" }
 */
export function unreadableModelPath(
  modelsDir: string,
  folder: string,
  user: NumericUser,
  limit = 10_000,
): { path: string; owner: string; mode: string; need: string } | undefined {
  const denied = (path: string, need: number) => {
    const st = statSync(path, { throwIfNoEntry: false });
    if (!st || allows(st, user, need) !== false) return undefined;
    const what = need === ENTER ? "enter" : st.isDirectory() ? "list and enter" : "read";
    return { path, owner: `${st.uid}:${st.gid}`, mode: (st.mode & 0o7777).toString(8).padStart(4, "0"), need: what };
  };
  const steps = relative(modelsDir, folder).split(sep).slice(0, -1);
  let dir = modelsDir;
  for (const step of ["", ...steps]) {
    dir = step ? join(dir, step) : dir;
    const found = denied(dir, ENTER);
    if (found) return found;
  }
  const queue = [folder];
  let seen = 0;
  while (queue.length > 0 && seen < limit) {
    const path = queue.shift()!;
    seen++;
    const st = statSync(path, { throwIfNoEntry: false });
    if (!st) continue;
    const found = denied(path, st.isDirectory() ? READ | ENTER : READ);
    if (found) return found;
    if (st.isDirectory()) for (const name of readdirSync(path)) queue.push(join(path, name));
  }
  return undefined;
}

/** True or false when certain, undefined when a group the user may have decides. */
function allows(st: { uid: number; gid: number; mode: number }, user: NumericUser, need: number): boolean | undefined {
  const grants = (shift: number) => ((st.mode >> shift) & need) === need;
  if (st.uid === user.uid) return grants(6);
  if (user.gid !== undefined && st.gid === user.gid) return grants(3);
  const group = grants(3);
  const other = grants(0);
  return group === other ? other : undefined;
}
