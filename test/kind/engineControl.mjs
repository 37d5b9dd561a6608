// Stops and starts the test environment's own dockerd (never another engine) for the test of a
// stopped engine, holding the test environment's lock so no image build runs meanwhile.
import { withKindLock } from '../../testenv/kind/env.mjs';
import { engineStatus, startEngine, stopEngine } from '../../testenv/kind/engine.mjs';

/** Runs `fn` while our engine is stopped, then starts it again (also when `fn` throws). */
export async function withEngineStopped(fn) {
  return withKindLock(async () => {
    await stopEngine();
    try {
      if ((await engineStatus()).running) throw new Error('the test engine did not stop');
      return await fn();
    } finally {
      await startEngine();
    }
  });
}
