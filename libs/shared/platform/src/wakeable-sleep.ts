/**
 * A sleep that another part of the process can cut short: the loops that poll as a safety net
 * (outbox relay, deadline scheduler) sleep with it and are woken by a notification or at shutdown.
 */
export class WakeableSleep {
  private wakeCurrent?: () => void;

  /** Resolves after `ms`, or at the next {@link wake}, whichever comes first. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wakeCurrent = done;
    });
  }

  /** Ends the sleep in progress, if any. */
  wake(): void {
    this.wakeCurrent?.();
  }
}
