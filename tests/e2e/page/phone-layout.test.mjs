// End-to-end tests of the playground's layout on a phone (www/ui/style.css, "Narrow screens"): below
// 960 px the Training controls and the run's state are a bar fixed at the bottom of the viewport,
// so a learner can start, watch and pause a run without scrolling past the ~1,800 px settings form.
//
// Checked at 375 × 740 (a common phone) in the light and dark schemes: right after the data is in,
// without scrolling, every control of the bar lies inside the viewport and is the element hit at its
// centre (nothing covers it); a real mouse click there starts a run and the bar then pauses it;
// keyboard focus moving through the settings never lands behind the bar (scroll-padding) and the
// bar's buttons show a focus ring; the end of the page scrolls clear of the bar; the page does not
// scroll sideways. At 1280 px the controls are where they always were: in the flow of the Training
// card, under its heading, not fixed. Screenshots (viewport and full page; 375 px light and dark,
// 1280 px) go to test-results/phone-layout-*.png.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RESULTS_DIR, T, openPage, screenshot, useBrowser, waitForDataState } from '../harness.mjs';

const browser = useBrowser();

const PHONE = { width: 375, height: 740 };
const BAR_BUTTONS = ['train', 'pause', 'step', 'step-epoch', 'stop', 'reset'];

/** Puts a setting in the address, as a shared link would (learning rate 0.01). */
async function setLink(page) {
  await page.evaluate(() => {
    history.replaceState(null, '', '#learning_rate=0.01');
    dispatchEvent(new HashChangeEvent('hashchange'));
  });
  await page.waitForFunction(() => document.querySelector('[data-testid="learning-rate"]').value === '0.01');
}

/** Opens the page at `viewport` and waits for the data and an enabled Train button. */
async function ready(viewport, colorScheme = 'light') {
  const opened = await openPage(browser.session, '', { viewport, colorScheme });
  assert.equal(await waitForDataState(opened.page, ['ready', 'error'], 30_000), 'ready');
  await opened.page.waitForSelector(`${T('train')}:not([disabled])`, { timeout: 15_000 });
  return opened;
}

/** Where each bar button is and what the page hits at its centre (from inside the page). */
const hitTest = (page, ids) =>
  page.evaluate((testids) => testids.map((id) => {
    const element = document.querySelector(`[data-testid="${id}"]`);
    const r = element.getBoundingClientRect();
    const x = r.left + r.width / 2;
    const y = r.top + r.height / 2;
    const hit = document.elementFromPoint(x, y);
    return {
      id,
      rect: { left: r.left, top: r.top, right: r.right, bottom: r.bottom },
      x,
      y,
      hitsItself: hit === element || element.contains(hit),
      inViewport: r.left >= 0 && r.top >= 0 && r.right <= innerWidth && r.bottom <= innerHeight,
    };
  }), ids);

const viewportShot = (page, name) => page.screenshot({ path: `${RESULTS_DIR}${name}.png` });

