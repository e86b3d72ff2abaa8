/**
 * @module `avs-runner models fetch`: a repository from a Hugging Face-style server into `MODEL_DIR/<model id>/`. Files
 * are downloaded into a hidden staging folder next to the target (`.fetching-<name>@<commit>`, so an interrupted
 * fetch of the same commit resumes there; partial files under its `.partial/`), checked, arranged into the runner's layout, given an `avs-model.json`, and
 * only then moved into place, replacing an earlier version; files unchanged since that version are kept, not
 * downloaded again.
 */
import { existsSync } from "node:fs";
import { copyFile, link, mkdir, readdir, readFile, rename, rm, stat, statfs, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { type ModelManifest, modelPath, readManifest, writeManifest } from "../layout.js";
import { makeFolder } from "../model-dir.js";
import { arrangeLayout, identifyLayout, type LayoutPlan, planLayout } from "./detect-layout.js";
import { downloadFile, sha256File, TransferError } from "./download-file.js";
import { type HubFile, hubRepoInfo, resolveUrl } from "./hub-api.js";
import { selectPaths } from "./include.js";
import { ListingError, unverifiable } from "./listing.js";
import { type FetchProgress, formatBytes, silentProgress } from "./progress.js";
import { DEFAULT_RETRY } from "./retry.js";
import { DEFAULT_LIMITS, type TransferLimits } from "./watchdog.js";

/** What to fetch, from where, and how patiently. */
export interface FetchModelOptions {
  repo: string;
  /** Branch, tag or commit (default `main`). */
  revision?: string;
  /** `fnmatch` patterns; only matching files are fetched (default: all). */
  include?: readonly string[];
  /** Default `https://huggingface.co`. */
  endpoint?: string;
  token?: string | undefined;
  modelDir: string;
  /** Where under `modelDir` the model goes (default: the repository id). */
  modelId?: string;
  /** List what would be fetched; write nothing. */
  dryRun?: boolean;
  /** Further attempts of the listing and of each file after a dropped, cut or 5xx/408/429 request (default 5). */
  retries?: number;
  /**
   * First wait before a retry, doubled each time (default 1 s); longer when a 429's or 503's `Retry-After` asks for
   * longer (up to 300 s; a server that asks for more fails the fetch at once).
   */
  retryDelayMs?: number;
  /** No answer or no byte for this long cuts a request (default 60 s), which is then retried. */
  stallMs?: number;
  /** Bytes a second every body must average over each `speedWindowMs` (default 10 kB/s over 60 s; 0: no floor). */
  minSpeed?: number;
  speedWindowMs?: number;
  progress?: FetchProgress;
}

/** One fetched file as `avs-model.json` records it. */
export interface FetchedFile {
  /** Path in the repository. */
  path: string;
  /** Path in the model folder, after arranging the layout. */
  local: string;
  size: number;
  sha256: string;
  /** The git blob id the server listed (files kept in git rather than LFS). */
  git_oid?: string;
}

/** What a fetch did. */
export interface FetchResult {
  model_id: string;
  path: string;
  pipeline: string;
  commit: string;
  files: FetchedFile[];
  /** Bytes downloaded (not counting files kept from the earlier version or resumed). */
  downloaded: number;
  dryRun: boolean;
}

/** Where a repository file ends up once the layout is arranged (see `arrangeLayout`). */
function localPath(plan: LayoutPlan, path: string): string {
  if (plan.kind === "diffusers" && plan.root) {
    return path.startsWith(`${plan.root}/`) ? path.slice(plan.root.length + 1) : path;
  }
  if (plan.kind === "single-onnx") {
    if (path === plan.file) return "model.onnx";
    const folder = plan.file.includes("/") ? plan.file.slice(0, plan.file.lastIndexOf("/") + 1) : "";
    return folder && path.startsWith(folder) ? path.slice(folder.length) : path;
  }
  return path;
}

/**
 * Partial downloads live under this folder of the staging folder, by their repository path: a hidden name, which no
 * listed file can have, so a repository holding both `model.onnx` and `model.onnx.part` is no conflict.
 */
const PARTIAL = ".partial";

/**
 * Removes from the staging folder `dir` everything but the files at `keep` (repository paths): the partial downloads'
 * folder, and files an interrupted fetch of the same commit left with other `--include` patterns.
 */
async function prune(dir: string, keep: readonly string[]): Promise<void> {
  const files = new Set(keep);
  const folders = new Set(
    keep.flatMap((p) =>
      p
        .split("/")
        .slice(0, -1)
        .map((_, i, s) => s.slice(0, i + 1).join("/")),
    ),
  );
  const visit = async (at: string): Promise<void> => {
    for (const e of await readdir(join(dir, at), { withFileTypes: true })) {
      const rel = at ? `${at}/${e.name}` : e.name;
      if (e.isFile() && files.has(rel)) continue;
      if (e.isDirectory() && folders.has(rel)) await visit(rel);
      else await rm(join(dir, rel), { recursive: true, force: true });
    }
  };
  await visit("");
}

/** Takes `<staging>.lock` for this process, refusing while another live process holds it. */
async function lock(file: string): Promise<() => Promise<void>> {
  await mkdir(dirname(file), { recursive: true });
  const created = await writeFile(file, String(process.pid), { flag: "wx" }).then(
    () => true,
    () => false,
  );
  if (created) return () => rm(file, { force: true });
  const pid = Number(await readFile(file, "utf8").catch(() => ""));
  if (Number.isInteger(pid) && pid > 0 && pid !== process.pid) {
    let alive = true;
    try {
      process.kill(pid, 0);
    } catch {
      alive = false;
    }
    if (alive) {
      throw new Error(
        `another fetch (pid ${pid}) is writing ${file.slice(0, -5)}; wait for it to finish (or remove ${file} if none runs)`,
      );
    }
  }
  await writeFile(file, String(process.pid));
  return () => rm(file, { force: true });
}

/** The earlier version's file that can be kept: same repository path, size and hash. */
function keepable(previous: ModelManifest | undefined, file: HubFile, target: string): FetchedFile | undefined {
  const files = (previous?.files ?? []) as FetchedFile[];
  const old = files.find((f) => f.path === file.path);
  if (!old || old.size !== file.size || !existsSync(join(target, old.local))) return undefined;
  const same = file.sha256 ? old.sha256 === file.sha256 : !!file.gitOid && old.git_oid === file.gitOid;
  return same ? old : undefined;
}

/**
 * Fetches `options.repo` at `options.revision` into `options.modelDir`.
 *
 * @throws {HubError} for the server's refusals (401, 403, 404) and for a listing answered 5xx/408/429 past the
 *   retries, {ListingError} for a listing of the wrong shape or a file it gives no size or hash for, {LayoutError}
 *   when the files are no model the runner can use, {Error} when the listing cannot be had past the retries (a
 *   server that cannot be reached, a stall; these four before anything is written), {ChecksumError} for a corrupt
 *   file, {TransferError} when a file's network fails past the retries (only then is the staging folder kept, so the
 *   same command resumes; after any other failure nothing of the fetch is kept).
 * @example
 * await fetchModel({ repo: "stabilityai/sd-turbo", revision: "onnx", modelDir: "/models", include: ["*.json", "*.onnx*"] });
 */
export async function fetchModel(options: FetchModelOptions): Promise<FetchResult> {
  const started = Date.now();
  const endpoint = options.endpoint ?? "https://huggingface.co";
  const revision = options.revision ?? "main";
  const hub = { endpoint, token: options.token };
  const progress = options.progress ?? silentProgress;
  const modelId = options.modelId ?? options.repo;
  const target = modelPath(options.modelDir, modelId);
  const limits: TransferLimits = {
    stallMs: options.stallMs ?? DEFAULT_LIMITS.stallMs,
    minSpeed: options.minSpeed ?? DEFAULT_LIMITS.minSpeed,
    speedWindowMs: options.speedWindowMs ?? DEFAULT_LIMITS.speedWindowMs,
  };
  const retry = {
    retries: options.retries ?? DEFAULT_RETRY.retries,
    retryDelayMs: options.retryDelayMs ?? DEFAULT_RETRY.retryDelayMs,
  };
  const info = await hubRepoInfo(hub, options.repo, revision, {
    ...limits,
    ...retry,
    onRetry: (attempt, err, wait) => progress.listingRetry?.(attempt, err.message, wait),
  });
  const chosen = new Set(
    selectPaths(
      info.files.map((f) => f.path),
      options.include ?? [],
    ),
  );
  const files = info.files.filter((f) => chosen.has(f.path));
  if (files.length === 0) {
    throw new Error(
      `no file of ${options.repo}@${revision} matches --include ${(options.include ?? []).join(" ")} (it has ${info.files.length} files: ${info.files
        .slice(0, 10)
        .map((f) => f.path)
        .join(", ")}${info.files.length > 10 ? ", …" : ""})`,
    );
  }
  for (const f of files) {
    const why = unverifiable(f);
    if (why) {
      throw new ListingError(
        `${endpoint.replace(/\/+$/, "")} lists ${f.path} of ${options.repo}@${revision} with ${why}, so its download could ` +
          "not be checked (nor its end known); nothing was fetched. Leave it out with --include, or use a hub that " +
          "lists every file's size and hash (?blobs=true)",
      );
    }
  }
  const plan = planLayout(files.map((f) => f.path));
  const total = files.reduce((s, f) => s + (f.size ?? 0), 0);
  progress.listed({ repo: options.repo, revision, commit: info.commit, files: files.length, bytes: total });
  const winners = new Map<string, HubFile>();
  for (const f of files) {
    const local = localPath(plan, f.path);
    if (!winners.has(local) || local !== f.path) winners.set(local, f);
  }
  const result: FetchResult = {
    model_id: modelId,
    path: target,
    pipeline: "",
    commit: info.commit,
    files: [],
    downloaded: 0,
    dryRun: !!options.dryRun,
  };
  if (options.dryRun) {
    result.files = files.map((f) => ({
      path: f.path,
      local: localPath(plan, f.path),
      size: f.size ?? 0,
      sha256: f.sha256 ?? "",
    }));
    return result;
  }

  const staging = join(
    dirname(target),
    `.fetching-${basename(target)}@${info.commit.replace(/[^A-Za-z0-9._-]/g, "_").slice(0, 40)}`,
  );
  await makeFolder(options.modelDir);
  await makeFolder(dirname(target), "the folder");
  const unlock = await lock(`${staging}.lock`);
  try {
    const free = await statfs(dirname(target)).then((s) => s.bavail * s.bsize);
    if (free < total) {
      throw new Error(
        `${options.repo} needs up to ${formatBytes(total)} and ${dirname(target)} has ${formatBytes(free)} free`,
      );
    }
    const previous = await readManifest(target);
    for (const file of files) {
      const dest = join(staging, file.path);
      const part = join(staging, PARTIAL, file.path);
      const kept = keepable(previous, file, target);
      let record: FetchedFile;
      if (
        await stat(dest).then(
          (s) => s.isFile() && s.size === file.size,
          () => false,
        )
      ) {
        record = {
          path: file.path,
          local: "",
          size: (await stat(dest)).size,
          sha256: file.sha256 ?? (await sha256File(dest)),
        };
        progress.fileDone(file.path, record.size, record.sha256, false);
      } else if (kept) {
        await mkdir(dirname(dest), { recursive: true });
        await link(join(target, kept.local), dest).catch(() => copyFile(join(target, kept.local), dest));
        record = { ...kept };
        progress.fileDone(file.path, kept.size, kept.sha256, true);
      } else {
        const resumedAt = await stat(part).then(
          (s) => s.size,
          () => 0,
        );
        progress.fileStart(file.path, file.size, resumedAt);
        const got = await downloadFile(resolveUrl(endpoint, options.repo, info.commit, file.path), file, dest, {
          hub,
          repo: options.repo,
          revision,
          ...retry,
          ...limits,
          part,
          onBytes: (done, size) => progress.bytes(file.path, done, size),
          onRetry: (attempt, at, err, wait) => progress.retry(file.path, attempt, at, err.message, wait),
        });
        result.downloaded += got.size - resumedAt;
        record = { path: file.path, local: "", size: got.size, sha256: got.sha256 };
        progress.fileDone(file.path, got.size, got.sha256, false);
      }
      record.local = localPath(plan, file.path);
      if (file.gitOid) record.git_oid = file.gitOid;
      if (winners.get(record.local) === file) result.files.push(record);
    }
    await prune(
      staging,
      files.map((f) => f.path),
    );
    await arrangeLayout(staging, plan);
    const identity = await identifyLayout(staging);
    result.pipeline = identity.pipeline;
    await writeManifest(staging, {
      model_id: modelId,
      pipeline: identity.pipeline,
      pipelines: identity.pipelines,
      tiny: false,
      source: `${endpoint.replace(/\/+$/, "")}/${options.repo}`,
      revision,
      commit: info.commit,
      source_layout: identity.layout,
      files: result.files,
    });
    const replaced = join(dirname(target), `.replaced-${basename(target)}-${process.pid}`);
    if (existsSync(target)) await rename(target, replaced);
    await rename(staging, target);
    await rm(replaced, { recursive: true, force: true });
    for (const name of await readdir(dirname(target))) {
      if (name.startsWith(`.fetching-${basename(target)}@`) && !name.endsWith(".lock")) {
        await rm(join(dirname(target), name), { recursive: true, force: true });
      }
    }
  } catch (err) {
    // Only a network failure past the retries keeps the staging folder, so the same command continues where it
    // stopped; after any other failure (a corrupt file, an unusable layout, a refusal, the disk) nothing is kept.
    if (!(err instanceof TransferError)) await rm(staging, { recursive: true, force: true });
    throw err;
  } finally {
    await unlock();
  }
  progress.done({
    model_id: modelId,
    path: target,
    pipeline: result.pipeline,
    bytes: result.downloaded,
    seconds: (Date.now() - started) / 1000,
  });
  return result;
}
