/**
 * The dashboard in a real browser — Debian's headless Chromium driven by playwright-core — after a
 * demo day, served by `estp serve` as a user runs it (signed in with the `--login` URL it prints):
 * the page shows the clearing prices and settlement rows the ledger has, the language switch turns
 * every UI text Chinese, CNY is shown converted, a new ledger event appears without a reload, and a
 * phone-width screen needs no sideways scrolling. Screenshots and load times go to
 * test/artifacts/web/ (git-ignored).
 */
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import type { ClearingResult } from '../../chaincode/src/records';
import { MESSAGES } from '../../application/dashboard/src/i18n';
import { money } from '../../application/dashboard/src/format';
import { type DayResult, runDay } from '../../application/src/demo/day';
import { Printer } from '../../application/src/demo/print';
import { Session } from '../../application/src/demo/session';
import { displaySettings } from '../../application/src/web/display';
import { ESTP_MAIN } from './support/cli';
import { allPages, Clients, newRunTag, TREASURER } from './support/estp';
import { CHROMIUM, CHROMIUM_FLAGS, webPort } from './support/web';

const ARTIFACTS = path.resolve(__dirname, '..', 'artifacts', 'web');
const RUN = newRunTag();
const EUR = { currency: 'EUR', locale: 'en-GB', display: displaySettings() } as const;

const clients = new Clients();
const dir = mkdtempSync(path.join(tmpdir(), 'estp-web-ui-'));
let day: DayResult;
let service: ChildProcessByStdio<null, Readable, Readable>;
let loginUrl = '';
let base = '';
let browser: BrowserContext;
let page: Page;
const pageErrors: string[] = [];
const timings: Record<string, number> = {};

/** Starts `estp serve` and resolves with the login URL it prints. */
function serve(): Promise<string> {
  service = spawn(
    process.execPath,
    [
      ESTP_MAIN,
      'serve',
      '--org',
      'community',
      '--port',
      String(webPort(2)),
      '--keys-file',
      path.join(dir, 'keys.json'),
      '--login',
      'member1',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`estp serve printed no login URL in 30 s:\n${output}`));
    }, 30_000);
    const read = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /dashboard {2}(http:\/\/\S+#key=\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    service.stdout.on('data', read);
    service.stderr.on('data', read);
    service.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`estp serve exited (${code ?? 'signal'}):\n${output}`));
    });
  });
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const session = new Session({ out: new Printer(() => undefined) });
  try {
    day = await runDay(session);
  } finally {
    await session.close();
  }
  loginUrl = await serve();
  base = loginUrl.slice(0, loginUrl.indexOf('#'));
  browser = await chromium.launchPersistentContext(path.join(dir, 'chromium'), {
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_FLAGS],
    viewport: { width: 1280, height: 900 },
  });
  page = browser.pages()[0] ?? (await browser.newPage());
  page.on('pageerror', (error) => pageErrors.push(error.message));
}, 300_000);

afterAll(async () => {
  await browser.close();
  if (service.exitCode === null) {
    const exited = new Promise((resolve) => service.once('exit', resolve));
    service.kill('SIGTERM');
    await exited;
  }
  clients.closeAll();
  writeFileSync(path.join(ARTIFACTS, 'timings.json'), `${JSON.stringify(timings, null, 2)}\n`);
  rmSync(dir, { recursive: true, force: true });
});

const shot = (name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });

/**
 * The page's UI text: everything but ledger data (IDs, names, claims), which is never translated,
 * and the bilingual <noscript> line. Taken from a detached copy, so hidden text counts too.
 */
function uiText(): Promise<string> {
  return page.evaluate(() => {
    const clone = document.body.cloneNode(true) as HTMLElement;
    clone.querySelectorAll('[data-ledger], noscript').forEach((element) => {
      element.remove();
    });
    return clone.textContent;
  });
}