describe('the playground on a phone (375 × 740)', () => {
  for (const colorScheme of ['light', 'dark']) {
    test(`${colorScheme}: the Train button is on screen and clickable without scrolling; a click starts a run and Pause pauses it`, { timeout: 90_000 }, async () => {
      const { page, context, consoleErrors, pageErrors } = await ready(PHONE, colorScheme);
      assert.equal(await page.evaluate(() => window.scrollY), 0, 'the page has not scrolled');

      // The settings form comes first in the page, and still the controls are on screen.
      const settingsBottom = await page.evaluate(() => document.querySelector('.card.settings').getBoundingClientRect().bottom);
      assert.ok(settingsBottom > PHONE.height * 2, `the settings run far below the fold (${settingsBottom} px)`);
      for (const button of await hitTest(page, BAR_BUTTONS)) {
        assert.ok(button.inViewport, `${button.id} lies inside the viewport: ${JSON.stringify(button.rect)}`);
        assert.ok(button.hitsItself, `${button.id} is what a tap at its centre hits`);
      }
      // The run's state is shown in the bar, above the buttons.
      const state = await page.evaluate(() => {
        const element = document.querySelector('[data-testid="run-state"]');
        const r = element.getBoundingClientRect();
        const train = document.querySelector('[data-testid="train"]').getBoundingClientRect();
        return { text: element.textContent, top: r.top, bottom: r.bottom, trainTop: train.top, visible: r.height > 0 };
      });
      assert.ok(state.visible && state.top >= 0 && state.bottom <= state.trainTop, `run state above the buttons: ${JSON.stringify(state)}`);
      assert.equal(state.text, 'Not started');

      // Colours follow the scheme: the bar is the theme's surface colour, its text the theme's text.
      const colours = await page.evaluate(() => {
        const probe = document.createElement('div');
        probe.style.cssText = 'color: var(--surface); background: var(--text)';
        document.body.append(probe);
        const want = getComputedStyle(probe);
        const bar = getComputedStyle(document.querySelector('.run .controls'));
        const out = { bar: bar.backgroundColor, surface: want.color, text: getComputedStyle(document.querySelector('[data-testid="reset"]')).color, themeText: want.backgroundColor };
        probe.remove();
        return out;
      });
      assert.equal(colours.bar, colours.surface, 'the bar has the surface colour');
      assert.equal(colours.text, colours.themeText, 'the bar\'s buttons use the text colour');
      const expectedSurface = colorScheme === 'dark' ? 'rgb(27, 31, 39)' : 'rgb(255, 255, 255)';
      assert.equal(colours.surface, expectedSurface, `--surface of the ${colorScheme} scheme`);

      await viewportShot(page, `phone-layout-375-${colorScheme}-viewport`);
      await screenshot(page, `phone-layout-375-${colorScheme}-full`);

      // A real click at the button's centre (no scrolling into view first) starts a run.
      const [train] = await hitTest(page, ['train']);
      await page.mouse.click(train.x, train.y);
      // The default run (three epochs) trains for seconds: it is running when the bar is used.
      await page.waitForSelector(`${T('run')}[data-state="running"]`, { timeout: 20_000 });
      assert.equal(await page.evaluate(() => window.scrollY), 0, 'starting did not scroll the page');
      // The same bar pauses the run, still without scrolling.
      const [pause] = await hitTest(page, ['pause']);
      assert.ok(pause.inViewport && pause.hitsItself, 'Pause is on screen and not covered');
      await page.mouse.click(pause.x, pause.y);
      await page.waitForSelector(`${T('run')}[data-state="paused"], ${T('run')}[data-state="finished"]`, { timeout: 20_000 });
      const text = await page.textContent(T('run-state'));
      assert.match(text, /Paused|Finished/);
      await viewportShot(page, `phone-layout-375-${colorScheme}-paused-viewport`);
      // The bar shows the loss as it falls and takes the learner down to the charts.
      await page.waitForSelector(`${T('run-live')}:not([hidden])`, { timeout: 10_000 });
      assert.match(await page.textContent(T('run-live')), /^loss \d[\d.e-]* · Charts ↓$/);
      const [live, stateLine] = await hitTest(page, ['run-live', 'run-state']);
      assert.ok(live.inViewport && live.hitsItself, 'the read-out is on screen and not covered');
      assert.ok(stateLine.rect.right <= live.rect.left + 1, 'the state line ends before the read-out starts');
      await page.mouse.click(live.x, live.y);
      await page.waitForFunction(() => {
        const top = document.getElementById('charts-heading').getBoundingClientRect().top;
        return top >= 0 && top < 80;
      }, null, { timeout: 5_000 });
      await page.waitForSelector(`${T('run-live')}[hidden]`, { state: 'attached', timeout: 5_000 });
      // Below the charts (a jump straight past them, to the end of the page) it points back up.
      await page.keyboard.press('End'); // a key: the learner takes over from the smooth scroll
      await page.waitForFunction(() => /· Charts ↑$/.test(document.querySelector('[data-testid="run-live"]').textContent) && !document.querySelector('[data-testid="run-live"]').hidden, null, { timeout: 5_000 });
      assert.deepEqual(pageErrors, []);
      assert.deepEqual(consoleErrors, []);
      await context.close();
    });
  }

  test('keyboard focus through the settings never lands behind the bar; the bar shows a focus ring', { timeout: 60_000 }, async () => {
    const { page, context } = await ready(PHONE, 'dark');
    let reachedBar = false;
    for (let i = 0; i < 60 && !reachedBar; i++) {
      await page.keyboard.press('Tab');
      const focus = await page.evaluate(() => {
        const element = document.activeElement;
        const r = element.getBoundingClientRect();
        const bar = document.querySelector('.run .controls');
        return {
          name: `${element.tagName.toLowerCase()}#${element.id}`,
          inBar: bar.contains(element),
          inSettings: !!element.closest('.card.settings'),
          bottom: r.bottom,
          top: r.top,
          barTop: bar.getBoundingClientRect().top,
          outline: getComputedStyle(element).outlineStyle,
          outlineColor: getComputedStyle(element).outlineColor,
        };
      });
      if (focus.inBar) {
        reachedBar = true;
        assert.equal(focus.name, 'button#train', 'after the settings, focus goes to Train');
        assert.notEqual(focus.outline, 'none', 'Train shows a focus ring');
        await viewportShot(page, 'phone-layout-375-dark-focus-viewport');
      } else if (focus.inSettings) {
        assert.ok(focus.top >= 0 && focus.bottom <= focus.barTop, `${focus.name} is focused above the bar: ${JSON.stringify(focus)}`);
      }
    }
    assert.ok(reachedBar, 'Tab reaches the bar after the settings');
    await context.close();
  });

  test('the end of the page scrolls clear of the bar, and nothing scrolls sideways', async () => {
    const { page, context } = await ready(PHONE, 'light');
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    await page.waitForTimeout(200);
    const layout = await page.evaluate(() => {
      const barTop = document.querySelector('.run .controls').getBoundingClientRect().top;
      const last = document.querySelector('main > section:last-of-type').getBoundingClientRect();
      const footer = document.querySelector('.page-footer').getBoundingClientRect();
      const progressTop = document.querySelector('#run-progress').getBoundingClientRect().top;
      return { barTop, progressTop, lastBottom: last.bottom, footerBottom: footer.bottom, scrollWidth: document.documentElement.scrollWidth };
    });
    assert.ok(layout.lastBottom <= layout.progressTop && layout.lastBottom <= layout.barTop, `the last section ends above the bar: ${JSON.stringify(layout)}`);
    assert.ok(layout.footerBottom <= layout.barTop + 1, `the footer ends above the bar: ${JSON.stringify(layout)}`);
    assert.equal(layout.scrollWidth, PHONE.width, 'no horizontal scrolling');
    await viewportShot(page, 'phone-layout-375-light-bottom-viewport');
    await context.close();
  });
});

