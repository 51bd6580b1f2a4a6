// striate: convolutional neural networks in TypeScript. The public surface of ../shared/API.md.
export { Tensor } from './ops/tensor.js';
export { tensor, zeros, ones, full, randn, rand, type TensorOptions, type RandomOptions } from './ops/creation.js';
export type { BackwardOptions } from './ops/tensor.js';
export type { Operand } from './ops/elementwise.js';
export type { GradNode } from './autograd/engine.js';
export type { Rng } from './tensor/rng.js';
export { noGrad } from './autograd/grad-mode.js';
export { manualSeed } from './tensor/rng.js';
export { setBackend, getBackend, setNumThreads, getNumThreads, availableBackends, describeBackend, type BackendName, type Storage } from './kernels/backend.js';
export * as F from './ops/functional.js';
export { gradCheck, type GradCheckOptions } from './ops/gradcheck.js';
export * as nn from './nn/index.js';
export * as optim from './optim/index.js';
export * as models from './models/index.js';
export { summary, formatSummary, type ModelSummary, type LayerSummary, type SummaryFailure, type SummaryOptions } from './models/summary.js';
export * from './data/index.js';
export * from './train/index.js';
export * from './io/index.js';

// The fastest available backend becomes current at import (WebAssembly SIMD where it exists).
import { installWasmBackend } from './kernels/wasm/index.js';
await installWasmBackend();
