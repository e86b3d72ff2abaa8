/**
 * @module The error of a video container whose figures contradict themselves or the file: a frame count or duration
 * read from them would be a wrong number. Each container's reader throws it (or a subclass, e.g. `Mp4IndexError`).
 */

/** A container's figures that contradict themselves or the file. */
export class VideoIndexError extends Error {
  override name = "VideoIndexError";
}

/** A walk over more entries than a reader's cap: the file gives no figures rather than a partial count. */
export class PastCapError extends Error {
  override name = "PastCapError";
}

/**
 * `read()`'s figures, undefined where a walk passed its cap ({@link PastCapError}) or, unless `strict`, where
 * they contradict themselves ({@link VideoIndexError}); any other error is thrown.
 * @example await figuresOrNone(() => readFlv(window), false) // undefined for a file whose tags contradict themselves
 */
export async function figuresOrNone<T>(read: () => Promise<T>, strict: boolean): Promise<T | undefined> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof PastCapError || (err instanceof VideoIndexError && !strict)) return undefined;
    throw err;
  }
}
