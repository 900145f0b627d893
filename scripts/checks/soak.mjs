#!/usr/bin/env node
// The long soak (issue 21): the scripted class session of tests/e2e/soak/soak-session.mjs for
// SOAK_RUNS runs (default 200) with seed SOAK_SEED (default 1), in headless Chromium on this
// checkout (BASE_URL or its own server). Prints progress and a summary (runs, time, memory of the
// page and the engine worker over the reload-free last 40% of the runs with the tolerance, what
// IndexedDB holds), writes the whole report to test-results/soak-report.json, and exits 1 if
// anything is wrong (the same checks as the short version in the test command). Results:
// docs/testing.md#soak.
//
//   SOAK_RUNS=200 node scripts/checks/soak.mjs          (about 10 minutes on 2 vCPUs)
//
// Non-goals: the checks themselves (soak-session.mjs soakProblems).

import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { RESULTS_DIR, startBrowser } from '../../tests/e2e/harness.mjs';
import { runSoak, SOAK_FLAGS, soakProblems, soakSummary } from '../../tests/e2e/soak/soak-session.mjs';

const runs = Number(process.env.SOAK_RUNS ?? 200);
const seed = Number(process.env.SOAK_SEED ?? 1);
if (!Number.isInteger(runs) || runs < 10 || !Number.isInteger(seed)) {
  console.error('SOAK_RUNS takes a whole number ≥ 10 (the memory check needs a tail of runs), SOAK_SEED a whole number');
  process.exit(2);
}

const session = await startBrowser({ args: SOAK_FLAGS });
let status = 0;
try {
  const version = session.browser.version();
  console.log(`soak: ${runs} runs, seed ${seed}, Chromium ${version}, ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${new Date().toISOString()}`);
  const report = await runSoak(session, { runs, seed, log: (line) => console.log(line) });
  report.browser = `Chromium ${version}`;
  report.date = new Date().toISOString();
  const problems = soakProblems(report);
  report.problems = problems;
  await mkdir(RESULTS_DIR, { recursive: true });
  await writeFile(`${RESULTS_DIR}soak-report.json`, JSON.stringify(report, null, 1));
  for (const line of soakSummary(report)) console.log(line);
  if (problems.length > 0) {
    status = 1;
    console.log(`FAILED: ${problems.length} problem(s):`);
    for (const p of problems) console.log(`  - ${p}`);
  } else console.log('soak: passed');
} catch (err) {
  status = 1;
  console.error(`soak: stopped: ${err.stack ?? err}`);
} finally {
  await session.close();
}
process.exit(status);
