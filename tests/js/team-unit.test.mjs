// How far the lead of a multi-core run lets its shard workers train (www/engine/team.js budgetTarget), in
// Node. Expected values are worked out by hand: epochs of 10 steps, a run of 30 steps.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { budgetTarget } from '../../www/engine/team.js';

test('within an epoch the shards may train the steps the lead asks for', () => {
  assert.equal(budgetTarget(0, 1, 10, 30), 1);
  assert.equal(budgetTarget(3, 4, 10, 30), 7);
});

test('never past the current epoch\'s end, where the lead may evaluate or pause', () => {
  assert.equal(budgetTarget(8, 5, 10, 30), 10);
  assert.equal(budgetTarget(9, 1000, 10, 30), 10);
  // At an epoch's end, the next call starts the next epoch.
  assert.equal(budgetTarget(10, 1000, 10, 30), 20);
});

test('never past the run\'s last step, and never backwards', () => {
  assert.equal(budgetTarget(25, 100, 10, 28), 28);
  assert.equal(budgetTarget(28, 5, 10, 28), 28);
  assert.equal(budgetTarget(4, 0, 10, 30), 4);
  assert.equal(budgetTarget(4, -3, 10, 30), 4);
});
