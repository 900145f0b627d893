// "Your own classes" keeps what the learner made (issue 19), in headless Chromium: the classes and
// examples survive a reload (IndexedDB) exactly, image for image; an example is deleted from the
// keyboard; removing a class with examples asks first; a data set exports to a file, and after
// "Delete all" importing that file brings every example back; importing it again adds nothing
// (merge); a bad file is refused with a message naming the problem and changes nothing.
//
// Examples are drawn through the panel canvas's pointer handlers (own-helpers.mjs).

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { T, useBrowser } from '../harness.mjs';
import { addExamplesInPage, openOwnPage, panelState, setClassNames, waitForStatus } from './own-helpers.mjs';
import { shapeSet } from './shapes.mjs';

const browser = useBrowser();

/** Every class's examples as the grids show them: {name: [[28×28 grey values], …]} (newest first). */
async function gridImages(page) {
  return page.$$eval('[data-testid^="own-grid-"][data-name]', (lists) =>
    Object.fromEntries(
      lists.map((list) => [
        list.dataset.name,
        [...list.querySelectorAll('canvas.own-thumb')].map((c) => Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data.filter((_, i) => i % 4 === 0))),
      ]),
    ),
  );
}

/** Imports `buffer` as a file named `name`; returns the status message. */
async function importFile(page, name, buffer) {
  const serial = Number(await page.getAttribute(T('own-status'), 'data-serial'));
  await page.setInputFiles(T('own-import-file'), { name, mimeType: 'application/json', buffer });
  return waitForStatus(page, serial);
}

/** Exports and returns the file's name and text. */
async function exportFile(page) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(T('own-export'))]);
  return { name: download.suggestedFilename(), text: await readFile(await download.path(), 'utf8') };
}

