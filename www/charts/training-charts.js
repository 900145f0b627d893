// The playground's four live charts of the run being trained: batch loss (raw and smoothed) and
// learning rate per step, loss and accuracy per epoch. It keeps the series (also with the charts
// off: the verdict reads the epochs) and tells the charts when they changed; drawing happens in
// the render ticks of www/charts/line-chart.js.
//
// Non-goals: the read-outs and the verdict (www/playground/playground.js), the weights views
// (www/charts/weights.js).

import { LineChart } from './line-chart.js';
import { Smoother } from './smoothing.js';

/**
 * Step-indexed series are halved (every other point dropped) beyond this many points: a chart is
 * at most ~1,000 px wide, and drawing cost grows with the points (1,000–2,000 are kept).
 */
const MAX_POINTS = 2_000;

export class TrainingCharts {
  /**
   * @param {{batchLoss: HTMLElement, learningRate: HTMLElement, epochLoss: HTMLElement, epochAccuracy: HTMLElement}} boxes
   * @param {boolean} chartsOn  false: keep the series, draw nothing (?charts=off)
   */
  constructor(boxes, chartsOn) {
    this.charts = chartsOn ? makeCharts(boxes) : null;
    this.clear();
  }

  /** Forget the run: empty series and charts. */
  clear() {
    this.series = {
      step: [],
      loss: [],
      smooth: [],
      lr: [],
      smoother: new Smoother({ log: true }),
      epoch: [],
      trainLoss: [],
      validationLoss: [],
      testLoss: [],
      trainAccuracy: [],
      validationAccuracy: [],
      testAccuracy: [],
    };
    /** The epoch summaries as the worker sent them, without their model files (for the verdict). */
    this.epochs = [];
    if (this.charts) {
      const s = this.series;
      this.charts.batchLoss.setData([s.step, s.loss, s.smooth]);
      this.charts.learningRate.setData([s.step, s.lr]);
      this.charts.epochLoss.setData([s.epoch, s.trainLoss, s.validationLoss, s.testLoss]);
      this.charts.epochAccuracy.setData([s.epoch, s.trainAccuracy, s.validationAccuracy, s.testAccuracy]);
    }
  }

  /** A progress message's batch points: {step[], loss[], learning_rate[]}. */
  addPoints(points) {
    const s = this.series;
    for (let i = 0; i < points.step.length; i++) {
      const step = points.step[i];
      s.step.push(step);
      s.loss.push(points.loss[i]);
      s.smooth.push(s.smoother.push(step, points.loss[i]));
      s.lr.push(points.learning_rate[i]);
    }
    if (s.step.length > MAX_POINTS) {
      for (const key of ['step', 'loss', 'smooth', 'lr']) s[key] = s[key].filter((_, i) => i % 2 === 0);
      this.charts?.batchLoss.setData([s.step, s.loss, s.smooth]);
      this.charts?.learningRate.setData([s.step, s.lr]);
    }
    if (this.charts && points.step.length > 0) {
      this.charts.batchLoss.touch();
      this.charts.learningRate.touch();
    }
  }

  /** An epoch message: its losses and accuracies. */
  addEpoch(e) {
    const s = this.series;
    s.epoch.push(e.epoch);
    s.trainLoss.push(e.train.loss);
    s.trainAccuracy.push(e.train.accuracy);
    s.validationLoss.push(e.validation?.loss ?? null);
    s.validationAccuracy.push(e.validation?.accuracy ?? null);
    s.testLoss.push(e.test?.loss ?? null);
    s.testAccuracy.push(e.test?.accuracy ?? null);
    this.charts?.epochLoss.touch();
    this.charts?.epochAccuracy.touch();
    const { model, ...summary } = e; // not the epoch's model file: kept per epoch, it would pile up
    this.epochs.push(summary);
  }

  /** The last smoothed batch loss, or undefined before the first step. */
  lastSmoothed() {
    return this.series.smooth.at(-1);
  }
}

function makeCharts(boxes) {
  const epochSeries = [
    // Dashed is training on every chart of the page (as in the compare view).
    { label: 'training', colour: '--c-train', points: true, dash: [5, 4] },
    { label: 'validation', colour: '--c-validation', points: true },
    { label: 'test', colour: '--c-test', points: true },
  ];
  return {
    batchLoss: new LineChart(boxes.batchLoss, {
      title: 'Batch loss (cross-entropy) per step',
      xLabel: 'step',
      log: true,
      series: [
        { label: 'raw', colour: '--c-train', alpha: 0.35, width: 1 },
        { label: 'smoothed', colour: '--c-train', width: 2 },
      ],
    }),
    learningRate: new LineChart(boxes.learningRate, {
      title: 'Learning rate per step',
      xLabel: 'step',
      series: [{ label: 'learning rate', colour: '--c-lr', width: 2 }],
      every: 1000,
    }),
    // On a log axis like the batch loss: one epoch of a diverging run (thousands) would flatten
    // every other point of a linear one.
    epochLoss: new LineChart(boxes.epochLoss, { title: 'Loss per epoch', xLabel: 'epoch', integerX: true, log: true, series: epochSeries }),
    epochAccuracy: new LineChart(boxes.epochAccuracy, {
      title: 'Accuracy per epoch',
      xLabel: 'epoch',
      integerX: true,
      percent: true,
      series: epochSeries,
    }),
  };
}
