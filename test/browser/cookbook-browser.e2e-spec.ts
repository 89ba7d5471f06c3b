import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startCookbook, type CookbookTestApp } from '../support/cookbook-app.js';
import { listen, type ListeningCookbook } from './listening-cookbook.js';

// Debian's package (`apt-get install chromium`; .ci/run installs it). playwright-core downloads no browser.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const STEP_TIMEOUT_MS = 10_000;

describe('the cookbook in a browser (headless Chromium)', () => {
  let cookbook: CookbookTestApp;
  let site: ListeningCookbook;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`No Chromium at ${CHROMIUM}: install Debian's package (apt-get install -y chromium).`);
    }
    cookbook = await startCookbook('sqlite', 'browser');
    site = await listen(cookbook);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30_000 });
    page = await browser.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await cookbook?.close();
  });

  it('signs in as alice, sees the dashboard, adds a recipe with the form and finds it on /cookbook/', async () => {
    await page.goto(`${site.url}/cookbook/`);
    expect(await page.locator('h1').textContent()).toBe('Recipes');

    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill('cookbook');
    await Promise.all([
      page.waitForURL(`${site.url}/dashboard`),
      page.getByRole('button', { name: 'Sign in' }).click(),
    ]);
    expect(await page.locator('h1').textContent()).toBe('Hello, Alice Liddell');

    await page.getByRole('link', { name: 'Add a recipe' }).click();
    await page.getByLabel('Name').fill('Browser pancakes');
    await page.getByLabel('Description').fill('Whisk, rest, fry.');
    await page.getByLabel(/Ingredients/).fill('Flour: 250 g\nMilk: 500 ml\nEgg: 2');
    await Promise.all([
      page.waitForURL(/\/cookbook\/recipes\/\d+$/),
      page.getByRole('button', { name: 'Save the recipe' }).click(),
    ]);
    expect(await page.locator('h1').textContent()).toBe('Browser pancakes');
    // The fixtures' foods, whatever case they were typed in: food names ignore case.
    const lines = ['flour: 250 g', 'milk: 500 ml', 'egg: 2'];
    expect(await page.locator('article li').allTextContents()).toEqual(lines);

    // A link, as a person would follow it: the browser's copy of /cookbook/ from the first visit must not be used.
    await page.getByRole('link', { name: 'Recipes', exact: true }).click();
    await page.waitForURL(`${site.url}/cookbook/`);
    const added = page.locator('section.recipe', { hasText: 'Browser pancakes' });
    expect(await added.count()).toBe(1);
    expect(await added.locator('li').allTextContents()).toEqual(lines);

    await page.getByRole('link', { name: 'Dashboard' }).click();
    expect(await page.locator('#recent').textContent()).toContain('Browser pancakes');
    await page.screenshot({ path: `${process.env.TMPDIR ?? '/tmp'}/cookbook-browser.png`, fullPage: false });
  }, 60_000);
});
