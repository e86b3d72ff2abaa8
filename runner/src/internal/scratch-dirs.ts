/**
 * @module The runner's job scratch directories: server-kit's owned directories (named after the process, swept at
 * start once their owner is gone, see its `owned-dirs.ts`) under the prefixes of the runner's video pipelines and
 * of its video uploads.
 */
import { type DirOwner, ownedDirPrefix, type SweepResult, sweepOwnedDirs } from "@ai-video-subnet/server-kit";

export { currentOwner, ownerState, UNKNOWN_OWNER_AGE_MS } from "@ai-video-subnet/server-kit";

/**
 * The scratch directory prefixes (after `avs-`) the runner uses: its video pipelines' job directories and the one
 * video uploads stream to (`server/upload-spool.ts`); the sweep looks at these only.
 */
export const SCRATCH_PREFIXES = ["video-upscale", "frame-interpolation", "runner-uploads"] as const;
export type ScratchPrefix = (typeof SCRATCH_PREFIXES)[number];

/**
 * The `mkdtemp` prefix of a new scratch directory owned by this process: `<tmpdir>/avs-<prefix>-<pid>-<start>-<ns>-`.
 * @example await mkdtemp(scratchDirPrefix("video-upscale")) // /tmp/avs-video-upscale-4242-81731-4026531836-Ab12Cd
 */
export function scratchDirPrefix(prefix: ScratchPrefix, dir?: string): string {
  return ownedDirPrefix(prefix, dir);
}

/**
 * Removes the scratch directories of runners that are gone (see server-kit's `sweepOwnedDirs`).
 * @example const { removed, bytes } = await sweepStaleScratch(); // at start-up
 */
export function sweepStaleScratch(options: { dir?: string; now?: number; here?: DirOwner } = {}): Promise<SweepResult> {
  return sweepOwnedDirs(SCRATCH_PREFIXES, options);
}
