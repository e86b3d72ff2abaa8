/**
 * @module The bounded stage between a frame source and a frame sink: work on the next items starts while earlier
 * results are consumed, at most `inFlight` items are held at once (so memory does not grow with the video's
 * length), and results come out in input order. Video pipelines use it for "decode → model → encode".
 */

/**
 * Applies `work` to every item of `source`, with up to `inFlight` items started ahead of the one being consumed,
 * and yields the results in order. The source is pulled only to refill that window, so a backpressured source
 * (an ffmpeg decoder) never runs further ahead. When the consumer stops, or `work` or the source fails, the
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
  try {
    for (;;) {
      while (!done && window.length < inFlight) {
        const next = await it.next();
        if (next.done) done = true;
        else {
          const p = work(next.value, index++);
          // Rejections are handled when the result's turn comes; until then they must not count as unhandled.
          p.catch(() => {});
          window.push(p);
        }
      }
      const head = window.shift();
      if (!head) return;
      yield await head;
    }
  } finally {
    await it.return?.();
    await Promise.allSettled(window);
  }
}
