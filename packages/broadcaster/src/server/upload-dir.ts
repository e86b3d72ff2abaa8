/**
 * @module The start-up check of `upload-dir`: a directory that cannot be made or written (a file, a read-only place,
 * a path under procfs) failed each large upload's job for good (`EEXIST: mkdir`), or hung it for ever (Node's
 * recursive mkdir loops under procfs), while `/ready` said 200 and this broadcaster took jobs of the shared queue.
 */
import { type Logger, sweepOwnedDirs } from "@ai-video-subnet/server-kit";
import { checkWritableDir } from "./writable-dir.js";

/** The name (after `avs-`) of a broadcaster's own spool directory, `<dir>/avs-broadcaster-uploads-<pid>-<start>-<ns>-XXXXXX`. */
export const UPLOAD_DIR_NAME = "broadcaster-uploads";

/**
 * Removes the upload directories of broadcasters that were killed (no stop ran to remove them), with the inputs they
 * spooled, from `dir` (the operator's `upload-dir`, default the system temp dir): only directories named as
 * {@link UPLOAD_DIR_NAME} whose owner process is gone, so live broadcasters sharing `dir` and anything else in it are
 * left. Logs what it removed. Never throws.
 * @example await sweepStaleUploadDirs(logger, "/var/spool/avs")
 */
export async function sweepStaleUploadDirs(logger: Logger, dir?: string): Promise<void> {
  const swept = await sweepOwnedDirs([UPLOAD_DIR_NAME], dir === undefined ? {} : { dir });
  if (swept.removed.length === 0) return;
  logger.info("removed stale upload dirs", {
    ...(dir === undefined ? {} : { in: dir }),
    dirs: swept.removed.length,
    bytes: swept.bytes,
    names: swept.removed.slice(0, 20),
  });
}

/**
 * Makes `dir` (0700 for the levels made) and writes and removes a file in it; throws an error naming the setting,
 * what is wrong and what to do.
 * @example checkUploadDir("/var/spool/avs", true)
 */
export function checkUploadDir(dir: string, given: boolean): void {
  const fix = given
    ? "point it at a directory this process can write, or leave it out for a temporary one"
    : "set it to a directory this process can write";
  checkWritableDir("upload-dir", dir, fix, 0o700);
}
