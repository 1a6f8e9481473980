import { describe, expect, it } from 'vitest';
import { installVirtualDate } from '../../../sim/runtime/virtual-date.js';

describe('virtual Date during an invocation', () => {
  it('makes Date.now() and new Date() read the virtual clock, keeps parsing and instanceof, and restores', () => {
    const virtual = Date.UTC(2026, 0, 1, 8, 0, 0);
    const { restore } = installVirtualDate(() => virtual);
    try {
      expect(Date.now() - virtual).toBeLessThan(1000);
      expect(Date.now()).toBeGreaterThanOrEqual(virtual);
      expect(new Date().toISOString().slice(0, 16)).toBe('2026-01-01T08:00');
      expect(new Date('2020-05-01T00:00:00Z').getTime()).toBe(Date.UTC(2020, 4, 1));
      expect(new Date(0)).toBeInstanceOf(Date);
    } finally {
      restore();
    }
    // Restored: real time again (this machine's clock is not 2026-01-01T08:00).
    expect(Math.abs(Date.now() - performance.timeOrigin - performance.now())).toBeLessThan(1000);
  });
});

