/**
 * Starting slow, independent pieces of a test file at once, a few at a time, so that one child
 * process's start-up or a browser's render overlaps another's, while each `it` still asserts on its
 * own result: the test awaits its key's promise, and fails with whatever that piece threw.
 */

/**
 * Runs `task` for every key, at most `concurrency` at a time, in the order of `keys`; returns each
 * key's result as a promise. Every promise is observed here, so one that rejects before its test
 * awaits it is no unhandled rejection (the test awaiting it still sees the rejection).
 * @example const runs = startAll(SCENARIO_NAMES, 2, (name) => scenarioCli([name, "--json"])); it("…", async () => check(await runs.get(name)));
 */
export function startAll<K, T>(keys: readonly K[], concurrency: number, task: (key: K) => Promise<T>): ReadonlyMap<K, Promise<T>> {
  const queue = keys.map((key) => {
    let start: () => void = () => undefined;
    const started = new Promise<void>((resolve) => (start = resolve));
    const result = started.then(() => task(key));
    result.catch(() => undefined);
    return { key, start, result };
  });
  let next = 0;
  const startNext = (): void => {
    const entry = queue[next++];
    if (entry === undefined) return;
    entry.start();
    void entry.result.then(startNext, startNext);
  };
  for (let i = 0; i < Math.max(1, concurrency); i++) startNext();
  return new Map(queue.map(({ key, result }) => [key, result]));
}

/** The result of `key` of `runs`; throws if `startAll` was given no such key. */
export function resultOf<K, T>(runs: ReadonlyMap<K, Promise<T>> | undefined, key: K): Promise<T> {
  const result = runs?.get(key);
  if (result === undefined) throw new Error(`nothing was started for ${String(key)}`);
  return result;
}

/** Waits until every run has ended, fulfilled or rejected (for an `after` hook: nothing left running). */
export async function allSettled<K, T>(runs: ReadonlyMap<K, Promise<T>> | undefined): Promise<void> {
  if (runs !== undefined) await Promise.allSettled(runs.values());
}
