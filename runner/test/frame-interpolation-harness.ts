/**
 * @module The real runner server of the `POST /frame-interpolation` tests (tiny/film, which computes
 * (1−t)·x0 + t·x1, in the inference worker) and their helpers: flat grey frames whose levels tell which pair and
 * which `t` made each output frame, the answer's mp4 as a file, ffprobe's duration. After each test no ffmpeg child
 * or scratch directory may be left.
 */
import { execFile } from "node:child_process";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { promisify } from "node:util";
import sharp from "sharp";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { type RunnerServer, startRunnerServer } from "../src/server/serve.js";
import { memoryLogger, modelsDir, privateTmpdir, testConfig } from "./helpers.js";
import { ffmpeg, ffmpegChildren, losslessRgbVideo, videoDir } from "./video-fixtures.js";

const exec = promisify(execFile);
/** The source frames' size. */
export const [W, H] = [40, 24];
/** The levels of the four flat frames of `clip` (8 fps). */
export const LEVELS = [0, 60, 120, 240];

export const scratchDirs = async () =>
  (await readdir(tmpdir())).filter((n) => n.startsWith("avs-frame-interpolation-"));

export const flat = (level: number) => new Uint8Array(W * H * 3).fill(level);
export const flatPng = (level: number, w = W, h = H) =>
  sharp(Buffer.alloc(w * h * 3, level), { raw: { width: w, height: h, channels: 3 } })
    .png()
    .toBuffer();

/** The mean level of each frame of an mp4 (decoded to RGB by ffmpeg, every frame once, at any spacing). */
export async function frameLevels(file: string): Promise<number[]> {
  const raw = await ffmpeg(["-i", file, "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"]);
  const size = W * H * 3;
  const levels: number[] = [];
  for (let i = 0; i < raw.length; i += size) {
    let sum = 0;
    for (let k = i; k < i + size; k++) sum += raw[k]!;
    levels.push(sum / size);
  }
  return levels;
}

/** The expected levels of a plan over flat source levels: source ⌊p⌋ blended towards the next by t = p − ⌊p⌋. */
export const blend = (levels: number[], positions: number[]) =>
  positions.map((p) => {
    const s = Math.min(Math.floor(p), levels.length - 1);
    const t = s === levels.length - 1 ? 0 : p - s;
    return Math.round((1 - t) * levels[s]! + t * (levels[s + 1] ?? 0));
  });

/** Each frame's level within 2 of the blend's (the H.264 yuv420p round trip moves a flat level by at most 1). */
export function expectLevels(levels: number[], expected: number[]) {
  expect(levels).toHaveLength(expected.length);
  for (const [j, l] of levels.entries()) {
    expect(Math.abs(l - expected[j]!), `frame ${j}: level ${l}, expected ${expected[j]}`).toBeLessThan(2);
  }
}

/** A file's bytes. */
export function readBytes(file: string): Promise<Buffer> {
  return readFile(file);
}

/** The mp4's duration as ffprobe prints it. */
export async function probeDuration(file: string): Promise<string> {
  const { stdout } = await exec("ffprobe", ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", file]);
  return stdout.trim();
}

/** A started server and what the tests send it; `server`, `clip` and `dir` are set once `beforeAll` has run. */
export interface FilmRoute {
  server: RunnerServer;
  /** Four flat frames at 8 fps, levels {@link LEVELS}. */
  clip: string;
  dir: Awaited<ReturnType<typeof videoDir>>;
  /** The scratch directories there were before the server started. */
  scratchBefore: string[];
  /** POSTs a multipart form (strings as fields, bytes as files named after their field). */
  post(fields: Record<string, string | Uint8Array | Buffer>): Promise<Response>;
  /** The answer's mp4, written to a file. */
  mp4Of(res: Response, name: string): Promise<string>;
  /** 70 flat frames at 8 fps (written once). */
  longClip(): Promise<string>;
  /** The error answer's message. */
  msg(res: Response): Promise<string>;
}

/**
 * Starts the server in `beforeAll` (output frame budget 2000), checks after each test that no ffmpeg child or
 * scratch directory is left, and stops it in `afterAll`.
 * @example const fi = filmRouteServer(); it("…", async () => { await fi.post({ video: await readBytes(fi.clip), multiplier: "2" }) });
 */
export function filmRouteServer(): FilmRoute {
  let models: Awaited<ReturnType<typeof modelsDir>> | undefined;
  const fi = {} as FilmRoute;
  privateTmpdir();

  fi.post = async (fields: Record<string, string | Uint8Array | Buffer>) => {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) {
      if (typeof v === "string") form.append(k, v);
      else form.append(k, new Blob([v as Uint8Array<ArrayBuffer>]), k);
    }
    return fetch(`${fi.server.url}/frame-interpolation`, { method: "POST", body: form });
  };
  fi.mp4Of = async (res: Response, name: string) => {
    expect(res.status).toBe(200);
    const body = (await res.json()) as { images: Array<{ url: string; seed: number; nsfw: boolean }> };
    expect(body.images).toHaveLength(1);
    const [prefix, data] = body.images[0]!.url.split(",", 2);
    expect(prefix).toBe("data:video/mp4;base64");
    const file = fi.dir.path(name);
    await writeFile(file, Buffer.from(data!, "base64"));
    return file;
  };
  let long: string | undefined;
  fi.longClip = async () =>
    (long ??= await losslessRgbVideo(
      fi.dir.path("long.mp4"),
      Array.from({ length: 70 }, (_, i) => flat((i * 3) % 256)),
      W,
      H,
      8,
    ));
  fi.msg = async (res: Response) => ((await res.json()) as { detail: { msg: string } }).detail.msg;

  beforeAll(async () => {
    models = await modelsDir(["tiny/film"]);
    fi.dir = await videoDir();
    fi.scratchBefore = await scratchDirs();
    fi.server = await startRunnerServer(
      testConfig(models.dir, {
        pipeline: "frame-interpolation",
        modelId: "tiny/film",
        maxOutputFrames: 2000,
        progressWaitMs: 10_000,
      }),
      memoryLogger(),
    );
    await fi.server.runner.ready;
    fi.clip = await losslessRgbVideo(
      fi.dir.path("grey.mp4"),
      LEVELS.map((l) => flat(l)),
      W,
      H,
      8,
    );
  });
  afterEach(async () => {
    expect(await ffmpegChildren()).toEqual([]);
    expect((await scratchDirs()).filter((d) => !fi.scratchBefore.includes(d))).toEqual([]);
  });
  afterAll(async () => {
    await fi.server?.stop();
    await models?.cleanup();
    await fi.dir?.cleanup();
  });
  return fi;
}