describe('your own classes are kept', () => {
  test('a reload keeps the classes and every example, image for image; a keyboard delete is kept too', async () => {
    const { page, context, pageErrors } = await openOwnPage(browser.session);
    await setClassNames(page, ['ring', '△', '✗', 'D']);
    await addExamplesInPage(page, shapeSet(3, 2)); // 2 each of classes 0–2
    await addExamplesInPage(page, shapeSet(4, 1).slice(0, 1).map((e) => ({ ...e, label: 3 })));
    const before = { state: await panelState(page), images: await gridImages(page) };
    assert.deepEqual(before.state, { names: ['ring', '△', '✗', 'D'], examples: 7 });

    await page.reload();
    await page.waitForSelector(`${T('own-classes')}[data-ready="true"]`);
    assert.deepEqual(await panelState(page), before.state);
    assert.deepEqual(await gridImages(page), before.images);
    assert.equal(await page.isHidden(T('own-storage-note')), true, 'no storage problem is reported');

    // Delete the newest "ring" example from the keyboard: the focus moves on to the next one.
    const gone = before.images.ring[0];
    await page.focus(`${T('own-grid-0')} ${T('own-example-delete')}`);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('[data-testid="own-grid-0"]').dataset.count === '1');
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'own-example-delete');
    assert.equal(await page.evaluate(() => document.activeElement?.closest('[data-testid="own-grid-0"]') !== null), true);
    await page.reload();
    await page.waitForSelector(`${T('own-classes')}[data-ready="true"]`);
    const after = await gridImages(page);
    assert.deepEqual(after.ring, before.images.ring.slice(1));
    assert.notDeepEqual(after.ring[0], gone);
    assert.deepEqual((await panelState(page)).examples, 6);
    assert.deepEqual(pageErrors, []);
    await context.close();
  });

  test('removing a class with examples asks first; "no" keeps it', async () => {
    const { page, context } = await openOwnPage(browser.session);
    await addExamplesInPage(page, shapeSet(5, 1));
    const asked = [];
    page.once('dialog', (dialog) => {
      asked.push(dialog.message());
      dialog.dismiss();
    });
    await page.click(T('own-class-remove-1'));
    assert.match(asked[0], /Remove the class “△” and its 1 example\?/);
    assert.deepEqual(await panelState(page), { names: ['○', '△', '✗'], examples: 3 });
    page.once('dialog', (dialog) => dialog.accept());
    await page.click(T('own-class-remove-1'));
    await page.waitForFunction(() => document.querySelector('[data-testid="own-classes"]').dataset.examples === '2');
    assert.deepEqual(await panelState(page), { names: ['○', '✗'], examples: 2 });
    await context.close();
  });

  test('export → delete all → import brings every example back; again adds nothing; a bad file changes nothing', async () => {
    const { page, context, pageErrors } = await openOwnPage(browser.session);
    await setClassNames(page, ['○', '△', '✗', 'D']);
    await addExamplesInPage(page, shapeSet(6, 2));
    await addExamplesInPage(page, [{ ...shapeSet(8, 1)[2], label: 3 }]);
    const before = { state: await panelState(page), images: await gridImages(page) };
    assert.equal(before.state.examples, 7);

    const exported = await exportFile(page);
    assert.match(exported.name, /^my-classes-\d{4}-\d{2}-\d{2}\.json$/);
    const doc = JSON.parse(exported.text);
    assert.equal(doc.format, 'mnist-playground-own-classes');
    assert.equal(doc.version, 1);
    assert.deepEqual(doc.classes.map((c) => [c.name, c.examples.length]), [['○', 2], ['△', 2], ['✗', 2], ['D', 1]]);
    for (const c of doc.classes) {
      for (const e of c.examples) {
        assert.equal(e.image.length, 784);
        assert.ok(e.strokes.length >= 1 && e.strokes.every((s) => s.every((p) => p.length === 2)));
        assert.equal(e.canvas, 280);
      }
    }

    page.once('dialog', (dialog) => dialog.accept());
    await page.click(T('own-clear-all'));
    await page.waitForFunction(() => document.querySelector('[data-testid="own-classes"]').dataset.examples === '0');
    assert.deepEqual(await panelState(page), { names: ['○', '△', '✗'], examples: 0 });

    const imported = await importFile(page, exported.name, Buffer.from(exported.text));
    assert.equal(imported.state, 'ok', imported.text);
    assert.match(imported.text, /Imported my-classes-.*\.json\. Added 7 examples to 4 classes \(1 new: “D”\)\./);
    assert.deepEqual(await panelState(page), before.state);
    assert.deepEqual(await gridImages(page), before.images);

    // The same file again: every example is there already.
    const again = await importFile(page, exported.name, Buffer.from(exported.text));
    assert.match(again.text, /Added no examples\. 7 examples were here already/);
    assert.equal((await panelState(page)).examples, 7);

    // Bad files: a message naming the problem; nothing changes.
    const bad = JSON.parse(exported.text);
    bad.classes[1].examples[0].image[300] = 300;
    const outOfRange = await importFile(page, 'bad-pixels.json', Buffer.from(JSON.stringify(bad)));
    assert.equal(outOfRange.state, 'error');
    assert.match(outOfRange.text, /^Could not import bad-pixels\.json: class 2 \(“△”\), example 1: pixel 301 of its image is 300; pixels are whole numbers from 0 to 255\. Nothing was changed\.$/);
    const notJson = await importFile(page, 'notes.json', Buffer.from('these are my notes'));
    assert.match(notJson.text, /^Could not import notes\.json: it is not JSON .*Nothing was changed\.$/);
    const newer = await importFile(page, 'future.json', Buffer.from(JSON.stringify({ ...doc, version: 2 })));
    assert.match(newer.text, /version 2 of the file; this page reads version 1 \(it was made by a newer page/);
    assert.deepEqual(await panelState(page), before.state);
    assert.deepEqual(await gridImages(page), before.images);

    // And the import was stored: a reload shows it.
    await page.reload();
    await page.waitForSelector(`${T('own-classes')}[data-ready="true"]`);
    assert.deepEqual(await panelState(page), before.state);
    assert.deepEqual(pageErrors, []);
    await context.close();
  });
});
