// Classification metrics accumulated batch by batch: loss, accuracy, top-k accuracy, per-class
// accuracy and the confusion matrix (rows = true class, columns = predicted class).

export interface ClassificationResult {
  /** Mean loss per sample (NaN when no loss was given). */
  loss: number;
  accuracy: number;
  /** Top-k accuracy for each k asked for, e.g. { 1: 0.81, 5: 0.99 }. */
  topK: Record<number, number>;
  /** Accuracy (recall) of each true class; NaN for a class with no samples. */
  perClassAccuracy: number[];
  /** confusion[true][predicted] counts. */
  confusion: number[][];
  count: number;
}

/**
 * Accumulates predictions; `update` takes the logits of a batch ([B, C], row-major) and labels.
 * @example
 * const m = new ClassificationMetrics(10, [5]);
 * m.update(logits.data, y, loss.item() * y.length);
 * m.result().accuracy
 */
export class ClassificationMetrics {
  private readonly confusion: number[][];
  private readonly topKHits: number[];
  private lossSum = 0;
  private lossCount = 0;
  private n = 0;

  constructor(readonly numClasses: number, readonly topK: readonly number[] = []) {
    for (const k of topK) {
      if (!(Number.isInteger(k) && k >= 1 && k <= numClasses)) throw new Error(`metrics: top-k needs 1 ≤ k ≤ ${numClasses}, got ${k}`);
    }
    this.confusion = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
    this.topKHits = topK.map(() => 0);
  }

  /** Adds a batch. `lossSum` is the batch's summed (not mean) loss, if any. */
  update(logits: Float32Array, labels: ArrayLike<number>, lossSum?: number): void {
    const c = this.numClasses;
    const b = labels.length;
    if (logits.length !== b * c) throw new Error(`metrics: ${logits.length} logits for ${b} labels × ${c} classes`);
    for (let i = 0; i < b; i++) {
      const row = logits.subarray(i * c, (i + 1) * c);
      const y = labels[i]!;
      let best = 0;
      for (let j = 1; j < c; j++) if (row[j]! > row[best]!) best = j;
      this.confusion[y]![best]!++;
      if (this.topK.length > 0) {
        // Rank of the true class = how many classes score strictly higher (ties count for it).
        let higher = 0;
        for (let j = 0; j < c; j++) if (row[j]! > row[y]!) higher++;
        this.topK.forEach((k, t) => { if (higher < k) this.topKHits[t]!++; });
      }
    }
    if (lossSum !== undefined) {
      this.lossSum += lossSum;
      this.lossCount += b;
    }
    this.n += b;
  }

  result(): ClassificationResult {
    let correct = 0;
    const perClassAccuracy = this.confusion.map((row, i) => {
      const total = row.reduce((a, b) => a + b, 0);
      correct += row[i]!;
      return total === 0 ? NaN : row[i]! / total;
    });
    const topK: Record<number, number> = {};
    this.topK.forEach((k, t) => { topK[k] = this.topKHits[t]! / this.n; });
    return {
      loss: this.lossCount > 0 ? this.lossSum / this.lossCount : NaN,
      accuracy: this.n > 0 ? correct / this.n : NaN,
      topK,
      perClassAccuracy,
      confusion: this.confusion.map((r) => r.slice()),
      count: this.n,
    };
  }
}

/**
 * A confusion matrix as aligned text, true classes down, predictions across, with per-class
 * accuracy at the end of each row.
 * @example console.log(formatConfusionMatrix(result.confusion, test.classNames));
 */
export function formatConfusionMatrix(confusion: number[][], classNames?: readonly string[]): string {
  const names = classNames ?? confusion.map((_, i) => String(i));
  const labels = names.map((n, i) => `${i} ${n}`);
  const labelW = Math.max(4, ...labels.map((n) => n.length));
  const cellW = Math.max(4, ...confusion.flat().map((v) => String(v).length)) + 1;
  const head = ' '.repeat(labelW) + ' │' + names.map((_, j) => String(j).padStart(cellW)).join('') + '  │ acc';
  const lines = [head, '─'.repeat(labelW + 1) + '┼' + '─'.repeat(cellW * names.length + 2) + '┼─────'];
  confusion.forEach((row, i) => {
    const total = row.reduce((a, b) => a + b, 0);
    const acc = total ? `${((100 * row[i]!) / total).toFixed(1)}%` : '—';
    lines.push(`${labels[i]!.padEnd(labelW)} │${row.map((v) => String(v).padStart(cellW)).join('')}  │ ${acc}`);
  });
  return lines.join('\n');
}
