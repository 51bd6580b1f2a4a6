// Public exports of src/optim: one line per module, so each file's owner can add theirs.
export { Optimizer, type OptimizerStateDict, type ParamGroup, type ParamState, type StateSpec } from './optimizer.js';
export { SGD, type SGDOptions } from './sgd.js';
export { Adam, AdamW, type AdamOptions } from './adam.js';
export { LRScheduler, StepLR, CosineAnnealingLR, LinearLR, SequentialLR, type HasLr } from './schedules.js';
