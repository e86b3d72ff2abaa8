/**
 * @module The bounded stage between a frame source and a frame sink: work on the next items starts while earlier
 * results are consumed, at most `inFlight` items are held at once (so memory does not grow with the video's
 * length), and results come out in input order. Video pipelines use it for "decode → model → encode".
 */

/**
 * Applies `work` to every item of `source`, with up to `inFlight` items started ahead of the one being consumed,
 * and yields the results in order. The source is pulled one item past that window (fetched while the work runs),
 * never further, so a backpressured source (an ffmpeg decoder) never runs further ahead. When the consumer stops, or `work` or the source fails, the
 * source is closed and the started work is awaited (its results dropped) before the generator settles, so no
 * worker call outlives the job.
 * @example for await (const out of mapInOrder(decodeVideo(probe), (f) => upscale(f), { inFlight: 2 })) await encoder.write(out.rgb, out.pts)
 */
export async function* mapInOrder<T, R>(
  source: AsyncIterable<T>,
  work: (item: T, index: number) => Promise<R>,
  options: { inFlight: number },
): AsyncGenerator<R> {
  const inFlight = Math.max(1, Math.floor(options.inFlight));
  const it = source[Symbol.asyncIterator]();
  const window: Array<Promise<R>> = [];
  let done = false;
  let index = 0;
  // One item is always being fetched in the background, so the next frame is decoded while the model works.
  let ahead: Promise<IteratorResult<T>> | undefined;
  const fetch = () => {
    ahead = it.next();
    // Its failure surfaces when it is awaited; until then it must not count as unhandled.
    ahead.catch(() => {});
  };
  try {
    fetch();
    for (;;) {
      while (!done && window.length < inFlight) {
        const next = await ahead!;
        ahead = undefined;
        if (next.done) done = true;
        else {
          const p = work(next.value, index++);
          p.catch(() => {});
          window.push(p);
          fetch();
        }
      }
      const head = window.shift();
      if (!head) return;
      yield await head;
    }
  } finally {
    await ahead?.catch(() => undefined);
    await it.return?.();
    await Promise.allSettled(window);
  }
}
