import { describe, expect, it } from 'vitest';
import { eniLimit, parseCpu, parseMemory, remainingResources, taskRequirements } from '../../../lib/placement/engine/index.js';
import { instance, taskDefinition } from './helpers.js';

describe('taskRequirements', () => {
  it('uses the task-level cpu and memory when set', () => {
    expect(taskRequirements(taskDefinition({ cpu: '1024', memory: '2048' }))).toMatchObject({ cpu: 1024, memory: 2048 });
    expect(taskRequirements(taskDefinition({ cpu: '0.5 vCPU', memory: '3 GB' }))).toMatchObject({ cpu: 512, memory: 3072 });
  });

  it('otherwise sums the containers: cpu, and memoryReservation when set, else memory (ECS)', () => {
    const td = taskDefinition({
      containerDefinitions: [
        { name: 'a', cpu: 256, memory: 512 },
        { name: 'b', cpu: 128, memory: 1024, memoryReservation: 300 },
        { name: 'c', memoryReservation: 64 },
      ],
    });
    expect(taskRequirements(td)).toMatchObject({ cpu: 384, memory: 512 + 300 + 64 });
  });

  it('reads unreadable task-level values as absent', () => {
    expect(taskRequirements(taskDefinition({ cpu: 'lots', memory: '' }))).toMatchObject({ cpu: 256, memory: 512 });
  });

  it('sums GPUs from resourceRequirements', () => {
    const td = taskDefinition({
      containerDefinitions: [
        { name: 'a', resourceRequirements: [{ type: 'GPU', value: '2' }] },
        { name: 'b', resourceRequirements: [{ type: 'GPU', value: '1' }, { type: 'InferenceAccelerator', value: 'x' }] },
      ],
    });
    expect(taskRequirements(td).gpu).toBe(3);
  });

  it('takes host ports: bridge fixed hostPort only, dynamic 0/absent takes none', () => {
    const td = taskDefinition({
      networkMode: 'bridge',
      containerDefinitions: [
        {
          name: 'a',
          portMappings: [
            { containerPort: 80, hostPort: 8080 },
            { containerPort: 81, hostPort: 0 },
            { containerPort: 82 },
            { containerPort: 53, hostPort: 5353, protocol: 'udp' },
          ],
        },
      ],
    });
    expect(taskRequirements(td)).toMatchObject({ tcpPorts: [8080], udpPorts: [5353], eni: 0 });
  });

  it('bridge is the default network mode', () => {
    const td = taskDefinition({ networkMode: undefined }, { portMappings: [{ containerPort: 80, hostPort: 80 }, { containerPort: 81 }] });
    expect(taskRequirements(td).tcpPorts).toEqual([80]);
  });

  it('takes containerPort (and port ranges) in host mode', () => {
    const td = taskDefinition({ networkMode: 'host' }, { portMappings: [{ containerPort: 80 }, { containerPort: 90, hostPort: 90 }, { containerPortRange: '7000-7002' }] });
    expect(taskRequirements(td).tcpPorts).toEqual([80, 90, 7000, 7001, 7002]);
  });

  it('awsvpc tasks take an ENI and no host ports', () => {
    const td = taskDefinition({ networkMode: 'awsvpc' }, { portMappings: [{ containerPort: 80, hostPort: 80 }] });
    expect(taskRequirements(td)).toMatchObject({ tcpPorts: [], udpPorts: [], eni: 1 });
  });
});

describe('parseCpu / parseMemory', () => {
  it('reads numbers and units', () => {
    expect(parseCpu('256')).toBe(256);
    expect(parseCpu('2 vcpu')).toBe(2048);
    expect(parseCpu('x')).toBeNaN();
    expect(parseMemory('512')).toBe(512);
    expect(parseMemory('1GB')).toBe(1024);
    expect(parseMemory('1 TB')).toBeNaN();
  });
});

describe('remainingResources', () => {
  it('reads CPU, MEMORY, GPU ids and ports', () => {
    const left = remainingResources(instance({ id: 'i-1', cpu: 1000, memory: 2000, gpus: ['g0', 'g1'], ports: [22, 80], udpPorts: [53] }));
    expect(left).toEqual({ cpu: 1000, memory: 2000, gpu: 2, tcpPorts: new Set([22, 80]), udpPorts: new Set([53]) });
  });

  it('counts an absent resource as none', () => {
    expect(remainingResources({})).toEqual({ cpu: 0, memory: 0, gpu: 0, tcpPorts: new Set(), udpPorts: new Set() });
  });

  it('reads a GPU integerValue', () => {
    expect(remainingResources({ remainingResources: [{ name: 'GPU', integerValue: 4 }] }).gpu).toBe(4);
  });
});

describe('eniLimit', () => {
  it('knows task ENIs per type without trunking', () => {
    expect(eniLimit(instance({ id: 'a', type: 't3.micro' }))).toBe(1);
    expect(eniLimit(instance({ id: 'a', type: 'c5.large' }))).toBe(2);
    expect(eniLimit(instance({ id: 'a', type: 'c5.2xlarge' }))).toBe(3);
    expect(eniLimit(instance({ id: 'a', type: 'c5.9xlarge' }))).toBe(7);
  });

  it('knows the trunked limits when the instance has ecs.awsvpc-trunk-id', () => {
    expect(eniLimit(instance({ id: 'a', type: 'c5.large', trunk: true }))).toBe(10);
    expect(eniLimit(instance({ id: 'a', type: 'c5.xlarge', trunk: true }))).toBe(20);
    expect(eniLimit(instance({ id: 'a', type: 'c5.4xlarge', trunk: true }))).toBe(60);
    expect(eniLimit(instance({ id: 'a', type: 'c5.9xlarge', trunk: true }))).toBe(80);
  });

  it('defaults to 1 for unknown types (even names of Object.prototype), and takes overrides', () => {
    expect(eniLimit(instance({ id: 'a', type: 'x9.mega' }))).toBe(1);
    expect(eniLimit(instance({ id: 'a', type: 'constructor' }))).toBe(1);
    expect(eniLimit(instance({ id: 'a', type: 'x9.mega', trunk: true }), { 'x9.mega': { standard: 4, trunked: 50 } })).toBe(50);
  });
});
