/**
 * A running job's AbortSignal, made only when work reads it: most jobs end without anyone
 * listening, and an AbortController (an EventTarget) per job is a cost every job would pay.
 * Aborting before the signal is read makes it already aborted, with the same reason, when it is.
 */
export class JobSignal {
  #controller: AbortController | undefined;
  #aborted = false;
  #reason: unknown;

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  abort(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    this.#controller?.abort(reason);
  }
}
