/**
 * @module The gate between the inference worker's model load and the HTTP thread's stop of that worker. A worker
 * terminated while onnxruntime-node is inside a call (a session being created, the load's probe run finishing on
 * ONNX Runtime's threads) can abort the whole process: the binding's next N-API call fails on the terminating thread
 * and throws a C++ exception nothing catches (`terminate called after throwing an instance of 'Napi::Error'`,
 * SIGABRT, status 134: 3 of 25 SIGTERMs during a tiny upscaler's load). So the worker holds the gate for its whole
 * load, and a stop closes it first — at once when it is free, else as soon as the load ends — and terminates the
 * worker only once it is closed. A closed gate cannot be held again: a load that had not begun is not begun. The
 * worker also holds it from its start until its imports are done (see {@link createLoadGate}).
 */

/** The gate's states, in its one Int32: free, held by the load, closed by a stop. */
const FREE = 0;
const HELD = 1;
const CLOSED = 2;

/**
 * A new gate, free or `held` (for a worker that lets it go once it has started: onnxruntime-node's binding, loaded
 * by its imports, aborts the process too when the thread is terminated while it registers).
 * @example const gate = createLoadGate({ held: true }); new Worker(script, { workerData: { gate } })
 */
export function createLoadGate(options: { held?: boolean } = {}): Int32Array {
  const gate = new Int32Array(new SharedArrayBuffer(4));
  if (options.held) gate[0] = HELD;
  return gate;
}

/**
 * Holds the gate for a load (in the worker); false when a stop has closed it.
 * @example if (!holdLoadGate(gate)) return send({ type: "load-failed", message: "stopping" });
 */
export function holdLoadGate(gate: Int32Array): boolean {
  return Atomics.compareExchange(gate, 0, FREE, HELD) === FREE;
}

/** Lets the gate go once the load has returned to JavaScript, loaded or failed (in the worker). */
export function releaseLoadGate(gate: Int32Array): void {
  Atomics.compareExchange(gate, 0, HELD, FREE);
}

/**
 * Closes the gate (on the HTTP thread), waiting up to `waitMs` for a load that holds it to end; true once closed,
 * false when the load still held it then (a large model, or a read blocked on a hung mount).
 * @example if (await closeLoadGate(gate, 2000)) await worker.terminate();
 */
export async function closeLoadGate(gate: Int32Array, waitMs: number): Promise<boolean> {
  const until = Date.now() + waitMs;
  for (;;) {
    if (Atomics.compareExchange(gate, 0, FREE, CLOSED) !== HELD) return true;
    if (Date.now() >= until) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
