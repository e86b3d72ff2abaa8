/**
 * @module One generation handed out in batches of frames over several worker calls, so the HTTP thread encodes and
 * sends a chunk's frames before the worker decodes the next one, and neither thread ever holds the whole video (25
 * frames of 1024×576 are 44 MB raw). The generation runs as `generateVideo` does; when the frames decoded since the
 * last batch reach the call's byte budget, the decoder's sink pauses until the next call asks for more. Each call
 * brings its own job control: progress goes to it and abort is read from it.
 */
import type { RgbImage } from "../../image/decode.js";
import { type GenerateOptions, generateVideo } from "./generate-video.js";
import type { SvdComponents } from "./svd-load.js";
import {
  checkAborted,
  type FrameChunk,
  VideoAbortedError,
  type VideoControl,
  type VideoParams,
  type VideoResult,
} from "./video-job.js";

/** Frames handed out by one call, in order; `done` with the generation's result on the last. */
export interface FrameBatch {
  frames: RgbImage[];
  /** The buffers behind `frames`, owned by the batch alone (transfer them). */
  buffers: ArrayBuffer[];
  done: boolean;
  result?: VideoResult;
}

interface Waiter<T> {
  resolve(value: T): void;
  reject(err: unknown): void;
}

/**
 * A generation handed out batch by batch.
 *
 * @example
 * const batches = new FrameBatches(components, params);
 * let batch = await batches.next(4 << 20, control);
 * while (!batch.done) batch = await batches.next(4 << 20, control);
 */
export class FrameBatches {
  readonly #components: SvdComponents;
  readonly #params: VideoParams;
  readonly #options: GenerateOptions;
  #control: VideoControl = {};
  #budget = 0;
  #frames: RgbImage[] = [];
  #buffers: ArrayBuffer[] = [];
  #bytes = 0;
  #started = false;
  #ended = false;
  /** The call waiting for its batch. */
  #reply: Waiter<FrameBatch> | undefined;
  /** The paused decoder, waiting for the next call. */
  #resume: Waiter<void> | undefined;

  /** `options` as `generateVideo` takes them (`ownsImage` when `params.image` was handed over). */
  constructor(components: SvdComponents, params: VideoParams, options: GenerateOptions = {}) {
    this.#components = components;
    this.#params = params;
    this.#options = options;
  }

  /**
   * The next frames: resolves once at least `budgetBytes` of frames were decoded since the last batch (whole
   * chunks; at least one) or the generation ended; rejects with what the generation threw (the control's abort
   * error once it is aborted).
   */
  next(budgetBytes: number, control: VideoControl): Promise<FrameBatch> {
    if (this.#ended) return Promise.reject(new Error("this image-to-video generation has ended"));
    if (this.#reply) return Promise.reject(new Error("one batch of an image-to-video generation at a time"));
    this.#control = control;
    this.#budget = budgetBytes;
    return new Promise<FrameBatch>((resolve, reject) => {
      this.#reply = { resolve, reject };
      if (!this.#started) {
        this.#started = true;
        void this.#run();
      } else {
        const resume = this.#resume;
        this.#resume = undefined;
        resume?.resolve();
      }
    });
  }

  /** Ends a paused generation (its frames are not wanted): the decoder unwinds and returns its pooled buffers. */
  cancel(): void {
    this.#ended = true;
    const resume = this.#resume;
    this.#resume = undefined;
    resume?.reject(new VideoAbortedError());
  }

  async #run(): Promise<void> {
    const self = this;
    // The control of whichever call is asking now.
    const control: VideoControl = {
      progress: (p) => self.#control.progress?.(p),
      get aborted() {
        return self.#control.aborted === true;
      },
      throwIfAborted: () => checkAborted(self.#control),
    };
    try {
      const result = await generateVideo(
        this.#components,
        this.#params,
        control,
        (chunk) => this.#take(chunk),
        this.#options,
      );
      this.#ended = true;
      this.#hand(true, result);
    } catch (err) {
      this.#ended = true;
      const reply = this.#reply;
      this.#reply = undefined;
      reply?.reject(err);
    }
  }

  /** The decoder's sink: collects the chunk, and pauses once the batch is full (unless this was the last chunk). */
  #take(chunk: FrameChunk): void | Promise<void> {
    this.#frames.push(...chunk.frames);
    this.#buffers.push(...chunk.buffers);
    for (const b of chunk.buffers) this.#bytes += b.byteLength;
    const last = chunk.first + chunk.frames.length >= this.#components.frames;
    if (last || this.#bytes < this.#budget) return;
    this.#hand(false);
    return new Promise<void>((resolve, reject) => {
      this.#resume = { resolve, reject };
    });
  }

  #hand(done: boolean, result?: VideoResult): void {
    const reply = this.#reply;
    this.#reply = undefined;
    const batch: FrameBatch = { frames: this.#frames, buffers: this.#buffers, done, ...(result ? { result } : {}) };
    this.#frames = [];
    this.#buffers = [];
    this.#bytes = 0;
    reply?.resolve(batch);
  }
}
