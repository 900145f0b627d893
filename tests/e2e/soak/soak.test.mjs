// The soak's short version (issue 21), in the test command: one scripted session of SOAK_RUNS
// (default 16) short runs in a seeded random order, with every control, Cores 1 and 2, reloads
// mid-run, drawings, models in and out, runs exported, deleted and imported
// (tests/e2e/soak/soak-session.mjs). It then checks: no page or console error; every kept run in
// the runs table and in IndexedDB with the state it ended in and its model (finished runs: the last
// epoch's); no stored model without its run; memory of the page and of the engine worker flat over
// the reload-free last 40% of the runs, once warmed up. The time limit guards against a hang, on a
// shared machine (20 s a run). The long check: `SOAK_RUNS=200 node scripts/checks/soak.mjs`.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startBrowser } from '../harness.mjs';
import { runSoak, SOAK_FLAGS, soakProblems, soakSummary } from './soak-session.mjs';

const RUNS = Number(process.env.SOAK_RUNS ?? 16);
const SEED = Number(process.env.SOAK_SEED ?? 1);

let session;
before(async () => {
  session = await startBrowser({ args: SOAK_FLAGS });
});
after(async () => {
  await session?.close();
});

test(`soak: ${RUNS} runs as a class uses the page, nothing lost, no error, memory flat`, { timeout: 60_000 + RUNS * 20_000 }, async (t) => {
  const report = await runSoak(session, { runs: RUNS, seed: SEED, log: (line) => t.diagnostic(line) });
  for (const line of soakSummary(report)) t.diagnostic(line);
  assert.deepEqual(soakProblems(report), []);
  assert.ok(report.counts.cores[1] > 0 && report.counts.cores[2] > 0, `runs on one and on two cores: ${JSON.stringify(report.counts.cores)}`);
  assert.ok(report.counts.reloads > 0, 'at least one reload');
});
