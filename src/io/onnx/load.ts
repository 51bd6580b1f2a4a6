// loadOnnx: ONNX bytes (any platform) or a file path (Node: external data beside the model).
// Every problem with the file is a FormatError (or a LimitError for sizes above setLimits'
// limits) naming the file and the node, initializer or field, raised before tensors are allocated.
import { decodeModel } from './proto.js';
import { OnnxModel } from './model.js';
import type { ExternalDataReader } from './tensor-proto.js';

export interface LoadOnnxOptions {
  /** Names the source in error messages when bytes are passed (default 'ONNX bytes'). */
  name?: string;
  /** The values forward returns (default: the graph's outputs); an inner value cuts the graph there. */
  outputs?: string[];
}

/**
 * Loads an ONNX model as an nn.Module whose initializers are its parameters, named as in the
 * file; forward(...inputs) runs the graph with striate's ops, with gradients. Fails at load time
 * listing every unsupported operator with its node name and opset.
 * @example
 * const model = await loadOnnx('resnet18.onnx');
 * model.eval();
 * const logits = model.forward(images); // [N, 1000]
 */
export async function loadOnnx(source: Uint8Array | string, opts: LoadOnnxOptions = {}): Promise<OnnxModel> {
  if (typeof source === 'string') return (await import('./node-files.js')).loadOnnxFile(source, opts.outputs);
  return onnxFromBytes(source, opts);
}

/** loadOnnx of bytes, synchronously; `readExternal` reads data stored beside the model. @internal */
export function onnxFromBytes(bytes: Uint8Array, opts: LoadOnnxOptions & { readExternal?: ExternalDataReader } = {}): OnnxModel {
  const what = opts.name ?? 'ONNX bytes';
  return new OnnxModel(decodeModel(bytes, what), what, { outputs: opts.outputs, readExternal: opts.readExternal });
}
