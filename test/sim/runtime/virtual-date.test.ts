import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { installVirtualDate, isDate, REQUEST_LATENCY_MS, TIME_SOURCE_KEY, type VirtualTime } from '../../../sim/runtime/virtual-date.js';
import { now as libNow, random as libRandom, sleep as libSleep, installedTimeSource } from '../../../lib/time.js';

const VIRTUAL = Date.UTC(2026, 0, 1, 8, 0, 0);
let installed: VirtualTime | undefined;

afterEach(() => {
  installed?.restore();
  installed = undefined;
});

describe('virtual Date during an invocation', () => {
  it('makes Date.now() and new Date() read the virtual clock exactly, keeps parsing and instanceof, and restores', () => {
    const before = new Date(0);
    const virtual = installVirtualDate(VIRTUAL);
    try {
      expect(Date.now()).toBe(VIRTUAL);
      expect(new Date().toISOString()).toBe('2026-01-01T08:00:00.000Z');
      expect(new Date('2020-05-01T00:00:00Z').getTime()).toBe(Date.UTC(2020, 4, 1));
      expect(new Date(0)).toBeInstanceOf(Date);
      // A date made before the invocation (by the world) is still a Date for code running inside it.
      expect(before instanceof Date).toBe(true);
      expect(isDate(before) && isDate(new Date())).toBe(true);
      expect((Date as unknown as () => string)()).toBe(new Date(VIRTUAL).toString());
      expect((globalThis as unknown as Record<symbol, unknown>)[TIME_SOURCE_KEY]).toBeDefined();
    } finally {
      virtual.restore();
    }
    // Restored: real time again (this machine's clock is not 2026-01-01T08:00), no time source.
    expect(Math.abs(Date.now() - performance.timeOrigin - performance.now())).toBeLessThan(1000);
    expect(installedTimeSource()).toBeUndefined();
  });

  it('sleep moves the virtual clock, not the real one; parallel waits end in virtual-time order', async () => {
    installed = installVirtualDate(VIRTUAL, { timeoutMs: 60_000 });
    const realStart = performance.now();
    const order: string[] = [];
    await Promise.all([
      libSleep(20_000).then(() => order.push(`a@${Date.now() - VIRTUAL}`)),
      libSleep(5_000).then(() => order.push(`b@${Date.now() - VIRTUAL}`)),
      libSleep(5_000).then(() => libSleep(1_000)).then(() => order.push(`c@${libNow() - VIRTUAL}`)),
    ]);
    expect(order).toEqual(['b@5000', 'c@6000', 'a@20000']);
    expect(installed.clock.remainingMs()).toBe(40_000);
    expect(performance.now() - realStart).toBeLessThan(1000);
    // Fractions of a millisecond round up: Date.now() stays an integer.
    await libSleep(0.3);
    expect(Date.now()).toBe(VIRTUAL + 20_001);
  });

  it('a wait past the timeout never ends: the invocation times out at the deadline', async () => {
    installed = installVirtualDate(VIRTUAL, { timeoutMs: 30_000 });
    let woke = false;
    void libSleep(31_000).then(() => {
      woke = true;
    });
    await expect(installed.clock.timedOut).rejects.toMatchObject({ name: 'Sandbox.Timedout' });
    expect(woke).toBe(false);
    expect(installed.clock.remainingMs()).toBe(0);
    expect(installed.clock.overdue).toBe(true);
  });

  it('each HTTP request of the handler takes a fixed virtual latency; concurrent ones overlap', async () => {
    const server = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const { request } = await import('node:http');
    const get = () =>
      new Promise<void>((resolve, reject) => {
        request(url, (res) => {
          res.resume();
          res.on('end', resolve);
        })
          .on('error', reject)
          .end();
      });
    try {
      installed = installVirtualDate(VIRTUAL);
      await get();
      await new Promise((resolve) => setImmediate(resolve));
      expect(Date.now()).toBe(VIRTUAL + REQUEST_LATENCY_MS);
      await Promise.all([get(), get(), get()]);
      await new Promise((resolve) => setImmediate(resolve));
      expect(Date.now()).toBe(VIRTUAL + 2 * REQUEST_LATENCY_MS);
      // fetch (undici) too.
      await (await fetch(url)).text();
      await new Promise((resolve) => setImmediate(resolve));
      expect(Date.now()).toBe(VIRTUAL + 3 * REQUEST_LATENCY_MS);
    } finally {
      server.close();
    }
  });

  it('random() is seeded: the same seed, the same jitter', () => {
    installed = installVirtualDate(VIRTUAL, { seed: 42 });
    const first = [libRandom(), libRandom(), libRandom()];
    installed.restore();
    installed = installVirtualDate(VIRTUAL, { seed: 42 });
    expect([libRandom(), libRandom(), libRandom()]).toEqual(first);
    expect(first.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});
