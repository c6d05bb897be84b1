// Accessibility: an axe-core audit of each step of the flow (and the open
// forms) reports no violations; the shadow DOM is audited too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import AxeBuilder from '@axe-core/playwright';
import { startBrowser, ready, assertNoErrors } from './helpers.mjs';

let browser;
before(async () => {
  browser = await startBrowser();
});
after(async () => browser?.close());

async function audit(page, step) {
  const result = await new AxeBuilder({ page }).analyze();
  const found = result.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join('; ')}`);
  assert.deepEqual(found, [], `${step}: ${found.join('\n')}`);
  assert.ok(result.passes.length > 10, `${step}: the audit ran (${result.passes.length} rules passed)`);
}

for (const viewport of [{ width: 1280, height: 900 }, { width: 360, height: 740 }]) {
  test(`no axe violations at each step (${viewport.width} px wide)`, async () => {
    const page = await browser.open('?for=technician', { viewport });
    await ready(page);
    await audit(page, '1. photo');
    await page.locator('smp-visualiser button.sample').click();
    await page.locator('smp-visualiser .work').waitFor({ state: 'visible' });
    await audit(page, '2. area');
    await page.evaluate(() => document.querySelector('smp-visualiser').autoRegion());
    await audit(page, '3. result');
    await page.locator('smp-visualiser button.save-preset').click();
    await page.locator('smp-visualiser .tool[data-tool=hairline]').click();
    await audit(page, 'preset form and hairline designer');
    assertNoErrors(assert, page);
  });
}

test('every control is reachable by keyboard and shows focus', async () => {
  const page = await browser.open();
  await ready(page);
  await page.locator('smp-visualiser button.sample').click();
  await page.locator('smp-visualiser .work').waitFor({ state: 'visible' });
  await page.evaluate(() => document.querySelector('smp-visualiser').autoRegion()); // enables Undo
  const reached = new Set();
  let outlined = 0;
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press('Tab');
    const info = await page.evaluate(() => {
      let el = document.activeElement;
      while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
      if (!el || el === document.body) return null;
      const style = getComputedStyle(el);
      return { key: el.className || el.getAttribute('aria-label') || el.tagName, outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0 };
    });
    if (!info) continue;
    reached.add(info.key);
    if (info.outline) outlined++;
  }
  for (const key of ['handle', 'primary find', 'undo', 'invert', 'primary download', 'preset']) {
    assert.ok([...reached].some((k) => k.includes(key)), `reached ${key}: ${[...reached].join(', ')}`);
  }
  assert.ok(outlined > 10, `focus is visible (${outlined} outlined stops)`);
  assertNoErrors(assert, page);
});
