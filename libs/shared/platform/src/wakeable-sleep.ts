/**
 * A sleep that another part of the process can cut short: the loops that poll as a safety net
 * (outbox relay, deadline scheduler) and the consumers' back-off waits sleep with it and are woken
 * by a notification or at shutdown. `wake()` ends every sleep in progress.
 */
export class WakeableSleep {
  private readonly sleeping = new Set<() => void>();

  /** Resolves after `ms`, or at the next {@link wake}, whichever comes first. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.sleeping.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.sleeping.add(done);
    });
  }

  /** Ends the sleeps in progress, if any. */
  wake(): void {
    for (const done of [...this.sleeping]) done();
  }
}
