/**
 * The HTML report in a real browser: a small scenario is run through `ecs-ops simulate --report html`, the page is
 * opened in headless Chromium (playwright-core, /usr/bin/chromium) and the timeline must render: one series per AZ,
 * a marker per action and per notification, drains as spans, the notifications and expectations listed, no console
 * error. A screenshot is written to a temporary file.
 *
 * Chromium is a requirement of this test, not an option: without /usr/bin/chromium it fails (CI installs it, see
 * .ci/run).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import type { SimulationReport } from '../../../sim/scenario/report.js';
import { PACKAGING_TIMEOUT_MS, removeTempDirs, runCli, scenarioText, SMALL_EXPECT, SMALL_TIMELINE, tempDir, writeScenario } from './support.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let browser: Browser | undefined;

afterAll(async () => {
  await browser?.close();
  removeTempDirs();
});

describe('the HTML report in Chromium', () => {
  it(
    'renders the fleet timeline per AZ with action, notification and drain markers, the lists, and no console error',
    async () => {
      expect(
        existsSync(CHROMIUM),
        `Chromium is not installed at ${CHROMIUM}: install it (Debian: apt-get install chromium; .ci/run does) — this test needs a real browser and does not skip`,
      ).toBe(true);

      const file = writeScenario('small.yml', scenarioText({ name: 'html', timeline: SMALL_TIMELINE, until: '15m', expect: SMALL_EXPECT }));
      const out = tempDir();
      const html = await runCli(['simulate', file, '--report', 'html', '--out', out]);
      expect(html.code).toBe(0);
      const page = join(out, 'report.html');
      expect(html.stdout).toBe(`${page}\n`);
      const json = await runCli(['simulate', file, '--report', 'json']);
      const report = JSON.parse(json.stdout) as SimulationReport;

      // Self-contained: nothing fetched from anywhere.
      const source = readFileSync(page, 'utf8');
      expect(source).not.toMatch(/<script|<link|src=|@import|url\(/i);

      browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
      const tab = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
      const problems: string[] = [];
      tab.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text());
      });
      tab.on('pageerror', (error) => problems.push(error.message));
      tab.on('request', (request) => {
        if (!request.url().startsWith('file:')) problems.push(`request to ${request.url()}`);
      });
      await tab.goto(`file://${page}`);

      const chart = tab.getByTestId('fleet-chart');
      await expect.poll(() => chart.isVisible()).toBe(true);
      const box = await chart.boundingBox();
      expect(box?.width).toBeGreaterThan(800);
      expect(box?.height).toBeGreaterThan(400);

      const zones = report.fleet.availabilityZones;
      expect(zones).toEqual(['us-east-1a', 'us-east-1b', 'us-east-1c']);
      const series = tab.getByTestId('az-series');
      expect(await series.count()).toBe(zones.length);
      for (let i = 0; i < zones.length; i++) {
        expect(await series.nth(i).getAttribute('data-az')).toBe(zones[i]);
        expect(await series.nth(i).getByTestId('task-area').count()).toBeGreaterThan(0);
        expect(await series.nth(i).getByTestId('instance-line').count()).toBe(1);
      }
      const actions = report.timeline.filter((t) => t.kind === 'action');
      expect(actions.map((a) => a.text)).toEqual([
        'set prod/web desired count 6 → 20',
        expect.stringMatching(/^terminate i-0[0-9a-f]+ \(prod-ecs-ondemand, us-east-1[abc]\)$/) as unknown as string,
        expect.stringMatching(/^Spot interruption warning for i-0[0-9a-f]+ \(us-east-1[abc]\) of prod-ecs-spot: reclaimed in 2 minutes$/) as unknown as string,
      ]);
      expect(await tab.getByTestId('action-marker').count()).toBe(actions.length);
      expect(await tab.getByTestId('action-marker').first().locator('title').textContent()).toBe('08:02:00 set prod/web desired count 6 → 20');
      expect(report.notifications.slice(0, 2).map((n) => `${n.channel} ${n.via}`)).toEqual(['ops slack', 'pager sns']);
      expect(await tab.getByTestId('notification-marker').count()).toBe(report.notifications.length);
      expect(await tab.getByTestId('drain-span').count()).toBe(report.lifecycleActions.length);
      expect(report.lifecycleActions.length).toBe(2);
      expect(await tab.getByTestId('killed-marker').count()).toBeGreaterThan(0);

      const listed = tab.getByTestId('notifications').getByTestId('notification');
      expect(await listed.count()).toBe(report.notifications.length);
      expect(await listed.first().locator('summary').textContent()).toBe('web: tasks cannot be placed (RESOURCE:MEMORY)');
      const expectations = tab.getByTestId('expectations').getByTestId('expectation');
      expect(await expectations.count()).toBe(report.expectations.length);
      expect(await tab.locator('[data-testid=expectation][data-passed=false]').count()).toBe(0);
      expect(await tab.getByTestId('summary').textContent()).toContain('PASSED');

      const shot = join(tempDir('ecs-ops-html-report-'), 'report.png');
      await tab.screenshot({ path: shot, fullPage: true });
      expect(statSync(shot).size).toBeGreaterThan(10_000);
      expect(problems).toEqual([]);
    },
    PACKAGING_TIMEOUT_MS,
  );
});