/** Waits until the markets table shows a market's clearing price (each is loaded after the list). */
function clearingPriceShown(marketId: string): Promise<void> {
  return page
    .locator(`tr[data-id="${marketId}"] td[data-clearing-price]:not([data-clearing-price=""])`)
    .waitFor();
}

async function clearingOf(marketId: string): Promise<ClearingResult> {
  const auditor = await clients.of({ org: 'utility', user: 'auditor' });
  const { clearing } = await auditor.evaluate('Market', 'GetMarket', { marketId });
  if (!clearing) throw new Error(`market ${marketId} has no clearing result`);
  return clearing;
}

test('first load signs in with the printed URL and lists the day’s markets at the ledger’s clearing prices', async () => {
  const started = Date.now();
  await page.goto(loginUrl);
  const [first] = day.markets;
  await clearingPriceShown(first?.id ?? '');
  timings['firstLoadToMarketsMs'] = Date.now() - started;
  const navigation = await page.evaluate(() => {
    const entry = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    return { domContentLoadedMs: entry.domContentLoadedEventEnd, loadMs: entry.loadEventEnd };
  });
  Object.assign(timings, navigation);

  for (const market of day.markets) {
    const clearing = await clearingOf(market.id);
    const cell = page.locator(`tr[data-id="${market.id}"] td[data-clearing-price]`);
    await expect(cell.getAttribute('data-clearing-price')).resolves.toBe(String(clearing.price));
    await expect(cell.textContent()).resolves.toBe(`${money(clearing.price, EUR)}/kWh`);
  }
  expect(await page.evaluate(() => location.hash)).toBe('#/markets');
  await shot('markets-en');
});

test('a market shows its clearing result and curves, and the same settlement rows as the ledger', async () => {
  const market = day.markets.find((candidate) => candidate.id.endsWith('-ELEC-A'));
  if (!market) throw new Error('the demo day has no ELEC-A market');
  const clearing = await clearingOf(market.id);
  const auditor = await clients.of({ org: 'utility', user: 'auditor' });
  const { records: trades } = await allPages(auditor, 'Settlement', 'ListTrades', { marketId: market.id });

  await page.goto(`${base}#/markets/${encodeURIComponent(market.id)}`);
  await page.locator('[data-figure="clearing-price"] dd').waitFor();

  expect(await page.locator('[data-figure="clearing-price"] dd').textContent()).toBe(
    `${money(clearing.price, EUR)}/kWh`,
  );
  const curves = page.locator('svg[data-clearing-price]');
  expect(await curves.getAttribute('data-clearing-price')).toBe(String(clearing.price));
  expect(await curves.getAttribute('data-volume')).toBe(String(clearing.volumeWh));
  expect(trades.length).toBeGreaterThan(0);
  for (const trade of trades) {
    const row = (await page.locator(`tr[data-id="${trade.id}"]`).innerText()).split('\t');
    expect(row).toEqual(
      expect.arrayContaining([
        MESSAGES.en[`status.${trade.status}`],
        money(trade.value, EUR),
        money(trade.settlement?.paid, EUR),
        money(trade.settlement?.penalty, EUR),
      ]),
    );
  }
  await shot('market-en');
});

test('the language switch turns every UI text of every view Chinese', async () => {
  await page.locator('[data-language="zh"]').click();
  await page.locator('nav a[data-view="markets"]', { hasText: '市场' }).waitFor();
  expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
  const english = Object.entries(MESSAGES.en)
    .filter(([key, text]) => text !== MESSAGES.zh[key as keyof typeof MESSAGES.zh])
    .flatMap(([, text]) => text.split(/\{\w+\}/))
    .map((part) => part.trim())
    .filter((part) => /[A-Za-z]{3}/.test(part));

  for (const view of ['markets', 'trades', 'account', 'disputes', 'consortium', 'chain', 'live']) {
    await page.locator(`nav a[data-view="${view}"]`).click();
    await page.locator('main section h2').first().waitFor();
    await page.locator('.loading').first().waitFor({ state: 'detached' });
    const text = await uiText();
    expect({ view, english: english.filter((part) => text.includes(part)) }).toEqual({ view, english: [] });
  }
  await page.locator('nav a[data-view="markets"]').click();
  await page.locator('main section h2', { hasText: '市场' }).waitFor();
  await clearingPriceShown(day.markets[0]?.id ?? '');
  await shot('markets-zh');
});

