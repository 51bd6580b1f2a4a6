// Public exports of src/train: fit, evaluate, metrics, progress, clipping, training curves.
export { fit, type FitOptions, type FitData, type FitContext, type Callbacks, type History, type StopReason } from './fit.js';
export { evaluate, evaluateAsync, type EvaluateOptions, type EvaluateAsyncOptions } from './evaluate.js';
export { ClassificationMetrics, formatConfusionMatrix, type ClassificationResult } from './metrics.js';
export {
  lineReporter, silentReporter, formatEpoch, type ProgressReporter, type EpochLog, type StepInfo,
} from './progress.js';
export { clipGradNorm, clipGradNormOnDevice, clipGradValue } from './clip.js';
export type { TrainableModel, OptimizerLike, LossFn } from './types.js';
export { trainingCurvesSvg } from './curves-svg.js';
