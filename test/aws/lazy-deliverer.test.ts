import { describe, expect, it, vi } from 'vitest';
import { lazyDeliverer } from '../../lib/aws/function-base.js';
import type { Channel } from '../../lib/config/schema.js';
import type { Notification } from '../../lib/notify/types.js';

const channel = { name: 'ops', type: 'sns', topicArn: 'arn:aws:sns:us-east-1:123456789012:ops', severities: ['critical'] } as unknown as Channel;
const notification = { kind: 'test', severity: 'critical', title: 't' } as unknown as Notification;

describe('lazyDeliverer (delivery dependencies built on first use, issue #19)', () => {
  it('builds nothing until the first delivery, then builds once and reuses it', async () => {
    const deliver = vi.fn(() => Promise.resolve({ delivered: true }));
    const create = vi.fn(() => ({ deliver }));
    const deliverer = lazyDeliverer(create);
    expect(create).not.toHaveBeenCalled();
    await expect(deliverer.deliver(channel, notification, 1000)).resolves.toEqual({ delivered: true });
    await deliverer.deliver(channel, notification, 2000);
    expect(create).toHaveBeenCalledTimes(1);
    expect(deliver).toHaveBeenNthCalledWith(1, channel, notification, 1000);
    expect(deliver).toHaveBeenNthCalledWith(2, channel, notification, 2000);
  });

  it('rejects the delivery when building fails, and tries again on the next delivery', async () => {
    let attempts = 0;
    const deliverer = lazyDeliverer(() => {
      attempts++;
      if (attempts === 1) throw new Error('no region');
      return { deliver: () => Promise.resolve({ delivered: true }) };
    });
    await expect(deliverer.deliver(channel, notification, 1000)).rejects.toThrow('no region');
    await expect(deliverer.deliver(channel, notification, 1000)).resolves.toEqual({ delivered: true });
  });
});
