/**
 * @module Jobs waiting for orchestrator capacity. A job that finds every orchestrator it could use busy, full or held
 * back sleeps here instead of asking again and again; it is woken when capacity may have come free (a job of this
 * broadcaster ended, an `/info` poll answered, the orchestrators changed) or when its own timer runs out (a
 * hold-back ends, the retry budget is spent). Waiters are woken oldest first, so the job that has waited longest
 * looks first and takes a slot that came free.
 */

interface Waiter {
  ticket: number;
  wake: () => void;
}

/**
 * The queue of one broadcaster's waiting jobs.
 * @example
 * const ticket = queue.ticket();
 * await queue.wait(ticket, 1000, signal); // woken by queue.wake(), after 1 s, or rejected when signal aborts
 */
export class CapacityQueue {
  #next = 0;
  /** Sorted by ticket. */
  #waiters: Waiter[] = [];

  /** Jobs waiting now. */
  get size(): number {
    return this.#waiters.length;
  }

  /** A place in the queue: a job keeps the one it took when it first waited, so later jobs never go before it. */
  ticket(): number {
    return this.#next++;
  }

  /**
   * Waits until {@link CapacityQueue.wake} or `ms` passed; rejects with `signal`'s reason as soon as it aborts (the
   * client went away, the job was cancelled).
   */
  wait(ticket: number, ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const leave = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
        const i = this.#waiters.indexOf(waiter);
        if (i >= 0) this.#waiters.splice(i, 1);
      };
      const waiter: Waiter = {
        ticket,
        wake: () => {
          leave();
          resolve();
        },
      };
      const onAbort = () => {
        leave();
        reject(signal.reason);
      };
      const timer = setTimeout(waiter.wake, ms);
      signal.addEventListener("abort", onAbort, { once: true });
      let i = this.#waiters.length;
      while (i > 0 && this.#waiters[i - 1]!.ticket > ticket) i--;
      this.#waiters.splice(i, 0, waiter);
    });
  }

  /**
   * Wakes every waiting job, oldest first: each selects again in that order (promise continuations run in the order
   * they were resolved, after the code that called this), and the first to find a free slot takes it.
   */
  wake(): void {
    if (this.#waiters.length === 0) return;
    const all = this.#waiters;
    this.#waiters = [];
    for (const w of all) w.wake();
  }
}
