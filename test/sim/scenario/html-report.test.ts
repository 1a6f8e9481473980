/**
 * The HTML report in a real browser: a small scenario is run through `ecs-ops simulate --report html`, the page is
 * opened in headless Chromium (playwright-core, /usr/bin/chromium) and the timeline must render: one series per AZ,
 * a marker per action and per notification, drains as spans, the notifications and expectations listed, no console
 * error; per service, desired vs running with the shortfall shaded, and the lane of what ecs-ops did, each item linked
 * to its timeline entry and back (hover and click highlight). Screenshots are written to temporary files.
 *
 * Chromium is a requirement of this test, not an option: without /usr/bin/chromium it fails (CI installs it, see
 * .ci/run).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Locator } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import type { SimulationReport } from '../../../sim/scenario/report.js';
import { PACKAGING_TIMEOUT_MS, removeTempDirs, runCli, scenarioText, SMALL_EXPECT, SMALL_TIMELINE, tempDir, writeScenario } from './support.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let browser: Browser | undefined;

/** A computed style in the page (the test's TypeScript has no DOM library, the browser has). */
function computedStyle(element: Locator, property: 'backgroundColor' | 'strokeWidth'): Promise<string | undefined> {
  return element.evaluate((e, name) => (globalThis as unknown as { getComputedStyle(e: unknown): Partial<Record<string, string>> }).getComputedStyle(e)[name], property);
}

afterAll(async () => {
  await browser?.close();
  removeTempDirs();
});

