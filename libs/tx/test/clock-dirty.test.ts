import { HybridClock } from '../src/clock';
import { DirtyTracker } from '../src/dirty';

describe('HybridClock', () => {
  test('strictly increasing while the wall clock stands still or goes back', () => {
    let wall = 1_000;
    const clock = new HybridClock(() => wall);
    const seen: number[] = [];
    for (let i = 0; i < 1500; i++) seen.push(clock.now());
    wall = 900; // the wall clock steps back
    for (let i = 0; i < 10; i++) seen.push(clock.now());
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThan(seen[i - 1]);
    expect(seen[0]).toBe(1_000_000);
    // More than 1000 in one millisecond: the logical part spills over, the clock runs ahead.
    expect(seen[1499]).toBe(1_001_499);
  });

  test('follows the wall clock when it moves ahead', () => {
    let wall = 5;
    const clock = new HybridClock(() => wall);
    clock.now();
    wall = 7;
    expect(clock.now()).toBe(7000);
  });

  test('observe() puts the next timestamp above one seen in recovery', () => {
    const clock = new HybridClock(() => 1);
    clock.observe(9_999_999);
    expect(clock.now()).toBe(10_000_000);
    clock.observe(5); // older: no effect
    expect(clock.now()).toBe(10_000_001);
  });
});

describe('DirtyTracker', () => {
  const make = (threshold = 1000) => {
    let wall = 1;
    const clock = new HybridClock(() => wall);
    const t = new DirtyTracker(4, clock, threshold);
    return { t, clock, tick: () => wall++ };
  };

  test('one mark per key; first and last commitTs', () => {
    const { t } = make();
    t.modified(0, 'a');
    t.modified(0, 'a');
    t.modified(1, 'a');
    expect(t.size).toBe(2);
    const mark = t.mapOf(0).get('a');
    expect(mark).toEqual({ first: 1000, last: 1001 });
  });

  test('stored() clears only the version that was written', () => {
    const { t } = make();
    t.modified(0, 'k');
    const map = t.mapOf(0);
    const written = (map.get('k') as { last: number }).last;
    t.modified(0, 'k'); // a write while the checkpoint is in flight
    t.stored(map, 'k', written);
    expect(map.get('k')).toEqual({ first: written + 1, last: written + 1 });
    t.stored(map, 'k', written + 1);
    expect(map.has('k')).toBe(false);
    expect(t.size).toBe(0);
  });

  test('flush drops the marks of that db and queues clearTable; swap moves marks with the data', () => {
    const { t } = make();
    t.modified(0, 'a');
    t.modified(1, 'b');
    t.modified(2, 'c');
    const g = t.generation;
    t.flushed(2);
    t.swapped(0, 1);
    expect(t.generation).toBe(g + 2);
    expect([...t.mapOf(0).keys()]).toEqual(['b']);
    expect([...t.mapOf(1).keys()]).toEqual(['a']);
    expect(t.mapOf(2).size).toBe(0);
    expect(t.ops.map((o) => o.kind)).toEqual(['clear', 'swap']);
  });

  test('suspended while loading: nothing is recorded', () => {
    const { t } = make();
    t.suspended = true;
    t.modified(0, 'a');
    t.flushed(0);
    t.suspended = false;
    expect(t.size).toBe(0);
    expect(t.ops).toEqual([]);
  });

  test('the threshold fires once when that many new keys became dirty', () => {
    const { t } = make(3);
    let fired = 0;
    t.onThreshold = () => fired++;
    t.modified(0, 'a');
    t.modified(0, 'a');
    t.modified(0, 'b');
    expect(fired).toBe(0);
    t.modified(0, 'c');
    t.modified(0, 'd');
    expect(fired).toBe(1);
    t.resetCreated();
    for (const k of ['e', 'f', 'g']) t.modified(0, k);
    expect(fired).toBe(2);
  });
});
