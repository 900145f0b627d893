import fc from 'fast-check';
import { mutatedValue } from './mutate.mjs';
import { validRecord } from './seeds.mjs';
try { fc.sample(mutatedValue(validRecord, { clone: true, maxMoves: 3 }), { seed: 1, numRuns: 2000 }); } catch (e) { console.log(e.stack); }
