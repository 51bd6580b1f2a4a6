// A model's inference forward recorded once as its kernel calls and replayed for each new input
// (ops/kernel-record.ts): the same kernels on the same memory, none of the modules', ops' and
// tensors' JavaScript between them, as onnxruntime's sessions and PyTorch's CUDA graphs run a
// fixed plan. That JavaScript costs ResNet-18 at batch 1 about 1 ms a forward here, most of it
// cache misses after each kernel has swept the caches (BENCHMARKS.md).
import { noGrad } from '../autograd/grad-mode.js';
import type { Kernels } from '../kernels/kernels.js';
import type { Storage } from '../kernels/storage.js';
import { compileKernelCalls, recordKernelCalls } from '../ops/kernel-record.js';
import { kernels } from '../ops/record.js';
import { clone, copyInPlace } from '../ops/shape-ops.js';
import { Tensor } from '../ops/tensor.js';
import { sameShape, shapeStr } from '../tensor/shape.js';
import { Module } from './module.js';

interface Recording {
  kernels: Kernels; // the device's kernels then: another backend means recording again
  state: Tensor[]; // the model's parameters and buffers, with their storages and versions then
  storages: Storage[];
  versions: number[];
  input: Tensor; // the recording's own, of the example's shape and device
  output: Tensor;
  replay: () => void; // the kernel calls again (their arguments hold the storages they use)
}

/**
 * A model's evaluation forward for inputs of one shape, recorded as its kernel calls and replayed
 * (see recordForward).
 */
export class RecordedForward {
  private recording: Recording;

  constructor(readonly model: Module, example: Tensor) {
    if (!(model instanceof Module)) throw new Error(`recordForward: model must be an nn.Module, got ${typeName(model)}`);
    checkTensor('recordForward', 'example', example);
    this.checkEval('recordForward');
    this.recording = this.record(example);
  }

  /** The model's output for x (x.shape as the example's), a new tensor without gradient. */
  forward(x: Tensor): Tensor {
    checkTensor('RecordedForward.forward', 'x', x);
    const { shape, device } = this.recording.input;
    if (!sameShape(x.shape, shape) || x.device !== device) {
      throw new Error(`RecordedForward.forward: recorded for inputs ${shapeStr(shape)} on '${device}', ` +
        `got ${shapeStr(x.shape)} on '${x.device}' (record another: nn.recordForward(model, x))`);
    }
    this.checkEval('RecordedForward.forward');
    if (!this.current()) this.recording = this.record(x);
    const { input, replay, output } = this.recording;
    copyInPlace(input, x);
    replay();
    return clone(output);
  }

  private checkEval(who: string): void {
    if (this.model.training) {
      throw new Error(`${who}: the model is in training mode; a recorded forward replays inference (call model.eval() first)`);
    }
  }

  // Whether the recording still computes the model: same backend, and every parameter and buffer
  // recorded still has its storage and values (an in-place update, a load or a move bumps the version).
  private current(): boolean {
    const r = this.recording;
    if (kernels(r.input.device) !== r.kernels) return false;
    for (let i = 0; i < r.state.length; i++) {
      const t = r.state[i]!;
      if (t.storage !== r.storages[i] || t.version !== r.versions[i]) return false;
    }
    return true;
  }

  private record(example: Tensor): Recording {
    const input = clone(example);
    return noGrad(() => {
      // An ordinary forward first: folded batch norms and the backend's prepared weights are made
      // then, outside the recording, and kept for the recorded calls to find.
      this.model.forward(input);
      const { result, calls } = recordKernelCalls('recordForward', () => this.model.forward(input));
      const state = [...this.model.parameters(), ...this.model.buffers()];
      return {
        kernels: kernels(input.device), state, storages: state.map((t) => t.storage), versions: state.map((t) => t.version),
        input, output: result, replay: compileKernelCalls(input.device, calls),
      };
    });
  }
}

const typeName = (v: unknown) => (v === null ? 'null' : typeof v === 'object' ? (v.constructor?.name ?? 'an object') : typeof v);

function checkTensor(who: string, name: string, v: unknown): void {
  if (!(v instanceof Tensor)) throw new Error(`${who}: ${name} must be a Tensor, got ${typeName(v)}`);
}

/**
 * `model`'s forward for inputs shaped like `example`, recorded once as its kernel calls and then
 * replayed for each input: the same kernels on the same memory without the modules' and ops'
 * JavaScript between them (onnxruntime's session, PyTorch's CUDA graph). The model must be in
 * evaluation mode; outputs carry no gradient. It records again by itself when a parameter or
 * buffer changes (in place, loaded or moved) or the backend does (the wasm backend's replay, split
 * for the threads it was captured with, when the thread count does); replace a module or a
 * parameter object and record anew. As with torch.jit.trace, control flow is the recorded one,
 * and a forward that reads or writes tensor values on the host (item(), data) cannot be recorded.
 * @example const fast = nn.recordForward(model.eval(), randn([1, 3, 224, 224])); const y = fast.forward(x);
 */
export function recordForward(model: Module, example: Tensor): RecordedForward {
  return new RecordedForward(model, example);
}
