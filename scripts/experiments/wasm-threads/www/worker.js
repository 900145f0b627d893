import init, * as m from './pkg/spike.js';
let wasm;
onmessage = async ({ data }) => {
  try {
    let r;
    if (data.cmd === 'init') {
      wasm = await init({ module_or_path: data.module, memory: data.memory });
      r = { memory: wasm.memory };
    } else if (data.cmd === 'setup') r = m.setup(data.threads, data.blocks, data.grow, data.frow);
    else if (data.cmd === 'run') r = m.run(data.ctx, data.t, data.steps);
    else if (data.cmd === 'checksum') r = m.checksum(data.ctx);
    else if (data.cmd === 'stats') r = Array.from(m.stats(data.ctx));
    postMessage({ id: data.id, r });
  } catch (e) { postMessage({ id: data.id, error: String(e && e.stack || e) }); }
};
