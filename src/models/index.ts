// Public exports of src/models: one line per model file, so each file's owner can add theirs.
export { lenet5, LeNet5, type LeNet5Options } from './lenet5.js';