test('CNY shows the ledger’s cents converted at the display rate; the ledger’s units stay cents', async () => {
  const market = day.markets.find((candidate) => candidate.id.endsWith('-ELEC-A'));
  const clearing = await clearingOf(market?.id ?? '');
  await page.goto(`${base}#/markets/${encodeURIComponent(market?.id ?? '')}`);
  await page.locator('[data-currency="CNY"]').click();

  const shown = await page.locator('[data-figure="clearing-price"] dd', { hasText: '¥' }).textContent();

  expect(shown).toBe(
    `${money(clearing.price, { currency: 'CNY', locale: 'zh-CN', display: displaySettings() })}/kWh`,
  );
  expect(shown).toBe('¥1.56/kWh');
  await shot('market-zh-cny');
  await page.locator('[data-language="en"]').click();
  await page.locator('[data-currency="EUR"]').click();
});

test('a new ledger event appears, and the account updates, without a reload', async () => {
  await page.goto(`${base}#/account`);
  const available = page.locator('[data-figure="available"] dd');
  await available.waitFor();
  const before = await available.textContent();
  await page.evaluate(() => {
    (window as unknown as { marker: string }).marker = 'not reloaded';
  });
  const account = await (
    await clients.of(TREASURER)
  ).evaluate('Settlement', 'GetAccount', {
    participantId: 'CommunityMSP:member1',
  });
  expect(before).toBe(money(account.available, EUR));

  const deposit = await (
    await clients.of(TREASURER)
  ).submitText('Settlement', 'Deposit', {
    accountId: 'CommunityMSP:member1',
    amount: 1,
    reference: `${RUN}-live`,
  });

  await page
    .locator('[data-figure="available"] dd', { hasText: money(account.available + 1, EUR) })
    .waitFor({ timeout: 30_000 });
  await page.locator('nav a[data-view="live"]').click();
  const row = page.locator(`tr:has([data-event="estp.account.deposited"])`, { hasText: `${RUN}-live` });
  await row.waitFor();
  expect(await row.locator('td').first().textContent()).toBe(String(deposit.blockNumber));
  expect(await page.evaluate(() => (window as unknown as { marker?: string }).marker)).toBe('not reloaded');
  await shot('live-en');
});

test('on a phone-width screen nothing scrolls sideways but the tables in their own boxes', async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  const market = day.markets.find((candidate) => candidate.id.endsWith('-ELEC-A'));
  await page.goto(`${base}#/markets/${encodeURIComponent(market?.id ?? '')}`);
  await page.locator('svg[data-clearing-price]').waitFor();
  await page.locator('[data-language="zh"]').click();

  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  const curves = await page.locator('svg[data-clearing-price]').boundingBox();
  expect(curves?.width).toBeLessThanOrEqual(390);
  await shot('phone-zh');
  await page.locator('[data-language="en"]').click();
  await page.setViewportSize({ width: 1280, height: 900 });
});

test('the API documentation page lists every operation of the OpenAPI document', async () => {
  const document = (await (await fetch(`${base}api/openapi.json`)).json()) as {
    paths: Record<string, Record<string, unknown>>;
  };
  const operations = Object.values(document.paths).reduce(
    (count, methods) => count + Object.keys(methods).length,
    0,
  );

  await page.goto(`${base}api/docs`);
  await page.locator('details.operation').first().waitFor();

  expect(await page.locator('details.operation').count()).toBe(operations);
  await shot('api-docs');
});

test('no script error on any page', () => {
  expect(pageErrors).toEqual([]);
});
