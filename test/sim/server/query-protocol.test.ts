/** Query protocol details the AwsApis operations do not exercise through the SDK. */
import { DescribeAutoScalingGroups$, DescribeScheduledActions$, PutScalingPolicy$ } from '@aws-sdk/client-auto-scaling';
import { describe, expect, it } from 'vitest';
import { decodeQueryInput, encodeQueryError } from '../../../sim/server/query-protocol.js';

describe('decodeQueryInput', () => {
  it('timestamps (ISO-8601) become Dates, numbers are typed, list order follows the index', () => {
    const params = new URLSearchParams(
      'Action=DescribeScheduledActions&Version=2011-01-01&AutoScalingGroupName=g&StartTime=2024-05-01T10%3A00%3A00Z&MaxRecords=10' +
        '&ScheduledActionNames.member.2=b&ScheduledActionNames.member.1=a&ScheduledActionNames.member.10=j',
    );
    expect(decodeQueryInput(DescribeScheduledActions$[4], params)).toEqual({
      AutoScalingGroupName: 'g',
      StartTime: new Date('2024-05-01T10:00:00Z'),
      MaxRecords: 10,
      ScheduledActionNames: ['a', 'b', 'j'],
    });
  });

  it('an empty list is `Name=`', () => {
    expect(decodeQueryInput(DescribeAutoScalingGroups$[4], new URLSearchParams('AutoScalingGroupNames='))).toEqual({ AutoScalingGroupNames: [] });
  });

  it('nested structures, lists of structures, doubles and booleans', () => {
    const params = new URLSearchParams(
      'AutoScalingGroupName=g&PolicyName=p&PolicyType=TargetTrackingScaling&TargetTrackingConfiguration.TargetValue=55.5' +
        '&TargetTrackingConfiguration.DisableScaleIn=true&TargetTrackingConfiguration.PredefinedMetricSpecification.PredefinedMetricType=ASGAverageCPUUtilization' +
        '&StepAdjustments.member.1.ScalingAdjustment=2&StepAdjustments.member.1.MetricIntervalLowerBound=0&Enabled=false',
    );
    expect(decodeQueryInput(PutScalingPolicy$[4], params)).toEqual({
      AutoScalingGroupName: 'g',
      PolicyName: 'p',
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingConfiguration: { TargetValue: 55.5, DisableScaleIn: true, PredefinedMetricSpecification: { PredefinedMetricType: 'ASGAverageCPUUtilization' } },
      StepAdjustments: [{ ScalingAdjustment: 2, MetricIntervalLowerBound: 0 }],
      Enabled: false,
    });
  });
});

describe('encodeQueryError', () => {
  it('puts the error shape\'s other members inside <Error>, lists with <member>', () => {
    expect(encodeQueryError('SomeFault', 'a < b', 'Sender', 'urn:x', 'req-1', { Ids: ['i-1', 'i-2'], When: new Date('2024-05-01T10:00:00Z') })).toBe(
      '<ErrorResponse xmlns="urn:x"><Error><Type>Sender</Type><Code>SomeFault</Code><Message>a &lt; b</Message>' +
        '<Ids><member>i-1</member><member>i-2</member></Ids><When>2024-05-01T10:00:00.000Z</When></Error><RequestId>req-1</RequestId></ErrorResponse>',
    );
  });
});
