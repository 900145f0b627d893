const out = document.getElementById('out');
let nextId = 1;
function call(w, msg) {
  const id = nextId++;
  return new Promise((res, rej) => {
    const h = ({ data }) => { if (data.id !== id) return; w.removeEventListener('message', h); data.error ? rej(new Error(data.error)) : res(data.r); };
    w.addEventListener('message', h);
    w.postMessage({ ...msg, id });
  });
}
const median = (a) => { const s = [...a].sort((x, y) => x - y); return s[s.length >> 1]; };
(async () => {
  try {
    const params = new URLSearchParams(location.search);
    const B1 = +(params.get('b1') || 1), B2 = +(params.get('b2') || 8), GROW = params.get('grow') !== '0', FROW = params.get('frow') === '1';
    const rounds = +(params.get('rounds') || 7), steps = +(params.get('steps') || 50);
    const module = await WebAssembly.compileStreaming(fetch('pkg/spike_bg.wasm'));
    const L = new Worker('worker.js', { type: 'module' }), H = new Worker('worker.js', { type: 'module' });
    const { memory } = await call(L, { cmd: 'init', module });
    await call(H, { cmd: 'init', module, memory });
    // determinism: same steps with 1 and 2 threads
    const a = await call(L, { cmd: 'setup', threads: 1, blocks: B1, grow: GROW, frow: FROW });
    await call(L, { cmd: 'run', ctx: a, t: 0, steps: 5 });
    const b = await call(L, { cmd: 'setup', threads: 2, blocks: B2, grow: GROW, frow: FROW });
    await Promise.all([call(L, { cmd: 'run', ctx: b, t: 0, steps: 5 }), call(H, { cmd: 'run', ctx: b, t: 1, steps: 5 })]);
    const ca = await call(L, { cmd: 'checksum', ctx: a }), cb = await call(L, { cmd: 'checksum', ctx: b });
    const one = [], two = [], indep = [], ratio = [], ceil = [];
    const c1 = await call(L, { cmd: 'setup', threads: 1, blocks: B1, grow: GROW, frow: FROW }), c1b = await call(H, { cmd: 'setup', threads: 1, blocks: B1, grow: GROW, frow: FROW });
    const c1s = await call(L, { cmd: 'setup', threads: 1, blocks: B2, grow: GROW, frow: FROW });
    const oneSplit = [];
    const c2 = await call(L, { cmd: 'setup', threads: 2, blocks: B2, grow: GROW, frow: FROW });
    for (let r = 0; r < rounds; r++) {
      const t1 = await call(L, { cmd: 'run', ctx: c1, t: 0, steps });
      oneSplit.push(steps * 256 / await call(L, { cmd: 'run', ctx: c1s, t: 0, steps }) * 1000);
      const [t2a, t2b] = await Promise.all([call(L, { cmd: 'run', ctx: c2, t: 0, steps }), call(H, { cmd: 'run', ctx: c2, t: 1, steps })]);
      const [ia, ib] = await Promise.all([call(L, { cmd: 'run', ctx: c1, t: 0, steps }), call(H, { cmd: 'run', ctx: c1b, t: 0, steps })]);
      const s1 = steps * 256 / t1 * 1000, s2 = steps * 256 / Math.max(t2a, t2b) * 1000;
      const si = steps * 256 / ia * 1000 + steps * 256 / ib * 1000;
      one.push(s1); two.push(s2); indep.push(si); ratio.push(s2 / s1); ceil.push(si / s1);
      out.textContent = `round ${r + 1}/${rounds}`;
    }
    const st = await call(L, { cmd: 'stats', ctx: c2 }); const st1 = await call(L, { cmd: 'stats', ctx: c1 }); const st1s = await call(L, { cmd: 'stats', ctx: c1s }); const per = (s, n) => s.slice(0,7).map(x => +(x / n).toFixed(2));
    const res = { deterministic: ca === cb, ca, cb, one: median(one), oneSplit: median(oneSplit), stepMs: 256000 / median(one), two: median(two), ratio: median(ratio), ratioMin: Math.min(...ratio), ratioMax: Math.max(...ratio), ceiling: median(ceil), ceilMin: Math.min(...ceil), ceilMax: Math.max(...ceil), phaseMs1: per(st1, 2*rounds*steps), phaseMs1split: per(st1s, rounds*steps), phaseMs2: per(st, rounds*steps), spinsWaits: st.slice(7), ratios: ratio.map(x => +x.toFixed(2)), ceilings: ceil.map(x => +x.toFixed(2)) };
    out.textContent = 'RESULT ' + JSON.stringify(res);
  } catch (e) { out.textContent = 'ERROR ' + (e.stack || e); }
})();
