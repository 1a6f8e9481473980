/**
 * CloudWatch, as much as `ecs-ops status` reads: metric data points and metric alarms, answered by GetMetricData
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html) and DescribeAlarms
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html). Data points and alarms
 * are put by world controls (`putDataPoint`, `putAlarm`: what Lambda, the functions' EMF logs and the stack's alarms
 * leave), not by PutMetricData / PutMetricAlarm. Metric math (`Expression`) is not modeled: refused as such.
 */
import type * as CW from '@aws-sdk/client-cloudwatch';
import type { Core } from './core.js';
import { AwsApiError } from './errors.js';

export interface DataPoint {
  namespace: string;
  metricName: string;
  dimensions: Readonly<Record<string, string>>;
  at: number;
  value: number;
}

export interface AlarmRecord {
  name: string;
  namespace: string;
  metricName: string;
  dimensions: Readonly<Record<string, string>>;
  state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
  reason: string;
  updatedAt: number;
}

/** CloudWatch's client errors as the JSON protocol names them (Query codes InvalidParameterValue / InvalidParameterCombination), HTTP 400. */
const invalidParameterValue = (message: string): AwsApiError => new AwsApiError('InvalidParameterValueException', message);
const invalidParameterCombination = (message: string): AwsApiError => new AwsApiError('InvalidParameterCombinationException', message);
const invalidNextToken = (): AwsApiError => new AwsApiError('InvalidNextToken', 'The service returned an invalid next token.');

/** A metric is its namespace, name and exact set of dimensions: another dimension set is another metric. */
const metricKey = (namespace: string, name: string, dimensions: Readonly<Record<string, string>>): string =>
  JSON.stringify([namespace, name, Object.entries(dimensions).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))]);

const STATISTICS = ['Sum', 'Average', 'Minimum', 'Maximum', 'SampleCount'] as const;

export class CloudWatchWorld {
  private readonly points = new Map<string, DataPoint[]>();
  private readonly alarms = new Map<string, AlarmRecord>();

  constructor(readonly core: Core) {}

  putDataPoint(point: DataPoint): void {
    const key = metricKey(point.namespace, point.metricName, point.dimensions);
    const list = this.points.get(key) ?? [];
    list.push(point);
    this.points.set(key, list);
  }

  putAlarm(alarm: Omit<AlarmRecord, 'updatedAt'> & { updatedAt?: number }): void {
    this.alarms.set(alarm.name, { ...alarm, updatedAt: alarm.updatedAt ?? this.core.now() });
  }