describe('the HTML report in Chromium', () => {
  it(
    'renders the fleet per AZ, desired vs running per service, the lane of what ecs-ops did linked to the timeline, the lists, and no console error',
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

      // Self-contained: nothing fetched from anywhere (url(#id) names a pattern in the page itself), no script.
      const source = readFileSync(page, 'utf8');
      expect(source).not.toMatch(/<script|<link|src=|@import|url\((?!#)/i);
      expect(source).toContain('url(#hatch)');

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

      // Per service: desired as a line, running as an area, the shortfall shaded where running < desired.
      const serviceChart = tab.getByTestId('service-chart');
      await expect.poll(() => serviceChart.isVisible()).toBe(true);
      expect((await serviceChart.boundingBox())?.width).toBeGreaterThan(800);
      expect(report.samples.length).toBeGreaterThan(10);
      const serviceSeries = tab.getByTestId('service-series');
      expect(await serviceSeries.count()).toBe(report.fleet.services.length);
      for (let i = 0; i < report.fleet.services.length; i++) {
        const service = report.fleet.services[i] ?? '';
        const shortfalls = report.samples.map((s) => {
          const counts = s.services[service];
          expect(counts, `${s.at}: ${service} sampled`).toBeDefined();
          return counts ? Math.max(0, counts.desired - counts.running) : 0;
        });
        const series = serviceSeries.nth(i);
        expect(await series.getAttribute('data-service')).toBe(service);
        expect(await series.getByTestId('desired-line').count()).toBe(1);
        expect(await series.getByTestId('running-area').count()).toBe(1);
        expect(await series.getAttribute('data-max-shortfall')).toBe(String(Math.max(...shortfalls)));
        expect(await series.getByTestId('shortfall').count()).toBe(shortfalls.filter((n) => n > 0).length);
      }
      // desired 6 → 20 at 2m does not fit: web runs short of desired, placement failing, and the chart shows it.
      const web = tab.locator('[data-testid=service-series][data-service="prod/web"]');
      expect(Number(await web.getAttribute('data-max-shortfall'))).toBeGreaterThan(0);
      expect(report.samples.some((s) => s.services['prod/web']?.placementBlocked === true)).toBe(true);
      expect(await web.getByTestId('shortfall').first().locator('title').textContent()).toMatch(/^\d\d:\d\d prod\/web: \d+ running of 20 desired/);

      // The lane: what ecs-ops did, each item labelled (title) and linked to its timeline entry.
      const lane = tab.getByTestId('lane-item');
      const drainsStarted = new Set(report.drains.filter((d) => d.registered && d.drainingAt !== undefined).map((d) => `${d.instance} ${d.drainingAt}`));
      const completedByEcsOps = report.lifecycleActions.filter((a) => a.transition === 'terminating' && a.completedBy === 'api');
      expect(drainsStarted.size).toBeGreaterThan(0);
      expect(await tab.locator('[data-testid=lane-item][data-kind=drain-started]').count()).toBe(drainsStarted.size);
      expect(await tab.locator('[data-testid=lane-item]:is([data-kind=drain-completed],[data-kind=drain-forced])').count()).toBe(completedByEcsOps.length);
      expect(await tab.locator('[data-testid=lane-item][data-kind=notice]').count()).toBe(report.notifications.length);
      expect(await tab.locator('[data-testid=lane-item][data-kind=task-stopped]').count()).toBe(report.placement?.stops.length ?? 0);
      expect(await tab.locator('[data-testid=lane-item][data-kind=run]').count()).toBe(report.scheduledTasks?.length ?? 0);
      const laneCount = await lane.count();
      for (let i = 0; i < laneCount; i++) {
        const item = lane.nth(i);
        expect(await item.locator('title').textContent()).toMatch(/^\d\d:\d\d:\d\d /);
        const href = await item.getAttribute('href');
        expect(href, `lane item ${i} links to the timeline`).toMatch(/^#tl-\d+$/);
        expect(await tab.locator(`tr${href ?? ''}[data-testid=timeline-entry]`).count()).toBe(1);
      }

      // Clicking the placement-failure notice in the lane goes to (and highlights) the timeline entry that posted it.
      const notice = tab.locator('[data-testid=lane-item][data-kind=notice]').filter({ has: tab.locator('title', { hasText: 'tasks cannot be placed' }) }).first();
      const entryId = ((await notice.getAttribute('href')) ?? '').slice(1);
      const entry = tab.locator(`#${entryId}`);
      expect(await entry.textContent()).toContain('web: tasks cannot be placed (RESOURCE:MEMORY)');
      const highlight = 'rgb(255, 243, 176)';
      expect(await computedStyle(entry, 'backgroundColor')).not.toBe(highlight);
      await notice.hover();
      expect(await computedStyle(entry, 'backgroundColor')).toBe(highlight);
      await notice.click();
      expect(new URL(tab.url()).hash).toBe(`#${entryId}`);
      await tab.mouse.move(0, 0);
      expect(await computedStyle(entry, 'backgroundColor')).toBe(highlight);
      // And back: the entry's ◆ targets the first lane item linked to it.
      const back = entry.getByTestId('lane-link');
      const laneId = ((await back.getAttribute('href')) ?? '').slice(1);
      expect(await tab.locator(`#${laneId}`).getAttribute('href')).toBe(`#${entryId}`);
      await back.click();
      expect(new URL(tab.url()).hash).toBe(`#${laneId}`);
      expect(await computedStyle(tab.locator(`#${laneId} circle`), 'strokeWidth')).toBe('3px');
      // Every ◆ goes back to a lane item that links to that entry.
      const backLinks = tab.getByTestId('lane-link');
      expect(await backLinks.count()).toBeGreaterThan(0);
      for (let i = 0; i < (await backLinks.count()); i++) {
        const link = backLinks.nth(i);
        const row = link.locator('xpath=ancestor::tr');
        expect(await tab.locator((await link.getAttribute('href')) ?? '').getAttribute('href')).toBe(`#${(await row.getAttribute('id')) ?? ''}`);
      }
      await serviceChart.screenshot({ path: join(tempDir('ecs-ops-html-report-'), 'services.png') });

      const shot = join(tempDir('ecs-ops-html-report-'), 'report.png');
      await tab.screenshot({ path: shot, fullPage: true });
      expect(statSync(shot).size).toBeGreaterThan(10_000);
      expect(problems).toEqual([]);
    },
    PACKAGING_TIMEOUT_MS,
  );
});
