// The README's screenshots of each screen, on a 390×844 touch phone (the
// client's three screens) and on a 1440×900 laptop (the client's result and
// the technician's bench),
// all on the built-in synthetic sample scalp. Usage: node tools/screenshots.mjs
// (after `make build`); writes docs/*.jpg.
import { startBrowser, ready, ROOT } from '../tests/helpers.mjs';
import { join } from 'node:path';

const DOCS = join(ROOT, 'docs');
const browser = await startBrowser();
const shot = async (page, name) => {
  await page.screenshot({ path: join(DOCS, name), type: 'jpeg', quality: 82 });
  if (process.env.SHOTS_PNG) await page.screenshot({ path: join(process.env.SHOTS_PNG, name.replace('.jpg', '.png')) });
};
const screen = (page, name) => page.waitForFunction((n) => document.querySelector('smp-visualiser').shadowRoot.querySelector('.app').dataset.screen === n, name);
try {
  const phone = await browser.open('?for=client', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  await ready(phone);
  await shot(phone, 'phone-1-photo.jpg');
  await phone.locator('smp-visualiser button.sample').click();
  await screen(phone, 'area');
  await phone.waitForFunction(() => document.querySelector('smp-visualiser').hasArea);
  await shot(phone, 'phone-2-area.jpg');
  await phone.locator('smp-visualiser button.accept').click();
  await screen(phone, 'result');
  await phone.locator('smp-visualiser .stage').scrollIntoViewIfNeeded();
  await shot(phone, 'phone-3-result.jpg');

  const desk = await browser.open('?for=client', { viewport: { width: 1440, height: 900 } });
  await ready(desk);
  await desk.locator('smp-visualiser button.sample').click();
  await screen(desk, 'area');
  await desk.waitForFunction(() => document.querySelector('smp-visualiser').hasArea);
  await desk.locator('smp-visualiser button.accept').click();
  await screen(desk, 'result');
  await shot(desk, 'laptop-client-result.jpg');

  const laptop = await browser.open('?for=technician', { viewport: { width: 1440, height: 900 } });
  await ready(laptop);
  await laptop.locator('smp-visualiser button.sample').click();
  await laptop.waitForFunction(() => document.querySelector('smp-visualiser').hasArea);
  await laptop.evaluate(() => { document.querySelector('smp-visualiser').comparePosition = 0.42; });
  await shot(laptop, 'laptop-technician.jpg');
} finally {
  await browser.close();
}
console.log('docs/: phone-1-photo.jpg, phone-2-area.jpg, phone-3-result.jpg, laptop-client-result.jpg, laptop-technician.jpg');