  GetMetricData(input: CW.GetMetricDataInput): Omit<CW.GetMetricDataOutput, '$metadata'> {
    const queries = input.MetricDataQueries ?? [];
    if (queries.length === 0 || queries.length > 500) throw invalidParameterValue('The collection MetricDataQueries must not be empty and must not have more than 500 elements.');
    if (input.StartTime === undefined || input.EndTime === undefined) throw invalidParameterValue('StartTime and EndTime are required.');
    const start = input.StartTime.getTime();
    const end = input.EndTime.getTime();
    if (start >= end) throw invalidParameterValue('The parameter StartTime must be less than the parameter EndTime.');
    // Start times within 15 days are rounded down to the whole minute (API reference, StartTime); periods start there.
    const from = Math.floor(start / 60_000) * 60_000;
    const ids = new Set<string>();
    const results = queries.map((q) => {
      // Id: starts with a lowercase letter, then letters, digits, underscores (API reference, MetricDataQuery.Id).
      if (q.Id === undefined || !/^[a-z][A-Za-z0-9_]*$/.test(q.Id)) throw invalidParameterValue(`The value ${q.Id ?? ''} for parameter MetricDataQueries.member.Id is invalid.`);
      if (ids.has(q.Id)) throw invalidParameterValue(`The values for parameter id in MetricDataQueries are not unique.`);
      ids.add(q.Id);
      if (q.Expression !== undefined) throw invalidParameterValue('The simulator does not model metric math (Expression).');
      const stat = q.MetricStat;
      const metric = stat?.Metric;
      if (stat === undefined || metric?.Namespace === undefined || metric.MetricName === undefined || stat.Period === undefined || stat.Stat === undefined) {
        throw invalidParameterValue(`The parameter MetricDataQueries.member.MetricStat is required for ${q.Id}.`);
      }
      // Periods: 1, 5, 10, 20, 30 (high resolution) or a multiple of 60 seconds (API reference, MetricStat.Period).
      if (![1, 5, 10, 20, 30].includes(stat.Period) && stat.Period % 60 !== 0) throw invalidParameterValue(`The parameter MetricDataQueries.member.MetricStat.Period must be 1, 5, 10, 20, 30, or a multiple of 60.`);
      if (!(STATISTICS as readonly string[]).includes(stat.Stat)) throw invalidParameterValue(`The simulator models the statistics ${STATISTICS.join(', ')}, not ${stat.Stat}.`);
      const dimensions = Object.fromEntries((metric.Dimensions ?? []).map((d) => [d.Name ?? '', d.Value ?? '']));
      const periodMs = stat.Period * 1000;
      const buckets = new Map<number, number[]>();
      for (const p of this.points.get(metricKey(metric.Namespace, metric.MetricName, dimensions)) ?? []) {
        if (p.at < from || p.at >= end) continue;
        const bucket = from + Math.floor((p.at - from) / periodMs) * periodMs;
        const values = buckets.get(bucket) ?? [];
        values.push(p.value);
        buckets.set(bucket, values);
      }
      // Periods without data are left out; newest first unless ScanBy TimestampAscending.
      const times = [...buckets.keys()].sort((a, b) => (input.ScanBy === 'TimestampAscending' ? a - b : b - a));
      return {
        Id: q.Id,
        Label: q.Label ?? metric.MetricName,
        Timestamps: times.map((t) => new Date(t)),
        Values: times.map((t) => aggregate(stat.Stat as (typeof STATISTICS)[number], buckets.get(t) ?? [])),
        StatusCode: 'Complete' as const,
      };
    });
    // Results hold at most MaxDatapoints (default 100,800) points; this model answers in one page.
    return { MetricDataResults: results, Messages: [] };
  }

  DescribeAlarms(input: CW.DescribeAlarmsInput): Omit<CW.DescribeAlarmsOutput, '$metadata'> {
    if ((input.AlarmNames?.length ?? 0) > 0 && input.AlarmNamePrefix !== undefined) throw invalidParameterCombination('AlarmNames and AlarmNamePrefix cannot be specified together.');
    const max = input.MaxRecords ?? 50;
    if (max < 1 || max > 100) throw invalidParameterValue('The parameter MaxRecords must be between 1 and 100.');
    // Only metric alarms unless AlarmTypes asks for composite ones (API reference, AlarmTypes); there are none here.
    const types = input.AlarmTypes ?? ['MetricAlarm'];
    const matching = types.includes('MetricAlarm')
      ? [...this.alarms.values()]
          .filter((a) => (input.AlarmNames === undefined || input.AlarmNames.length === 0 || input.AlarmNames.includes(a.name)) && (input.AlarmNamePrefix === undefined || a.name.startsWith(input.AlarmNamePrefix)) && (input.StateValue === undefined || a.state === input.StateValue))
          .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      : [];
    let offset = 0;
    if (input.NextToken !== undefined) {
      offset = Number.parseInt(input.NextToken, 10);
      if (!Number.isInteger(offset) || offset < 0 || offset > matching.length) throw invalidNextToken();
    }
    const page = matching.slice(offset, offset + max);
    return {
      MetricAlarms: page.map((a) => ({
        AlarmName: a.name,
        AlarmArn: this.core.arn('cloudwatch', `alarm:${a.name}`),
        StateValue: a.state,
        StateReason: a.reason,
        StateUpdatedTimestamp: new Date(a.updatedAt),
        Namespace: a.namespace,
        MetricName: a.metricName,
        Dimensions: Object.entries(a.dimensions).map(([Name, Value]) => ({ Name, Value })),
      })),
      CompositeAlarms: [],
      ...(offset + max < matching.length ? { NextToken: String(offset + max) } : {}),
    };
  }
}

function aggregate(stat: (typeof STATISTICS)[number], values: readonly number[]): number {
  switch (stat) {
    case 'Sum':
      return values.reduce((a, b) => a + b, 0);
    case 'Average':
      return values.reduce((a, b) => a + b, 0) / values.length;
    case 'Minimum':
      return Math.min(...values);
    case 'Maximum':
      return Math.max(...values);
    case 'SampleCount':
      return values.length;
  }
}
