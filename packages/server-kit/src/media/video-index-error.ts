/**
 * @module The error of a video container whose figures contradict themselves or the file: a frame count or duration
 * read from them would be a wrong number. Each container's reader throws it (or a subclass, e.g. `Mp4IndexError`).
 */

/** A container's figures that contradict themselves or the file. */
export class VideoIndexError extends Error {
  override name = "VideoIndexError";
}
