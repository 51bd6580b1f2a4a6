// What fit and evaluate need from a model and an optimiser. nn.Module and every optimiser in
// optim satisfy these; they are structural so tests and users can bring their own.
import type { Device } from '../kernels/storage.js';
import type { StatefulModel } from '../io/model-file.js';
import type { Tensor } from '../ops/tensor.js';
import type { OptimizerStateDict } from '../optim/optimizer.js';

export interface TrainableModel extends StatefulModel {
  forward(x: Tensor): Tensor;
  parameters(): Tensor[];
  namedParameters(): [string, Tensor][];
  train(on?: boolean): unknown;
  eval(): unknown;
  readonly training: boolean;
  /** Moves parameters and buffers to a device in place (nn.Module has it); needed by fit's device option. */
  to?(device: Device): unknown;
}

export interface OptimizerLike {
  lr: number;
  zeroGrad(): void;
  step(): void;
  /** Every optimiser of optim has these; full checkpoints save and restore its state with them. */
  stateDict?(): OptimizerStateDict;
  loadStateDict?(sd: OptimizerStateDict): void;
}

/** A loss on a batch's outputs and labels, averaged over the batch. */
export type LossFn = (output: Tensor, target: Int32Array) => Tensor;
