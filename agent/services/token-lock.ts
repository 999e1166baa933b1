/**
 * One batch on the tokens at a time: tokens share one login state per process, and a second
 * login would log the first batch out.
 */
export class TokenLock {
  private tail: Promise<unknown> = Promise.resolve();
  exclusive<T>(f: () => Promise<T>): Promise<T> {
    const run = this.tail.then(f, f);
    this.tail = run.catch(() => undefined);
    return run;
  }
}
