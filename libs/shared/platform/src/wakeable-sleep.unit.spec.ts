import { WakeableSleep } from './wakeable-sleep';

describe('WakeableSleep', () => {
  it('ends a long sleep at wake() and otherwise after its time', async () => {
    const s = new WakeableSleep();
    const t0 = Date.now();
    const long = s.sleep(60_000);
    setTimeout(() => s.wake(), 10);
    await long;
    expect(Date.now() - t0).toBeLessThan(5_000);
    await s.sleep(1); // resolves on its own
    s.wake(); // nothing in progress: harmless
  });
});

describe('WakeableSleep with several sleepers', () => {
  it('wake() ends every sleep in progress', async () => {
    const s = new WakeableSleep();
    const t0 = Date.now();
    const all = Promise.all([s.sleep(60_000), s.sleep(60_000), s.sleep(60_000)]);
    setTimeout(() => s.wake(), 10);
    await all;
    expect(Date.now() - t0).toBeLessThan(5_000);
  });
});
