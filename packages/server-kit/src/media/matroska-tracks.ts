/**
 * @module What a Matroska/WebM Segment's `Info` and `Tracks` say that a count of its blocks needs (RFC 9559 §5.1.2,
 * §5.1.4): the `TimestampScale` that turns block timestamps into nanoseconds, the track numbers declared (a block of
 * any other contradicts the file), and the first video track's number, stored frame size and `DefaultDuration`.
 */
import { type Child, children, ID, readUint } from "./ebml.js";

/** The default `TimestampScale`: timestamps in milliseconds. */
export const DEFAULT_TIMESTAMP_SCALE = 1_000_000;

/** The first video track (`TrackType` 1) of a `Tracks` element. */
export interface VideoTrack {
  number: number;
  /** `PixelWidth` × `PixelHeight`: the stored frame, before any `PixelCrop*` and unlike `DisplayWidth`. */
  width: number;
  height: number;
  /** `DefaultDuration`: nanoseconds a frame lasts, when the track has one. */
  defaultDuration?: number;
}

/** The tracks of a `Tracks` element: every number declared, and the first video track. */
export interface SegmentTracks {
  numbers: ReadonlySet<number>;
  video: VideoTrack | undefined;
}

const uintOf = (bytes: Uint8Array, child: Child | undefined) =>
  child ? readUint(bytes, child.start, child.end) : undefined;

/**
 * The `TimestampScale` of an `Info` element's data (`bytes`): nanoseconds a timestamp tick lasts. Absent or 0, the
 * default of 1 ms, as ffmpeg's demuxer reads it.
 * @example timestampScale(info) // 1000000
 */
export function timestampScale(bytes: Uint8Array): number {
  const scale = uintOf(
    bytes,
    children(bytes, 0, bytes.length).find((c) => c.id === ID.timestampScale),
  );
  return scale || DEFAULT_TIMESTAMP_SCALE;
}

/**
 * The track numbers and the first video track of a `Tracks` element's data (`bytes`). A video track without a
 * positive `PixelWidth` and `PixelHeight` gives no video track.
 * @example segmentTracks(tracks) // { numbers: Set {1, 2}, video: { number: 1, width: 64, height: 48, defaultDuration: 41666666 } }
 */
export function segmentTracks(bytes: Uint8Array): SegmentTracks {
  const numbers = new Set<number>();
  let video: VideoTrack | undefined;
  let sawVideo = false;
  for (const entry of children(bytes, 0, bytes.length)) {
    if (entry.id !== ID.trackEntry) continue;
    const fields = children(bytes, entry.start, entry.end);
    const field = (id: number) => fields.find((c) => c.id === id);
    const number = uintOf(bytes, field(ID.trackNumber));
    if (number === undefined) continue;
    numbers.add(number);
    if (sawVideo || uintOf(bytes, field(ID.trackType)) !== 1) continue;
    sawVideo = true;
    const picture = field(ID.video);
    const sizes = picture ? children(bytes, picture.start, picture.end) : [];
    const width =
      uintOf(
        bytes,
        sizes.find((c) => c.id === ID.pixelWidth),
      ) ?? 0;
    const height =
      uintOf(
        bytes,
        sizes.find((c) => c.id === ID.pixelHeight),
      ) ?? 0;
    if (width <= 0 || height <= 0) continue;
    const defaultDuration = uintOf(bytes, field(ID.defaultDuration));
    video = { number, width, height, ...(defaultDuration ? { defaultDuration } : {}) };
  }
  return { numbers, video };
}
