import type { ResolvedScheduleOptions } from '../../config/resolved-options.interface.js';
import { KobError } from '../../errors/kob.error.js';
import {
  BULLMQ_DRIVER_DEFAULTS,
  jitterOf,
  resolveBullmqDriverOptions,
  scheduleFingerprint,
  tickJobId,
  tickMillisOf,
} from './bullmq-driver.options.js';

const schedule = (driver: ResolvedScheduleOptions['driver']): ResolvedScheduleOptions => ({
  enabled: true,
  cron: '0 6 * * *',
  timezone: 'Europe/Oslo',
  jitterMs: 60_000,
  concurrency: 10,
  shutdownTimeoutMs: 30_000,
  driver,
});

describe('BullMQ driver options', () => {
  it('applies the driver defaults and keeps what was given', () => {
    const connection = { host: 'redis', port: 6380 };
    expect(resolveBullmqDriverOptions(schedule({ bullmq: { connection } }))).toEqual({
      connection,
      prefix: 'bull',
      queueName: 'kob-reconciliation',
      attempts: 3,
      backoffMs: 30_000,
      keepFailed: 1_000,
      keepCompleted: BULLMQ_DRIVER_DEFAULTS.keepCompleted,
      keepCompletedSeconds: 86_400,
    });
    expect(
      resolveBullmqDriverOptions(
        schedule({
          bullmq: { connection, prefix: 'p', queueName: 'q', attempts: 1, backoffMs: 0, keepFailed: 0 },
        }),
      ),
    ).toMatchObject({ prefix: 'p', queueName: 'q', attempts: 1, backoffMs: 0, keepFailed: 0 });
  });

  it('refuses a schedule whose driver is not BullMQ', () => {
    expect(() => resolveBullmqDriverOptions(schedule('local'))).toThrow(KobError);
    expect(() => resolveBullmqDriverOptions(schedule({ bullmq: { connection: null as never } }))).toThrow(
      /schedule\.driver\.bullmq\.connection/,
    );
  });

  it("names a tick's job as BullMQ does, and reads the tick back", () => {
    expect(tickJobId('kunde:1', 1_795_749_004_000)).toBe('repeat:kob:kunde:1:1795749004000');
    expect(tickMillisOf(tickJobId('kunde:1', 1_795_749_004_000))).toBe(1_795_749_004_000);
    expect(tickMillisOf('42')).toBeUndefined();
    expect(tickMillisOf('repeat:kob:x:soon')).toBeUndefined();
    expect(tickMillisOf(undefined)).toBeUndefined();
  });

  it('draws the same jitter for the same tick, within [0, jitterMs), spread across ticks', () => {
    const ids = Array.from({ length: 1000 }, (_, i) => tickJobId(`c${i}`, 1_795_749_004_000));
    const draws = ids.map((id) => jitterOf(id, 60_000));
    expect(ids.map((id) => jitterOf(id, 60_000))).toEqual(draws);
    expect(draws.every((ms) => Number.isInteger(ms) && ms >= 0 && ms < 60_000)).toBe(true);
    // Ten buckets of 6 s each all get a fair share of a thousand customers.
    const buckets = Array.from(
      { length: 10 },
      (_, b) => draws.filter((ms) => Math.floor(ms / 6000) === b).length,
    );
    expect(Math.min(...buckets)).toBeGreaterThan(50);
    expect(jitterOf(ids[0]!, 0)).toBe(0);
  });

  it('fingerprints a schedule by everything its jobs are made from', () => {
    const options = {
      attempts: 3,
      backoffMs: 1000,
      keepFailed: 10,
      keepCompleted: 10,
      keepCompletedSeconds: 60,
    };
    const base = scheduleFingerprint('0 6 * * *', 'Europe/Oslo', options);
    expect(scheduleFingerprint('0 6 * * *', 'Europe/Oslo', { ...options })).toBe(base);
    expect(
      new Set([
        base,
        scheduleFingerprint('0 7 * * *', 'Europe/Oslo', options),
        scheduleFingerprint('0 6 * * *', 'UTC', options),
        scheduleFingerprint('0 6 * * *', 'Europe/Oslo', { ...options, attempts: 4 }),
        scheduleFingerprint('0 6 * * *', 'Europe/Oslo', { ...options, backoffMs: 2000 }),
        scheduleFingerprint('0 6 * * *', 'Europe/Oslo', { ...options, keepFailed: 11 }),
      ]).size,
    ).toBe(6);
  });
});