describe('the playground on a desktop (1280 px)', () => {
  test('the controls stay in the Training card, under its heading, not fixed', async () => {
    const { page, context } = await ready({ width: 1280, height: 900 }, 'light');
    const layout = await page.evaluate(() => {
      const card = document.querySelector('[data-testid="run"]');
      const controls = card.querySelector('.controls');
      const header = card.querySelector('.run-header');
      const rect = (e) => e.getBoundingClientRect();
      return {
        controlsPosition: getComputedStyle(controls).position,
        statePosition: getComputedStyle(document.querySelector('[data-testid="run-state"]')).position,
        headerDisplay: getComputedStyle(header).display,
        cardContain: getComputedStyle(card).contain,
        card: rect(card).toJSON(),
        controls: rect(controls).toJSON(),
        header: rect(header).toJSON(),
        state: rect(document.querySelector('[data-testid="run-state"]')).toJSON(),
        bodyPadding: getComputedStyle(document.body).paddingBottom,
      };
    });
    assert.equal(layout.controlsPosition, 'static');
    assert.equal(layout.statePosition, 'static');
    assert.equal(layout.headerDisplay, 'flex');
    assert.equal(layout.cardContain, 'layout paint');
    assert.equal(layout.bodyPadding, '0px');
    const inside = (inner, outer) => inner.left >= outer.left && inner.right <= outer.right && inner.top >= outer.top && inner.bottom <= outer.bottom;
    assert.ok(inside(layout.controls, layout.card), `controls inside the Training card: ${JSON.stringify(layout)}`);
    assert.ok(inside(layout.state, layout.header), 'the run state sits in the card\'s header');
    assert.ok(layout.controls.top >= layout.header.bottom, 'controls come under the heading');
    // The Training card is next to the settings (two columns), near the top of the page.
    assert.ok(layout.card.top < 900, `the Training card starts in the first screen (${layout.card.top} px)`);
    await viewportShot(page, 'phone-layout-1280-light-viewport');
    await screenshot(page, 'phone-layout-1280-light-full');
    await context.close();
  });
});

describe('section links', () => {
  test('on a phone the section links reach the drawing panel without touching the settings in the address', async () => {
    const { page, context } = await ready(PHONE);
    // The experiments section (above the drawing panel) is built once the run history is open.
    await page.waitForSelector('[data-testid="launch-learning-rate"]');
    await setLink(page);
    const before = await page.evaluate(() => location.hash);
    await page.click(`${T('jump-nav')} a[data-jump="draw-heading"]`);
    await page.waitForFunction(() => {
      const r = document.getElementById('draw-heading').getBoundingClientRect();
      return r.top >= 0 && r.top < innerHeight / 2;
    });
    assert.equal(await page.evaluate(() => location.hash), before, 'the settings fragment is unchanged');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'draw-heading');
    assert.equal(await page.inputValue(T('learning-rate')), '0.01', 'the settings are as the link had them');
    // The skip link: the first focusable element of the page, it moves the focus to Train.
    assert.equal(
      await page.evaluate(() => document.querySelector('a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])')?.textContent),
      'Skip to the training controls',
    );
    await page.focus('.skip-link');
    await page.keyboard.press('Enter');
    // To the Training heading (Train itself may be disabled, and cannot hold the focus then);
    // the next Tab reaches the first enabled control.
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'run-heading');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'train');
    await context.close();
  });
});
