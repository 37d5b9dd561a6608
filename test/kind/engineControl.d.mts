/** Runs `fn` while the test environment's own dockerd is stopped, then starts it again. */
export function withEngineStopped<T>(fn: () => Promise<T>): Promise<T>;
