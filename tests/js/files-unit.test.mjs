// Files the learner picks are size-checked before they are read (issue 21, security):
// www/ui/files.js, and the runs import that uses it (www/experiments/runs-file.js). The model
// file input uses the same reader with the engine's limit (limits.max_model_file_bytes, checked
// in tests/e2e/page/engine-worker.test.mjs). Files here are stand-ins whose reading is counted.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, tooLarge } from '../../www/ui/files.js';
import { importRunsFile, MAX_IMPORT_BYTES, runsToJson } from '../../www/experiments/runs-file.js';

/** A File-like object of `size` bytes holding `text`; `reads` counts the reads. */
function fakeFile(size, text = '', name = 'f.json') {
  const file = {
    name,
    size,
    reads: 0,
    async text() {
      file.reads += 1;
      return text;
    },
    async arrayBuffer() {
      file.reads += 1;
      return new TextEncoder().encode(text).buffer;
    },
  };
  return file;
}

test('a file over the limit is refused with its size and the limit, and never read', async () => {
  const file = fakeFile(3_000_000_000);
  assert.equal(tooLarge(file, 1_000_000, 'model file of this page'), 'it is 3000.0 MB, larger than any model file of this page (at most 1.0 MB); pick another file');
  await assert.rejects(readFile(file, 1_000_000, 'model file of this page', 'bytes'), /^Error: it is 3000\.0 MB, larger than any model file of this page \(at most 1\.0 MB\); pick another file$/);
  assert.equal(file.reads, 0);
});

test('a file at the limit is read, as text or bytes', async () => {
  const file = fakeFile(5, 'hello');
  assert.equal(tooLarge(file, 5, 'x'), '');
  assert.equal(await readFile(file, 5, 'x'), 'hello');
  assert.deepEqual([...(await readFile(file, 5, 'x', 'bytes'))], [104, 101, 108, 108, 111]);
});

test('a file the browser cannot read says so', async () => {
  const file = { name: 'gone.bin', size: 10, text: async () => { throw new DOMException('The file changed', 'NotReadableError'); } };
  await assert.rejects(readFile(file, 100, 'x'), /^Error: the browser could not read it \(The file changed\); pick it again$/);
});

test('the runs import refuses a file larger than MAX_IMPORT_BYTES without reading it', async () => {
  const file = fakeFile(MAX_IMPORT_BYTES + 5_000_000, runsToJson([]), 'huge.json');
  const history = { runs: new Map(), put: async () => assert.fail('nothing is stored') };
  const { ok, text } = await importRunsFile(file, history);
  assert.equal(ok, false);
  assert.match(text, /^Could not import huge\.json: it is 109\.9 MB, larger than any runs file of this page \(at most 104\.9 MB\); pick another file\.$/);
  assert.equal(file.reads, 0);
});
