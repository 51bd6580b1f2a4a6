// Public exports of src/io: safetensors and model files. File access is behind dynamic imports
// (files.ts), so browser bundles never load node:fs.
export {
  encodeSafetensors, decodeSafetensors, type SafetensorsDtype, type SafetensorsEntry, type SafetensorsTensor, type SafetensorsFile,
} from './safetensors.js';
export {
  modelToSafetensors, loadSafetensorsInto, parseModelMetadata, type ModelMetadata, type StatefulModel,
} from './model-file.js';
export { saveModel, loadModel, readModelFile, readModelHeader, checkSaveTarget, type SaveOptions } from './files.js';
export { loadOnnx, type LoadOnnxOptions } from './onnx/load.js';
export { OnnxModel, type OnnxNodeInfo } from './onnx/model.js';
export { exportOnnx, saveOnnx, type ExportOnnxOptions } from './onnx/export.js';
export type { OnnxValue } from './onnx/op-types.js';
