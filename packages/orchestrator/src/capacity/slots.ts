/**
 * @module Capacity accounting: a fixed number of job slots. A job takes a slot synchronously or is refused —
 * nothing queues, so the orchestrator never holds more work than its runners were configured to take.
 */

/**
 * Job slots of one runner.
 * @example
 * const slots = new Slots(2);
 * if (!slots.tryTake()) throw new HttpError(503, "insufficient capacity");
 * try { await run() } finally { slots.give() }
 */
export class Slots {
  readonly capacity: number;
  #inUse = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  /** Jobs holding a slot now. */
  get inUse(): number {
    return this.#inUse;
  }

  /** Slots free now. */
  get free(): number {
    return this.capacity - this.#inUse;
  }

  /** Takes a slot if one is free; false when all are taken. */
  tryTake(): boolean {
    if (this.#inUse >= this.capacity) return false;
    this.#inUse++;
    return true;
  }

  /** Gives a slot back. */
  give(): void {
    if (this.#inUse <= 0) throw new Error("Slots.give() without a taken slot");
    this.#inUse--;
  }
}
