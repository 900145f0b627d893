// The page's charts on the real uPlot (www/vendor/uPlot.esm.js): log axes for any data range.
// Regression: a log axis starting off the 1-2-5 grid (0.00961, from a lowest batch loss of
// 0.01201) sent uPlot's tick stepping into a loop (docs/decisions.md). www/ui/ticks.js's
// logRange starts log axes at one significant digit; this draws such charts and reads the ticks
// uPlot computed.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, useBrowser } from '../harness.mjs';

const browser = useBrowser();

test('log-axis charts draw ticks on the 1-2-5 grid for minima across six decades, without errors', async () => {
  const { page, context, pageErrors } = await openPage(browser.session);
  try {
    const result = await page.evaluate(async () => {
      const { LineChart, flushCharts } = await import('./www/charts/line-chart.js');
      const figure = document.createElement('figure');
      document.body.append(figure);
      const chart = new LineChart(figure, {
        title: 'test',
        xLabel: 'step',
        yLabel: 'loss',
        log: true,
        series: [{ label: 'loss', colour: '--c-train' }],
      });
      const out = [];
      // 0.01201 is the reported case; the others sweep lower ends across six decades.
      const minima = [0.01201, ...Array.from({ length: 120 }, (_, i) => 10 ** (-4 + (6 * i) / 119) * 1.0123)];
      for (const min of minima) {
        chart.setData([[0, 1, 2], [2.93, Math.sqrt(min * 2.93), min]]);
        flushCharts();
        await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
        const axis = chart.uplot.axes[1];
        // After a failed draw uPlot leaves them null.
        out.push({ min, splits: axis._splits?.length ?? -1, labels: (axis._values ?? []).filter((v) => v !== '' && v != null) });
      }
      chart.destroy();
      return out;
    });
    assert.deepEqual(pageErrors, []);
    for (const { min, splits, labels } of result) {
      assert.ok(splits > 0 && splits < 100, `lower end ${min}: ${splits} candidate ticks`);
      assert.ok(labels.length >= 1, `lower end ${min}: some labels (${labels})`);
      for (const label of labels) {
        const v = Number(label);
        const mantissa = Number(v.toExponential().split('e')[0]);
        assert.ok([1, 2, 3, 5].includes(mantissa), `lower end ${min}: label ${label} is on the 1-2-(3)-5 grid`);
      }
    }
  } finally {
    await context.close();
  }
});
